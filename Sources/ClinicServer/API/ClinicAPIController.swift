import Hummingbird

/// `GET /api/v1/clinic`: the clinic this deployment serves.
struct ClinicAPIController<Context: RequestContext>: Sendable {
    let services: ClinicServices

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("clinic", use: show)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(APIResources.ClinicResource(try await services.currentClinic()))
    }
}
