/// The outcome of screening for one treatment, before or after a prescriber's review.
public enum ScreeningDecision: String, CaseIterable, Sendable, Codable {
    /// No contraindication or caution fired.
    case eligible
    /// Cautions fired (or contraindications were overridden); a prescriber must acknowledge them.
    case eligibleWithCautions = "eligible-with-cautions"
    /// At least one contraindication fired and is not overridden.
    case notEligible = "not-eligible"

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .eligible: "Eligible"
        case .eligibleWithCautions: "Eligible with cautions"
        case .notEligible: "Not eligible"
        }
    }
}

/// One triggered rule, as it applies to one treatment. Self-contained, so a signed snapshot
/// still reads correctly after the catalogue changes.
public struct ScreeningFinding: Codable, Equatable, Sendable {
    /// The rule's stable id, e.g. `KC-SCR-RESTING-BP`.
    public let ruleID: String
    /// The rule's title.
    public let title: String
    /// How much it weighs for this treatment.
    public let category: RuleCategory
    /// What exactly fired, with values and sources, e.g. "Resting BP 190/105 mmHg is above the clinic limit 180/100 [R33]".
    public let detail: String
    /// The rule's plain-language explanation.
    public let explanation: String
    /// Source keys.
    public let sources: [String]

    /// Creates a finding.
    public init(ruleID: String, title: String, category: RuleCategory, detail: String, explanation: String, sources: [String]) {
        self.ruleID = ruleID
        self.title = title
        self.category = category
        self.detail = detail
        self.explanation = explanation
        self.sources = sources
    }
}

/// Screening for one treatment: the decision, every triggered rule, and what the jurisdiction
/// says about the treatment.
public struct TreatmentScreening: Codable, Equatable, Sendable {
    /// The treatment.
    public let treatment: Treatment
    /// The decision before any review.
    public let decision: ScreeningDecision
    /// Triggered rules, contraindications first.
    public let findings: [ScreeningFinding]
    /// Approval status, required authorisations and schedule in the clinic's jurisdiction.
    public let statements: [JurisdictionStatement]

    /// Creates a treatment screening; the decision follows from the findings.
    public init(treatment: Treatment, findings: [ScreeningFinding], statements: [JurisdictionStatement]) {
        self.treatment = treatment
        self.findings = findings
        self.statements = statements
        self.decision = Self.decision(findings: findings, overridden: [])
    }

    /// The findings of `category`.
    public func findings(_ category: RuleCategory) -> [ScreeningFinding] { findings.filter { $0.category == category } }

    /// The decision once the contraindications in `overridden` are overridden.
    static func decision(findings: [ScreeningFinding], overridden: Set<String>) -> ScreeningDecision {
        let contraindications = findings.filter { $0.category == .contraindication }
        if contraindications.contains(where: { !overridden.contains($0.ruleID) }) { return .notEligible }
        if !contraindications.isEmpty || findings.contains(where: { $0.category == .caution }) { return .eligibleWithCautions }
        return .eligible
    }
}

/// Everything one evaluation produced. Stored as a JSON snapshot when a prescriber signs.
public struct ScreeningResult: Codable, Equatable, Sendable {
    /// Where the clinic operates.
    public let jurisdiction: Jurisdiction
    /// The clinic's date of the evaluation.
    public let evaluatedOn: CalendarDate
    /// The policy the thresholds came from.
    public let policy: ScreeningPolicy
    /// One entry per treatment screened, in ``Treatment/allCases`` order.
    public let treatments: [TreatmentScreening]

    /// Creates a result.
    public init(jurisdiction: Jurisdiction, evaluatedOn: CalendarDate, policy: ScreeningPolicy, treatments: [TreatmentScreening]) {
        self.jurisdiction = jurisdiction
        self.evaluatedOn = evaluatedOn
        self.policy = policy
        self.treatments = treatments
    }

    /// The screening of `treatment`, when it was screened.
    public subscript(treatment: Treatment) -> TreatmentScreening? { treatments.first { $0.treatment == treatment } }

    /// The final decision per treatment after `review`: not eligible while any contraindication
    /// is not overridden with a reason of at least ``ScreeningReview/minimumReasonLength``
    /// characters; eligible with cautions when cautions fired or contraindications were
    /// overridden; otherwise eligible.
    public func decisions(applying review: ScreeningReview) -> [Treatment: ScreeningDecision] {
        var decisions: [Treatment: ScreeningDecision] = [:]
        for screening in treatments {
            let overridden = Set(review.overrides
                .filter { $0.treatment == screening.treatment && $0.reason.trimmed.count >= ScreeningReview.minimumReasonLength }
                .map(\.ruleID))
            decisions[screening.treatment] = TreatmentScreening.decision(findings: screening.findings, overridden: overridden)
        }
        return decisions
    }
}
