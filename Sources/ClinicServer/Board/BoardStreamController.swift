import ClinicDomain
import Hummingbird

/// The chair board's live events as server-sent events: `GET /board/events` for the board page
/// (browser session) and `GET /api/v1/board/events` for API clients (Bearer token), both for
/// staff who may see patients.
struct BoardStreamController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/board/events", .permission(.patientsRead), use: events)
        routes.staff(.get, "/api/v1/board/events", .permission(.patientsRead), use: events)
    }

    @Sendable func events(_ request: Request, context: Context) async throws -> Response {
        BoardEventStream(bus: services.board, limit: services.boardStreamLimit).response()
    }
}
