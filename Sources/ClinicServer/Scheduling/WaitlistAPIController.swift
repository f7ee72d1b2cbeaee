import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// The waitlist as JSON under `/api/v1/schedule/waitlist`: who is waiting for an earlier slot, the
/// entries a freed slot suits, and offering, booking and removing. Conflicts answer 409, bad input
/// 422 naming the field; nothing is stored then. Every change and every listing is audited.
struct WaitlistAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: ScheduleService { ScheduleService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/schedule/waitlist", .permission(.scheduleBook), answer: .list(of: EntryResource.self), use: list)
        routes.staff(.post, "/api/v1/schedule/waitlist", .permission(.scheduleBook), request: .requestBody(AddBody.self), answer: .encoding(EntryResource.self, status: 201), use: add)
        routes.staff(.get, "/api/v1/schedule/waitlist/matches", .permission(.scheduleBook), answer: .encoding(FreedResource.self), use: matches)
        routes.staff(.post, "/api/v1/schedule/waitlist/:entry/offer", .permission(.scheduleBook), request: .requestBody(SlotBody.self), answer: .noContent, use: offer)
        routes.staff(.post, "/api/v1/schedule/waitlist/:entry/book", .permission(.scheduleBook), request: .requestBody(SlotBody.self), answer: .encoding(ScheduleAPIController.BookedResource.self), use: book)
        routes.staff(.post, "/api/v1/schedule/waitlist/:entry/remove", .permission(.scheduleBook), request: .requestBody(RemoveBody.self), answer: .noContent, use: remove)
    }

    struct AddBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["patient", "treatment", "referredOn", "weekdays", "earliest", "latest"]
        let patient: String
        let treatment: String
        let referredOn: String
        let weekdays: [String]?
        let earliest: String?
        let latest: String?
    }

    struct SlotBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["chair", "date", "start", "end"]
        let chair: String
        let date: String
        let start: String
        let end: String
    }

    struct RemoveBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["reason"]
        let reason: String
    }

    /// One waiting patient as the front desk sees it: who, for which treatment, since when, when they can come.
    struct EntryResource: Codable {
        let id: UUID
        let patient: UUID
        let patientName: String
        let mrn: String
        let treatment: Treatment
        let referredOn: CalendarDate
        let weekdays: [String]
        let earliest: String?
        let latest: String?
        let status: WaitlistEntry.Status
        let offered: String?
    }

    /// A waiting patient a freed slot suits, with the hours it would give them.
    struct MatchResource: Codable {
        let entry: EntryResource
        let chair: UUID
        let date: CalendarDate
        let start: String
        let end: String
    }

    /// A freed slot and the waiting patients it suits: what cancelling or moving a booking answers.
    struct FreedResource: Codable {
        let chair: UUID
        let date: CalendarDate
        let start: String
        let end: String
        let waitlist: [MatchResource]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await workflow.waitingPatients(clinic, context: context).map(Self.resource))
    }

    @Sendable func add(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(AddBody.self, from: request)
        var errors = FieldErrors()
        let patientID = UUID(uuidString: body.patient.trimmed)
        if patientID == nil { errors.add("patient", "Give the patient's id.") }
        let treatment = Treatment(rawValue: body.treatment)
        if treatment == nil { errors.add("treatment", "Use iv-ketamine, im-ketamine or esketamine.") }
        let referred = CalendarDate(iso: body.referredOn)
        if referred == nil || referred! > services.today(for: clinic) { errors.add("referredOn", "Enter the referral date as YYYY-MM-DD, not after today.") }
        var preference = SlotPreference.any
        do { preference = try ScheduleService.parsePreference(weekdays: body.weekdays ?? [], earliest: body.earliest, latest: body.latest) } catch {
            errors = errors.merging(error)
        }
        try errors.throwIfAny()
        guard let patient = try await services.patients.find(patientID!, in: clinic.id) else { throw Problem.notFound("There is no such patient.") }
        let entry = try await ScheduleAPIController.mapped {
            try await workflow.waitlist.add(patientID: patient.id, treatment: treatment!, referredOn: referred!, preference: preference, to: clinic.id,
                                            stamp: context.stamp(at: services.now()))
        }
        return try APIResponse.json(Self.resource(.init(entry: entry, patient: patient)), status: .created)
    }

    @Sendable func matches(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let query = WebResponses.queryFields(of: request)
        let freed = try ScheduleService.parseFreedSlot(chair: query["chair"], date: query["date"], start: query["start"], end: query["end"])
        return try APIResponse.json(try await Self.freedResource(freed, workflow: workflow, clinic: clinic, excluding: [], context: context))
    }

    @Sendable func offer(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let entryID = try Self.entryID(context)
        let body = try await StrictJSON.decode(SlotBody.self, from: request)
        let freed = try ScheduleService.parseFreedSlot(chair: body.chair, date: body.date, start: body.start, end: body.end)
        let chairs = try await workflow.chairs(clinic, context: context)
        guard let chair = chairs.first(where: { $0.id == freed.chairID }) else {
            var errors = FieldErrors()
            errors.add("chair", "There is no such chair.")
            throw errors
        }
        try await ScheduleAPIController.mapped {
            try await workflow.waitlist.markOffered(entryID, slot: freed.slot, chairName: chair.name, in: clinic.id, stamp: context.stamp(at: services.now()))
        }
        return Response(status: .noContent)
    }

    @Sendable func book(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let entryID = try Self.entryID(context)
        let body = try await StrictJSON.decode(SlotBody.self, from: request)
        let freed = try ScheduleService.parseFreedSlot(chair: body.chair, date: body.date, start: body.start, end: body.end)
        let chairs = try await workflow.chairs(clinic, context: context)
        let (booking, warnings) = try await ScheduleAPIController.mapped {
            try await workflow.bookFromWaitlist(entryID, chairID: freed.chairID, slot: freed.slot, clinic: clinic, context: context)
        }
        return try APIResponse.json(ScheduleAPIController.BookedResource(
            booking: ScheduleAPIController.resource(booking, chairs: chairs, timeZone: clinic.settings.resolvedTimeZone),
            warnings: warnings.map { ScheduleAPIController.WarningResource(code: $0.code, message: $0.message) }))
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let entryID = try Self.entryID(context)
        let body = try await StrictJSON.decode(RemoveBody.self, from: request)
        try await ScheduleAPIController.mapped {
            try await workflow.waitlist.remove(entryID, reason: body.reason, in: clinic.id, stamp: context.stamp(at: services.now()))
        }
        return Response(status: .noContent)
    }

    // MARK: Helpers

    static func entryID(_ context: Context) throws -> UUID {
        guard let id = context.parameters.get("entry").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no such waitlist entry.") }
        return id
    }

    static func resource(_ waiting: ScheduleService.WaitingPatient) -> EntryResource {
        let entry = waiting.entry
        return EntryResource(id: entry.id, patient: waiting.patient.id, patientName: waiting.patient.listName, mrn: waiting.patient.mrn.text,
                             treatment: entry.treatment, referredOn: entry.referredOn, weekdays: entry.preference.weekdays.sorted().map(\.code),
                             earliest: entry.preference.earliest?.description, latest: entry.preference.latest?.description, status: entry.status,
                             offered: entry.offered?.description)
    }

    /// The freed slot with the waiting patients it suits.
    static func freedResource(_ freed: FreedSlot, workflow: ScheduleService, clinic: Clinic, excluding: Set<UUID>,
                              context: Context) async throws -> FreedResource {
        let found = try await workflow.matches(for: freed, clinic: clinic, excluding: excluding, context: context)
        return FreedResource(chair: freed.chairID, date: freed.slot.date, start: freed.slot.span.start.description, end: freed.slot.span.end.description,
                             waitlist: found.map {
                                 MatchResource(entry: resource($0.waiting), chair: freed.chairID, date: $0.slot.date,
                                               start: $0.slot.span.start.description, end: $0.slot.span.end.description)
                             })
    }
}
