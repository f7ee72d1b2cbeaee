import ClinicDomain
import ClinicStorage
import Foundation

/// The credentials a second person types into the acting user's form or API body: their own
/// email and password, and their current TOTP code when they use two-factor sign-in.
struct SecondPersonCredentials: Sendable {
    /// Their sign-in email, as typed.
    var email: String
    /// Their password.
    var password: String
    /// Their current two-factor code, when they have two-factor sign-in.
    var code: String?

    /// The credentials in `fields` under `prefix`: `witnessEmail`, `witnessPassword`, `witnessCode`
    /// (or `checkerEmail`… for another act); nil when no email was typed.
    static func from(_ fields: [String: String], prefix: String) -> SecondPersonCredentials? {
        guard let email = fields[prefix + "Email"]?.nilIfEmpty else { return nil }
        return SecondPersonCredentials(email: email, password: fields[prefix + "Password"] ?? "", code: fields[prefix + "Code"]?.nilIfEmpty)
    }

    /// The form field names the credentials come in, for a form's accepted fields.
    static func fieldNames(prefix: String) -> Set<String> { [prefix + "Email", prefix + "Password", prefix + "Code"] }
}

/// A second member of staff confirms an act (a witnessed waste, a destruction, a count, a dose
/// check) with their own credentials inside the acting user's request. The server checks them as
/// sign-in does (bcrypt, the TOTP code when the person has two-factor, the same throttling per
/// account and per address, each failure in the audit trail), checks that the person holds
/// `permission` and is not the acting user, audits the confirmation, and returns who it was.
///
/// Failures are ``FieldErrors`` on the credential fields (`<prefix>Email`, `<prefix>Password`,
/// `<prefix>Code`), so a form re-renders beside them and the API answers 422; the messages never
/// say whether an account exists.
struct SecondPersonConfirmation: Sendable {
    let services: ClinicServices

    /// Verifies `credentials` for `purpose` ("witness the waste of 15 mg…") by someone holding
    /// `permission` other than `actingUser`; returns the confirmer or throws field errors.
    func confirm(_ credentials: SecondPersonCredentials?, permission: Permission, actingUser: UserAccount, purpose: String,
                 stamp: AuditStamp, fieldPrefix prefix: String = "witness") async throws -> ConfirmingPerson {
        var errors = FieldErrors()
        guard let credentials else {
            errors.add(prefix + "Email", "A second person confirms this with their own email and password.")
            throw errors
        }
        let email = EmailAddress(credentials.email)?.text ?? credentials.email.trimmed.lowercased()
        if email == actingUser.email.text {
            errors.add(prefix + "Email", "The second person must be someone other than you.")
            throw errors
        }
        // Reserved before bcrypt, like a sign-in: concurrent guesses cannot pass the throttle together.
        let reservation = try await services.signInAttempts.reserve(email: email, throttle: services.signInThrottle, stamp: stamp)
        guard case .reserved(let attempt) = reservation else {
            let seconds = max(1, Int(rounding: reservation.retryAfter, .up))
            errors.add(prefix + "Email", "Too many failed attempts; wait \(seconds) seconds and try again.")
            throw errors
        }
        let user = try await EmailAddress(credentials.email).asyncFlatMap { try await services.users.find(email: $0) }
        let matches = try await services.passwords.verify(credentials.password, against: user?.passwordHash)
        guard let user, matches, user.account.isActive else {
            let detail = user == nil ? "no such account" : (matches ? "account deactivated" : "wrong password")
            try await services.signInAttempts.resolve(attempt, email: email, succeeded: false, userID: user?.account.id,
                                                      detail: "second-person confirmation: \(detail)", stamp: stamp)
            errors.add(prefix + "Password", "The second person's email or password is not right.")
            throw errors
        }
        if user.account.hasTwoFactor {
            // The app's live code only: a recovery code is for signing in, not for witnessing.
            guard let code = credentials.code, let secret = user.totpSecret,
                  let step = TwoFactor.matchingStep(of: code, secret: secret, at: stamp.at),
                  try await services.users.acceptTOTPCounter(user.account.id, counter: step) else {
                try await services.signInAttempts.resolve(attempt, email: email, succeeded: false, userID: user.account.id,
                                                          detail: "second-person confirmation: wrong or reused two-factor code", stamp: stamp)
                errors.add(prefix + "Code", "Enter the second person's current two-factor code.")
                throw errors
            }
        }
        guard user.account.id != actingUser.id else {
            errors.add(prefix + "Email", "The second person must be someone other than you.")
            throw errors
        }
        guard AccessMatrix.allows(user.account.role, permission) else {
            try await services.audit.record(AuditEvent(.void, entityType: "user", entityID: user.account.id.uuidString,
                                                       summary: "second-person confirmation refused: role \(user.account.role.rawValue) lacks "
                                                           + "\(permission.rawValue) to \(purpose)"), stamp: stamp)
            errors.add(prefix + "Email", "\(user.account.displayName) cannot confirm this: a \(user.account.role.title.lowercased()) does not hold "
                       + "“\(permission.summary)”.")
            throw errors
        }
        try await services.signInAttempts.resolve(attempt, email: email, succeeded: true, userID: user.account.id, detail: "", stamp: stamp)
        try await services.audit.record(AuditEvent(.sign, entityType: "user", entityID: user.account.id.uuidString,
                                                   summary: "confirmed as second person for \(actingUser.email.text): \(purpose)"), stamp: stamp)
        return ConfirmingPerson(userID: user.account.id, displayName: user.account.displayName, email: user.account.email.text,
                                role: user.account.role)
    }
}
