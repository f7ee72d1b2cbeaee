import Foundation

/// The clinic's definition of treatment-resistant depression (TRD): how long an antidepressant
/// trial must last to be adequate, how many adequate failed trials make TRD, and whether they
/// must be different drugs (§3.1 of the clinical reference).
///
/// Every default is taken from a source; an administrator may change them, e.g. to the
/// Karolinska model's 28-day adequate episode [R53].
public struct TreatmentResistancePolicy: Codable, Equatable, Sendable {
    /// An antidepressant trial must last at least this many weeks, at a dose the prescriber
    /// judged adequate, to count. Default 6 [R26-JP][R53].
    public var adequateTrialWeeks: Int
    /// TRD needs at least this many adequate failed antidepressant trials in the current
    /// episode. Default 2 [R22][R23].
    public var minimumFailedTrials: Int
    /// The trials must be of different antidepressants; a second trial of the same drug does
    /// not count again. Default true ("different antidepressants" [R22][R23]).
    public var requireDifferentDrugs: Bool

    /// Creates a policy without checking it; call ``validated()`` on user input.
    public init(adequateTrialWeeks: Int, minimumFailedTrials: Int, requireDifferentDrugs: Bool) {
        self.adequateTrialWeeks = adequateTrialWeeks
        self.minimumFailedTrials = minimumFailedTrials
        self.requireDifferentDrugs = requireDifferentDrugs
    }

    /// The sourced defaults: 6 weeks [R26-JP][R53], 2 trials [R22][R23], different drugs [R22][R23].
    public static let defaults = TreatmentResistancePolicy(
        adequateTrialWeeks: 6, minimumFailedTrials: 2, requireDifferentDrugs: true)

    /// Accepted weeks: an input bound that stops typing mistakes, not clinical guidance.
    public static let adequateTrialWeeksRange = 1...52
    /// Accepted trial counts: an input bound that stops typing mistakes, not clinical guidance.
    public static let minimumFailedTrialsRange = 1...10

    /// The policy, or the field errors that stop it being saved.
    public func validated() throws(FieldErrors) -> TreatmentResistancePolicy {
        var errors = FieldErrors()
        let weeks = Self.adequateTrialWeeksRange, trials = Self.minimumFailedTrialsRange
        if !weeks.contains(adequateTrialWeeks) {
            errors.add("adequateTrialWeeks", "Enter a whole number of weeks from \(weeks.lowerBound) to \(weeks.upperBound).")
        }
        if !trials.contains(minimumFailedTrials) {
            errors.add("minimumFailedTrials", "Enter a whole number of trials from \(trials.lowerBound) to \(trials.upperBound).")
        }
        try errors.throwIfAny()
        return self
    }

    /// The days an adequate antidepressant trial must last: the weeks times seven.
    public var adequateTrialDays: Int { adequateTrialWeeks * 7 }

    /// One setting as an administrator page shows it.
    public struct Setting: Equatable, Sendable {
        /// Where a default value comes from.
        public enum Status: String, Equatable, Sendable {
            /// The default is taken from the cited source; the clinic may change it.
            case sourced
            /// The reference found no source (NOT FOUND); the default is the clinic's choice.
            case clinicPolicy = "clinic_policy"
        }

        /// The property and form field name.
        public let field: String
        /// The label the form shows.
        public let label: String
        /// What the setting does, in plain words.
        public let help: String
        /// The default, as the form shows it.
        public let defaultValue: String
        /// Source keys into the clinical reference.
        public let sources: [String]
        /// Whether the default is sourced or clinic policy.
        public let status: Status
    }

    /// The settings in the order an administrator page lists them.
    public static let settings: [Setting] = [
        Setting(
            field: "adequateTrialWeeks", label: "Adequate trial duration (weeks)",
            help: "An antidepressant trial counts as adequate when the prescriber marked the dose adequate and it lasted at least this many weeks. Janssen's phase 3 definition and the MGH-S register adaptation use 6 weeks; the Karolinska model uses 28 days (4 weeks).",
            defaultValue: "6", sources: ["R26-JP", "R53"], status: .sourced),
        Setting(
            field: "minimumFailedTrials", label: "Failed adequate trials for TRD",
            help: "Treatment-resistant depression needs at least this many adequate antidepressant trials without response (partial or none) in the current episode. The EU SmPC and Health Canada both say two.",
            defaultValue: "2", sources: ["R22", "R23"], status: .sourced),
        Setting(
            field: "requireDifferentDrugs", label: "Trials must be different antidepressants",
            help: "When on, a second trial of the same drug does not count again. The EU SmPC and Health Canada definitions say \"different antidepressants\".",
            defaultValue: "on", sources: ["R22", "R23"], status: .sourced),
    ]
}
