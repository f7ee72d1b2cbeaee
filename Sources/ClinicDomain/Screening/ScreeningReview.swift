/// A prescriber's review of a ``ScreeningResult`` before signing: contraindications overridden
/// with a written reason, and cautions acknowledged.
public struct ScreeningReview: Codable, Equatable, Sendable {
    /// A contraindication the prescriber overrides for one treatment.
    public struct Override: Codable, Equatable, Sendable {
        /// The treatment.
        public var treatment: Treatment
        /// The contraindication's rule id.
        public var ruleID: String
        /// Why the prescriber proceeds despite it.
        public var reason: String

        /// Creates an override.
        public init(treatment: Treatment, ruleID: String, reason: String) {
            self.treatment = treatment
            self.ruleID = ruleID
            self.reason = reason
        }

        /// The form field key: `override.iv-ketamine.KC-SCR-ANEURYSM`.
        public var field: String { "override.\(treatment.rawValue).\(ruleID)" }
    }

    /// A caution the prescriber has read for one treatment.
    public struct Acknowledgement: Codable, Equatable, Sendable {
        /// The treatment.
        public var treatment: Treatment
        /// The caution's rule id.
        public var ruleID: String

        /// Creates an acknowledgement.
        public init(treatment: Treatment, ruleID: String) {
            self.treatment = treatment
            self.ruleID = ruleID
        }

        /// The form field key: `acknowledgement.esketamine.KC-SCR-MAOI`.
        public var field: String { "acknowledgement.\(treatment.rawValue).\(ruleID)" }
    }

    /// The shortest reason accepted for an override, in characters after trimming.
    public static let minimumReasonLength = 10

    /// Overridden contraindications.
    public var overrides: [Override]
    /// Acknowledged cautions.
    public var acknowledgements: [Acknowledgement]

    /// Creates a review.
    public init(overrides: [Override] = [], acknowledgements: [Acknowledgement] = []) {
        self.overrides = overrides
        self.acknowledgements = acknowledgements
    }

    /// The review with trimmed reasons, or field errors keyed `override.<treatment>.<rule>` and
    /// `acknowledgement.<treatment>.<rule>`: a missing or too short reason, an override of
    /// something that is not a triggered contraindication, an acknowledgement of something that
    /// is not a triggered caution, and every triggered caution not yet acknowledged.
    public func validated(against result: ScreeningResult) throws(FieldErrors) -> ScreeningReview {
        var errors = FieldErrors()
        var copy = self
        for index in copy.overrides.indices {
            let item = copy.overrides[index]
            copy.overrides[index].reason = item.reason.trimmed
            let finding = result[item.treatment]?.findings.first { $0.ruleID == item.ruleID }
            if finding?.category != .contraindication {
                errors.add(item.field, "\(item.ruleID) is not a triggered contraindication for \(item.treatment.displayName); only those can be overridden.")
            } else if item.reason.trimmed.isEmpty {
                errors.add(item.field, "Write why you override this contraindication.")
            } else if item.reason.trimmed.count < Self.minimumReasonLength {
                errors.add(item.field, "Write a reason of at least \(Self.minimumReasonLength) characters.")
            }
        }
        for item in acknowledgements {
            let finding = result[item.treatment]?.findings.first { $0.ruleID == item.ruleID }
            if finding?.category != .caution {
                errors.add(item.field, "\(item.ruleID) is not a triggered caution for \(item.treatment.displayName); only those can be acknowledged.")
            }
        }
        for screening in result.treatments {
            for caution in screening.findings(.caution)
            where !acknowledgements.contains(where: { $0.treatment == screening.treatment && $0.ruleID == caution.ruleID }) {
                errors.add(Acknowledgement(treatment: screening.treatment, ruleID: caution.ruleID).field,
                           "Acknowledge this caution before signing.")
            }
        }
        try errors.throwIfAny()
        return copy
    }
}
