import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// `/schedule/waitlist`: the waitlist page. With a freed slot in the query (after a cancellation or
/// a move) it lists the waiting patients the slot suits, each with Offer and Book. Refusals re-render
/// the page with the reason; bad input with field errors; nothing is stored then.
struct WaitlistController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: ScheduleService { ScheduleService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/schedule/waitlist", .permission(.scheduleBook), use: page)
        routes.staff(.post, "/schedule/waitlist", .permission(.scheduleBook), use: add)
        routes.staff(.post, "/schedule/waitlist/:entry/offer", .permission(.scheduleBook), use: offer)
        routes.staff(.post, "/schedule/waitlist/:entry/book", .permission(.scheduleBook), use: book)
        routes.staff(.post, "/schedule/waitlist/:entry/remove", .permission(.scheduleBook), use: remove)
    }

    /// The page's address for a freed slot.
    static func path(for freed: FreedSlot) -> String {
        "/schedule/waitlist?chair=\(freed.chairID.uuidString.lowercased())&date=\(freed.slot.date.iso)"
            + "&start=\(freed.slot.span.start)&end=\(freed.slot.span.end)"
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let query = WebResponses.queryFields(of: request)
        let freed = query["chair"] == nil ? nil : try? ScheduleService.parseFreedSlot(chair: query["chair"], date: query["date"],
                                                                                        start: query["start"], end: query["end"])
        let model = try await model(clinic, freed: freed, context: context)
        return WebResponses.consumingFlash(WebResponses.page(WaitlistPage.render(model, context: pageContext(clinic, request, context))), from: request)
    }

    @Sendable func add(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        var errors = FieldErrors()
        let mrn = fields["mrn"].flatMap { MedicalRecordNumber(parsing: $0.trimmed) }
        var patient: PatientSummary?
        if let mrn { patient = try await services.patients.find(mrn: mrn, in: clinic.id) }
        if patient == nil { errors.add("mrn", "Enter the medical record number of a registered patient.") }
        let treatment = fields["treatment"].flatMap(Treatment.init(rawValue:))
        if treatment == nil { errors.add("treatment", "Choose a treatment.") }
        let referred = fields["referredOn"].flatMap { CalendarDate(iso: $0.trimmed) }
        if referred == nil || referred! > services.today(for: clinic) { errors.add("referredOn", "Enter the referral date as YYYY-MM-DD, not after today.") }
        let weekdays = Weekday.allCases.filter { fields["wd-\($0.code)"] != nil }.map(\.code)
        var preference = SlotPreference.any
        do { preference = try ScheduleService.parsePreference(weekdays: weekdays, earliest: fields["earliest"], latest: fields["latest"]) } catch {
            errors = errors.merging(error)
        }
        do {
            try errors.throwIfAny()
            _ = try await workflow.waitlist.add(patientID: patient!.id, treatment: treatment!, referredOn: referred!, preference: preference,
                                                to: clinic.id, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/schedule/waitlist", flash: Flash(.success, "\(patient!.listName) is on the waitlist."))
        } catch let errors as FieldErrors {
            return try await rerender(clinic, request, context, values: fields, errors: errors)
        } catch let input as ScheduleInputError {
            var errors = FieldErrors()
            errors.add(input.field == "patient" ? "mrn" : input.field, input.message)
            return try await rerender(clinic, request, context, values: fields, errors: errors)
        }
    }

    @Sendable func offer(_ request: Request, context: Context) async throws -> Response {
        try await slotAction(request, context) { clinic, entryID, freed in
            let chairs = try await workflow.chairs(clinic, context: context)
            let name = chairs.first { $0.id == freed.chairID }?.name ?? "?"
            try await workflow.waitlist.markOffered(entryID, slot: freed.slot, chairName: name, in: clinic.id, stamp: context.stamp(at: services.now()))
            return "Offer recorded: \(freed.slot) in \(name)."
        }
    }

    @Sendable func book(_ request: Request, context: Context) async throws -> Response {
        try await slotAction(request, context) { clinic, entryID, freed in
            let (booking, warnings) = try await workflow.bookFromWaitlist(entryID, chairID: freed.chairID, slot: freed.slot, clinic: clinic, context: context)
            let note = warnings.isEmpty ? "" : " " + warnings.map(\.message).joined(separator: " ")
            return "Booked from the waitlist: \(booking.slot).\(note)"
        }
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        let entryID = try WaitlistAPIController.entryID(context)
        do {
            try await workflow.waitlist.remove(entryID, reason: fields["reason"] ?? "", in: clinic.id, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/schedule/waitlist", flash: Flash(.success, "Removed from the waitlist."))
        } catch let input as ScheduleInputError {
            return try await rerender(clinic, request, context, refusal: input.message, status: .unprocessableContent)
        }
    }

    // MARK: Helpers

    private func slotAction(_ request: Request, _ context: Context,
                            _ body: (Clinic, UUID, FreedSlot) async throws -> String) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        let entryID = try WaitlistAPIController.entryID(context)
        let freed: FreedSlot
        do {
            freed = try ScheduleService.parseFreedSlot(chair: fields["chair"], date: fields["date"], start: fields["start"], end: fields["end"])
        } catch {
            return try await rerender(clinic, request, context, refusal: error.entries.map(\.message).joined(separator: " "), status: .unprocessableContent)
        }
        do {
            let message = try await body(clinic, entryID, freed)
            return WebResponses.redirect(to: Self.path(for: freed), flash: Flash(.success, message))
        } catch let refused as BookingRefused {
            return try await rerender(clinic, request, context, freed: freed, refusal: refused.description, status: .conflict)
        } catch let input as ScheduleInputError {
            return try await rerender(clinic, request, context, freed: freed, refusal: input.message, status: .unprocessableContent)
        } catch let problem as Problem where problem.status == .conflict {
            return try await rerender(clinic, request, context, freed: freed, refusal: problem.detail ?? problem.title, status: .conflict)
        }
    }

    private func rerender(_ clinic: Clinic, _ request: Request, _ context: Context, freed: FreedSlot? = nil, refusal: String? = nil,
                          values: [String: String] = [:], errors: FieldErrors = FieldErrors(),
                          status: HTTPResponse.Status = .unprocessableContent) async throws -> Response {
        let model = try await model(clinic, freed: freed, refusal: refusal, values: values, errors: errors, context: context)
        return WebResponses.page(WaitlistPage.render(model, context: pageContext(clinic, request, context)), status: status)
    }

    private func model(_ clinic: Clinic, freed: FreedSlot?, refusal: String? = nil, values: [String: String] = [:],
                       errors: FieldErrors = FieldErrors(), context: Context) async throws -> WaitlistPage.Model {
        let rows = try await workflow.waitingPatients(clinic, context: context).map(Self.row)
        var freedView: WaitlistPage.Freed?
        if let freed {
            let chairs = try await workflow.chairs(clinic, context: context)
            let matches = try await workflow.matches(for: freed, clinic: clinic, context: context)
            freedView = WaitlistPage.Freed(chairID: freed.chairID,
                                           description: "\(chairs.first { $0.id == freed.chairID }?.name ?? "?"), \(freed.slot)", date: freed.slot.date,
                                           matches: matches.map { .init(row: Self.row($0.waiting), start: $0.slot.span.start.description,
                                                                        end: $0.slot.span.end.description) })
        }
        return WaitlistPage.Model(rows: rows, freed: freedView, refusal: refusal, values: values, errors: errors)
    }

    static func row(_ waiting: ScheduleService.WaitingPatient) -> WaitlistPage.Row {
        let entry = waiting.entry
        let days = entry.preference.weekdays.sorted().map { String($0.displayName.prefix(3)) }.joined(separator: ", ")
        var times = ""
        if entry.preference.earliest != nil || entry.preference.latest != nil {
            times = "starts \(entry.preference.earliest?.description ?? "00:00")–\(entry.preference.latest?.description ?? "24:00")"
        }
        let preference = [days, times].filter { !$0.isEmpty }.joined(separator: " · ")
        let status = entry.status == .offered ? "Offered \(entry.offered?.description ?? "")" : entry.status.displayName
        return WaitlistPage.Row(entryID: entry.id, patientName: waiting.patient.listName, mrn: waiting.patient.mrn.text,
                                treatment: entry.treatment.displayName, referredOn: entry.referredOn,
                                preference: preference.isEmpty ? "Any time" : preference, status: status)
    }

    private func pageContext(_ clinic: Clinic, _ request: Request, _ context: Context) -> PageContext {
        WebResponses.pageContext(clinic, request, context, section: .sessions)
    }
}
