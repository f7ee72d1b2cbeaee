import Foundation

/// Whether one trial was adequate, and why.
///
/// - An antidepressant trial is adequate when the prescriber marked the dose adequate **and** it
///   lasted at least the policy's weeks (default 6 [R26-JP][R53]); an ongoing trial counts the
///   days up to `today`.
/// - An ECT or TMS course is adequate when the prescriber marked it adequate. The week rule is
///   about antidepressant drugs [R26-JP][R53]; no source in the reference gives a course length.
public struct TrialAdequacy: Codable, Equatable, Sendable {
    /// True when the trial was adequate.
    public var isAdequate: Bool
    /// Days from start to end (or to `today`), counting both ends.
    public var durationDays: Int
    /// Days the policy asks for; nil for ECT and TMS courses, which have no week rule.
    public var requiredDays: Int?
    /// Why, in plain words, with source keys.
    public var reason: String

    /// Creates an adequacy finding.
    public init(isAdequate: Bool, durationDays: Int, requiredDays: Int?, reason: String) {
        self.isAdequate = isAdequate
        self.durationDays = durationDays
        self.requiredDays = requiredDays
        self.reason = reason
    }
}

extension AntidepressantTrial {
    /// Whether the trial was adequate under `policy` on `today`.
    public func adequacy(policy: TreatmentResistancePolicy, today: CalendarDate) -> TrialAdequacy {
        let days = durationDays(today: today)
        switch kind {
        case .medication:
            let required = policy.adequateTrialDays
            let lasted = "\(endedOn == nil ? "ongoing, " : "")lasted \(Self.describe(days: days))"
            if !adequateDose {
                return TrialAdequacy(isAdequate: false, durationDays: days, requiredDays: required,
                                     reason: "not adequate: the dose was not marked adequate (\(lasted))")
            }
            if days < required {
                return TrialAdequacy(isAdequate: false, durationDays: days, requiredDays: required,
                                     reason: "not adequate: \(lasted), short of \(policy.adequateTrialWeeks) weeks [R26-JP][R53]")
            }
            return TrialAdequacy(isAdequate: true, durationDays: days, requiredDays: required,
                                 reason: "adequate: dose marked adequate and \(lasted) (at least \(policy.adequateTrialWeeks) weeks [R26-JP][R53])")
        case .ect, .tms:
            return TrialAdequacy(isAdequate: adequateDose, durationDays: days, requiredDays: nil,
                                 reason: adequateDose ? "adequate: the course was marked adequate"
                                                      : "not adequate: the course was not marked adequate")
        }
    }

    /// A short label for explanations: "sertraline (SSRI), 2025-01-06 to 2025-03-03".
    public var summaryLabel: String {
        let what: String
        switch kind {
        case .medication: what = drugClass.map { "\(treatment) (\($0.rawValue.uppercased()))" } ?? treatment
        case .ect: what = "\(ectPlacement.map { "\($0.rawValue) " } ?? "")ECT"
        case .tms: what = "TMS"
        }
        return "\(what), \(startedOn.iso) to \(endedOn?.iso ?? "now")"
    }

    /// The drug's identity for "different antidepressants": the name, trimmed, case- and
    /// accent-folded, so "Sertraline" and "sertraline " are the same drug.
    var drugKey: String {
        treatment.trimmed.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    static func describe(days: Int) -> String {
        let weeks = days / 7, rest = days % 7
        let w = weeks == 1 ? "1 week" : "\(weeks) weeks"
        let d = rest == 1 ? "1 day" : "\(rest) days"
        if weeks == 0 { return d }
        return rest == 0 ? w : "\(w) \(d)"
    }
}
