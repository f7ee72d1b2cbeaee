import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The REMS pages: the queue of monitoring forms, one session's printable form, and recording
/// (or correcting) its submission.
struct RemsController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var rems: RemsService { RemsService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/rems", .permission(.patientsRead), use: queue)
        routes.staff(.get, "/sessions/:session/rems-form", .permission(.patientsRead), use: form)
        routes.staff(.post, "/sessions/:session/rems-form/submission", .permission(.remsSubmit), use: submit)
    }

    @Sendable func queue(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let details = try await rems.repository.settingDetails(of: clinic.id)
        let items = try await rems.repository.queue(clinic: clinic, today: services.today(for: clinic))
        try await services.recordQueueViews(items, "REMS form queue", context: context)
        let model = RemsQueuePage.Model(items: items, applies: RemsMonitoringForm.applies(to: clinic.settings.jurisdiction, setting: details),
                                        timeZone: clinic.settings.resolvedTimeZone)
        let html = RemsQueuePage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .rems))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let document = try await rems.document(context, clinic: clinic)
        try await rems.recordView(document, context: context)
        let values = ["submittedOn": services.today(for: clinic).iso, "channel": RemsSubmission.Channel.online.rawValue]
        return page(document, values: values, errors: FieldErrors(), clinic: clinic, request: request, context: context)
    }

    @Sendable func submit(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let document = try await rems.document(context, clinic: clinic)
        let fields = try await WebResponses.formFields(of: request)
        do {
            try await rems.submit(submittedOn: fields["submittedOn"], channel: fields["channel"], confirmation: fields["confirmation"],
                                  reason: fields["reason"], document: document, clinic: clinic, context: context)
        } catch let errors as FieldErrors {
            try await rems.recordView(document, context: context)
            return page(document, values: fields, errors: errors, clinic: clinic, request: request, context: context, status: .unprocessableContent)
        }
        return WebResponses.redirect(to: "/sessions/\(document.record.session.id.uuidString.lowercased())/rems-form",
                                     flash: Flash(.success, document.submitted == nil ? "Submission recorded." : "Submission corrected."))
    }

    private func page(_ document: RemsFormDocument, values: [String: String], errors: FieldErrors, clinic: Clinic, request: Request,
                      context: Context, status: HTTPResponse.Status = .ok) -> Response {
        let model = RemsFormPage.Model(
            form: document.form, mrn: document.patient.mrn.description, submitted: document.submitted,
            daysLeft: document.form.daysLeft(today: services.today(for: clinic)), canSubmit: context.identity.can(.remsSubmit),
            values: values, errors: errors, timeZone: clinic.settings.resolvedTimeZone)
        let html = RemsFormPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .rems))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }
}
