import ClinicDomain
import Foundation
import HummingbirdOTP

/// TOTP two-factor sign-in (RFC 6238): 6 digits, 30-second steps, SHA-1, as authenticator apps expect.
public enum TwoFactor {
    /// The time step, in seconds.
    static let step: Int64 = 30

    /// A new shared secret: 32 characters of the base32 alphabet (160 random bits).
    public static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<32, using: &generator)] })
    }

    /// The key as the user types it into an authenticator app (base32 of the secret's bytes), in groups of four.
    public static func displayKey(_ secret: String) -> String {
        let key = Base32.encode(Array(secret.utf8))
        return stride(from: 0, to: key.count, by: 4).map { start in
            let from = key.index(key.startIndex, offsetBy: start)
            return String(key[from..<(key.index(from, offsetBy: 4, limitedBy: key.endIndex) ?? key.endIndex)])
        }.joined(separator: " ")
    }

    /// The `otpauth://` link an authenticator app can open.
    public static func authenticatorURL(secret: String, account: String, issuer: String) -> String {
        TOTP(secret: secret).createAuthenticatorURL(label: "\(issuer):\(account)", issuer: issuer)
    }

    /// The time step `code` belongs to, allowing one step of clock drift either way; nil when wrong.
    public static func matchingStep(of code: String, secret: String, at date: Date) -> Int64? {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, let value = Int(digits) else { return nil }
        let current = Int64(date.timeIntervalSince1970) / step
        let totp = TOTP(secret: secret)
        for counter in [current - 1, current, current + 1]
        where totp.compute(date: Date(timeIntervalSince1970: Double(counter * step))) == value {
            return counter
        }
        return nil
    }

    /// The code for `date`, for tests and the demo.
    public static func code(secret: String, at date: Date) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: date))
    }
}
