import ClinicDomain

extension Problem {
    /// No valid credential was sent to a route that needs one.
    public static let unauthenticated = Problem(
        .unauthorized, type: "unauthenticated", title: "Sign-in required",
        detail: "Send an API token as `Authorization: Bearer <token>`.")

    /// The Bearer token is unknown, revoked, or its owner is deactivated.
    public static let invalidToken = Problem(
        .unauthorized, type: "invalid-token", title: "The token is not valid",
        detail: "The token is unknown, revoked, or belongs to a deactivated user.")

    /// The user is signed in but their role (or the token's scope) lacks the permission.
    public static func forbidden(_ permission: Permission) -> Problem {
        var problem = Problem(.forbidden, type: "forbidden", title: "Not allowed",
                              detail: "This needs the permission “\(permission.summary)” (\(permission.rawValue)), which your role or token does not have.")
        problem.missingPermission = permission
        return problem
    }

    /// A state-changing form arrived without the right anti-forgery token.
    public static let csrfRejected = Problem(
        .forbidden, type: "csrf", title: "The form could not be accepted",
        detail: "The form was out of date or did not come from this site. Go back, reload the page and try again.")

    /// The user must set a new password or two-factor sign-in before anything else.
    public static func setupRequired(_ setup: Identity.PendingSetup) -> Problem {
        Problem(.forbidden, type: "account-setup-required", title: "Account set-up required",
                detail: setup == .passwordChange ? "Choose a new password in the web app first."
                    : "Set up two-factor sign-in in the web app first.")
    }

    /// Too many failed sign-ins for the account or from the address.
    public static func throttled(minutes: Int) -> Problem {
        Problem(.tooManyRequests, type: "throttled", title: "Too many failed sign-ins",
                detail: "Wait \(minutes) minutes and try again, or ask an administrator.")
    }
}
