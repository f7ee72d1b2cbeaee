import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The chair board: the page for the nurses' station (`GET /board`, or only its cards with
/// `?fragment=1`, which the page refetches) and the same snapshot as JSON (`GET /api/v1/board`);
/// and the two things a nurse does from a card without leaving the board: acknowledge an alert and
/// record a reading. Those forms post to `/board/sessions/…`; without JavaScript the answer is the
/// board again (303 back to it, or the board with the card's field errors, 422); with it, the
/// script adds `fragment=1` and gets only the card back, which it swaps in place.
struct BoardController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: SessionWorkflow { SessionWorkflow(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/board", .permission(.patientsClinical), use: page)
        routes.staff(.get, "/api/v1/board", .permission(.patientsClinical), answer: .encoding(BoardSnapshot.self), use: snapshot)
        routes.staff(.post, "/board/sessions/:session/vitals", .permission(.vitalsRecord), use: reading)
        routes.staff(.post, "/board/sessions/:session/alerts/:alert/acknowledge", .permission(.alertsAcknowledge), use: acknowledge)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let model = try await model(clinic, request, context)
        let page = WebResponses.pageContext(clinic, request, context, section: .board)
        if request.uri.queryParameters["fragment"] == "1" {
            // A refresh of a board already open (audited when it opened); only newly shown patients are new views.
            return WebResponses.page(ChairBoardPage.renderCards(model, context: page))
        }
        try await recordViews(model.shownCards, "chair board", context: context)
        return WebResponses.consumingFlash(WebResponses.page(ChairBoardPage.render(model, context: page)), from: request)
    }

    @Sendable func snapshot(_ request: Request, context: Context) async throws -> Response {
        let snapshot = try await services.boardSnapshots.snapshot(now: services.now())
        try await recordViews(snapshot.cards, "API chair board", context: context)
        return try APIResponse.json(snapshot)
    }

    // MARK: In place

    /// A reading from the card: the session page's fields, checks, alert rules and audit
    /// (`SessionForms.reading`, `SessionWorkflow.recordReading`).
    @Sendable func reading(_ request: Request, context: Context) async throws -> Response {
        try await inPlace(request, context, form: { _ in "vitals" }) { loaded, fields in
            let (values, takenAt) = try SessionForms.reading(fields, now: services.now(), timeZone: loaded.clinic.settings.resolvedTimeZone)
            let result = try await workflow.recordReading(values, takenAt: takenAt, source: .nurse, sessionID: loaded.record.session.id,
                                                          clinic: loaded.clinic, stamp: context.stamp(at: services.now()))
            let alerts = result.alerts.map(\.message)
            return (alerts.isEmpty ? "Reading saved." : "Reading saved. ALERT: " + alerts.joined(separator: " "), !alerts.isEmpty)
        }
    }

    /// An acknowledgement from the card, with the action taken (`SessionWorkflow.acknowledge`, as on the session page).
    @Sendable func acknowledge(_ request: Request, context: Context) async throws -> Response {
        let alertID = try SessionsAPIController.uuid(context, "alert")
        return try await inPlace(request, context, form: { _ in alertID.uuidString.lowercased() }) { loaded, fields in
            let (action, note) = try SessionForms.acknowledgement(fields)
            try await workflow.acknowledge(alert: alertID, sessionID: loaded.record.session.id, action: action, note: note,
                                           stamp: context.stamp(at: services.now()))
            return ("Alert acknowledged: \(action.displayName.lowercased()).", false)
        }
    }

    /// Runs a card's form. With `?fragment=1` (the script) the answer is the card alone: 200 with
    /// its notice, or 422/409 with the errors in it. Without, the whole board: a 303 back to it
    /// (keeping the chair filter, at the card) or the board with the card's errors.
    private func inPlace(_ request: Request, _ context: Context, form: (LoadedSession) -> String,
                         _ body: (LoadedSession, [String: String]) async throws -> (String, Bool)) async throws -> Response {
        let clinic = try await services.currentClinic()
        let loaded = try await workflow.load(try SessionsAPIController.uuid(context, "session"), clinic: clinic)
        let fields = try await WebResponses.formFields(of: request)
        let sessionID = loaded.record.session.id
        let fragment = request.uri.queryParameters["fragment"] == "1"
        var model = try await model(clinic, request, context)
        let status: HTTPResponse.Status
        do {
            let (message, alerting) = try await body(loaded, fields)
            if !fragment {
                return WebResponses.redirect(to: "/board\(model.filterQuery)#card-\(sessionID.uuidString.lowercased())",
                                             flash: Flash(alerting ? .error : .success, "\(loaded.record.chair ?? "Session"): \(message)"))
            }
            model = try await self.model(clinic, request, context)
            model.notice = .init(sessionID: sessionID, message: message, alerting: alerting)
            status = .ok
        } catch let errors as FieldErrors {
            model.failure = .init(sessionID: sessionID, form: form(loaded), errors: errors, values: fields)
            status = .unprocessableContent
        } catch let refusal as SessionRefusal {
            model.failure = .init(sessionID: sessionID, form: form(loaded), values: fields, refusal: refusal.reason)
            status = .conflict
        }
        let page = WebResponses.pageContext(clinic, request, context, section: .board)
        if fragment {
            guard let card = model.snapshot.cards.first(where: { $0.sessionID == sessionID }) else {
                // The session left the board (discharged meanwhile): the script redraws the board.
                return WebResponses.page(ChairBoardPage.renderCards(model, context: page), status: status)
            }
            return WebResponses.page(ChairBoardPage.renderCard(card, model: model, context: page), status: status)
        }
        return WebResponses.page(ChairBoardPage.render(model, context: page), status: status)
    }

    // MARK: Helpers

    /// The board's model for this request: the snapshot, the clinic's chairs and the viewer's filter.
    private func model(_ clinic: Clinic, _ request: Request, _ context: Context) async throws -> ChairBoardPage.Model {
        let policy = try await services.sessionPolicies.policy(of: clinic.id)
        return ChairBoardPage.Model(
            snapshot: try await services.boardSnapshots.snapshot(now: services.now()),
            timeZone: clinic.settings.resolvedTimeZone, canAcknowledge: context.identity.can(.alertsAcknowledge),
            canRecordVitals: context.identity.can(.vitalsRecord), chairs: policy.chairs,
            filter: Self.chairFilter(request.uri.query ?? "", chairs: policy.chairs))
    }

    /// The chairs named by `chair=` in the query (repeatable), kept only when they are the
    /// clinic's chairs, in board order; `all=1` clears the filter.
    static func chairFilter(_ query: String, chairs: [String]) -> [String] {
        var chosen = Set<String>()
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.first == "all", parts.count > 1, parts[1] == "1" { return [] }
            if parts.first == "chair", parts.count > 1 { chosen.insert(parts[1]) }
        }
        return chairs.filter(chosen.contains)
    }

    /// One audited view per patient on the board: their names, phases and vital signs were shown.
    private func recordViews(_ cards: [ChairCard], _ summary: String, context: Context) async throws {
        guard !cards.isEmpty else { return }
        try await services.audit.record(cards.map {
            AuditEvent(.view, entityType: "treatment_session", entityID: $0.sessionID.uuidString, patientID: $0.patientID, summary: summary)
        }, stamp: context.stamp(at: services.now()))
    }
}
