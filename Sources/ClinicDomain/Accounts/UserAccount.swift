import Foundation

/// A member of staff who can sign in. Users are deactivated, never deleted, so the audit trail
/// always names a real account.
public struct UserAccount: Equatable, Sendable, Identifiable {
    /// Stable id, referenced by sessions, tokens and the audit trail.
    public let id: UUID
    /// Sign-in name.
    public var email: EmailAddress
    /// Name shown in the header and the audit trail.
    public var displayName: String
    /// What they do at the clinic.
    public var role: Role
    /// False once deactivated: they cannot sign in and their tokens stop working.
    public var isActive: Bool
    /// Set when an administrator resets the password: they must choose a new one first.
    public var mustChangePassword: Bool
    /// True once they have confirmed a TOTP authenticator.
    public var hasTwoFactor: Bool
    /// When the account was created.
    public let createdAt: Date

    /// Creates the value; storage and tests build it.
    public init(id: UUID, email: EmailAddress, displayName: String, role: Role, isActive: Bool,
                mustChangePassword: Bool, hasTwoFactor: Bool, createdAt: Date) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
        self.isActive = isActive
        self.mustChangePassword = mustChangePassword
        self.hasTwoFactor = hasTwoFactor
        self.createdAt = createdAt
    }
}

/// What an administrator (or the CLI) types to create a user.
public struct NewUser: Equatable, Sendable {
    /// Sign-in name.
    public var email: EmailAddress
    /// Name shown to others.
    public var displayName: String
    /// Their role.
    public var role: Role

    /// Creates the value from checked parts.
    public init(email: EmailAddress, displayName: String, role: Role) {
        self.email = email
        self.displayName = displayName
        self.role = role
    }

    /// Parses form or CLI fields `email`, `displayName`, `role`, with field-level errors.
    public static func parse(_ fields: [String: String]) throws(FieldErrors) -> NewUser {
        var errors = FieldErrors()
        let email = EmailAddress(fields["email"] ?? "")
        if email == nil { errors.add("email", "Enter an email address such as name@clinic.org.") }
        var name = (fields["displayName"] ?? "").trimmed
        if name.count > 120 { errors.add("displayName", "Use at most 120 characters.") }
        let role = Role(parsing: fields["role"] ?? "")
        if role == nil { errors.add("role", "Choose one of: " + Role.allCases.map(\.title).joined(separator: ", ") + ".") }
        try errors.throwIfAny()
        if name.isEmpty { name = String(email!.text.split(separator: "@")[0]) }
        return NewUser(email: email!, displayName: name, role: role!)
    }
}
