import Foundation

/// The rules a new password must meet: a minimum length, bcrypt's 72-byte ceiling, and not one
/// of the common passwords shipped in `common-passwords.txt` (nor the user's own email).
///
/// The minimum length is a deployment setting (`--password-minimum-length`, default 12), in line
/// with NIST SP 800-63B's advice to favour length and block known-breached passwords.
public struct PasswordPolicy: Sendable, Equatable {
    /// Fewest characters accepted.
    public var minimumLength: Int
    /// bcrypt reads only the first 72 bytes; longer passwords would be silently truncated.
    public static let maximumBytes = 72

    /// A policy with the given minimum length.
    public init(minimumLength: Int = 12) {
        self.minimumLength = minimumLength
    }

    /// The common passwords, lower-cased, loaded once from the shipped list.
    public static let commonPasswords: Set<String> = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).map { String($0).trimmed.lowercased() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }()

    /// Checks `password` for `email`; the errors name the form field `field`.
    public func check(_ password: String, for email: EmailAddress?, field: String = "newPassword") throws(FieldErrors) {
        var errors = FieldErrors()
        let lowered = password.lowercased()
        let localPart = email.map { String($0.text.split(separator: "@")[0]) }
        if password.count < minimumLength {
            errors.add(field, "Use at least \(minimumLength) characters; a short sentence is easy to remember.")
        } else if password.utf8.count > Self.maximumBytes {
            errors.add(field, "Use at most \(Self.maximumBytes) bytes (about \(Self.maximumBytes) plain letters).")
        } else if Self.commonPasswords.contains(lowered) || Set(lowered).count == 1 {
            errors.add(field, "This password is too common. Choose one that others would not guess.")
        } else if lowered == email?.text || lowered == localPart {
            errors.add(field, "Do not use your email address as the password.")
        }
        try errors.throwIfAny()
    }
}
