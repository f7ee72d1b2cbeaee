import ClinicDomain
import ClinicWeb
import Hummingbird

/// The 403 answer to a signed-in user's page request: the usual layout with their navigation
/// (so they are not stranded), naming the permission their role lacks. API requests keep the
/// problem+json answer of ``ErrorPresentationMiddleware``.
struct ForbiddenPage: Sendable {
    let services: ClinicServices

    /// The page for `problem` (a `forbidden` problem carrying its missing permission).
    func response(_ problem: Problem, request: Request, context: StaffRequestContext) async throws -> Response {
        let clinic = try await services.currentClinic()
        let html = ErrorPage.forbidden(
            permissionSummary: problem.missingPermission?.summary, permissionName: problem.missingPermission?.rawValue,
            roleTitle: context.identity.user.role.title, detail: problem.detail ?? "", requestID: context.id,
            context: WebResponses.pageContext(clinic, request, context, section: nil))
        return WebResponses.page(html, status: .forbidden)
    }
}
