import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The session pages: the day's list, and one session's page with every step from check-in to
/// the signed note. Each form posts here and comes back to the page (post/redirect/get); field
/// errors and refusals re-render the page with the posted values kept.
struct SessionController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: SessionWorkflow { SessionWorkflow(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/sessions", .permission(.patientsRead), use: day)
        routes.staff(.get, "/sessions/:session", .permission(.patientsRead), use: show)
        routes.staff(.post, "/sessions/:session/commands", .permission(.sessionsCheckIn), use: command)
        routes.staff(.post, "/sessions/:session/chair", .permission(.sessionsCheckIn), use: chair)
        for form in SessionEntryForm.allCases {
            routes.staff(.post, "/sessions/:session/\(form.rawValue)", .permission(.sessionsRun)) { request, context in
                try await entry(form, request, context)
            }
        }
        routes.staff(.post, "/sessions/:session/administration", .permission(.sessionsRun), use: administration)
        routes.staff(.post, "/sessions/:session/vitals", .permission(.vitalsRecord), use: reading)
        routes.staff(.post, "/sessions/:session/vitals/:reading/amend", .permission(.sessionsRun), use: amendReading)
        routes.staff(.post, "/sessions/:session/alerts/:alert/acknowledge", .permission(.alertsAcknowledge), use: acknowledge)
        routes.staff(.post, "/sessions/:session/note/amendments", .permission(.sessionsRun), use: amendNote)
    }

    @Sendable func day(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let query = WebResponses.queryFields(of: request)
        if let text = query["date"], CalendarDate(iso: text) == nil {
            return WebResponses.redirect(to: "/sessions", flash: Flash(.error, "“\(text)” is not a date (YYYY-MM-DD); here is today."))
        }
        let date = query["date"].flatMap(CalendarDate.init(iso:)) ?? services.today(for: clinic)
        let rows = try await workflow.day(date, clinic: clinic, summary: "day list of sessions", context: context).map { entry in
            SessionDayPage.Row(sessionID: entry.record.session.id, patientName: entry.patient.listName, number: entry.record.session.number,
                               state: entry.record.session.state, chair: entry.record.chair, dose: entry.record.plannedDoseSummary)
        }
        let html = SessionDayPage.render(date: date, rows: rows, context: WebResponses.pageContext(clinic, request, context, section: .sessions),
                                         canBook: context.identity.can(.scheduleBook))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let loaded = try await workflow.load(try SessionsAPIController.uuid(context, "session"), clinic: try await services.currentClinic(),
                                             monitorSummary: true)
        try await SessionViews.recordView(loaded, "session page", services: services, context: context)
        let focus = request.uri.queryParameters["focus"] == "vitals"
        return WebResponses.consumingFlash(try await page(loaded, request: request, context: context, focusVitals: focus), from: request)
    }

    // MARK: Posts

    @Sendable func command(_ request: Request, context: Context) async throws -> Response {
        try await handle(request, context, form: "commands") { loaded, fields in
            guard let command = fields["command"].flatMap(SessionCommand.init(rawValue:)) else { throw Problem.notFound("Unknown command.") }
            guard context.identity.can(command.permission) else { throw Problem.forbidden(command.permission) }
            if command.needsReason, fields["reason"]?.nilIfEmpty == nil {
                var errors = FieldErrors()
                errors.add("reason-\(command.rawValue)", command == .cancel ? "Say why the session is cancelled."
                                                                             : "Say why the session is stopped early.")
                throw errors
            }
            let next = try await workflow.apply(command, to: loaded, reason: fields["reason"], identity: context.identity,
                                                stamp: context.stamp(at: services.now()))
            return "\(command.label): the session is now \(next.displayName.lowercased())."
        }
    }

    @Sendable func chair(_ request: Request, context: Context) async throws -> Response {
        try await handle(request, context, form: "chair") { loaded, fields in
            let chair = try SessionForms.chair(fields, policy: loaded.policy)
            try await append(.chair(chair), loaded, context)
            return "Seated in \(chair)."
        }
    }

    /// One of the record's entry forms.
    private func entry(_ form: SessionEntryForm, _ request: Request, _ context: Context) async throws -> Response {
        try await handle(request, context, form: form.formName) { loaded, fields in
            let content = try form.entry(fields, loaded, now: services.now())
            try await append(content, loaded, context)
            return form.confirmation(content)
        }
    }

    @Sendable func administration(_ request: Request, context: Context) async throws -> Response {
        try await handle(request, context, form: "administration") { loaded, fields in
            let amends = fields["amends"].flatMap(UUID.init(uuidString:))
            let details = try await checkedAdministration(fields, loaded, context, correcting: amends != nil)
            try await append(.administration(details), loaded, context, amends: amends, reason: fields["reason"])
            return amends == nil ? "Administration recorded." : "Administration corrected."
        }
    }

