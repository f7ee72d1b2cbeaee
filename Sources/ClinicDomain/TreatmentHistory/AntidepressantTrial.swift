/// One past or current treatment of the depression: an antidepressant, ECT or TMS.
/// Treatment-resistance and the staging methods (§3.1, §3.2) are derived from these.
public struct AntidepressantTrial: Equatable, Sendable, Codable {
    /// What kind of treatment the trial was.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        /// An antidepressant drug.
        case medication
        /// Electroconvulsive therapy.
        case ect
        /// Transcranial magnetic stimulation.
        case tms

        /// The label forms show.
        public var displayName: String {
            switch self {
            case .medication: "Antidepressant"
            case .ect: "ECT"
            case .tms: "TMS"
            }
        }
    }

    /// Antidepressant class; the Thase–Rush stages count failed classes, TCAs and MAOIs [R54].
    public enum DrugClass: String, CaseIterable, Sendable, Codable {
        /// The classes the staging methods distinguish.
        case ssri, snri, tca, maoi, other

        /// The label forms show.
        public var displayName: String {
            switch self {
            case .ssri: "SSRI"
            case .snri: "SNRI"
            case .tca: "Tricyclic (TCA)"
            case .maoi: "MAOI"
            case .other: "Other (bupropion, mirtazapine, …)"
            }
        }
    }

    /// How the patient did.
    public enum Outcome: String, CaseIterable, Sendable, Codable {
        /// Responded (≥ 50 % improvement, or as the prescriber judged).
        case response
        /// Some improvement, short of response: counts as a failed trial.
        case partialResponse = "partial_response"
        /// No improvement: a failed trial.
        case noResponse = "no_response"
        /// Stopped for side effects before an adequate trial; not a failure of efficacy.
        case intolerance
        /// Still under way.
        case ongoing

        /// The label forms show.
        public var displayName: String {
            switch self {
            case .response: "Response"
            case .partialResponse: "Partial response"
            case .noResponse: "No response"
            case .intolerance: "Stopped: intolerance"
            case .ongoing: "Ongoing"
            }
        }

        /// True when the outcome is a failure of efficacy.
        public var isFailure: Bool { self == .partialResponse || self == .noResponse }
    }

    /// ECT electrode placement; Thase–Rush stage V needs failed bilateral ECT [R54].
    public enum ECTPlacement: String, CaseIterable, Sendable, Codable {
        /// Where the electrodes were placed.
        case bilateral, unilateral
    }

    /// Medication, ECT or TMS.
    public var kind: Kind
    /// Drug name (medication trials) or a description of the course.
    public var treatment: String
    /// Antidepressant class; medication trials only.
    public var drugClass: DrugClass?
    /// Dose as given, e.g. "20 mg daily".
    public var dose: String?
    /// The prescriber judged the dose adequate.
    public var adequateDose: Bool
    /// First day of the trial.
    public var startedOn: CalendarDate
    /// Last day; nil while ongoing.
    public var endedOn: CalendarDate?
    /// How the patient did.
    public var outcome: Outcome
    /// The dose was optimised (raised) during the trial: +0.5 in MGH-S [R53].
    public var optimised: Bool
    /// Augmenting agent, when one was added (e.g. "aripiprazole", "lithium"): +1 MSM, +0.5 MGH-S [R53].
    public var augmentation: String?
    /// ECT placement, for ECT trials.
    public var ectPlacement: ECTPlacement?
    /// The trial belongs to the current depressive episode (TRD definitions count only those [R22][R23]).
    public var inCurrentEpisode: Bool

    /// Creates a trial; call ``validated(today:)`` on user input.
    public init(kind: Kind, treatment: String, drugClass: DrugClass? = nil, dose: String? = nil, adequateDose: Bool,
                startedOn: CalendarDate, endedOn: CalendarDate? = nil, outcome: Outcome, optimised: Bool = false,
                augmentation: String? = nil, ectPlacement: ECTPlacement? = nil, inCurrentEpisode: Bool = true) {
        self.kind = kind
        self.treatment = treatment
        self.drugClass = drugClass
        self.dose = dose
        self.adequateDose = adequateDose
        self.startedOn = startedOn
        self.endedOn = endedOn
        self.outcome = outcome
        self.optimised = optimised
        self.augmentation = augmentation
        self.ectPlacement = ectPlacement
        self.inCurrentEpisode = inCurrentEpisode
    }

    /// The trial cleaned up, or field errors (a trial that ends before it starts, a medication
    /// without a class, an outcome while still ongoing…).
    public func validated(today: CalendarDate) throws(FieldErrors) -> AntidepressantTrial {
        var errors = FieldErrors()
        var copy = self
        copy.treatment = IntakeText.required(treatment, field: "treatment", label: "the drug or treatment", limit: 120, into: &errors)
        copy.dose = IntakeText.optional(dose, field: "dose", limit: 120, into: &errors)
        copy.augmentation = IntakeText.optional(augmentation, field: "augmentation", limit: 120, into: &errors)
        if startedOn > today { errors.add("startedOn", "The start date is in the future.") }
        if let endedOn {
            if endedOn < startedOn { errors.add("endedOn", "The trial ends before it starts; check the dates.") }
            else if endedOn > today { errors.add("endedOn", "The end date is in the future; leave it empty while the trial is ongoing.") }
            if outcome == .ongoing { errors.add("outcome", "An ended trial needs an outcome other than ongoing.") }
        } else if outcome != .ongoing {
            errors.add("endedOn", "Enter the end date, or set the outcome to ongoing.")
        }
        switch kind {
        case .medication:
            if drugClass == nil { errors.add("drugClass", "Choose the antidepressant class.") }
            copy.ectPlacement = nil
        case .ect:
            if ectPlacement == nil { errors.add("ectPlacement", "Choose bilateral or unilateral placement.") }
            copy.drugClass = nil
        case .tms:
            copy.drugClass = nil
            copy.ectPlacement = nil
        }
        try errors.throwIfAny()
        return copy
    }

    /// Days from start to end (or to `today` while ongoing), counting both ends.
    public func durationDays(today: CalendarDate) -> Int {
        let end = endedOn ?? today
        return CalendarDate.daysBetween(startedOn, end) + 1
    }
}

