import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The patient pages: the list, the registration form and the chart.
struct PatientsController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    static var pageSize: Int { 50 }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/patients", .permission(.patientsRead), use: list)
        routes.staff(.get, "/patients/new", .permission(.patientsRegister), use: newForm)
        routes.staff(.post, "/patients", .permission(.patientsRegister), use: register)
        routes.staff(.get, "/patients/:id", .permission(.patientsRead), use: chart)
        routes.staff(.get, "/patients/:id/identity/edit", .permission(.patientsRegister), use: identityForm)
        routes.staff(.post, "/patients/:id/identity", .permission(.patientsRegister), use: correctIdentity)
        routes.staff(.post, "/patients/:id/emergency-access", .permission(.patientsEmergencyAccess), use: breakGlass)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let cursor = try request.uri.queryParameters["after"].map { try PatientCursorToken.decode(String($0)) }
        let query = request.uri.queryParameters["q"].map(String.init)?.trimmed ?? ""
        let search = PatientSearch(query)
        async let total = services.patients.count(in: clinic.id)
        async let rows = services.patients.page(in: clinic.id, matching: search, after: cursor, limit: Self.pageSize + 1)
        let page = try await rows
        let shown = Array(page.prefix(Self.pageSize))
        try await services.audit.record(AuditEvent(.view, entityType: "patient_list", entityID: clinic.id.uuidString,
                                                   summary: query.isEmpty ? "list page of \(shown.count)" : "search page of \(shown.count)"), stamp: context.stamp(at: services.now()))
        let searchQuery = search == nil ? "" : "q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&"
        let next = page.count > Self.pageSize ? shown.last.map { "\(searchQuery)after=\(PatientCursorToken.encode(.init(after: $0)))" } : nil
        let model = PatientListPage.Model(patients: shown, total: try await total, nextPageQuery: next,
                                          isContinuation: cursor != nil, today: services.today(for: clinic), query: query)
        let html = PatientListPage.render(model, context: pageContext(clinic, request, context))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return WebResponses.page(PatientRegistrationPage.render(.init(), context: pageContext(clinic, request, context)))
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        do {
            let registration = try PatientRegistration.parse(fields, today: services.today(for: clinic))
            let patient = try await services.patients.register(registration, in: clinic.id, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(
                to: "/patients/\(patient.id.uuidString.lowercased())",
                flash: Flash(.success, "Registered \(patient.listName) as \(patient.mrn.text)."))
        } catch let errors as FieldErrors {
            let html = PatientRegistrationPage.render(.init(values: fields, errors: errors),
                                                      context: pageContext(clinic, request, context))
            return WebResponses.page(html, status: .unprocessableContent)
        }
    }

    @Sendable func chart(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        guard context.identity.canSeeClinicalRecord(of: chart.summary.id) else {
            try await services.recordView(of: chart, "patient", "demographics", context: context)
            return try await demographicsPage(chart, clinic: clinic, request: request, context: context)
        }
        try await services.recordView(of: chart, "patient", "chart", context: context)
        let header = try await ScreeningService(services: services).chartHeader(chart, clinic: clinic)
        let plan = try await services.plans.latest(patientID: chart.summary.id)
        let today = services.today(for: clinic)
        let sessions = try await services.plans.sessions(patientID: chart.summary.id)
        // The session under way today comes first; otherwise the next one booked.
        let nextSession = sessions.first { $0.state.isActive && $0.date == today }
            ?? sessions.first { $0.state == .scheduled && $0.date >= today && $0.planID == plan?.id }
        var model = PatientChartPage.Model(chart: chart, header: header, today: services.today(for: clinic),
                                                 timeZone: clinic.settings.resolvedTimeZone,
                                                 canSeeAccessLog: context.identity.can(.patientAccessLogRead),
                                                 canEditContact: context.identity.can(.patientsContact),
                                                 canEditIntake: context.identity.can(.patientsIntake),
                                                 canCorrectIdentity: context.identity.can(.patientsRegister),
                                                 plan: plan, nextSession: nextSession, canPlan: context.identity.can(.dosingUse))
        model.openAlerts = try await services.scales.alerts(patientID: chart.summary.id).filter(\.isOpen)
        model.canBook = context.identity.can(.scheduleBook)
        var rows: [PatientChartPage.SessionRow] = []
        // The list needs each session's dose, devices and alerts, not its readings: read together.
        let listed = sessions.sorted(by: { ($0.date, $0.number) > ($1.date, $1.number) }).filter { $0.state != .cancelled }
        let records = try await services.sessionRecords.recordsWithoutReadings(of: listed, entryKinds: SessionRecordRepository.doseEntryKinds)
        for session in listed {
            guard let record = records[session.id] else { continue }
            rows.append(.init(sessionID: session.id, number: session.number, date: session.date, state: session.state,
                              dose: PatientChartPage.SessionRow.doseText(record: record), alerts: record.alerts.count,
                              openAlerts: record.alerts.filter { $0.acknowledgement == nil }.count))
        }
        model.sessions = rows
        model.emergencyAccesses = try await EmergencyAccessRepository(database: services.database).grants(patientID: chart.summary.id)
            .filter { services.now().timeIntervalSince($0.grantedAt) < 30 * 86_400 }
        let html = PatientChartPage.render(model,
                                           context: pageContext(clinic, request, context))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    /// "Break the glass": opens this patient's clinical record to the administrator for 30 minutes.
    @Sendable func breakGlass(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let form = try await WebResponses.formFields(of: request)
        do {
            let reason = try EmergencyAccessGrant.validatedReason(form["reason"])
            _ = try await EmergencyAccessRepository(database: services.database).grant(
                userID: context.identity.user.id, userName: context.identity.user.displayName, patientID: chart.summary.id,
                reason: reason, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/patients/\(chart.summary.id.uuidString.lowercased())",
                                         flash: Flash(.info, "Emergency access for 30 minutes. The clinic's prescribers will see it."))
        } catch let errors as FieldErrors {
            return try await demographicsPage(chart, clinic: clinic, request: request, context: context,
                                              reason: form["reason"] ?? "", errors: errors)
        }
    }

    private func demographicsPage(_ chart: PatientChart, clinic: Clinic, request: Request, context: Context,
                                  reason: String = "", errors: FieldErrors = FieldErrors()) async throws -> Response {
        let bookings = try await services.plans.sessions(patientID: chart.summary.id).map {
            PatientDemographicsPage.Booking(number: $0.number, date: $0.date, state: $0.state.displayName.lowercased())
        }
        var model = PatientDemographicsPage.Model(chart: chart, today: services.today(for: clinic), bookings: bookings,
                                                  canCorrectIdentity: context.identity.can(.patientsRegister),
                                                  canBreakGlass: context.identity.can(.patientsEmergencyAccess))
        model.reason = reason
        model.errors = errors
        model.canBook = context.identity.can(.scheduleBook)
        let html = PatientDemographicsPage.render(model, context: pageContext(clinic, request, context))
        return WebResponses.consumingFlash(WebResponses.page(html, status: errors.isEmpty ? .ok : .unprocessableContent), from: request)
    }

    @Sendable func identityForm(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        try await services.recordView(of: chart, "patient", "identity correction form", context: context)
        return identityPage(chart, values: IntakeFormCoding.fields(of: chart.summary.registration), errors: FieldErrors(),
                            clinic: clinic, request: request, context: context)
    }

    /// Corrects a typo in the name, birth date or sex: an amendment with a reason, never an overwrite.
    @Sendable func correctIdentity(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let form = try await WebResponses.formFields(of: request)
        var errors = FieldErrors()
        var registration: PatientRegistration?
        do { registration = try PatientRegistration.parse(form, today: services.today(for: clinic)) } catch { errors = error }
        var reason = ""
        do { reason = try AmendmentReason.validated(form["reason"]) } catch { errors = errors.merging(error) }
        guard errors.isEmpty, let registration else {
            return identityPage(chart, values: form, errors: errors, clinic: clinic, request: request, context: context,
                                status: .unprocessableContent)
        }
        _ = try await services.records.amendIdentity(of: chart.summary.id, to: registration, reason: reason,
                                                     stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: "/patients/\(chart.summary.id.uuidString.lowercased())",
                                     flash: Flash(.success, "Identity corrected; the earlier version is kept."))
    }

    private func identityPage(_ chart: PatientChart, values: [String: String], errors: FieldErrors, clinic: Clinic,
                              request: Request, context: Context, status: HTTPResponse.Status = .ok) -> Response {
        let model = IntakeFormPage.Model(patient: chart.summary, section: .identity,
                                         action: "/patients/\(chart.summary.id.uuidString.lowercased())/identity",
                                         isAmendment: true, values: values, errors: errors)
        return WebResponses.page(IntakeFormPage.render(model, context: pageContext(clinic, request, context)), status: status)
    }

    private func pageContext(_ clinic: Clinic, _ request: Request, _ context: Context) -> PageContext {
        WebResponses.pageContext(clinic, request, context, section: .patients)
    }
}
