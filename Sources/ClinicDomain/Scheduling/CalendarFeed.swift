import Foundation

/// Whose calendar a subscription feed carries: one chair's bookings or one staff member's shifts.
public enum CalendarFeedSubject: Hashable, Sendable {
    /// A treatment chair or room.
    case chair(UUID)
    /// A prescriber or nurse (a user with shifts).
    case staff(UUID)

    /// `chair` or `staff`, as stored and in the API.
    public var kind: String {
        switch self {
        case .chair: "chair"
        case .staff: "staff"
        }
    }

    /// The chair's or the user's id.
    public var id: UUID {
        switch self {
        case .chair(let id), .staff(let id): id
        }
    }

    /// The subject from its stored kind and id; nil for an unknown kind.
    public init?(kind: String, id: UUID) {
        switch kind {
        case "chair": self = .chair(id)
        case "staff": self = .staff(id)
        default: return nil
        }
    }
}

/// A subscription feed as staff manage it: the secret address itself is never stored (only its
/// SHA-256), so a lost phone is handled by revoking the feed and making a new one.
public struct CalendarFeed: Equatable, Sendable, Identifiable {
    /// Stable id, used to revoke it.
    public var id: UUID
    /// The chair or staff member.
    public var subject: CalendarFeedSubject
    /// The chair's or the staff member's name when the feed was made, for the list.
    public var subjectName: String
    /// The first characters of the secret, so people can tell their feeds apart.
    public var prefix: String
    /// Who made it.
    public var createdBy: String
    /// When.
    public var createdAt: Date
    /// The last time a calendar app fetched it (to the minute); nil until then.
    public var lastReadAt: Date?
    /// When it was revoked; a revoked feed answers 404 for good.
    public var revokedAt: Date?

    /// Creates a feed record.
    public init(id: UUID, subject: CalendarFeedSubject, subjectName: String, prefix: String, createdBy: String,
                createdAt: Date, lastReadAt: Date?, revokedAt: Date?) {
        self.id = id
        self.subject = subject
        self.subjectName = subjectName
        self.prefix = prefix
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastReadAt = lastReadAt
        self.revokedAt = revokedAt
    }
}

/// One booked session as a chair's feed sees it: when, which treatment, whether it still stands.
/// No patient: a calendar app copies its feeds to servers the clinic does not control.
public struct ChairFeedBooking: Equatable, Sendable {
    /// The session (its id makes the event's UID, so a moved session moves in the app).
    public var sessionID: UUID
    /// The treatment type, the only clinical word a feed carries.
    public var treatment: Treatment
    /// Start and end instants.
    public var startsAt: Date, endsAt: Date
    /// Cancelled or recorded as a no-show.
    public var state: TreatmentSessionState
    /// When the booking last changed.
    public var updatedAt: Date

    /// Creates a feed booking.
    public init(sessionID: UUID, treatment: Treatment, startsAt: Date, endsAt: Date, state: TreatmentSessionState, updatedAt: Date) {
        self.sessionID = sessionID
        self.treatment = treatment
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.state = state
        self.updatedAt = updatedAt
    }
}

/// Builds the three calendars KetaClinic publishes, deciding what each may show. Pure, so the
/// tests check the content rules without a server.
///
/// - A **chair feed**: each booked session as "IV ketamine session" (treatment type only, never
///   the patient), cancelled ones marked cancelled, no-shows named so, and closed days.
/// - A **staff feed**: the person's shifts day by day, leaving out days away and closed days, and
///   their absences as whole days ("Away", never the reason).
/// - A **patient's file**: their upcoming appointments as "Appointment at <clinic>", with the
///   place and nothing clinical, like the reminders.
public enum CalendarFeeds {
    /// The days a feed covers: from `pastDays` before today through `futureDays` after. A clinic
    /// calendar needs recent history for a glance back and the booked months ahead; product
    /// choice, not a clinical rule.
    public static let pastDays = 30, futureDays = 365

    /// How often subscribed apps are asked to fetch again, in minutes (product choice).
    public static let refreshMinutes = 60

    /// A chair's subscription calendar.
    public static func chair(named chairName: String, clinicName: String, bookings: [ChairFeedBooking],
                             closures: [Closure]) -> ICalendarDocument {
        var events = bookings.map { booking -> CalendarEvent in
            let title = "\(booking.treatment.displayName) session"
            let summary = switch booking.state {
            case .cancelled: "Cancelled: \(title)"
            case .noShow: "No-show: \(title)"
            default: title
            }
            return CalendarEvent(uid: "session-\(booking.sessionID.uuidString.lowercased())@ketaclinic", when: .timed(start: booking.startsAt, end: booking.endsAt),
                                 summary: summary, description: "\(chairName). Open KetaClinic for the patient and the plan.",
                                 location: chairName, isCancelled: booking.state == .cancelled, lastModified: booking.updatedAt)
        }
        events += closures.map(closedDay)
        return ICalendarDocument(name: "\(clinicName): \(chairName)", refreshMinutes: refreshMinutes, events: events)
    }

    /// A staff member's subscription calendar over `days` (inclusive), in the clinic's time zone.
    public static func staff(named personName: String, clinicName: String, userID: UUID, shifts: [StaffShift], absences: [StaffAbsence],
                             closures: [Closure], from first: CalendarDate, through last: CalendarDate, timeZone: TimeZone) -> ICalendarDocument {
        let closed = Set(closures.map(\.date))
        let mine = shifts.filter { $0.userID == userID }
        let away = absences.filter { $0.userID == userID }
        var events: [CalendarEvent] = []
        var day = first
        while day <= last {
            if !closed.contains(day), !away.contains(where: { $0.covers(day) }) {
                for shift in mine where shift.weekday == day.weekday {
                    let (start, end) = DaySlot(date: day, span: shift.span).instants(in: timeZone)
                    events.append(CalendarEvent(uid: "shift-\(userID.uuidString.lowercased())-\(day.iso)-\(shift.span.start.minutes)@ketaclinic",
                                                when: .timed(start: start, end: end), summary: "On shift (\(shift.function.displayName))",
                                                location: clinicName))
                }
            }
            day = day.adding(days: 1)
        }
        events += away.map { absence in
            CalendarEvent(uid: "away-\(userID.uuidString.lowercased())-\(absence.from.iso)@ketaclinic",
                          when: .allDay(from: absence.from, through: absence.through), summary: "Away")
        }
        events += closures.map(closedDay)
        return ICalendarDocument(name: "\(clinicName): \(personName)", refreshMinutes: refreshMinutes, events: events)
    }

    /// A patient's appointments file: each standing booking as an appointment at the clinic.
    public static func patient(clinicName: String, place: String, appointments: [(sessionID: UUID, startsAt: Date, endsAt: Date)]) -> ICalendarDocument {
        let location = place.isEmpty ? clinicName : place
        return ICalendarDocument(name: "Appointments at \(clinicName)", events: appointments.map { appointment in
            CalendarEvent(uid: "appointment-\(appointment.sessionID.uuidString.lowercased())@ketaclinic",
                          when: .timed(start: appointment.startsAt, end: appointment.endsAt),
                          summary: "Appointment at \(clinicName)", location: location)
        })
    }

    private static func closedDay(_ closure: Closure) -> CalendarEvent {
        CalendarEvent(uid: "closed-\(closure.date.iso)@ketaclinic", when: .allDay(from: closure.date, through: closure.date),
                      summary: closure.reason.isEmpty ? "Clinic closed" : "Clinic closed: \(closure.reason)")
    }
}
