import ClinicDomain
import ClinicStorage
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
        let current = Int64(saturating: date.timeIntervalSince1970) / step
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

/// The second factor of one user: a current TOTP code used once, or one of the user's recovery codes.
struct TwoFactorCheck: Sendable {
    let services: ClinicServices

    /// True when `code` is the user's current TOTP code, not used before (its time step is recorded
    /// so it cannot be replayed), or one of their unused recovery codes (it is then spent). A TOTP
    /// secret that cannot be opened with the server's keys accepts nothing but recovery codes.
    func accept(_ code: String, for user: StoredUser, at stamp: AuditStamp) async throws -> Bool {
        if let secret = user.totpSecret, let step = TwoFactor.matchingStep(of: code, secret: secret, at: stamp.at) {
            return try await services.users.acceptTOTPCounter(user.account.id, counter: step)
        }
        return try await services.recoveryCodes.consume(code, for: user.account.id, stamp: stamp)
    }

    /// Proof that the signed-in person holds the account's second factor, asked before it is
    /// replaced, turned off or given new recovery codes: the current code from the app
    /// (`currentCode`), or the password with a recovery code (`password` and `recoveryCode`).
    /// Returns the field errors to show, empty when proven.
    func proveHolder(_ fields: [String: String], user: StoredUser, at stamp: AuditStamp) async throws -> FieldErrors {
        var errors = FieldErrors()
        let current = fields["currentCode"]?.trimmed ?? ""
        if !current.isEmpty {
            if let secret = user.totpSecret, let step = TwoFactor.matchingStep(of: current, secret: secret, at: stamp.at),
               try await services.users.acceptTOTPCounter(user.account.id, counter: step) {
                return errors
            }
            errors.add("currentCode", "That is not the code your app shows now.")
            return errors
        }
        let password = fields["password"] ?? "", recovery = fields["recoveryCode"] ?? ""
        guard !password.isEmpty, !recovery.isEmpty else {
            errors.add("currentCode", "Type the code your app shows now, or your password and one of your recovery codes.")
            return errors
        }
        guard try await services.passwords.verify(password, against: user.passwordHash) else {
            errors.add("password", "This is not your password.")
            return errors
        }
        if try await !services.recoveryCodes.consume(recovery, for: user.account.id, stamp: stamp) {
            errors.add("recoveryCode", "That recovery code is not one of yours, or it was used already.")
        }
        return errors
    }
}

extension ClinicServices {
    /// The second sign-in step's checks.
    var twoFactor: TwoFactorCheck { TwoFactorCheck(services: self) }
    /// The users' two-factor recovery codes.
    var recoveryCodes: RecoveryCodeRepository { RecoveryCodeRepository(database: database) }
}