/// The current depressive episode, which the Maudsley Staging Method scores by duration and
/// severity [R53].
public struct DepressiveEpisode: Equatable, Sendable, Codable {
    /// Severity as the MSM grades it [R53].
    public enum Severity: String, CaseIterable, Sendable, Codable {
        /// The MSM severity grades.
        case subsyndromal, mild, moderate, severe, severeWithPsychosis = "severe_with_psychosis"

        /// The label forms show.
        public var displayName: String {
            switch self {
            case .subsyndromal: "Subsyndromal"
            case .mild: "Mild"
            case .moderate: "Moderate"
            case .severe: "Severe without psychosis"
            case .severeWithPsychosis: "Severe with psychosis"
            }
        }
    }

    /// When the episode began (an estimate is fine).
    public var startedOn: CalendarDate
    /// How severe it is now.
    public var severity: Severity

    /// Creates an episode; call ``validated(today:)`` on user input.
    public init(startedOn: CalendarDate, severity: Severity) {
        self.startedOn = startedOn
        self.severity = severity
    }

    /// The episode, or a field error for a start in the future.
    public func validated(today: CalendarDate) throws(FieldErrors) -> DepressiveEpisode {
        var errors = FieldErrors()
        if startedOn > today { errors.add("startedOn", "The episode start is in the future.") }
        try errors.throwIfAny()
        return self
    }

    /// Whole months from the start of the episode to `today`.
    public func months(today: CalendarDate) -> Int {
        var months = (today.year - startedOn.year) * 12 + (today.month - startedOn.month)
        if today.day < startedOn.day { months -= 1 }
        return max(0, months)
    }
}
