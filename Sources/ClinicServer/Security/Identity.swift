import ClinicDomain
import ClinicStorage
import Foundation

/// Who is making a request and with what: a browser session or an API token.
public struct Identity: Sendable {
    /// How the request proved who it is.
    public enum Credential: Sendable {
        /// A signed-in browser session.
        case session(SessionRecord)
        /// An API token; its scope limits the permissions.
        case apiToken(APITokenRecord)
    }

    /// Something the user must do before anything else.
    public enum PendingSetup: Sendable, Equatable {
        /// An administrator reset the password: choose a new one.
        case passwordChange
        /// The clinic requires administrators to use two-factor sign-in.
        case twoFactorEnrolment

        /// The page that does it.
        var path: String {
            switch self {
            case .passwordChange: "/account/password"
            case .twoFactorEnrolment: "/account/two-factor"
            }
        }
    }

    /// The user.
    public let user: UserAccount
    /// The credential used.
    public let credential: Credential
    /// A step the user must complete first, if any.
    public let pendingSetup: PendingSetup?
    /// Patients whose clinical record this user opened by "breaking the glass", while the grant lasts.
    public var emergencyPatients: Set<UUID> = []

    /// Creates the identity.
    public init(user: UserAccount, credential: Credential, pendingSetup: PendingSetup?) {
        self.user = user
        self.credential = credential
        self.pendingSetup = pendingSetup
    }

    /// What this request may do: the role's permissions, narrowed by a token's scope.
    public var permissions: Set<Permission> {
        let granted = AccessMatrix.permissions(of: user.role)
        switch credential {
        case .session: return granted
        case .apiToken(let token): return granted.intersection(token.scopes)
        }
    }

    /// True when the request may do `permission`.
    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// True when the request may see `patientID`'s clinical content: by role, or through an
    /// emergency grant for that patient (browser sessions only; a token never breaks the glass).
    public func canSeeClinicalRecord(of patientID: UUID?) -> Bool {
        if can(.patientsClinical) { return true }
        guard let patientID, !isAPIToken else { return false }
        return emergencyPatients.contains(patientID)
    }

    /// True when the request came with an API token (a gateway or script), not a browser session.
    public var isAPIToken: Bool {
        if case .apiToken = credential { return true }
        return false
    }

    /// The session's CSRF token, for forms.
    public var csrfToken: String? {
        if case .session(let session) = credential { return session.csrfToken }
        return nil
    }

    /// The session, when signed in through the browser.
    public var session: SessionRecord? {
        if case .session(let session) = credential { return session }
        return nil
    }
}

/// A password-verified sign-in that still needs its TOTP code.
public struct PendingSignIn: Sendable {
    /// The waiting session.
    public let session: SessionRecord
    /// Its user.
    public let user: StoredUser
}

/// The request needs a signed-in user and has none: a redirect to sign in for pages, 401 for the API.
public struct AuthenticationRequired: Error {
    /// The request had a session that has since ended; the sign-in page says so.
    public var sessionExpired: Bool
}

/// The user must complete a step (new password, two-factor set-up) before this request.
public struct AccountSetupRequired: Error {
    /// The step.
    public let setup: Identity.PendingSetup
}
