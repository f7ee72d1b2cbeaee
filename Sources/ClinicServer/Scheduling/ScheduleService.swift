import ClinicDomain
import ClinicStorage
import Foundation

/// The scheduling workflow shared by the calendar pages and the API: the calendar's chairs (seeded
/// once from the session policy's chair list), course proposals for a patient's current signed plan,
/// booking, moving and cancelling with the interval and precondition warnings. Hands out nothing
/// clinical beyond "appointment", the treatment type and the chair.
struct ScheduleService: Sendable {
    let services: ClinicServices
    var schedule: ScheduleRepository { ScheduleRepository(database: services.database) }

    /// One session of a patient's current plan with its booking, if any.
    struct CourseSession: Sendable {
        let session: ScheduledSession
        let booking: Booking?
    }

    /// A patient's current course as the front desk sees it.
    struct Course: Sendable {
        let patient: PatientSummary
        let planID: UUID
        let treatment: Treatment
        let minimumDaysBetweenSessions: Int
        let sessions: [CourseSession]
        let preconditions: [BookingWarning]
        let intervalWarnings: [BookingWarning]
    }

    /// The clinic's chairs; on first use the calendar takes the chair names of the session policy.
    func chairs(_ clinic: Clinic, context: StaffRequestContext) async throws -> [Chair] {
        let chairs = try await schedule.chairs(of: clinic.id)
        guard chairs.isEmpty else { return chairs }
        for name in try await services.sessionPolicies.policy(of: clinic.id).chairs {
            _ = try? await schedule.addChair(named: name, to: clinic.id, stamp: context.stamp(at: services.now()))
        }
        return try await schedule.chairs(of: clinic.id)
    }

    /// The patient's current course with the bookings of its sessions, or a 404 problem.
    func course(patientID: UUID, clinic: Clinic, context: StaffRequestContext) async throws -> Course {
        guard let patient = try await services.patients.find(patientID, in: clinic.id) else { throw Problem.notFound("There is no such patient.") }
        guard let plan = try await services.plans.latest(patientID: patientID) else {
            throw Problem.conflict("The patient has no signed treatment plan: a course is booked from a signed plan.")
        }
        let sessions = try await services.plans.sessions(patientID: patientID).filter { $0.planID == plan.id }
        let dates = sessions.map(\.date)
        var bookings: [UUID: Booking] = [:]
        if let first = dates.min(), let last = dates.max() {
            let book = try await schedule.book(of: clinic.id, from: first, through: last, timeZone: clinic.settings.resolvedTimeZone)
            var day = first
            while day <= last {
                for booking in book.bookings(on: day) where booking.patientID == patientID { bookings[booking.sessionID] = booking }
                day = day.adding(days: 1)
            }
        }
        let facts = try await schedule.preconditions(of: patientID, in: clinic)
        let treatment = plan.treatmentProtocol.treatment
        let open = sessions.filter { $0.state == .scheduled }
        let preconditions = (open.map(\.date).max().map { facts.warnings(for: treatment, on: $0) } ?? [])
            + (try await PriorAuthorizationRepository(database: services.database).bookingWarnings(
                patientID: patientID, clinicID: clinic.id, treatment: treatment, sessionDays: open.map(\.date), today: services.today(for: clinic)))
        let minimum = plan.treatmentProtocol.schedule.minimumDaysBetweenSessions
        try await services.audit.record(AuditEvent(.view, entityType: "session_booking", entityID: patientID.uuidString, patientID: patientID,
                                                   summary: "course bookings"), stamp: context.stamp(at: services.now()))
        return Course(patient: patient, planID: plan.id, treatment: treatment, minimumDaysBetweenSessions: minimum,
                      sessions: sessions.map { CourseSession(session: $0, booking: bookings[$0.id]) }, preconditions: preconditions,
                      intervalWarnings: CourseBooking.intervalWarnings(open.map { ($0.number, $0.date) }, minimumDays: minimum))
    }

