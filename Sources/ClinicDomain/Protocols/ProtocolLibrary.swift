import Foundation

/// The protocols every clinic starts with, built from shared/reference/clinical.md §1–§2.
/// Administrators edit them (each edit is a new version), retire them, or copy them into
/// custom protocols. Values the reference marks NOT FOUND are clinic policy and say so.
public enum ProtocolLibrary {
    /// All built-in protocols, version 1.
    public static let builtIn: [TreatmentProtocol] = [ivStandard, ivSlow, imKetamine, esketamineUS, esketamineEU]

    /// The built-in protocol with this id.
    public static func builtIn(id: String) -> TreatmentProtocol? { builtIn.first { $0.id == id } }

    /// The induction series shared by the racemic ketamine protocols: 6 sessions at 3 a week
    /// [R55-Mur][R55-Phil] or 2 a week [R55-ELEKT], then boosters. Maintenance has no fixed
    /// standard [R3]; weekly follows Phillips 2019 [R55-Phil], longer intervals are the clinic's choice.
    static let ketamineSeries = CourseSchedule(phases: [
        CoursePhase(name: "Induction series", kind: .induction, frequency: .perWeek(3),
                    allowedFrequencies: [.perWeek(2), .perWeek(3)], sessions: 6,       // [R55-Mur][R55-Phil][R55-ELEKT]
                    sources: ["R55-Mur", "R55-Phil", "R55-ELEKT"]),
        CoursePhase(name: "Maintenance boosters", kind: .maintenance, frequency: .everyWeeks(1),
                    allowedFrequencies: [.everyWeeks(1), .everyWeeks(2), .everyWeeks(3), .everyWeeks(4)],  // [R55-Phil][R3]
                    sources: ["R55-Phil", "R3"]),
    ], minimumDaysBetweenSessions: 2)   // NOT FOUND: clinic policy, the gap of a 3-a-week series [R55-Mur]

    /// The esketamine label schedule: day 1 and weeks 1–4 twice weekly, weeks 5–8 weekly, week 9
    /// on weekly or every 2 weeks [R14][R15][R22].
    static let esketamineLabelSchedule = CourseSchedule(phases: [
        CoursePhase(name: "Induction, weeks 1–4", kind: .induction, frequency: .perWeek(2), weeks: 4,   // [R14][R15][R22]
                    sources: ["R14", "R15", "R22"]),
        CoursePhase(name: "Maintenance, weeks 5–8", kind: .maintenance, frequency: .everyWeeks(1), weeks: 4,  // [R15][R22]
                    sources: ["R15", "R22"]),
        CoursePhase(name: "Maintenance, week 9 on", kind: .maintenance, frequency: .everyWeeks(2),
                    allowedFrequencies: [.everyWeeks(2), .everyWeeks(1)],   // [R15][R22][R14]
                    sources: ["R15", "R22", "R14"]),
    ], minimumDaysBetweenSessions: 2)   // NOT FOUND: clinic policy

    /// Limits shared by the intravenous protocols: soft 0.1–0.75 mg/kg, the reported range [R3];
    /// hard 1.0 mg/kg, the top of the usual starting range [R5] and the highest dose studied [R55-Fava];
    /// infusions of 2–100 minutes have been reported [R3] (hard), 40–60 minutes is usual [R5] (soft).
    static let intravenousLimits = DoseLimits(
        softMinimumMgPerKg: 0.1, softMaximumMgPerKg: 0.75,       // [R3]
        hardMaximumMgPerKg: 1.0,                                 // [R5][R55-Fava]
        softMinimumMinutes: 40, softMaximumMinutes: 60,          // [R5]
        hardMinimumMinutes: 2, hardMaximumMinutes: 100)          // [R3]

    /// IV racemic ketamine, 0.5 mg/kg actual body weight over 40 minutes [R3][R55-Fava][R55-ELEKT][R2],
    /// from a 50 mg/mL vial [R32] in a 100 mL bag of normal saline [R35].
    public static let ivStandard = TreatmentProtocol(
        id: "iv-ketamine-standard", name: "IV ketamine 0.5 mg/kg over 40 min", treatment: .ivKetamine,
        summary: "The standard of most trials: 0.5 mg/kg on actual body weight over 40 minutes, in 100 mL normal saline. "
            + "Six infusions at 2–3 a week, then boosters. Off-label for depression.",
        sources: ["R3", "R55-Fava", "R55-ELEKT", "R2", "R32", "R35", "R55-Mur", "R55-Phil"],
        weightBased: WeightBasedDosing(mgPerKg: 0.5, minutes: 40, weightBasis: .actual,   // [R3][R2]
                                       vial: .fiftyMgPerMl, bagMl: 100,                   // [R32][R35]
                                       limits: intravenousLimits),
        schedule: ketamineSeries)

