import Foundation

/// The rules a new password must meet: a minimum length, bcrypt's 72-byte ceiling, and not one
/// of the common passwords in ``CommonPasswords`` (nor the user's own email).
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

    /// The common passwords, lower-cased, read once from the list compiled into the binary.
    public static let commonPasswords: Set<String> = Set(
        CommonPasswords.text.split(whereSeparator: \.isNewline).map { String($0).trimmed.lowercased() }.filter { !$0.isEmpty })

    /// Checks `password` for `email`; the errors name the form field `field`.
    public func check(_ password: String, for email: EmailAddress?, field: String = "newPassword") throws(FieldErrors) {
        var errors = FieldErrors()
        let lowered = password.lowercased()
        let localPart = email.map { String($0.text.split(separator: "@")[0]) }
        if password.count < minimumLength {
            errors.add(field, "Use at least \(minimumLength) characters; a short sentence is easy to remember.")
        } else if password.utf8.count > Self.maximumBytes {
            errors.add(field, "Use at most \(Self.maximumBytes) bytes (about \(Self.maximumBytes) plain letters).")
        } else if Self.commonPasswords.contains(lowered) || Self.isCommonWithDecoration(lowered) {
            errors.add(field, "This password is too common. Choose one that others would not guess.")
        } else if Self.isPredictable(lowered) {
            errors.add(field, "This password is a run of keys, letters or digits in order, or repeats itself. "
                       + "Choose one that others would not guess; a short sentence is easy to remember.")
        } else if lowered == email?.text || lowered == localPart {
            errors.add(field, "Do not use your email address as the password.")
        }
        try errors.throwIfAny()
    }

    /// Words of this product and trade that a guesser tries first (context-specific words, NIST SP 800-63B §5.1.1.2).
    static let contextWords: Set<String> = ["ketaclinic", "ketamine", "esketamine", "spravato", "clinic", "infusion"]

    /// A common password or context word with digits and symbols added before or after it
    /// ("Password123!", "!!ketamine2026").
    static func isCommonWithDecoration(_ lowered: String) -> Bool {
        let core = lowered.trimmingCharacters(in: CharacterSet.letters.inverted)
        guard core.count >= 3, core.allSatisfy(\.isLetter) else { return false }
        return commonPasswords.contains(core) || contextWords.contains(core)
    }

    /// Rows in which each key "follows" the one before: the alphabet, digits and keyboard rows.
    private static let sequences: [[Character]] = ["abcdefghijklmnopqrstuvwxyz", "1234567890", "qwertyuiop", "asdfghjkl",
                                                   "zxcvbnm", "qwertzuiop", "azertyuiop", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p"]
        .map { Array($0) }

    /// True when fewer than four characters are not predictable from the one before (the same
    /// character again, or the next or previous in a sequence): "123456789012", "qwertyuiop12",
    /// "aaaaaaaaaaaa", "abcabcabcabc".
    static func isPredictable(_ lowered: String) -> Bool {
        let characters = Array(lowered)
        guard let first = characters.first else { return true }
        var surprising = 1
        var seen: Set<Character> = [first]
        for (previous, current) in zip(characters, characters.dropFirst()) {
            let follows = previous == current || sequences.contains { row in
                guard let p = row.firstIndex(of: previous), let c = row.firstIndex(of: current) else { return false }
                let step = (c - p + row.count) % row.count
                return step == 1 || step == row.count - 1
            }
            if !follows && !seen.contains(current) { surprising += 1 }
            seen.insert(current)
        }
        return surprising < 4
    }
}
