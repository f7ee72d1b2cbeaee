import Foundation

/// A screening a prescriber signed: the record and policy it read, the result, the review
/// (overrides with reasons, acknowledgements) and the final decisions. Immutable once stored;
/// re-screening creates the next version.
public struct SignedScreening: Codable, Equatable, Sendable {
    /// The final decision for one treatment.
    public struct Decision: Codable, Equatable, Sendable {
        /// The treatment.
        public let treatment: Treatment
        /// Eligible, eligible with cautions, or not eligible, after the review.
        public let decision: ScreeningDecision

        /// Creates a decision.
        public init(treatment: Treatment, decision: ScreeningDecision) {
            self.treatment = treatment
            self.decision = decision
        }
    }

    /// Storage identity.
    public let id: UUID
    /// The patient screened.
    public let patientID: UUID
    /// 1 for the first screening, then 2, 3…
    public let version: Int
    /// The patient's record revision the screening read; a later revision makes it stale.
    public let recordRevision: Int64
    /// The record as it was when signed.
    public let record: PatientRecord
    /// What the engine found.
    public let result: ScreeningResult
    /// The prescriber's overrides and acknowledgements.
    public let review: ScreeningReview
    /// The decision per treatment after the review.
    public let decisions: [Decision]
    /// The treatment-resistance assessment at signing.
    public let resistance: TreatmentResistanceAssessment
    /// Who signed.
    public let signedBy: String
    /// When.
    public let signedAt: Date

    /// Assembles a signed screening.
    public init(id: UUID, patientID: UUID, version: Int, recordRevision: Int64, record: PatientRecord,
                result: ScreeningResult, review: ScreeningReview, decisions: [Decision],
                resistance: TreatmentResistanceAssessment, signedBy: String, signedAt: Date) {
        self.id = id
        self.patientID = patientID
        self.version = version
        self.recordRevision = recordRevision
        self.record = record
        self.result = result
        self.review = review
        self.decisions = decisions
        self.resistance = resistance
        self.signedBy = signedBy
        self.signedAt = signedAt
    }

    /// True when the record has changed since signing: later issues refuse a treatment plan on it.
    public func isStale(currentRevision: Int64) -> Bool { currentRevision != recordRevision }

    /// The final decision for `treatment`.
    public func decision(for treatment: Treatment) -> ScreeningDecision? {
        decisions.first { $0.treatment == treatment }?.decision
    }
}
