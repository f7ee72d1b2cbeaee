import ClinicStorage
import Hummingbird

/// Refuses any state-changing page request whose form does not carry the right `_csrf` token:
/// the session's token when signed in, or the `kc_form` cookie's value on the sign-in forms.
///
/// The API is exempt because it accepts only Bearer tokens, which a browser never sends by itself.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The form field that carries the token.
    static let field = "_csrf"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method),
              !AuthenticationMiddleware.usesBearer(request.uri.path) else {
            return try await next(request, context)
        }
        let expected = context.identity?.csrfToken ?? context.pendingSignIn?.session.csrfToken
            ?? request.cookies[SessionCookies.form]?.value
        let fields = (try? await WebResponses.formFields(of: request)) ?? [:]
        guard let expected, !expected.isEmpty, let given = fields[Self.field],
              SecretToken.constantTimeEquals(expected, given) else {
            throw Problem.csrfRejected
        }
        return try await next(request, context)
    }
}
