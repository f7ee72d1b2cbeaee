import ClinicDomain
import ClinicWeb
import Hummingbird

/// The chair board: the page for the nurses' station (`GET /board`, or only its cards with
/// `?fragment=1`, which the page refetches) and the same snapshot as JSON (`GET /api/v1/board`).
struct BoardController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/board", .permission(.patientsRead), use: page)
        routes.staff(.get, "/api/v1/board", .permission(.patientsRead), use: snapshot)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let model = ChairBoardPage.Model(
            snapshot: try await services.boardSnapshots.snapshot(now: services.now()),
            timeZone: clinic.settings.resolvedTimeZone, canAcknowledge: context.identity.can(.alertsAcknowledge))
        let page = WebResponses.pageContext(clinic, request, context, section: .board)
        if request.uri.queryParameters["fragment"] == "1" {
            return WebResponses.page(ChairBoardPage.renderCards(model, context: page))
        }
        return WebResponses.consumingFlash(WebResponses.page(ChairBoardPage.render(model, context: page)), from: request)
    }

    @Sendable func snapshot(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(try await services.boardSnapshots.snapshot(now: services.now()))
    }
}
