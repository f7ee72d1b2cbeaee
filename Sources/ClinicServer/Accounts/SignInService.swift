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
        /// Too many recent failures; wait this many seconds.
        case throttled(retryAfter: TimeInterval)
    }

    /// The message for any wrong email, password or deactivated account.
    static let genericFailure = "The email or password is not right. Check them and try again."

    private var settings: ServerSettings { services.settings }

    /// Checks the email and password typed on the sign-in form. The attempt is reserved (and
    /// counted) before bcrypt runs, so concurrent guesses cannot pass the throttle together.
    func signIn(email typed: String, password: String, stamp: AuditStamp, userAgent: String) async throws -> Outcome {
        let email = EmailAddress(typed)?.text ?? typed.trimmed.lowercased()
        let reservation = try await services.signInAttempts.reserve(email: email, throttle: throttle, stamp: stamp)
        guard case .reserved(let attempt) = reservation else { return .throttled(retryAfter: reservation.retryAfter) }
        let user = try await EmailAddress(typed).asyncFlatMap { try await services.users.find(email: $0) }
        let passwordMatches = try await services.passwords.verify(password, against: user?.passwordHash)
        guard let user, passwordMatches, user.account.isActive else {
            let detail = user == nil ? "no such account" : (passwordMatches ? "account deactivated" : "wrong password")
            try await services.signInAttempts.resolve(attempt, email: email, succeeded: false, userID: user?.account.id,
                                                      detail: detail, stamp: stamp)
            return .refused(Self.genericFailure)
        }
        if user.account.hasTwoFactor {
            // The password step succeeded; the code step reserves an attempt of its own.
            try await services.signInAttempts.resolve(attempt, email: email, succeeded: true, userID: user.account.id,
                                                      detail: "", stamp: stamp)
            let pending = try await services.sessions.start(userID: user.account.id, stage: .awaitingSecondFactor,
                                                            lifetime: 5 * 60, ipAddress: stamp.ipAddress,
                                                            userAgent: userAgent, stamp: stamp)
            return .needsSecondFactor(token: pending.token)
        }
        return try await complete(user, attempt: attempt, stamp: stamp, userAgent: userAgent)
    }

    /// Checks the TOTP code (or a recovery code) of a pending sign-in.
    func secondFactor(_ pending: PendingSignIn, code: String, stamp: AuditStamp, userAgent: String) async throws -> Outcome {
        let user = pending.user
        let email = user.account.email.text
        let reservation = try await services.signInAttempts.reserve(email: email, throttle: throttle, stamp: stamp)
        guard case .reserved(let attempt) = reservation else {
            try await services.sessions.end(pending.session, reason: "throttled", stamp: stamp)
            return .throttled(retryAfter: reservation.retryAfter)
        }
        guard try await services.twoFactor.accept(code, for: user, at: stamp) else {
            try await services.signInAttempts.resolve(attempt, email: email, succeeded: false, userID: user.account.id,
                                                      detail: "wrong or reused two-factor code", stamp: stamp)
            return .refused("That code is not right. Codes change every 30 seconds; type the one showing now, or a recovery code.")
        }
        try await services.sessions.end(pending.session, reason: "second factor completed", stamp: stamp)
        return try await complete(user, attempt: attempt, stamp: stamp, userAgent: userAgent)
    }

    private func complete(_ user: StoredUser, attempt: UUID, stamp: AuditStamp, userAgent: String) async throws -> Outcome {
        try await services.signInAttempts.resolve(attempt, email: user.account.email.text, succeeded: true,
                                                  userID: user.account.id, detail: "", stamp: stamp)
        var signedIn = stamp
        signedIn.userID = user.account.id
        signedIn.actorName = user.account.email.text
        signedIn.role = user.account.role
        let session = try await services.sessions.start(
            userID: user.account.id, stage: .active, lifetime: TimeInterval(settings.sessionAbsoluteHours * 3600),
            ipAddress: stamp.ipAddress, userAgent: userAgent, stamp: signedIn)
        return .signedIn(token: session.token)
    }

    private var throttle: SignInThrottle { services.signInThrottle }
}

extension Optional {
    /// `flatMap` with an async transform.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension ClinicServices {
    /// The clinic's sign-in throttling policy, from its settings: for sign-in and second-person confirmations.
    var signInThrottle: SignInThrottle {
        SignInThrottle(freeFailuresPerAccountAndAddress: settings.signInAccountFailureLimit,
                       freeFailuresPerAddress: settings.signInAddressFailureLimit,
                       window: TimeInterval(settings.signInLockoutMinutes * 60))
    }
}