    /// The administration record from the page's form: "Given by" is the signed-in user (never
    /// typed); "Checked by" is a second person who confirms the dose with their own credentials on
    /// this device, through the same second-person confirmation the register's witness uses
    /// (`checkerEmail`, `checkerPassword`, `checkerCode`; the checker must hold `sessions.run`).
    /// Field errors of the record and of the check come back together.
    private func checkedAdministration(_ posted: [String: String], _ loaded: LoadedSession, _ context: Context,
                                       correcting: Bool) async throws -> AdministrationDetails {
        var fields = posted
        let giver = context.identity.user.displayName
        fields["administeredBy"] = giver
        fields["checkedBy"] = "second person, confirmed below"
        var errors = FieldErrors()
        var details: AdministrationDetails?
        do { details = try SessionForms.administration(fields, today: services.today(for: loaded.clinic)) } catch let found as FieldErrors {
            errors = found
        }
        if correcting, fields["reason"]?.nilIfEmpty == nil { errors.add("reason", "Say why the administration record is corrected.") }
        let credentials = SecondPersonCredentials.from(fields, prefix: "checker")
        guard var checked = details, errors.isEmpty else {
            if credentials == nil { errors.add("checkerEmail", "A second person checks the dose with their own email and password.") }
            throw errors
        }
        let record = loaded.record
        let checker = try await SecondPersonConfirmation(services: services).confirm(
            credentials, permission: .sessionsRun, actingUser: context.identity.user,
            purpose: "check the dose of session \(record.session.number) (\(Rounding.text(checked.doseMg, places: 1)) mg \(checked.route), "
                + "lot \(checked.lotNumber)) given by \(giver)",
            stamp: context.stamp(at: services.now()), fieldPrefix: "checker")
        checked.checkedBy = checker.displayName
        return try checked.validated(on: services.today(for: loaded.clinic))
    }

    @Sendable func reading(_ request: Request, context: Context) async throws -> Response {
        try await handle(request, context, form: "vitals") { loaded, fields in
            let (values, takenAt) = try SessionForms.reading(fields, now: services.now(), timeZone: loaded.clinic.settings.resolvedTimeZone)
            let result = try await workflow.recordReading(values, takenAt: takenAt, source: .nurse, sessionID: loaded.record.session.id,
                                                          clinic: loaded.clinic, stamp: context.stamp(at: services.now()))
            return result.alerts.isEmpty ? "Reading saved." : "Reading saved. ALERT: " + result.alerts.map(\.message).joined(separator: " ")
        }
    }

    @Sendable func amendReading(_ request: Request, context: Context) async throws -> Response {
        try await handle(request, context, form: "vitals") { loaded, fields in
            let readingID = try SessionsAPIController.uuid(context, "reading")
            let (values, takenAt) = try SessionForms.reading(fields, now: services.now(), timeZone: loaded.clinic.settings.resolvedTimeZone)
            try await workflow.recordReading(values, takenAt: takenAt, source: .nurse, sessionID: loaded.record.session.id,
                                             clinic: loaded.clinic, amends: readingID, reason: fields["reason"],
                                             stamp: context.stamp(at: services.now()))
            return values.isEmpty ? "Reading struck as entered in error." : "Reading corrected."
        }
    }

    @Sendable func acknowledge(_ request: Request, context: Context) async throws -> Response {
        try await handle(request, context, form: "alerts") { loaded, fields in
            let (action, note) = try SessionForms.acknowledgement(fields)
            try await workflow.acknowledge(alert: try SessionsAPIController.uuid(context, "alert"), sessionID: loaded.record.session.id,
                                           action: action, note: note, stamp: context.stamp(at: services.now()))
            return "Alert acknowledged: \(action.displayName.lowercased())."
        }
    }

    @Sendable func amendNote(_ request: Request, context: Context) async throws -> Response {
        try await handle(request, context, form: "note") { loaded, fields in
            let text = try SessionForms.noteText(fields)
            guard let reason = fields["reason"]?.nilIfEmpty else {
                var errors = FieldErrors()
                errors.add("reason", "Say why the note is amended.")
                throw errors
            }
            try await append(.noteAmendment(text), loaded, context, reason: reason)
            return "Amendment appended."
        }
    }

    // MARK: Helpers

    /// Runs one posted form: success redirects back with `message`; field errors re-render the
    /// page (422) and refusals too (409), keeping what was typed.
    private func handle(_ request: Request, _ context: Context, form: String,
                        _ body: (LoadedSession, [String: String]) async throws -> String) async throws -> Response {
        let loaded = try await load(context)
        let fields = try await WebResponses.formFields(of: request)
        let anchor = form == "commands" || form == "chair" ? "session-header" : form
        do {
            let message = try await body(loaded, fields)
            // After a reading the page comes back with the first vitals field focused, ready for the next.
            let focus = form == "vitals" ? "?focus=vitals" : ""
            return WebResponses.redirect(to: "/sessions/\(loaded.record.session.id.uuidString.lowercased())\(focus)#\(anchor)",
                                         flash: Flash(.success, message))
        } catch let errors as FieldErrors {
            return try await page(try await reload(loaded), request: request, context: context, errors: errors, values: fields, form: form,
                                  status: .unprocessableContent)
        } catch let refusal as SessionRefusal {
            return try await page(try await reload(loaded), request: request, context: context, values: fields, form: form,
                                  refusal: refusal.reason, status: .conflict)
        } catch let refused as CheckInRefused {
            return try await page(try await reload(loaded), request: request, context: context, values: fields, form: form,
                                  refusal: refused.description, status: .conflict)
        }
    }

