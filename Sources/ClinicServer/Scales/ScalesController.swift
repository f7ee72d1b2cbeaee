import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird
import Plot

/// The staff pages for rating scales: the patient's outcomes page, entering and correcting a
/// scale, creating and withdrawing self-report links, and acknowledging alerts.
struct ScalesController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var scales: ScaleService { ScaleService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/patients/:id/scales", .permission(.patientsClinical), use: overview)
        routes.staff(.get, "/patients/:id/scales/new", .permission(.scalesRecord), use: newForm)
        routes.staff(.post, "/patients/:id/scales", .permission(.scalesRecord), use: create)
        routes.staff(.get, "/patients/:id/scales/:response/amend", .permission(.scalesRecord), use: amendForm)
        routes.staff(.post, "/patients/:id/scales/:response/amend", .permission(.scalesRecord), use: amend)
        routes.staff(.post, "/patients/:id/self-report-links", .permission(.scalesRecord), use: createLink)
        routes.staff(.post, "/patients/:id/self-report-links/:link/revoke", .permission(.scalesRecord), use: revokeLink)
        routes.staff(.post, "/alerts/:alert/acknowledge", .permission(.alertsAcknowledge), use: acknowledge)
    }

    @Sendable func overview(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        try await services.recordView(of: chart, "scale_response", "rating scales and outcomes", context: context)
        let responses = try await services.scales.responses(patientID: chart.summary.id)
        let outcomes = try await OutcomeOverview(services: services).outcomes(chart.summary.id, responses: responses, clinic: clinic)
        let model = ScalesPage.Model(
            patient: chart.summary, alerts: try await services.scales.alerts(patientID: chart.summary.id), outcomes: outcomes,
            due: try await scales.due(patientID: chart.summary.id, clinic: clinic, responses: responses),
            responses: responses.reversed(), links: try await services.selfReportLinks.links(patientID: chart.summary.id),
            canRecord: context.identity.can(.scalesRecord), canAcknowledge: context.identity.can(.alertsAcknowledge),
            now: services.now(), timeZone: clinic.settings.resolvedTimeZone)
        let html = ScalesPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let id = WebResponses.queryFields(of: request)["instrument"].flatMap(InstrumentID.init(rawValue:)) ?? .phq9
        return entryPage(chart, instrument: Instrument.named(id), values: ["administeredOn": services.today(for: clinic).iso],
                         errors: FieldErrors(), amending: nil, clinic: clinic, request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let form = try await WebResponses.formFields(of: request)
        guard let id = form["instrument"].flatMap(InstrumentID.init(rawValue:)) else { throw Problem.notFound("Unknown instrument.") }
        return try await save(form, instrument: Instrument.named(id), chart: chart, clinic: clinic, amending: nil, request: request,
                              context: context)
    }

    @Sendable func amendForm(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let original = try await scales.response(context, patientID: chart.summary.id)
        try await services.recordView(of: chart, "scale_response", entityID: original.id.uuidString, "correction form", context: context)
        var values = ["administeredOn": original.administeredOn.iso]
        for (index, answer) in original.score.answers.enumerated() {
            values["item\(index + 1)"] = answer.map(String.init) ?? ScaleEntryPage.missingValue
        }
        return entryPage(chart, instrument: Instrument.named(original.score.instrument), values: values, errors: FieldErrors(),
                         amending: original.id, clinic: clinic, request: request, context: context)
    }

    @Sendable func amend(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let original = try await scales.response(context, patientID: chart.summary.id)
        let form = try await WebResponses.formFields(of: request)
        return try await save(form, instrument: Instrument.named(original.score.instrument), chart: chart, clinic: clinic,
                              amending: original.id, request: request, context: context)
    }

    @Sendable func createLink(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let form = try await WebResponses.formFields(of: request)
        let chosen = Instrument.all.filter { $0.isSelfReport && form["instrument-\($0.id.rawValue)"] == "on" }.map(\.id)
        let base = "/patients/\(chart.summary.id.uuidString.lowercased())"
        guard !chosen.isEmpty else {
            return WebResponses.redirect(to: "\(base)/scales#self-report", flash: Flash(.error, "Choose at least one questionnaire for the link."))
        }
        let policy = try await services.safetyPolicies.policy(of: clinic.id)
        let (link, code) = try await services.selfReportLinks.create(patientID: chart.summary.id, instruments: chosen,
                                                                     lifetimeHours: policy.linkLifetimeHours,
                                                                     stamp: context.stamp(at: services.now()))
        let address = SelfReportController.address(of: code, settings: services.settings)
        let sentBy = try await send(form["send"], address: address, code: code, chart: chart, clinic: clinic)
        let html = SelfReportLinkPage.render(
            patient: chart.summary, link: link, code: code, address: address,
            qrCode: QRCode.svg(for: address, label: "QR code of the self-report link"), sentBy: sentBy,
            timeZone: clinic.settings.resolvedTimeZone,
            context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.page(html, status: .created)
    }

    @Sendable func revokeLink(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        guard let id = context.parameters.get("link").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        let done = try await services.selfReportLinks.revoke(id, patientID: chart.summary.id, stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: "/patients/\(chart.summary.id.uuidString.lowercased())/scales#self-report",
                                     flash: done ? Flash(.success, "Link withdrawn.") : Flash(.info, "That link was no longer open."))
    }

    @Sendable func acknowledge(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let alert = try await scales.alert(context, clinic: clinic)
        let id = alert.id
        let form = try await WebResponses.formFields(of: request)
        let back = LocalRedirect.path(form["returnTo"])
            ?? "/patients/\(alert.patientID.uuidString.lowercased())/scales"
        guard let action = form["action"].flatMap(SafetyAction.init(rawValue:)) else {
            return WebResponses.redirect(to: back, flash: Flash(.error, "Choose the action taken to acknowledge the alert."))
        }
        let note = form["note"]?.trimmed
        let acknowledged = try await services.scales.acknowledge(
            id, with: .init(byName: context.identity.user.displayName, at: services.now(), action: action,
                            note: note?.isEmpty == false ? note : nil),
            stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: back, flash: acknowledged ? Flash(.success, "Alert acknowledged: \(action.displayName).")
                                                    : Flash(.info, "That alert was already acknowledged."))
    }

    // MARK: helpers

    private func save(_ form: [String: String], instrument: Instrument, chart: PatientChart, clinic: Clinic, amending: UUID?,
                      request: Request, context: Context) async throws -> Response {
        var (answers, errors) = ScaleService.answers(from: form, instrument: instrument, missingValue: ScaleEntryPage.missingValue)
        let day = CalendarDate(iso: form["administeredOn"]?.trimmed ?? "")
        if day == nil { errors.add("administeredOn", "Enter the day as YYYY-MM-DD.") }
        let reason = form["reason"]?.trimmed ?? ""
        if amending != nil && reason.isEmpty { errors.add("reason", "Say why the scores are corrected.") }
        do {
            try errors.throwIfAny()
            let (_, alerts) = try await scales.record(instrument.id, answers: answers, on: day!, patient: chart.summary, clinic: clinic,
                                                      source: .staff, stamp: context.stamp(at: services.now()), amends: amending,
                                                      reason: amending == nil ? nil : reason)
            let message = alerts.isEmpty ? "\(instrument.shortName) saved." : "\(instrument.shortName) saved. A suicidality alert was raised and staff were notified."
            return WebResponses.redirect(to: "/patients/\(chart.summary.id.uuidString.lowercased())/scales",
                                         flash: Flash(alerts.isEmpty ? .success : .error, message))
        } catch let invalid as FieldErrors {
            return entryPage(chart, instrument: instrument, values: form, errors: invalid, amending: amending, clinic: clinic,
                             request: request, context: context, status: .unprocessableContent)
        }
    }

    private func entryPage(_ chart: PatientChart, instrument: Instrument, values: [String: String], errors: FieldErrors, amending: UUID?,
                           clinic: Clinic, request: Request, context: Context, status: HTTPResponse.Status = .ok) -> Response {
        let html = ScaleEntryPage.render(patient: chart.summary, instrument: instrument, values: values, errors: errors, amending: amending,
                                         context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.page(html, status: status)
    }

    /// Sends the link by SMS or email through the outbox when asked and the contact details allow.
    private func send(_ channel: String?, address: String, code: String, chart: PatientChart, clinic: Clinic) async throws -> String? {
        let text = SelfReportInvitation(clinicName: clinic.settings.name, address: address, code: code)
        let body = text.body
        switch channel {
        case "sms":
            guard let phone = chart.record.contact?.phone else { return "Not sent: the patient has no phone number on file." }
            await services.outbox.send(OutboxMessage(channel: .sms, recipient: phone, subject: text.smsSubject, body: body))
            return "Sent by SMS to \(phone)."
        case "email":
            guard let email = chart.record.contact?.email else { return "Not sent: the patient has no email address on file." }
            await services.outbox.send(OutboxMessage(channel: .email, recipient: email, subject: text.emailSubject, body: body))
            return "Sent by email to \(email)."
        default:
            return nil
        }
    }
}
