import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// A session's controlled-substance draws: the proposal from the planned dose and the stock on
/// hand, the draw, the witnessed waste, the return of unused devices, and the reconciliation
/// the session's discharge waits for.
struct SessionRegisterController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var register: RegisterService { RegisterService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/sessions/:session/register", .permission(.registerView), use: show)
        for form in ["draw", "waste", "return"] {
            routes.staff(.post, "/sessions/:session/register/\(form)", .permission(.registerRecord)) { request, context in
                try await post(form, request, context)
            }
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let session = try await register.sessionRegister(context, clinic: clinic)
        return WebResponses.consumingFlash(page(session, clinic: clinic, values: [:], errors: FieldErrors(), form: nil, request: request, context: context),
                                           from: request)
    }

    func post(_ form: String, _ request: Request, _ context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let session = try await register.sessionRegister(context, clinic: clinic)
        let fields = try await WebResponses.formFields(of: request)
        do {
            let entry: RegisterMovement
            switch form {
            case "draw": entry = try await register.draw(fields, session: session, clinic: clinic, context: context)
            case "waste": entry = try await register.waste(fields, session: session, clinic: clinic, context: context)
            default: entry = try await register.returnUnits(fields, session: session, clinic: clinic, context: context)
            }
            await SessionWorkflow(services: services).announce(BoardEvent(kind: .recordChanged, sessionID: session.loaded.record.session.id,
                                                                          storedAt: services.now()))
            return WebResponses.redirect(to: "/sessions/\(session.loaded.record.session.id.uuidString.lowercased())/register",
                                         flash: Flash(.success, "\(entry.kind.displayName) recorded: \(entry.detail)."))
        } catch let errors as FieldErrors {
            return page(session, clinic: clinic, values: fields, errors: errors, form: form, request: request, context: context,
                        status: .unprocessableContent)
        }
    }

    private func page(_ session: RegisterService.SessionRegister, clinic: Clinic, values: [String: String], errors: FieldErrors, form: String?,
                      request: Request, context: Context, status: HTTPResponse.Status = .ok) -> Response {
        let record = session.loaded.record
        let substance: ControlledSubstance = record.treatment == .esketamine ? .esketamine : .ketamine
        let lines = session.stock.filter { session.catalogue.product($0.productID)?.substance == substance }
        let model = SessionRegisterPage.Model(
            sessionID: record.session.id,
            heading: "\(session.loaded.patient.listName) · session \(record.session.number) on \(record.session.date.iso) · "
                + "\(record.treatment.displayName) · \(record.session.state.displayName)",
            state: record.session.state, planned: session.planned,
            proposals: session.proposals.map { .init(product: $0.product, proposal: $0.proposal) }, entries: session.entries,
            reconciliation: session.reconciliation, lines: lines, catalogue: session.catalogue, values: values, errors: errors, activeForm: form,
            canRecord: context.identity.can(.registerRecord), timeZone: clinic.settings.resolvedTimeZone)
        return WebResponses.page(SessionRegisterPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .sessions)),
                                 status: status)
    }
}