    private func append(_ content: SessionEntryContent, _ loaded: LoadedSession, _ context: Context, amends: UUID? = nil,
                        reason: String? = nil) async throws {
        try await workflow.append(content, to: loaded, amends: amends, reason: reason, identity: context.identity,
                                  stamp: context.stamp(at: services.now()))
    }

    private func load(_ context: Context) async throws -> LoadedSession {
        try await workflow.load(try SessionsAPIController.uuid(context, "session"), clinic: try await services.currentClinic())
    }

    private func reload(_ loaded: LoadedSession) async throws -> LoadedSession {
        try await workflow.load(loaded.record.session.id, clinic: loaded.clinic)
    }

    private func page(_ loaded: LoadedSession, request: Request, context: Context, errors: FieldErrors = FieldErrors(),
                      values: [String: String] = [:], form: String? = nil, refusal: String? = nil,
                      status: HTTPResponse.Status = .ok, focusVitals: Bool = false) async throws -> Response {
        let now = services.now()
        let record = loaded.record
        let facts = try await workflow.checklistFacts(loaded)
        let evaluation = ChecklistEvaluation(record.checklist ?? .empty, facts: facts)
        let readiness = record.dischargeReadiness(policy: loaded.policy, now: now)
        let identity = context.identity
        let commands = SessionCommand.available(in: record.session.state).filter { identity.can($0.permission) }.map { command in
            SessionPage.Command(name: command.rawValue, label: command.label, needsReason: command.needsReason,
                                blockers: Self.blockers(command, loaded, evaluation: evaluation, readiness: readiness, now: now),
                                canOverride: identity.can(.sessionsOverride), destructive: command.isDestructive)
        }
        var model = SessionPage.Model(
            record: record, patient: loaded.patient, policy: loaded.policy, checklist: evaluation, facts: facts,
            points: record.requiredPoints(schedule: loaded.schedule, now: now), readiness: readiness, commands: commands,
            canRun: identity.can(.sessionsRun), canRecordVitals: identity.can(.vitalsRecord), canAcknowledge: identity.can(.alertsAcknowledge),
            canCheckIn: identity.can(.sessionsCheckIn), errors: errors, values: values, postedForm: form, refusal: refusal, now: now,
            timeZone: loaded.clinic.settings.resolvedTimeZone)
        model.showsClinical = identity.canSeeClinicalRecord(of: loaded.patient.id)
        model.focusVitals = focusVitals
        model.vitals = try await services.sessionRecords.vitalsOverview(of: record.session.id,
                                                                        intervalSeconds: loaded.policy.chartingIntervalSeconds)
        let register = RegisterRepository(database: services.database)
        model.registerDraws = try await register.entries(sessionID: record.session.id).filter { $0.kind == .draw }.map {
            RegisterChoice($0.id.uuidString.lowercased(), "#\($0.sequence), \(Instant.text($0.occurredAt, in: loaded.clinic.settings.resolvedTimeZone)): \($0.detail)")
        }
        model.registerReconciliation = try await register.reconciliation(of: record)
        let html = SessionPage.render(model, context: WebResponses.pageContext(loaded.clinic, request, context, section: .sessions))
        return WebResponses.page(html, status: status)
    }

    /// What stands in the way of `command` now: the hard stops the page lists beside its button.
    static func blockers(_ command: SessionCommand, _ loaded: LoadedSession, evaluation: ChecklistEvaluation,
                         readiness: DischargeReadiness, now: Date) -> [String] {
        let record = loaded.record
        switch command {
        case .startDosing:
            var blockers = record.checklist == nil ? ["Complete the pre-treatment checklist."] : evaluation.failures.map { "\($0.label): \($0.detail)" }
            if record.administration == nil { blockers.insert("Record the administration first.", at: 0) }
            return blockers
        case .readyForDischarge:
            return readiness.criteria.filter { !$0.met }.map { "\($0.label): \($0.detail)" }
        case .discharge:
            // Discharge judges the criteria again at the door (readings keep arriving after "ready").
            return record.missingPoints(schedule: loaded.schedule, now: now).map { "Missing reading: \($0.label)" }
                + readiness.criteria.filter { !$0.met }.map { "\($0.label): \($0.detail)" }
        default:
            return []
        }
    }
}
