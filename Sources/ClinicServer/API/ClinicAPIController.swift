import Hummingbird

/// `GET /api/v1/clinic`: the clinic this deployment serves.
struct ClinicAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/clinic", .signedIn, use: show)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(APIResources.ClinicResource(try await services.currentClinic()))
    }
}
