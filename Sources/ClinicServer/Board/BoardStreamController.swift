import ClinicDomain
import Hummingbird

/// The chair board's live events as server-sent events: `GET /board/events` for the board page
/// (browser session) and `GET /api/v1/board/events` for API clients (Bearer token), both for
/// staff who may see patients.
struct BoardStreamController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/board/events", .permission(.patientsClinical), use: events)
        routes.staff(.get, "/api/v1/board/events", .permission(.patientsClinical), use: events)
    }

    @Sendable func events(_ request: Request, context: Context) async throws -> Response {
        // The stream carries live vital signs of every patient on the board: opening it is a view.
        try await services.audit.record(AuditEvent(.view, entityType: "chair_board", entityID: "events",
                                                   summary: "chair board live events opened"), stamp: context.stamp(at: services.now()))
        return BoardEventStream(bus: services.board, limit: services.boardStreamLimit).response()
    }
}
