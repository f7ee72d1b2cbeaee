import ClinicDomain
import ClinicStorage
import Foundation

/// The sign-in rules: throttling per account and per address, bcrypt, the optional TOTP step,
/// and failure messages that never say whether an account exists.
struct SignInService: Sendable {
    let services: ClinicServices

    /// What a sign-in step came to.
    enum Outcome: Sendable {
        /// Signed in; set this session token.
        case signedIn(token: String)
        /// The password was right; ask for the TOTP code under this pending session token.
        case needsSecondFactor(token: String)
        /// Refused; show this message.
        case refused(String)
        /// Too many failures; wait.
        case throttled
    }

    /// The message for any wrong email, password or deactivated account.
    static let genericFailure = "The email or password is not right. Check them and try again."

    private var settings: ServerSettings { services.settings }

    /// Checks the email and password typed on the sign-in form.
    func signIn(email typed: String, password: String, stamp: AuditStamp, userAgent: String) async throws -> Outcome {
        let email = EmailAddress(typed)?.text ?? typed.trimmed.lowercased()
        if try await isThrottled(email: email, stamp: stamp) {
            try await services.signInAttempts.record(email: email, succeeded: false, userID: nil,
                                                     detail: "refused: too many failures", stamp: stamp)
            return .throttled
        }
        let user = try await EmailAddress(typed).asyncFlatMap { try await services.users.find(email: $0) }
        let passwordMatches = try await services.passwords.verify(password, against: user?.passwordHash)
        guard let user, passwordMatches, user.account.isActive else {
            let detail = user == nil ? "no such account" : (passwordMatches ? "account deactivated" : "wrong password")
            try await services.signInAttempts.record(email: email, succeeded: false, userID: user?.account.id,
                                                     detail: detail, stamp: stamp)
            return .refused(Self.genericFailure)
        }
        if user.totpSecret != nil {
            let pending = try await services.sessions.start(userID: user.account.id, stage: .awaitingSecondFactor,
                                                            lifetime: 5 * 60, ipAddress: stamp.ipAddress,
                                                            userAgent: userAgent, stamp: stamp)
            return .needsSecondFactor(token: pending.token)
        }
        return try await complete(user, stamp: stamp, userAgent: userAgent)
    }

    /// Checks the TOTP code of a pending sign-in.
    func secondFactor(_ pending: PendingSignIn, code: String, stamp: AuditStamp, userAgent: String) async throws -> Outcome {
        let user = pending.user
        let email = user.account.email.text
        if try await isThrottled(email: email, stamp: stamp) {
            try await services.signInAttempts.record(email: email, succeeded: false, userID: user.account.id,
                                                     detail: "refused: too many failures", stamp: stamp)
            try await services.sessions.end(pending.session, reason: "throttled", stamp: stamp)
            return .throttled
        }
        guard let secret = user.totpSecret,
              let step = TwoFactor.matchingStep(of: code, secret: secret, at: stamp.at),
              try await services.users.acceptTOTPCounter(user.account.id, counter: step) else {
            try await services.signInAttempts.record(email: email, succeeded: false, userID: user.account.id,
                                                     detail: "wrong or reused two-factor code", stamp: stamp)
            return .refused("That code is not right. Codes change every 30 seconds; type the one showing now.")
        }
        try await services.sessions.end(pending.session, reason: "second factor completed", stamp: stamp)
        return try await complete(user, stamp: stamp, userAgent: userAgent)
    }

    private func complete(_ user: StoredUser, stamp: AuditStamp, userAgent: String) async throws -> Outcome {
        try await services.signInAttempts.record(email: user.account.email.text, succeeded: true, userID: user.account.id,
                                                 detail: "", stamp: stamp)
        var signedIn = stamp
        signedIn.userID = user.account.id
        signedIn.actorName = user.account.email.text
        signedIn.role = user.account.role
        let session = try await services.sessions.start(
            userID: user.account.id, stage: .active, lifetime: TimeInterval(settings.sessionAbsoluteHours * 3600),
            ipAddress: stamp.ipAddress, userAgent: userAgent, stamp: signedIn)
        return .signedIn(token: session.token)
    }

    private func isThrottled(email: String, stamp: AuditStamp) async throws -> Bool {
        let since = stamp.at.addingTimeInterval(-TimeInterval(settings.signInLockoutMinutes * 60))
        let failures = try await services.signInAttempts.failures(email: email, ipAddress: stamp.ipAddress, since: since)
        return failures.forAccount >= settings.signInAccountFailureLimit || failures.fromAddress >= settings.signInAddressFailureLimit
    }
}

extension Optional {
    /// `flatMap` with an async transform.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
