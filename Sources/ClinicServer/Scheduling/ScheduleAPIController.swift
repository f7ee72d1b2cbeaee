import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// The calendar as JSON under `/api/v1/schedule`: resources (chairs, hours, closures, shifts,
/// absences, the booking policy), a day's bookings, a patient's course with proposed slots, and
/// booking, moving and cancelling sessions. Conflicts answer 409 problem+json naming every reason;
/// bad input answers 422 naming the field; nothing is stored then.
struct ScheduleAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: ScheduleService { ScheduleService(services: services) }
    var schedule: ScheduleRepository { ScheduleRepository(database: services.database) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/schedule/policy", .permission(.scheduleBook), answer: .encoding(SchedulingPolicy.self), use: policy)
        routes.staff(.put, "/api/v1/schedule/policy", .permission(.clinicConfigure), request: .of(SchedulingPolicy.self, dates: .reference), answer: .encoding(SchedulingPolicy.self), use: updatePolicy)
        routes.staff(.get, "/api/v1/schedule/chairs", .permission(.scheduleBook), answer: .list(of: ChairResource.self), use: chairs)
        routes.staff(.post, "/api/v1/schedule/chairs", .permission(.clinicConfigure), request: .requestBody(ChairBody.self), answer: .encoding(ChairResource.self, status: 201), use: addChair)
        routes.staff(.get, "/api/v1/schedule/hours", .permission(.scheduleBook), answer: .encoding([String: [String: String]].self, named: "OpeningHours"), use: hours)
        routes.staff(.put, "/api/v1/schedule/hours", .permission(.clinicConfigure), request: .requestBody(HoursBody.self), answer: .encoding([String: [String: String]].self, named: "OpeningHours"), use: updateHours)
        routes.staff(.post, "/api/v1/schedule/closures", .permission(.clinicConfigure), request: .requestBody(ClosureBody.self), answer: .noContent, use: addClosure)
        routes.staff(.post, "/api/v1/schedule/shifts", .permission(.clinicConfigure), request: .requestBody(ShiftBody.self), answer: .noContent, use: addShift)
        routes.staff(.post, "/api/v1/schedule/absences", .permission(.clinicConfigure), request: .requestBody(AbsenceBody.self), answer: .noContent, use: addAbsence)
        routes.staff(.get, "/api/v1/schedule/days/:date", .permission(.scheduleBook), answer: .list(of: BookingResource.self), use: day)
        routes.staff(.get, "/api/v1/schedule/patients/:id/course", .permission(.scheduleBook), answer: .encoding(CourseResource.self), use: course)
        routes.staff(.post, "/api/v1/schedule/patients/:id/proposal", .permission(.scheduleBook), request: .requestBody(PreferenceBody.self), answer: .list(of: ProposalResource.self), use: proposal)
        routes.staff(.put, "/api/v1/schedule/patients/:id/sessions/:session", .permission(.scheduleBook), request: .requestBody(BookBody.self), answer: .encoding(BookedResource.self), use: book)
        routes.staff(.post, "/api/v1/schedule/patients/:id/sessions/:session/cancel", .permission(.scheduleBook), request: .requestBody(CancelBody.self), answer: .encoding(CancelledResource.self), use: cancel)
        routes.staff(.post, "/api/v1/schedule/patients/:id/rems-enrolment", .permission(.scheduleBook), request: .requestBody(EnrolmentBody.self), answer: .noContent, use: remsEnrolment)
        WaitlistAPIController(services: services).addRoutes(to: routes)
        CalendarFeedAPIController(services: services).addRoutes(to: routes)
        ReminderAPIController(services: services).addRoutes(to: routes)
    }

    // MARK: Bodies and resources

    struct ChairBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["name"]
        let name: String
    }

    struct HoursBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["days"]
        /// Weekday code (`mon`…`sun`) to `{"opens": "08:00", "closes": "18:00"}`; a missing weekday is closed.
        let days: [String: [String: String]]
    }

    struct ClosureBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["date", "reason"]
        let date: String
        let reason: String
    }

    struct ShiftBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["user", "weekday", "start", "end"]
        let user: String
        let weekday: String
        let start: String
        let end: String
    }

    struct AbsenceBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["user", "from", "through", "reason"]
        let user: String
        let from: String
        let through: String
        let reason: String
    }

    struct PreferenceBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["weekdays", "earliest", "latest", "rebook"]
        let weekdays: [String]?
        let earliest: String?
        let latest: String?
        let rebook: Bool?
    }

    struct BookBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["chair", "date", "start", "end"]
        let chair: String
        let date: String
        let start: String
        let end: String?
    }

    struct CancelBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["reason"]
        let reason: String
    }

    struct EnrolmentBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["enrolledOn", "reference"]
        let enrolledOn: String
        let reference: String
    }

    struct ChairResource: Codable { let id: UUID, name: String, active: Bool }

    /// One booking as the front desk sees it: an appointment, its treatment type and chair.
    struct BookingResource: Codable {
        let session: UUID
        let patient: UUID
        let chair: UUID
        let chairName: String
        let date: CalendarDate
        let start: String
        let end: String
        let startsAt: Date
        let endsAt: Date
        let treatment: Treatment
    }

    struct WarningResource: Codable { let code: String, message: String }

    struct CourseSessionResource: Codable {
        let session: UUID
        let number: Int
        let plannedDate: CalendarDate
        let state: TreatmentSessionState
        let booking: BookingResource?
    }

    struct CourseResource: Codable {
        let patient: UUID
        let treatment: Treatment
        let minimumDaysBetweenSessions: Int
        let sessions: [CourseSessionResource]
        let warnings: [WarningResource]
    }

    struct ProposalResource: Codable {
        let session: UUID
        let number: Int
        let plannedDate: CalendarDate
        let proposed: BookingResource?
        let matchesPreference: Bool
        let problem: String?
    }

    struct BookedResource: Codable {
        let booking: BookingResource
        let warnings: [WarningResource]
        /// The slot a move freed and the waiting patients it suits.
        var freed: WaitlistAPIController.FreedResource? = nil
    }

    // MARK: Handlers

    @Sendable func policy(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(try await schedule.policy(of: try await services.currentClinic().id))
    }

    @Sendable func updatePolicy(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let data = try await StrictJSON.objectData(from: request)
        let decoded: SchedulingPolicy
        do { decoded = try JSONDecoder().decode(SchedulingPolicy.self, from: data) } catch let error as DecodingError { throw FieldErrors.from(error) }
        let policy = try decoded.validated()
        try await schedule.update(policy, of: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(policy)
    }

    @Sendable func chairs(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await workflow.chairs(clinic, context: context).map { ChairResource(id: $0.id, name: $0.name, active: $0.isActive) })
    }

    @Sendable func addChair(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(ChairBody.self, from: request)
        _ = try await workflow.chairs(clinic, context: context)
        let chair = try await Self.mapped { try await schedule.addChair(named: body.name, to: clinic.id, stamp: context.stamp(at: services.now())) }
        return try APIResponse.json(ChairResource(id: chair.id, name: chair.name, active: chair.isActive), status: .created)
    }

    @Sendable func hours(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(Self.hoursResource(try await schedule.openingHours(of: try await services.currentClinic().id)))
    }

    @Sendable func updateHours(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(HoursBody.self, from: request)
        var errors = FieldErrors()
        var days: [Weekday: DaySpan] = [:]
        for (code, value) in body.days.sorted(by: { $0.key < $1.key }) {
            guard let weekday = Weekday(code: code), code.count == 3 else { errors.add("days.\(code)", "Use mon, tue, wed, thu, fri, sat or sun."); continue }
            if let span = Self.span(value["opens"], value["closes"], field: "days.\(code)", &errors) { days[weekday] = span }
        }
        try errors.throwIfAny()
        try await schedule.update(OpeningHours(days: days), of: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(Self.hoursResource(OpeningHours(days: days)))
    }

    @Sendable func addClosure(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(ClosureBody.self, from: request)
        var errors = FieldErrors()
        let date = CalendarDate(iso: body.date)
        if date == nil { errors.add("date", "Enter a date as YYYY-MM-DD.") }
        let reason = body.reason.trimmed
        if !(1...120).contains(reason.count) { errors.add("reason", "Say why, in 1 to 120 characters.") }
        try errors.throwIfAny()
        try await schedule.addClosure(Closure(date: date!, reason: reason), to: clinic.id, stamp: context.stamp(at: services.now()))
        return Response(status: .noContent)
    }

    @Sendable func addShift(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(ShiftBody.self, from: request)
        var errors = FieldErrors()
        let user = UUID(uuidString: body.user)
        if user == nil { errors.add("user", "Give the staff member's id.") }
        let weekday = Weekday(code: body.weekday)
        if weekday == nil || body.weekday.trimmed.count < 3 { errors.add("weekday", "Use mon, tue, wed, thu, fri, sat or sun.") }
        let span = Self.span(body.start, body.end, field: "", &errors)
        try errors.throwIfAny()
        try await Self.mapped { try await schedule.addShift(userID: user!, weekday: weekday!, span: span!, to: clinic.id, stamp: context.stamp(at: services.now())) }
        return Response(status: .noContent)
    }

    @Sendable func addAbsence(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(AbsenceBody.self, from: request)
        var errors = FieldErrors()
        let user = UUID(uuidString: body.user)
        if user == nil { errors.add("user", "Give the staff member's id.") }
        let from = CalendarDate(iso: body.from), through = CalendarDate(iso: body.through)
        if from == nil { errors.add("from", "Enter a date as YYYY-MM-DD.") }
        if through == nil { errors.add("through", "Enter a date as YYYY-MM-DD.") }
        if let from, let through, through < from { errors.add("through", "The last day away cannot be before the first.") }
        let reason = body.reason.trimmed
        if !(1...120).contains(reason.count) { errors.add("reason", "Say why, in 1 to 120 characters.") }
        try errors.throwIfAny()
        try await schedule.addAbsence(StaffAbsence(userID: user!, from: from!, through: through!, reason: reason)!, to: clinic.id,
                                      stamp: context.stamp(at: services.now()))
        return Response(status: .noContent)
    }

    @Sendable func day(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let date = context.parameters.get("date").flatMap(CalendarDate.init(iso:)) else {
            var errors = FieldErrors()
            errors.add("date", "Use a date as YYYY-MM-DD.")
            throw errors
        }
        let chairs = try await workflow.chairs(clinic, context: context)
        let book = try await schedule.book(of: clinic.id, from: date, through: date, timeZone: clinic.settings.resolvedTimeZone)
        return try APIResponse.json(book.bookings(on: date).map { Self.resource($0, chairs: chairs, timeZone: clinic.settings.resolvedTimeZone) })
    }

    @Sendable func course(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chairs = try await workflow.chairs(clinic, context: context)
        let course = try await workflow.course(patientID: try Self.patientID(context), clinic: clinic, context: context)
        return try APIResponse.json(Self.resource(course, chairs: chairs, timeZone: clinic.settings.resolvedTimeZone))
    }

    @Sendable func proposal(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(PreferenceBody.self, from: request)
        var errors = FieldErrors()
        var weekdays: Set<Weekday> = []
        for code in body.weekdays ?? [] {
            if let day = Weekday(code: code), code.trimmed.count >= 3 { weekdays.insert(day) } else { errors.add("weekdays", "Use mon, tue, wed, thu, fri, sat or sun.") }
        }
        let earliest = body.earliest.flatMap(ClockTime.init(text:)), latest = body.latest.flatMap(ClockTime.init(text:))
        if body.earliest != nil && earliest == nil { errors.add("earliest", "Enter a time as HH:MM.") }
        if body.latest != nil && latest == nil { errors.add("latest", "Enter a time as HH:MM.") }
        if let earliest, let latest, latest < earliest { errors.add("latest", "The latest start cannot be before the earliest.") }
        try errors.throwIfAny()
        let chairs = try await workflow.chairs(clinic, context: context)
        let course = try await workflow.course(patientID: try Self.patientID(context), clinic: clinic, context: context)
        let proposed = try await workflow.propose(course, preference: SlotPreference(weekdays: weekdays, earliest: earliest, latest: latest),
                                                  rebook: body.rebook ?? false, clinic: clinic)
        let zone = clinic.settings.resolvedTimeZone
        return try APIResponse.json(proposed.map {
            ProposalResource(session: $0.session.sessionID, number: $0.session.number, plannedDate: $0.session.plannedDate,
                             proposed: $0.booking.map { Self.resource($0, chairs: chairs, timeZone: zone) }, matchesPreference: $0.matchesPreference,
                             problem: $0.problem)
        })
    }

    @Sendable func book(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(BookBody.self, from: request)
        let sessionID = try Self.sessionID(context)
        let chairs = try await workflow.chairs(clinic, context: context)
        let course = try await workflow.course(patientID: try Self.patientID(context), clinic: clinic, context: context)
        let policy = try await schedule.policy(of: clinic.id)
        let (chairID, slot) = try ScheduleService.parseBooking(chair: body.chair, date: body.date, start: body.start, end: body.end,
                                                               treatment: course.treatment, policy: policy)
        let warnings = try await Self.mapped {
            try await workflow.book(sessionID: sessionID, chairID: chairID, slot: slot, course: course, clinic: clinic, context: context)
        }
        let booking = Booking(sessionID: sessionID, patientID: course.patient.id, chairID: chairID, slot: slot, treatment: course.treatment)
        var freed: WaitlistAPIController.FreedResource?
        if let old = course.sessions.first(where: { $0.session.id == sessionID })?.booking, old.slot != slot || old.chairID != chairID {
            freed = try await WaitlistAPIController.freedResource(FreedSlot(chairID: old.chairID, slot: old.slot), workflow: workflow, clinic: clinic,
                                                                  excluding: [course.patient.id], context: context)
        }
        return try APIResponse.json(BookedResource(booking: Self.resource(booking, chairs: chairs, timeZone: clinic.settings.resolvedTimeZone),
                                                   warnings: (course.preconditions + warnings).map { WarningResource(code: $0.code, message: $0.message) },
                                                   freed: freed))
    }

    struct CancelledResource: Codable {
        let session: UUID
        let lateCancellation: Bool
        /// The slot the cancellation freed and the waiting patients it suits (nil when the session was not booked).
        let freed: WaitlistAPIController.FreedResource?
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(CancelBody.self, from: request)
        let sessionID = try Self.sessionID(context)
        let course = try await workflow.course(patientID: try Self.patientID(context), clinic: clinic, context: context)
        guard course.sessions.contains(where: { $0.session.id == sessionID }) else { throw Problem.notFound("The session is not part of the patient's current plan.") }
        let late = try await Self.mapped {
            try await schedule.cancel(sessionID: sessionID, in: clinic.id, reason: body.reason, now: services.now(), stamp: context.stamp(at: services.now()))
        }
        var freed: WaitlistAPIController.FreedResource?
        if let old = course.sessions.first(where: { $0.session.id == sessionID })?.booking {
            freed = try await WaitlistAPIController.freedResource(FreedSlot(chairID: old.chairID, slot: old.slot), workflow: workflow, clinic: clinic,
                                                                  excluding: [course.patient.id], context: context)
        }
        return try APIResponse.json(CancelledResource(session: sessionID, lateCancellation: late, freed: freed))
    }

    @Sendable func remsEnrolment(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patientID = try Self.patientID(context)
        guard try await services.patients.find(patientID, in: clinic.id) != nil else { throw Problem.notFound("There is no such patient.") }
        let body = try await StrictJSON.decode(EnrolmentBody.self, from: request)
        guard let date = CalendarDate(iso: body.enrolledOn), date <= services.today(for: clinic) else {
            var errors = FieldErrors()
            errors.add("enrolledOn", "Enter the enrolment date as YYYY-MM-DD, not after today.")
            throw errors
        }
        try await Self.mapped {
            try await schedule.recordRemsEnrolment(patientID: patientID, enrolledOn: date, reference: body.reference, stamp: context.stamp(at: services.now()))
        }
        return Response(status: .noContent)
    }

    // MARK: Helpers

    /// Runs `body`, turning a refused booking into 409 problem+json and a scheduling input error into a field error.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refused as BookingRefused {
            throw refused.problem
        } catch let input as ScheduleInputError {
            var errors = FieldErrors()
            errors.add(input.field, input.message)
            throw errors
        }
    }

    static func patientID(_ context: Context) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no such patient.") }
        return id
    }

    static func sessionID(_ context: Context) throws -> UUID {
        guard let id = context.parameters.get("session").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no such session.") }
        return id
    }

    static func span(_ start: String?, _ end: String?, field: String, _ errors: inout FieldErrors) -> DaySpan? {
        let prefix = field.isEmpty ? "" : field + "."
        let opens = start.flatMap(ClockTime.init(text:)), closes = end.flatMap(ClockTime.init(text:))
        if opens == nil { errors.add(prefix + (field.isEmpty ? "start" : "opens"), "Enter a time of day as HH:MM (00:00 to 24:00).") }
        if closes == nil { errors.add(prefix + (field.isEmpty ? "end" : "closes"), "Enter a time of day as HH:MM (00:00 to 24:00).") }
        guard let opens, let closes else { return nil }
        guard let span = DaySpan(start: opens, end: closes) else {
            errors.add(prefix + (field.isEmpty ? "end" : "closes"), "The end must be after the start.")
            return nil
        }
        return span
    }

    static func hoursResource(_ hours: OpeningHours) -> [String: [String: String]] {
        Dictionary(uniqueKeysWithValues: hours.days.map { ($0.key.code, ["opens": $0.value.start.description, "closes": $0.value.end.description]) })
    }

    static func resource(_ booking: Booking, chairs: [Chair], timeZone: TimeZone) -> BookingResource {
        let (start, end) = booking.slot.instants(in: timeZone)
        return BookingResource(session: booking.sessionID, patient: booking.patientID, chair: booking.chairID,
                               chairName: chairs.first { $0.id == booking.chairID }?.name ?? "?", date: booking.slot.date,
                               start: booking.slot.span.start.description, end: booking.slot.span.end.description, startsAt: start, endsAt: end,
                               treatment: booking.treatment)
    }

    static func resource(_ course: ScheduleService.Course, chairs: [Chair], timeZone: TimeZone) -> CourseResource {
        CourseResource(patient: course.patient.id, treatment: course.treatment, minimumDaysBetweenSessions: course.minimumDaysBetweenSessions,
                       sessions: course.sessions.map {
                           CourseSessionResource(session: $0.session.id, number: $0.session.number, plannedDate: $0.session.date, state: $0.session.state,
                                                 booking: $0.booking.map { resource($0, chairs: chairs, timeZone: timeZone) })
                       },
                       warnings: (course.preconditions + course.intervalWarnings).map { WarningResource(code: $0.code, message: $0.message) })
    }
}
