import Foundation

/// One "break the glass" access: who opened which patient's clinical record, why, and until when.
public struct EmergencyAccessGrant: Equatable, Sendable, Identifiable {
    /// The grant's id.
    public var id: UUID
    /// The user who asked for it.
    public var userID: UUID
    /// Their name as shown to prescribers.
    public var userName: String
    /// The patient whose record it opens.
    public var patientID: UUID
    /// The written reason.
    public var reason: String
    /// When it was granted.
    public var grantedAt: Date
    /// When it ends.
    public var expiresAt: Date

    /// Declares a grant.
    public init(id: UUID, userID: UUID, userName: String, patientID: UUID, reason: String, grantedAt: Date, expiresAt: Date) {
        self.id = id
        self.userID = userID
        self.userName = userName
        self.patientID = patientID
        self.reason = reason
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
    }

    /// How long a grant lasts: long enough to deal with an emergency, short enough that it is
    /// not standing access (deployment policy, not a clinical figure).
    public static let duration: TimeInterval = 30 * 60
    /// Fewest characters of a reason: a sentence, not "x" (as for screening overrides).
    public static let minimumReasonLength = 20

    /// The reason, trimmed, or a field error.
    public static func validatedReason(_ text: String?) throws(FieldErrors) -> String {
        let reason = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard reason.count >= minimumReasonLength, reason.count <= 1_000 else {
            var errors = FieldErrors()
            errors.add("reason", "Write why you need this patient's clinical record now (at least \(minimumReasonLength) characters); "
                       + "the clinic's prescribers will see it.")
            throw errors
        }
        return reason
    }
}