    /// The slow-infusion variant: 0.5 mg/kg actual body weight over 100 minutes (Mayo open-label trials) [R2].
    public static let ivSlow = TreatmentProtocol(
        id: "iv-ketamine-slow", name: "IV ketamine 0.5 mg/kg over 100 min", treatment: .ivKetamine,
        summary: "The slow-infusion variant of the Mayo open-label trials: 0.5 mg/kg actual body weight over 100 minutes.",
        sources: ["R2", "R3", "R32", "R35"],
        weightBased: WeightBasedDosing(mgPerKg: 0.5, minutes: 100, weightBasis: .actual,  // [R2]
                                       vial: .fiftyMgPerMl, bagMl: 100,                   // [R32][R35]
                                       limits: DoseLimits(softMinimumMgPerKg: 0.1, softMaximumMgPerKg: 0.75,  // [R3]
                                                          hardMaximumMgPerKg: 1.0,                             // [R5]
                                                          softMinimumMinutes: 40, softMaximumMinutes: 100,     // [R3][R2]
                                                          hardMinimumMinutes: 2, hardMaximumMinutes: 100)),    // [R3]
        schedule: ketamineSeries)

    /// IM racemic ketamine. IM/SC bolus is "safe and effective" [R3], but no IM dose for depression
    /// is in the reference (NOT FOUND): the 0.5 mg/kg default is clinic policy, and the limits
    /// borrow the SC range used in anxiety, 0.25–1 mg/kg [R49-Glue]. Review before use.
    public static let imKetamine = TreatmentProtocol(
        id: "im-ketamine", name: "IM ketamine (clinic policy)", treatment: .imKetamine,
        summary: "Intramuscular racemic ketamine. The reference has no IM dose for depression: the default of 0.5 mg/kg "
            + "and the 0.25–1 mg/kg limits (the SC range used in anxiety) are clinic policy to review.",
        sources: ["R3", "R49-Glue", "R32"],
        weightBased: WeightBasedDosing(mgPerKg: 0.5, minutes: nil, weightBasis: .actual,  // NOT FOUND: clinic policy
                                       vial: .fiftyMgPerMl, bagMl: nil,                   // [R32]
                                       limits: DoseLimits(softMinimumMgPerKg: 0.25, softMaximumMgPerKg: 1.0,  // [R49-Glue]
                                                          hardMaximumMgPerKg: 1.0)),                           // [R49-Glue]
        schedule: ketamineSeries)

    /// Esketamine nasal spray on the US label: 56 mg on day 1, then 56 or 84 mg [R14][R15].
    public static let esketamineUS = TreatmentProtocol(
        id: "esketamine-us", name: "Esketamine nasal spray (US label)", treatment: .esketamine,
        summary: "Spravato on the US label: day 1 56 mg; weeks 1–4 56 or 84 mg twice weekly; weeks 5–8 weekly; "
            + "week 9 on weekly or every 2 weeks. 28 mg devices, 5 minutes apart; 84 mg only after a 56 mg start.",
        sources: ["R13", "R14", "R15", "R22", "R31", "R66"],
        esketamine: .unitedStates, schedule: esketamineLabelSchedule)

    /// Esketamine nasal spray on the EU SmPC: as the US label, but 28 mg on day 1 at 65 or over [R22].
    public static let esketamineEU = TreatmentProtocol(
        id: "esketamine-eu", name: "Esketamine nasal spray (EU SmPC)", treatment: .esketamine,
        summary: "Spravato on the EU SmPC: as the US label, except patients aged 65 or over start on 28 mg and may "
            + "continue on 28, 56 or 84 mg.",
        sources: ["R14", "R15", "R22", "R66"],
        esketamine: .europeanUnion, schedule: esketamineLabelSchedule)
}
