import ClinicDomain
import ClinicWeb
import Foundation
import Hummingbird

/// The chair board: the page for the nurses' station (`GET /board`, or only its cards with
/// `?fragment=1`, which the page refetches) and the same snapshot as JSON (`GET /api/v1/board`).
struct BoardController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/board", .permission(.patientsClinical), use: page)
        routes.staff(.get, "/api/v1/board", .permission(.patientsClinical), use: snapshot)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let model = ChairBoardPage.Model(
            snapshot: try await services.boardSnapshots.snapshot(now: services.now()),
            timeZone: clinic.settings.resolvedTimeZone, canAcknowledge: context.identity.can(.alertsAcknowledge))
        let page = WebResponses.pageContext(clinic, request, context, section: .board)
        if request.uri.queryParameters["fragment"] == "1" {
            // A refresh of a board already open (audited when it opened); only newly shown patients are new views.
            return WebResponses.page(ChairBoardPage.renderCards(model, context: page))
        }
        try await recordViews(model.snapshot, "chair board", context: context)
        return WebResponses.consumingFlash(WebResponses.page(ChairBoardPage.render(model, context: page)), from: request)
    }

    @Sendable func snapshot(_ request: Request, context: Context) async throws -> Response {
        let snapshot = try await services.boardSnapshots.snapshot(now: services.now())
        try await recordViews(snapshot, "API chair board", context: context)
        return try APIResponse.json(snapshot)
    }

    /// One audited view per patient on the board: their names, phases and vital signs were shown.
    private func recordViews(_ snapshot: BoardSnapshot, _ summary: String, context: Context) async throws {
        guard !snapshot.cards.isEmpty else { return }
        try await services.audit.record(snapshot.cards.map {
            AuditEvent(.view, entityType: "treatment_session", entityID: $0.sessionID.uuidString, patientID: $0.patientID, summary: summary)
        }, stamp: context.stamp(at: services.now()))
    }
}
