/// What was done, in the audit trail's fixed vocabulary.
public enum AuditAction: String, CaseIterable, Codable, Sendable {
    /// A record was looked at.
    case view
    /// A record was created.
    case create
    /// A record was changed (settings, accounts).
    case update
    /// A clinical record was corrected by amendment.
    case amend
    /// A record was voided (never deleted).
    case void
    /// A document was signed and became immutable.
    case sign
    /// Someone signed in.
    case login
    /// Someone signed out, or their session was ended.
    case logout
    /// A sign-in failed.
    case failedLogin = "failed_login"
    /// Data left the system (CSV, reports).
    case export
    /// A safety rule was overridden with a reason.
    case override

    /// The label staff see.
    public var title: String {
        switch self {
        case .failedLogin: "Failed login"
        default: rawValue.prefix(1).uppercased() + rawValue.dropFirst()
        }
    }
}
