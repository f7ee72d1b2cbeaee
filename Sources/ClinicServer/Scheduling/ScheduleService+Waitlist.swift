import ClinicDomain
import ClinicStorage
import Foundation

extension ScheduleService {
    var waitlist: WaitlistRepository { WaitlistRepository(database: services.database) }

    /// A waiting entry with the patient, for the pages, the API and the command line.
    struct WaitingPatient: Sendable {
        let entry: WaitlistEntry
        let patient: PatientSummary
    }

    /// A waiting patient a freed slot suits, with the hours it would give them.
    struct FreedSlotMatch: Sendable {
        let waiting: WaitingPatient
        let slot: DaySlot
    }

    /// The clinic's open waitlist with each patient; listing them is an audited view of each.
    func waitingPatients(_ clinic: Clinic, context: StaffRequestContext, summary: String = "waitlist") async throws -> [WaitingPatient] {
        var found: [WaitingPatient] = []
        for entry in try await waitlist.entries(of: clinic.id) {
            guard let patient = try await services.patients.find(entry.patientID, in: clinic.id) else { continue }
            found.append(WaitingPatient(entry: entry, patient: patient))
        }
        if !found.isEmpty {
            try await services.audit.record(found.map {
                AuditEvent(.view, entityType: "waitlist_entry", entityID: $0.entry.id.uuidString, patientID: $0.patient.id, summary: summary)
            }, stamp: context.stamp(at: services.now()))
        }
        return found
    }

    /// The waiting patients a freed slot suits, longest waiting first (``WaitlistMatching``); the
    /// patient who freed it is left out.
    func matches(for freed: FreedSlot, clinic: Clinic, excluding: Set<UUID> = [], context: StaffRequestContext) async throws -> [FreedSlotMatch] {
        let book = try await schedule.book(of: clinic.id, from: freed.slot.date, through: freed.slot.date, timeZone: clinic.settings.resolvedTimeZone)
        let waiting = try await waitingPatients(clinic, context: context, summary: "waitlist matched to a freed slot")
        let byEntry = Dictionary(waiting.map { ($0.entry.id, $0) }, uniquingKeysWith: { a, _ in a })
        return WaitlistMatching.matches(for: freed, entries: waiting.map(\.entry), book: book, excluded: excluding, now: services.now())
            .compactMap { match in byEntry[match.entry.id].map { FreedSlotMatch(waiting: $0, slot: match.slot) } }
    }

    /// Books a waiting patient into a freed slot: the first scheduled session of their current signed
    /// plan that stands later than the slot moves into it, and the entry closes as booked, in one
    /// transaction. Returns the booking and the course's interval warnings.
    func bookFromWaitlist(_ entryID: UUID, chairID: UUID, slot: DaySlot, clinic: Clinic,
                          context: StaffRequestContext) async throws -> (Booking, [BookingWarning]) {
        guard let entry = try await waitlist.entry(entryID, in: clinic.id) else { throw Problem.notFound("There is no such waitlist entry.") }
        guard try await services.plans.latest(patientID: entry.patientID) != nil else {
            throw Problem.conflict("The patient has no signed treatment plan yet: offer the slot, and book it once a prescriber signs the plan.")
        }
        let course = try await course(patientID: entry.patientID, clinic: clinic, context: context)
        guard let session = course.sessions.filter({ $0.session.state == .scheduled && ($0.booking?.slot.date ?? $0.session.date) > slot.date })
            .min(by: { $0.session.number < $1.session.number }) else {
            throw Problem.conflict("No scheduled session of the patient's plan stands after \(slot.date.iso): there is nothing to bring forward.")
        }
        let booking = Booking(sessionID: session.session.id, patientID: entry.patientID, chairID: chairID, slot: slot, treatment: course.treatment)
        try await waitlist.book(entryID, booking: booking, in: clinic.id, timeZone: clinic.settings.resolvedTimeZone, now: services.now(),
                                stamp: context.stamp(at: services.now()))
        let dates = course.sessions.filter { $0.session.state == .scheduled }
            .map { ($0.session.number, $0.session.id == session.session.id ? slot.date : ($0.booking?.slot.date ?? $0.session.date)) }
        return (booking, course.preconditions + CourseBooking.intervalWarnings(dates, minimumDays: course.minimumDaysBetweenSessions))
    }

    /// A patient's preference from outside text, or the field errors.
    static func parsePreference(weekdays: [String], earliest: String?, latest: String?) throws(FieldErrors) -> SlotPreference {
        var errors = FieldErrors()
        var days: Set<Weekday> = []
        for code in weekdays {
            if let day = Weekday(code: code), code.trimmed.count >= 3 { days.insert(day) } else { errors.add("weekdays", "Use mon, tue, wed, thu, fri, sat or sun.") }
        }
        let from = earliest?.nilIfEmpty.flatMap(ClockTime.init(text:)), to = latest?.nilIfEmpty.flatMap(ClockTime.init(text:))
        if earliest?.nilIfEmpty != nil && from == nil { errors.add("earliest", "Enter a time as HH:MM.") }
        if latest?.nilIfEmpty != nil && to == nil { errors.add("latest", "Enter a time as HH:MM.") }
        if let from, let to, to < from { errors.add("latest", "The latest start cannot be before the earliest.") }
        try errors.throwIfAny()
        return SlotPreference(weekdays: days, earliest: from, latest: to)
    }

    /// A freed slot from outside text (chair, day, start, end), or the field errors.
    static func parseFreedSlot(chair: String?, date: String?, start: String?, end: String?) throws(FieldErrors) -> FreedSlot {
        var errors = FieldErrors()
        let chairID = chair.flatMap { UUID(uuidString: $0.trimmed) }
        if chairID == nil { errors.add("chair", "Choose a chair.") }
        let day = date.flatMap { CalendarDate(iso: $0.trimmed) }
        if day == nil { errors.add("date", "Enter a date as YYYY-MM-DD.") }
        let from = start.flatMap(ClockTime.init(text:)), to = end.flatMap(ClockTime.init(text:))
        if from == nil { errors.add("start", "Enter a time of day as HH:MM (00:00 to 24:00).") }
        if to == nil { errors.add("end", "Enter a time of day as HH:MM (00:00 to 24:00).") }
        if let from, let to, to <= from { errors.add("end", "The end must be after the start.") }
        try errors.throwIfAny()
        return FreedSlot(chairID: chairID!, slot: DaySlot(date: day!, span: DaySpan(start: from!, end: to!)!))
    }
}
