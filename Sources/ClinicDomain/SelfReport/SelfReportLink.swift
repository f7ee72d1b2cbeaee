import Foundation

/// A one-time link a patient uses to answer questionnaires without an account. Staff create it
/// for one patient and a set of instruments; it expires, works once, and asks for the patient's
/// date of birth before showing anything, so a link that reaches the wrong person is useless.
public struct SelfReportLink: Equatable, Sendable {
    /// The link's id (not the code).
    public let id: UUID
    /// The patient it is bound to.
    public let patientID: UUID
    /// What the patient will answer, in order.
    public let instruments: [InstrumentID]
    /// When it was created.
    public let createdAt: Date
    /// Who created it.
    public let createdByName: String
    /// After this it no longer opens.
    public let expiresAt: Date
    /// When the answers were submitted; a used link never opens again.
    public let usedAt: Date?
    /// Wrong dates of birth entered so far.
    public let failedChecks: Int
    /// When staff withdrew it, if they did.
    public let revokedAt: Date?

    /// Creates a link value.
    public init(id: UUID, patientID: UUID, instruments: [InstrumentID], createdAt: Date, createdByName: String, expiresAt: Date,
                usedAt: Date? = nil, failedChecks: Int = 0, revokedAt: Date? = nil) {
        self.id = id
        self.patientID = patientID
        self.instruments = instruments
        self.createdAt = createdAt
        self.createdByName = createdByName
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.failedChecks = failedChecks
        self.revokedAt = revokedAt
    }

    /// Wrong dates of birth after which a link locks (clinic policy; no source).
    public static let maximumFailedChecks = 5

    /// Why a link does not open. The patient sees one neutral message for all of them.
    public enum Refusal: String, Error, Equatable, Sendable {
        /// No link has that code.
        case unknown
        /// Past its expiry.
        case expired
        /// Already answered.
        case used
        /// Withdrawn by staff.
        case revoked
        /// Too many wrong dates of birth.
        case locked
        /// Presented for another patient (a date of birth that does not match, or another patient's id).
        case wrongPatient = "wrong-patient"

        /// What the patient reads: nothing that tells a stranger which of these it was.
        public static let publicMessage = "This link cannot be used. It may have expired or already been used. "
            + "Please ask the clinic for a new one."
    }

    /// Where the link stands at `now`, before any identity check.
    public func status(at now: Date) -> Refusal? {
        if revokedAt != nil { return .revoked }
        if usedAt != nil { return .used }
        if failedChecks >= Self.maximumFailedChecks { return .locked }
        if now >= expiresAt { return .expired }
        return nil
    }

    /// Checks the link for `patientID` at `now`: it must be open and bound to that patient.
    public func redeem(for patientID: UUID, at now: Date) throws(Refusal) {
        if let refusal = status(at: now) { throw refusal }
        guard patientID == self.patientID else { throw .wrongPatient }
    }

    /// A short state for staff: "open until …", "used", "expired"….
    public func stateText(at now: Date) -> String {
        switch status(at: now) {
        case nil: "open"
        case .used: "answered"
        case .expired: "expired"
        case .revoked: "withdrawn"
        case .locked: "locked after wrong dates of birth"
        case .unknown, .wrongPatient: "closed"
        }
    }
}