    /// Slots for the course's scheduled sessions that have no booking yet (or all of them with `rebook`).
    func propose(_ course: Course, preference: SlotPreference, rebook: Bool, clinic: Clinic) async throws -> [ProposedSlot] {
        let open = course.sessions.filter { $0.session.state == .scheduled && (rebook || $0.booking == nil) }
        guard let first = open.map(\.session.date).min(), let last = open.map(\.session.date).max() else { return [] }
        let policy = try await schedule.policy(of: clinic.id)
        let today = services.today(for: clinic)
        let from = min(first, today)
        let through = max(last, today).adding(days: policy.searchDays + course.minimumDaysBetweenSessions * open.count + 7)
        let book = try await schedule.book(of: clinic.id, from: from, through: through, timeZone: clinic.settings.resolvedTimeZone)
        return CourseBooking.propose(open.map { SessionToBook(sessionID: $0.session.id, number: $0.session.number, plannedDate: $0.session.date) },
                                     patientID: course.patient.id, treatment: course.treatment,
                                     minimumDaysBetweenSessions: course.minimumDaysBetweenSessions, preference: preference, book: book,
                                     now: services.now())
    }

    /// Books or moves one session; returns the interval warnings of the course as it now stands.
    func book(sessionID: UUID, chairID: UUID, slot: DaySlot, course: Course, clinic: Clinic,
              context: StaffRequestContext) async throws -> [BookingWarning] {
        guard course.sessions.contains(where: { $0.session.id == sessionID }) else {
            throw Problem.notFound("The session is not part of the patient's current plan.")
        }
        let booking = Booking(sessionID: sessionID, patientID: course.patient.id, chairID: chairID, slot: slot, treatment: course.treatment)
        try await schedule.book(booking, in: clinic.id, timeZone: clinic.settings.resolvedTimeZone, now: services.now(),
                                stamp: context.stamp(at: services.now()))
        let dates = course.sessions.filter { $0.session.state == .scheduled }
            .map { ($0.session.number, $0.session.id == sessionID ? slot.date : ($0.booking?.slot.date ?? $0.session.date)) }
        return CourseBooking.intervalWarnings(dates, minimumDays: course.minimumDaysBetweenSessions)
    }
}

extension ScheduleService {
    /// A chair and slot from outside text (form or JSON), or the field errors: a malformed date, a time
    /// outside 00:00–24:00, an end not after the start or shorter than the policy's chair time.
    static func parseBooking(chair: String?, date: String?, start: String?, end: String?, treatment: Treatment,
                             policy: SchedulingPolicy) throws(FieldErrors) -> (UUID, DaySlot) {
        var errors = FieldErrors()
        let chairID = chair.flatMap { UUID(uuidString: $0.trimmed) }
        if chairID == nil { errors.add("chair", "Choose a chair.") }
        let day = date.flatMap { CalendarDate(iso: $0.trimmed) }
        if day == nil { errors.add("date", "Enter a date as YYYY-MM-DD.") }
        let startTime = start.flatMap { ClockTime(text: $0) }
        if startTime == nil { errors.add("start", "Enter a time of day as HH:MM (00:00 to 24:00).") }
        let length = policy.chairMinutes(for: treatment)
        var endTime = startTime?.adding(minutes: length)
        if let text = end?.nilIfEmpty {
            endTime = ClockTime(text: text)
            if endTime == nil { errors.add("end", "Enter a time of day as HH:MM (00:00 to 24:00).") }
        } else if let startTime, endTime == nil {
            errors.add("start", "A \(length)-minute session starting at \(startTime) would run past midnight.")
        }
        if let startTime, let endTime {
            if endTime <= startTime {
                errors.add("end", "The end must be after the start.")
            } else if endTime.minutes - startTime.minutes < length {
                errors.add("end", "A \(treatment.displayName) session holds its chair at least \(length) minutes"
                           + (treatment == .esketamine ? " (2-hour REMS monitoring [R19])." : " (clinic policy)."))
            }
        }
        try errors.throwIfAny()
        return (chairID!, DaySlot(date: day!, span: DaySpan(start: startTime!, end: endTime!)!))
    }
}

extension CheckInRefused {
    /// The refusal as problem+json: 409, one entry per missing item under `errors` (field = its code).
    var problem: Problem {
        Problem(.conflict, type: "check-in-refused", title: "The session cannot be checked in", detail: description,
                errors: missing.map { Problem.FieldProblem(field: $0.code, message: $0.message) })
    }
}

extension BookingRefused {
    /// The refusal as problem+json: 409, one entry per reason under `errors` (field = the reason's code).
    var problem: Problem {
        Problem(.conflict, type: "booking-conflict", title: "The booking conflicts with the calendar", detail: description,
                errors: conflicts.map { Problem.FieldProblem(field: $0.code, message: $0.description) })
    }
}
