import ClinicDomain
import Hummingbird

/// `GET /api/v1/me` (who the token belongs to and what it may do) and `GET /api/v1/users`.
struct AccountsAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/me", .signedIn, use: me)
        routes.staff(.get, "/api/v1/users", .permission(.usersManage), use: users)
    }

    @Sendable func me(_ request: Request, context: Context) async throws -> Response {
        let identity = context.identity
        var tokenName: String?
        if case .apiToken(let token) = identity.credential { tokenName = token.name }
        return try APIResponse.json(APIResources.MeResource(
            user: .init(identity.user), permissions: identity.permissions.sorted().map(\.rawValue), tokenName: tokenName))
    }

    @Sendable func users(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(try await services.users.all().map(APIResources.UserResource.init))
    }
}
