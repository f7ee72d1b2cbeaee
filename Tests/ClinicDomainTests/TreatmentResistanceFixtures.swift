import ClinicDomain

/// Builders for the treatment-resistance tests: trials of a given length in days, counted from
/// start to end inclusive, so `days: 42` is exactly six weeks.
enum TRDFixtures {
    static let today = CalendarDate(year: 2026, month: 6, day: 1)!

    static func date(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    /// A medication trial that ended `endedDaysAgo` days before today after lasting `days` days.
    static func drug(_ name: String, _ drugClass: AntidepressantTrial.DrugClass, days: Int = 56,
                     outcome: AntidepressantTrial.Outcome = .noResponse, adequateDose: Bool = true,
                     optimised: Bool = false, augmentation: String? = nil, inEpisode: Bool = true,
                     endedDaysAgo: Int = 10) -> AntidepressantTrial {
        let end = today.adding(days: -endedDaysAgo)
        return AntidepressantTrial(kind: .medication, treatment: name, drugClass: drugClass, dose: nil,
                                   adequateDose: adequateDose, startedOn: end.adding(days: -(days - 1)),
                                   endedOn: outcome == .ongoing ? nil : end, outcome: outcome,
                                   optimised: optimised, augmentation: augmentation, inCurrentEpisode: inEpisode)
    }

    /// An ongoing medication trial that started `days - 1` days before today (so it has lasted `days` days).
    static func ongoing(_ name: String, _ drugClass: AntidepressantTrial.DrugClass, days: Int) -> AntidepressantTrial {
        AntidepressantTrial(kind: .medication, treatment: name, drugClass: drugClass, adequateDose: true,
                            startedOn: today.adding(days: -(days - 1)), outcome: .ongoing)
    }

    /// An ECT course of three weeks.
    static func ect(_ placement: AntidepressantTrial.ECTPlacement = .bilateral,
                    outcome: AntidepressantTrial.Outcome = .noResponse, adequate: Bool = true,
                    inEpisode: Bool = true) -> AntidepressantTrial {
        AntidepressantTrial(kind: .ect, treatment: "ECT course", adequateDose: adequate,
                            startedOn: today.adding(days: -40), endedOn: today.adding(days: -20), outcome: outcome,
                            ectPlacement: placement, inCurrentEpisode: inEpisode)
    }

    /// A TMS course.
    static func tms(outcome: AntidepressantTrial.Outcome = .noResponse) -> AntidepressantTrial {
        AntidepressantTrial(kind: .tms, treatment: "rTMS course", adequateDose: true,
                            startedOn: today.adding(days: -60), endedOn: today.adding(days: -20), outcome: outcome)
    }

    /// `count` failed adequate trials of different SSRIs-or-others, named drug1…drugN.
    static func failures(_ count: Int) -> [AntidepressantTrial] {
        (0..<count).map { drug("drug\($0 + 1)", $0 % 2 == 0 ? .ssri : .other, endedDaysAgo: 10 + 60 * $0) }
    }

    /// A current episode that started `months` whole months before today.
    static func episode(months: Int, _ severity: DepressiveEpisode.Severity = .moderate) -> DepressiveEpisode {
        let total = today.year * 12 + (today.month - 1) - months
        return DepressiveEpisode(startedOn: CalendarDate(year: total / 12, month: total % 12 + 1, day: today.day)!,
                                 severity: severity)
    }

    static func assess(_ trials: [AntidepressantTrial], episode: DepressiveEpisode? = nil,
                       policy: TreatmentResistancePolicy = .defaults) -> TreatmentResistanceAssessment {
        TreatmentResistanceCalculator.assess(trials: trials, episode: episode, policy: policy, today: today)
    }
}
