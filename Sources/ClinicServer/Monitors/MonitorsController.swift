import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The monitor pages: the administrators' gateways-and-registry page, and the nurses' queue of
/// unmatched readings with its assign and discard forms.
struct MonitorsController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var monitors: MonitorService { MonitorService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/admin/monitors", .permission(.monitorsManage), use: admin)
        routes.staff(.post, "/admin/monitors/devices", .permission(.monitorsManage), use: register)
        routes.staff(.post, "/admin/monitors/devices/:device/retire", .permission(.monitorsManage), use: retire)
        routes.staff(.get, "/monitors/unmatched", .permission(.sessionsRun), use: unmatched)
        routes.staff(.post, "/monitors/unmatched/:reading/assign", .permission(.sessionsRun), use: assign)
        routes.staff(.post, "/monitors/unmatched/:reading/discard", .permission(.sessionsRun), use: discard)
    }

    // MARK: Administrators

    @Sendable func admin(_ request: Request, context: Context) async throws -> Response {
        try await adminPage(request, context: context, values: [:], errors: FieldErrors())
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebResponses.formFields(of: request)
        do {
            let device = try await monitors.register(fields, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/admin/monitors", flash: Flash(.success, "Monitor \(device.deviceID) registered at \(device.chair)."))
        } catch let errors as FieldErrors {
            return try await adminPage(request, context: context, values: fields, errors: errors, status: .unprocessableContent)
        }
    }

    @Sendable func retire(_ request: Request, context: Context) async throws -> Response {
        let device = try await monitors.retire(context)
        return WebResponses.redirect(to: "/admin/monitors", flash: Flash(.success, "Monitor \(device) retired; its readings now wait as unmatched."))
    }

    private func adminPage(_ request: Request, context: Context, values: [String: String], errors: FieldErrors,
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let settings = services.settings.monitors
        let now = services.now()
        let chairs = try await services.sessionPolicies.policy(of: clinic.id).chairs
        let unmatched = try await services.monitors.unmatched(limit: 5_000)
        let uncharted = try await services.monitors.recentUncharted(limit: 50).flatMap { record in
            MonitorService.uncharted(record).map {
                MonitorsAdminPage.Uncharted(observedAt: $0.observedAt, deviceID: record.deviceID, chair: record.chair, code: $0.code, name: $0.name,
                                            value: $0.value, unit: $0.unit, disposition: $0.disposition.rawValue, note: $0.note)
            }
        }
        let model = MonitorsAdminPage.Model(
            listener: .init(address: settings.port.map { "\(settings.host):\($0)" }, tls: settings.tlsCertificate != nil && settings.tlsKey != nil,
                            gateways: settings.gateways.description),
            gateways: try await services.monitors.gateways(now: now).map {
                .init(address: $0.gateway, applications: $0.sendingApplications, lastMessageAt: $0.lastMessageAt, lastOutcome: $0.lastOutcome,
                      perMinute: Double($0.messagesLastFiveMinutes) / 5, errorsLastDay: $0.errorsLastDay, lastError: $0.lastError,
                      lastErrorAt: $0.lastErrorAt, unmatched: $0.unmatched)
            },
            devices: try await services.monitors.devices().map {
                .init(deviceID: $0.deviceID, chair: $0.chair, label: $0.label, active: $0.active, registeredByName: $0.registeredByName,
                      updatedAt: $0.updatedAt)
            },
            chairs: chairs,
            messages: try await services.monitors.recentMessages(limit: 50).map {
                .init(receivedAt: $0.receivedAt, gateway: $0.gateway, deviceID: $0.deviceID, controlID: $0.controlID, outcome: $0.outcome,
                      error: $0.error, observations: $0.observations, stored: $0.stored, unmatched: $0.unmatched, repeated: $0.repeated)
            },
            uncharted: Array(uncharted.prefix(100)), unmatchedTotal: unmatched.count, values: values, errors: errors,
            timeZone: clinic.settings.resolvedTimeZone)
        let html = MonitorsAdminPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .clinic))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    // MARK: Nurses

    @Sendable func unmatched(_ request: Request, context: Context) async throws -> Response {
        try await unmatchedPage(request, context: context, failed: nil)
    }

    @Sendable func assign(_ request: Request, context: Context) async throws -> Response {
        try await changeReading(request, context: context, refusalField: "sessionId",
                                done: "Reading assigned; it is on the session's flowsheet.") { id, fields, stamp in
            try await monitors.assign(id, sessionText: fields["sessionId"], note: fields["assignReason"], stamp: stamp)
        }
    }

    @Sendable func discard(_ request: Request, context: Context) async throws -> Response {
        try await changeReading(request, context: context, refusalField: "reason",
                                done: "Reading discarded; it is kept with your reason.") { id, fields, stamp in
            try await monitors.discard(id, reason: fields["reason"], stamp: stamp)
        }
    }

    /// Assigning and discarding a reading alike: the change runs on the posted form; field errors
    /// (422) or a refusal (409, shown under `refusalField`) show the queue again with the form as
    /// sent, and success goes back to the queue saying `done`.
    private func changeReading(_ request: Request, context: Context, refusalField: String, done: String,
                               _ change: (UUID, [String: String], AuditStamp) async throws -> Void) async throws -> Response {
        let id = try Self.readingID(context)
        let fields = try await WebResponses.formFields(of: request)
        do {
            try await change(id, fields, context.stamp(at: services.now()))
        } catch let errors as FieldErrors {
            return try await unmatchedPage(request, context: context, failed: (id, fields, errors), status: .unprocessableContent)
        } catch let refusal as SessionRefusal {
            var errors = FieldErrors()
            errors.add(refusalField, refusal.reason)
            return try await unmatchedPage(request, context: context, failed: (id, fields, errors), status: .conflict)
        }
        return WebResponses.redirect(to: "/monitors/unmatched", flash: Flash(.success, done))
    }

    private func unmatchedPage(_ request: Request, context: Context, failed: (id: UUID, values: [String: String], errors: FieldErrors)?,
                               status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let sessions = try await monitors.assignableSessions(clinic: clinic)
        try await MonitorService.recordSessionListViews(sessions.map { $0.id }, services: services, context: context)
        let items = try await services.monitors.unmatched().map { record in
            UnmatchedReadingsPage.Item(id: record.id, observedAt: record.observedAt, receivedAt: record.receivedAt, deviceID: record.deviceID,
                                       chair: record.chair, bed: record.bed, values: record.values, reason: record.statusReason,
                                       uncharted: MonitorService.uncharted(record).map(MonitorService.describe))
        }
        let model = UnmatchedReadingsPage.Model(items: items, sessions: sessions.map { .init(id: $0.id, label: $0.label) }, failed: failed,
                                                timeZone: clinic.settings.resolvedTimeZone)
        let html = UnmatchedReadingsPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .sessions))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    static func readingID(_ context: Context) throws -> UUID {
        guard let id = context.parameters.get("reading").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        return id
    }
}

extension MonitorService {
    /// Each session offered for assignment names its patient: an audited view, as the day list's.
    static func recordSessionListViews(_ sessionIDs: [UUID], services: ClinicServices, context: StaffRequestContext) async throws {
        var events: [AuditEvent] = []
        for id in sessionIDs {
            guard let record = try await services.sessionRecords.record(of: id, monitorSummary: true) else { continue }
            events.append(AuditEvent(.view, entityType: "treatment_session", entityID: id.uuidString, patientID: record.session.patientID,
                                     summary: "sessions offered for an unmatched monitor reading"))
        }
        if !events.isEmpty { try await services.audit.record(events, stamp: context.stamp(at: services.now())) }
    }
}
