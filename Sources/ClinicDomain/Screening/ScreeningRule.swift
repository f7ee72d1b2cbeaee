/// One eligibility rule: what it checks, how much it weighs for each treatment, why, and where
/// the reference says so.
///
/// The same condition can weigh differently per treatment (aneurysm is a contraindication for
/// both, a recent cardiovascular event is an esketamine contraindication only under the EU/UK
/// SmPC [R22]), and a rule can be limited to some regions. Rules are values in
/// ``ScreeningRuleCatalog/all``; their `trigger` is pure and reads only the ``ScreeningContext``.
public struct ScreeningRule: Sendable, Identifiable, Equatable {
    /// Stable identifier, e.g. `KC-SCR-ANEURYSM`; stored in signed screening snapshots.
    public let id: String
    /// Short title shown in lists.
    public let title: String
    /// Category per treatment; a treatment absent from the map is not concerned by the rule.
    public let categories: [Treatment: RuleCategory]
    /// Per-region replacements of ``categories`` (e.g. esketamine under the EU/UK SmPC).
    public let regionalCategories: [Jurisdiction.Region: [Treatment: RuleCategory]]
    /// The regions the rule applies in; nil means everywhere.
    public let regions: Set<Jurisdiction.Region>?
    /// What triggers it, in words (the rule table in docs/screening.md).
    public let trigger: String
    /// Plain-language explanation for the prescriber.
    public let explanation: String
    /// Source keys into the clinical reference, e.g. `["R13", "R22"]`.
    public let sources: [String]
    /// Decides whether the rule fires for `treatment`; returns the specific detail, or nil.
    let evaluate: @Sendable (ScreeningContext, Treatment) -> String?

    /// Creates a rule. `evaluate` returns the finding's detail when the rule fires.
    public init(id: String, title: String, categories: [Treatment: RuleCategory],
                regionalCategories: [Jurisdiction.Region: [Treatment: RuleCategory]] = [:],
                regions: Set<Jurisdiction.Region>? = nil, trigger: String, explanation: String, sources: [String],
                evaluate: @escaping @Sendable (ScreeningContext, Treatment) -> String?) {
        self.id = id
        self.title = title
        self.categories = categories
        self.regionalCategories = regionalCategories
        self.regions = regions
        self.trigger = trigger
        self.explanation = explanation
        self.sources = sources
        self.evaluate = evaluate
    }

    /// The rule's category for `treatment` in `region`, or nil when it does not apply there.
    public func category(for treatment: Treatment, in region: Jurisdiction.Region? = nil) -> RuleCategory? {
        if let region {
            if let regions, !regions.contains(region) { return nil }
            if let regional = regionalCategories[region]?[treatment] { return regional }
        }
        return categories[treatment]
    }

    /// The treatments the rule concerns in at least one region, in ``Treatment/allCases`` order.
    public var treatments: [Treatment] {
        Treatment.allCases.filter { treatment in
            categories[treatment] != nil || regionalCategories.values.contains { $0[treatment] != nil }
        }
    }

    /// The sources written as `[R13][R22]`.
    public var citation: String { sources.map { "[\($0)]" }.joined() }

    /// Rules are identified by their id.
    public static func == (lhs: ScreeningRule, rhs: ScreeningRule) -> Bool { lhs.id == rhs.id }
}

/// What a rule may read while screening: the record, clinic policy, the jurisdiction and the
/// clinic's date, plus values derived once (latest vital signs, BMI, age).
public struct ScreeningContext: Sendable {
    /// The patient's record.
    public let record: PatientRecord
    /// The clinic's screening policy.
    public let policy: ScreeningPolicy
    /// Where the clinic operates.
    public let jurisdiction: Jurisdiction
    /// The clinic's date; the engine never reads the clock.
    public let today: CalendarDate
    /// The clinic's definition of treatment resistance (the TRD rule uses it).
    public let resistancePolicy: TreatmentResistancePolicy

    /// Bundles the inputs of one evaluation.
    public init(record: PatientRecord, policy: ScreeningPolicy, jurisdiction: Jurisdiction, today: CalendarDate,
                resistancePolicy: TreatmentResistancePolicy = .defaults) {
        self.record = record
        self.policy = policy
        self.jurisdiction = jurisdiction
        self.today = today
        self.resistancePolicy = resistancePolicy
    }

    /// The most recent vital signs.
    public var vitals: VitalSigns? { record.latestVitalSigns }
    /// The medical history, when entered.
    public var medical: MedicalHistory? { record.medicalHistory }
    /// The psychiatric history, when entered.
    public var psychiatric: PsychiatricHistory? { record.psychiatricHistory }
    /// Age in whole years today.
    public var age: Int { record.age(on: today) }

    /// Current medications tagged with `interaction`.
    public func medications(_ interaction: InteractionClass) -> [Medication] {
        record.medications.filter { $0.classes.contains(interaction) }
    }

    /// Vascular events of the given kinds within `days` days before today (inclusive).
    public func vascularEvents(within days: Int, where include: (MedicalHistory.VascularEvent.Kind) -> Bool = { _ in true })
        -> [MedicalHistory.VascularEvent] {
        let since = today.adding(days: -days)
        return (medical?.vascularEvents ?? []).filter { include($0.kind) && $0.occurredOn >= since && $0.occurredOn <= today }
    }
}
