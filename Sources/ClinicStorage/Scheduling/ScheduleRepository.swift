import ClinicDomain
import Foundation
import SQLKit

/// The clinic's calendar in storage: chairs, opening hours, closures, staff shifts and absences, the
/// booking policy, and each treatment session's booking. Every change writes its audit entry in the
/// same transaction. A booking is judged by ``ScheduleBook`` inside the write transaction, after the
/// clinic row is locked, so two front-desk users racing for the last chair cannot both win on either
/// engine.
public struct ScheduleRepository: Sendable {
    private let database: ClinicDatabase
    private let policyColumn: ClinicJSONColumn<SchedulingPolicy>
    private let hoursColumn: ClinicJSONColumn<OpeningHours>

    /// A repository over `database`.
    public init(database: ClinicDatabase) {
        self.database = database
        policyColumn = ClinicJSONColumn(database: database, column: "schedule_policy", entityType: "schedule_policy", defaults: .defaults)
        hoursColumn = ClinicJSONColumn(database: database, column: "opening_hours", entityType: "opening_hours", defaults: .standard)
    }

    // MARK: Policy and hours

    /// The clinic's booking policy (the documented defaults until changed).
    public func policy(of clinicID: UUID) async throws -> SchedulingPolicy { try await policyColumn.value(of: clinicID) }

    /// Stores a validated booking policy.
    public func update(_ policy: SchedulingPolicy, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await policyColumn.update(policy, of: clinicID, stamp: stamp)
    }

    /// The clinic's opening hours (Monday–Friday 08:00–18:00 until changed).
    public func openingHours(of clinicID: UUID) async throws -> OpeningHours { try await hoursColumn.value(of: clinicID) }

    /// Stores opening hours.
    public func update(_ hours: OpeningHours, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await hoursColumn.update(hours, of: clinicID, stamp: stamp)
    }

    // MARK: Chairs

    /// The clinic's chairs in calendar order, out-of-service ones included.
    public func chairs(of clinicID: UUID) async throws -> [Chair] {
        try await database.read { try await Self.chairs(clinicID, $0) }
    }

    /// Adds a chair at the end of the calendar; a name already in use is refused.
    public func addChair(named name: String, to clinicID: UUID, stamp: AuditStamp) async throws -> Chair {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...40).contains(trimmed.count) else { throw ScheduleInputError(field: "name", message: "Name the chair in 1 to 40 characters.") }
        return try await database.write { db in
            let existing = try await Self.chairs(clinicID, db)
            if existing.contains(where: { $0.name.lowercased() == trimmed.lowercased() }) {
                throw ScheduleInputError(field: "name", message: "A chair called \(trimmed) already exists.")
            }
            let chair = Chair(id: UUID.random(), name: trimmed)
            try await db.insert(into: "schedule_chairs")
                .columns("id", "clinic_id", "name", "position", "active", "created_at", "updated_at")
                .values(SQLBind(chair.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(trimmed), SQLBind(existing.count + 1),
                        SQLBind(true), SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.at.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "schedule_chair", entityID: chair.id.uuidString, summary: "chair \(trimmed)"),
                                      stamp: stamp, in: db)
            return chair
        }
    }

    /// Takes a chair out of service (it keeps its bookings, takes no new ones) or back into it.
    public func setChair(_ chairID: UUID, active: Bool, in clinicID: UUID, stamp: AuditStamp) async throws {
        try await database.write { db in
            guard try await db.raw("""
                UPDATE schedule_chairs SET active = \(bind: active), updated_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE id = \(bind: chairID.uuidString) AND clinic_id = \(bind: clinicID.uuidString) RETURNING id
                """).first() != nil else { throw ScheduleInputError(field: "chair", message: "There is no such chair.") }
            try await AuditLog.append(AuditEvent(.update, entityType: "schedule_chair", entityID: chairID.uuidString,
                                                 summary: active ? "back in service" : "out of service"), stamp: stamp, in: db)
        }
    }

    // MARK: Closures, shifts, absences

    /// The clinic's closures from `start` on.
    public func closures(of clinicID: UUID, from start: CalendarDate) async throws -> [Closure] {
        try await database.read { try await Self.closures(clinicID, from: start, through: nil, $0) }
    }

    /// Closes the clinic on a day (a second closure of the same day replaces the reason).
    public func addClosure(_ closure: Closure, to clinicID: UUID, stamp: AuditStamp) async throws {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO schedule_closures (clinic_id, on_date, reason, created_at)
                VALUES (\(bind: clinicID.uuidString), \(bind: closure.date.iso), \(bind: closure.reason), \(bind: stamp.at.millisecondsSince1970))
                ON CONFLICT (clinic_id, on_date) DO UPDATE SET reason = excluded.reason
                """).run()
            try await AuditLog.append(AuditEvent(.create, entityType: "schedule_closure", entityID: closure.date.iso, summary: closure.reason),
                                      stamp: stamp, in: db)
        }
    }

    /// Reopens a closed day.
    public func removeClosure(on date: CalendarDate, from clinicID: UUID, stamp: AuditStamp) async throws {
        try await database.write { db in
            try await db.delete(from: "schedule_closures").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("on_date", .equal, SQLBind(date.iso)).run()
            try await AuditLog.append(AuditEvent(.void, entityType: "schedule_closure", entityID: date.iso, summary: "reopened"),
                                      stamp: stamp, in: db)
        }
    }

    /// Adds a weekly shift for a prescriber or nurse; other roles staff no chair and are refused.
    public func addShift(userID: UUID, weekday: Weekday, span: DaySpan, to clinicID: UUID, stamp: AuditStamp) async throws {
        try await database.write { db in
            guard let row = try await db.select().column("role").from("users").where("id", .equal, SQLBind(userID.uuidString)).first(),
                  let role = Role(rawValue: try row.decode(column: "role", as: String.self)), StaffFunction(role: role) != nil else {
                throw ScheduleInputError(field: "user", message: "Choose a prescriber or a nurse.")
            }
            let id = UUID.random()
            try await db.insert(into: "schedule_staff_shifts")
                .columns("id", "clinic_id", "user_id", "weekday", "starts_minute", "ends_minute", "created_at")
                .values(SQLBind(id.uuidString), SQLBind(clinicID.uuidString), SQLBind(userID.uuidString), SQLBind(weekday.rawValue),
                        SQLBind(span.start.minutes), SQLBind(span.end.minutes), SQLBind(stamp.at.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "schedule_shift", entityID: id.uuidString,
                                                 summary: "\(userID.uuidString) \(weekday.code) \(span)"), stamp: stamp, in: db)
        }
    }

    /// Records days a staff member is away.
    public func addAbsence(_ absence: StaffAbsence, to clinicID: UUID, stamp: AuditStamp) async throws {
        try await database.write { db in
            let id = UUID.random()
            try await db.insert(into: "schedule_staff_absences")
                .columns("id", "clinic_id", "user_id", "from_date", "through_date", "reason", "created_at")
                .values(SQLBind(id.uuidString), SQLBind(clinicID.uuidString), SQLBind(absence.userID.uuidString), SQLBind(absence.from.iso),
                        SQLBind(absence.through.iso), SQLBind(absence.reason), SQLBind(stamp.at.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "schedule_absence", entityID: id.uuidString,
                                                 summary: "\(absence.userID.uuidString) \(absence.from.iso)…\(absence.through.iso)"), stamp: stamp, in: db)
        }
    }

    /// The clinic's weekly shifts with each staff member's name and function.
    public func shifts(of clinicID: UUID) async throws -> [StaffShift] {
        try await database.read { try await Self.shifts(clinicID, $0) }
    }

    // MARK: The calendar and bookings

    /// The calendar from `start` through `end` (inclusive): resources and the bookings that stand.
    public func book(of clinicID: UUID, from start: CalendarDate, through end: CalendarDate, timeZone: TimeZone) async throws -> ScheduleBook {
        try await database.read { try await Self.book(clinicID, from: start, through: end, timeZone: timeZone, $0) }
    }

    /// Books (or moves) a scheduled session into `booking`'s chair and slot, after judging it against the
    /// calendar inside the transaction. Throws ``BookingRefused`` with every conflict, and stores nothing then.
    /// The session's day follows the booking; a move is audited with the old and new slot.
    @discardableResult
    public func book(_ booking: Booking, in clinicID: UUID, timeZone: TimeZone, now: Date, stamp: AuditStamp) async throws -> Booking {
        try await database.write { db in try await Self.book(booking, clinicID: clinicID, timeZone: timeZone, now: now, stamp: stamp, db) }
    }

    /// ``book(_:in:timeZone:now:stamp:)`` inside the caller's write transaction.
    static func book(_ booking: Booking, clinicID: UUID, timeZone: TimeZone, now: Date, stamp: AuditStamp,
                     _ db: any SQLDatabase) async throws -> Booking {
        do {
            // Serialises every booking of the clinic (the nurse ratio spans all chairs) on both engines.
            guard try await db.raw("""
                UPDATE clinics SET updated_at = updated_at WHERE id = \(bind: clinicID.uuidString) RETURNING id
                """).first() != nil else { throw UnknownClinicError(clinicID: clinicID) }
            guard let session = try await db.select().columns("patient_id", "state").from("treatment_sessions")
                .where("id", .equal, SQLBind(booking.sessionID.uuidString)).first(),
                  try session.decode(column: "patient_id", as: String.self) == booking.patientID.uuidString else {
                throw ScheduleInputError(field: "session", message: "There is no such session for this patient.")
            }
            let state = try session.decode(column: "state", as: String.self)
            guard state == TreatmentSessionState.scheduled.rawValue else {
                throw ScheduleInputError(field: "session", message: "Only a scheduled session can be booked or moved (this one is \(state)).")
            }
            let calendar = try await Self.book(clinicID, from: booking.slot.date, through: booking.slot.date, timeZone: timeZone, db)
            let conflicts = calendar.conflicts(for: booking, now: now)
            guard conflicts.isEmpty else { throw BookingRefused(conflicts: conflicts) }
            let previous = try await db.select().columns("on_date", "starts_minute", "ends_minute").from("session_bookings")
                .where("session_id", .equal, SQLBind(booking.sessionID.uuidString)).first()
            let (start, end) = booking.slot.instants(in: timeZone)
            let at = stamp.at.millisecondsSince1970
            try await db.raw("""
                INSERT INTO session_bookings (session_id, clinic_id, patient_id, chair_id, treatment, on_date, starts_minute, ends_minute,
                    starts_at, ends_at, released, late_cancellation, booked_at, updated_at)
                VALUES (\(bind: booking.sessionID.uuidString), \(bind: clinicID.uuidString), \(bind: booking.patientID.uuidString),
                    \(bind: booking.chairID.uuidString), \(bind: booking.treatment.rawValue), \(bind: booking.slot.date.iso),
                    \(bind: booking.slot.span.start.minutes), \(bind: booking.slot.span.end.minutes), \(bind: start.millisecondsSince1970),
                    \(bind: end.millisecondsSince1970), \(bind: false), \(bind: false), \(bind: at), \(bind: at))
                ON CONFLICT (session_id) DO UPDATE SET chair_id = excluded.chair_id, on_date = excluded.on_date,
                    starts_minute = excluded.starts_minute, ends_minute = excluded.ends_minute, starts_at = excluded.starts_at,
                    ends_at = excluded.ends_at, released = excluded.released, updated_at = excluded.updated_at
                """).run()
            let chairName = calendar.chairs.first { $0.id == booking.chairID }?.name ?? "?"
            try await db.raw("""
                UPDATE treatment_sessions SET scheduled_on = \(bind: booking.slot.date.iso), chair = \(bind: chairName), updated_at = \(bind: at)
                WHERE id = \(bind: booking.sessionID.uuidString)
                """).run()
            var summary = "booked \(booking.slot) in \(chairName)"
            if let previous {
                let was = "\(try previous.decode(column: "on_date", as: String.self)) "
                    + "\(ClockTime(minutes: try previous.decode(column: "starts_minute", as: Int.self)).map(\.description) ?? "?")"
                summary = "moved from \(was) to \(booking.slot) in \(chairName)"
            }
            try await AuditLog.append(AuditEvent(previous == nil ? .create : .update, entityType: "session_booking",
                                                 entityID: booking.sessionID.uuidString, patientID: booking.patientID, summary: summary),
                                      stamp: stamp, in: db)
            return booking
        }
    }

    /// Cancels a booked or scheduled session: the session becomes cancelled, its chair is freed, and a
    /// cancellation less than the policy's hours before the start is recorded as late. Returns whether it was late.
    @discardableResult
    public func cancel(sessionID: UUID, in clinicID: UUID, reason: String, now: Date, stamp: AuditStamp) async throws -> Bool {
        let policy = try await policy(of: clinicID)
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...500).contains(why.count) else { throw ScheduleInputError(field: "reason", message: "Give a reason (3 to 500 characters).") }
        return try await database.write { db in
            guard let session = try await db.raw("""
                UPDATE treatment_sessions SET state = \(bind: TreatmentSessionState.cancelled.rawValue), updated_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE id = \(bind: sessionID.uuidString) AND state = \(bind: TreatmentSessionState.scheduled.rawValue) RETURNING patient_id
                """).first() else { throw ScheduleInputError(field: "session", message: "Only a scheduled session can be cancelled.") }
            let patientID = UUID(uuidString: try session.decode(column: "patient_id", as: String.self))
            let startsAt = try await db.select().column("starts_at").from("session_bookings")
                .where("session_id", .equal, SQLBind(sessionID.uuidString)).first()?.decode(column: "starts_at", as: Int64.self)
            let late = startsAt.map { Int64(policy.lateCancellationHours) * 3_600_000 > $0 - now.millisecondsSince1970 } ?? false
            try await db.raw("""
                UPDATE session_bookings SET released = \(bind: true), late_cancellation = \(bind: late), updated_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE session_id = \(bind: sessionID.uuidString)
                """).run()
            try await AuditLog.append(AuditEvent(.update, entityType: "session_booking", entityID: sessionID.uuidString, patientID: patientID,
                                                 summary: (late ? "late cancellation" : "cancelled") + ": \(why)"), stamp: stamp, in: db)
            return late
        }
    }

    /// Late cancellations recorded from `start` through `end`, by session id.
    public func lateCancellations(of clinicID: UUID, from start: CalendarDate, through end: CalendarDate) async throws -> Set<UUID> {
        try await database.read { db in
            Set(try await db.select().column("session_id").from("session_bookings").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("late_cancellation", .equal, SQLBind(true)).where("on_date", .greaterThanOrEqual, SQLBind(start.iso))
                .where("on_date", .lessThanOrEqual, SQLBind(end.iso)).all()
                .compactMap { UUID(uuidString: try $0.decode(column: "session_id", as: String.self)) })
        }
    }

    // MARK: REMS enrolment

    /// Records the patient's REMS enrolment (once: it cannot be changed or removed). The enrolment
    /// must precede the first esketamine treatment [R19][R21].
    public func recordRemsEnrolment(patientID: UUID, enrolledOn: CalendarDate, reference: String, stamp: AuditStamp) async throws {
        let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...60).contains(trimmed.count) else {
            throw ScheduleInputError(field: "reference", message: "Enter the enrolment reference (1 to 60 characters).")
        }
        try await database.write { db in
            try await PatientRowLock.lock(patientID, db)
            guard try await db.raw("""
                INSERT INTO patient_rems_enrolments (patient_id, enrolled_on, reference, recorded_by, recorded_at)
                VALUES (\(bind: patientID.uuidString), \(bind: enrolledOn.iso), \(bind: trimmed), \(bind: stamp.actorName),
                    \(bind: stamp.at.millisecondsSince1970))
                ON CONFLICT (patient_id) DO NOTHING RETURNING patient_id
                """).first() != nil else {
                throw ScheduleInputError(field: "reference", message: "The patient's REMS enrolment is already on file.")
            }
            try await AuditLog.append(AuditEvent(.create, entityType: "rems_enrolment", entityID: patientID.uuidString, patientID: patientID,
                                                 summary: "enrolled \(enrolledOn.iso), reference \(trimmed)"), stamp: stamp, in: db)
        }
    }

    /// Records many patients' REMS enrolments in one transaction, as the demo loader's bulk
    /// histories need: a patient already enrolled keeps the enrolment on file (it is never changed),
    /// and each new one writes its audit entry. Returns how many were recorded.
    @discardableResult
    public func recordRemsEnrolments(_ enrolments: [(patientID: UUID, enrolledOn: CalendarDate, reference: String)],
                                     stamp: AuditStamp) async throws -> Int {
        guard !enrolments.isEmpty else { return 0 }
        return try await database.write { db in
            var recorded = 0
            for chunk in stride(from: 0, to: enrolments.count, by: 500) {
                let part = enrolments[chunk..<min(chunk + 500, enrolments.count)]
                var statement: SQLQueryString = "INSERT INTO patient_rems_enrolments (patient_id, enrolled_on, reference, recorded_by, recorded_at) VALUES "
                for (index, item) in part.enumerated() {
                    statement += (index == 0 ? "" : ", ")
                        + "(\(bind: item.patientID.uuidString), \(bind: item.enrolledOn.iso), \(bind: item.reference), \(bind: stamp.actorName), \(bind: stamp.at.millisecondsSince1970))"
                }
                statement += " ON CONFLICT (patient_id) DO NOTHING RETURNING patient_id"
                let inserted = try await db.raw(statement).all().compactMap { UUID(uuidString: try $0.decode(column: "patient_id", as: String.self)) }
                let new = Set(inserted)
                recorded += new.count
                try await AuditLog.append(part.filter { new.contains($0.patientID) }.map { item in
                    AuditEvent(.create, entityType: "rems_enrolment", entityID: item.patientID.uuidString, patientID: item.patientID,
                               summary: "enrolled \(item.enrolledOn.iso), reference \(item.reference)")
                }, stamp: stamp, in: db)
            }
            return recorded
        }
    }

    /// The patients of `candidates` with a REMS enrolment on file.
    public func remsEnrolled(among candidates: [UUID]) async throws -> Set<UUID> {
        try await database.read { db in
            var found = Set<UUID>()
            for chunk in stride(from: 0, to: candidates.count, by: 500) {
                let ids = candidates[chunk..<min(chunk + 500, candidates.count)].map(\.uuidString)
                for row in try await db.raw("SELECT patient_id FROM patient_rems_enrolments WHERE patient_id IN (\(binds: ids))").all() {
                    if let id = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) { found.insert(id) }
                }
            }
            return found
        }
    }

    /// The patient's REMS enrolment day and reference, nil when none is on file.
    public func remsEnrolment(of patientID: UUID) async throws -> (enrolledOn: CalendarDate, reference: String)? {
        try await database.read { db in
            guard let row = try await db.select().columns("enrolled_on", "reference").from("patient_rems_enrolments")
                .where("patient_id", .equal, SQLBind(patientID.uuidString)).first(),
                  let date = CalendarDate(iso: try row.decode(column: "enrolled_on", as: String.self)) else { return nil }
            return (date, try row.decode(column: "reference", as: String.self))
        }
    }

    // MARK: Check-in

    /// The facts a booking warns about and check-in refuses on: the patient's REMS enrolment (where
    /// the REMS applies [R20][R21]) and the last day their latest signed screening stays current
    /// (signing day plus ``SchedulingPolicy/screeningValidDays``, clinic policy).
    public func preconditions(of patientID: UUID, in clinic: Clinic) async throws -> BookingPreconditions {
        let policy = try await policy(of: clinic.id)
        let zone = clinic.settings.resolvedTimeZone
        return try await database.read { db in
            let enrolled = try await db.select().column("patient_id").from("patient_rems_enrolments")
                .where("patient_id", .equal, SQLBind(patientID.uuidString)).first() != nil
            let signedAt = try await db.select().column("signed_at").from("screenings").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("version", .descending).limit(1).first()?.decode(column: "signed_at", as: Int64.self)
            return BookingPreconditions(
                remsEnrolled: enrolled, planSigned: true,
                screeningValidThrough: signedAt.map { CalendarDate(instant: Date(millisecondsSince1970: $0), in: zone).adding(days: policy.screeningValidDays) },
                remsRequired: clinic.settings.jurisdiction.region == .unitedStates)
        }
    }

    /// What refuses checking in the patient's session of `treatment` on `day` (a hard stop): no REMS
    /// enrolment for esketamine [R19][R21], no signed screening current that day for IV or IM (clinic
    /// policy). Empty when check-in may go ahead.
    public func checkInRefusals(patientID: UUID, treatment: Treatment, on day: CalendarDate, in clinic: Clinic) async throws -> [BookingWarning] {
        try await preconditions(of: patientID, in: clinic).checkInRefusals(for: treatment, on: day)
    }

    // MARK: Loading

    static func book(_ clinicID: UUID, from start: CalendarDate, through end: CalendarDate, timeZone: TimeZone,
                     _ db: any SQLDatabase) async throws -> ScheduleBook {
        let policy = try await ClinicJSONColumn.decode(SchedulingPolicy.self, column: "schedule_policy", clinicID: clinicID, defaults: .defaults, db)
        let hours = try await ClinicJSONColumn.decode(OpeningHours.self, column: "opening_hours", clinicID: clinicID, defaults: .standard, db)
        let absences = try await absences(clinicID, from: start, through: end, db)
        let bookings = try await db.raw("""
            SELECT b.session_id, b.patient_id, b.chair_id, b.treatment, b.on_date, b.starts_minute, b.ends_minute
            FROM session_bookings b JOIN treatment_sessions s ON s.id = b.session_id
            WHERE b.clinic_id = \(bind: clinicID.uuidString) AND b.on_date >= \(bind: start.iso) AND b.on_date <= \(bind: end.iso)
              AND b.released = \(bind: false) AND s.state NOT IN ('cancelled', 'no-show')
            """).all().map(decodeBooking)
        return ScheduleBook(chairs: try await chairs(clinicID, db), hours: hours,
                            closures: try await closures(clinicID, from: start, through: end, db), shifts: try await shifts(clinicID, db),
                            absences: absences, policy: policy, timeZone: timeZone, bookings: bookings)
    }

    /// Staff absences that overlap `start` through `end` (inclusive).
    static func absences(_ clinicID: UUID, from start: CalendarDate, through end: CalendarDate, _ db: any SQLDatabase) async throws -> [StaffAbsence] {
        try await db.select().columns("user_id", "from_date", "through_date", "reason").from("schedule_staff_absences")
            .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).where("through_date", .greaterThanOrEqual, SQLBind(start.iso))
            .where("from_date", .lessThanOrEqual, SQLBind(end.iso)).all().compactMap { row -> StaffAbsence? in
                guard let user = UUID(uuidString: try row.decode(column: "user_id", as: String.self)),
                      let from = CalendarDate(iso: try row.decode(column: "from_date", as: String.self)),
                      let through = CalendarDate(iso: try row.decode(column: "through_date", as: String.self)) else { return nil }
                return StaffAbsence(userID: user, from: from, through: through, reason: try row.decode(column: "reason", as: String.self))
            }
    }

    static func decodeBooking(_ row: any SQLRow) throws -> Booking {
        let idText = try row.decode(column: "session_id", as: String.self)
        guard let id = UUID(uuidString: idText), let patient = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
              let chair = UUID(uuidString: try row.decode(column: "chair_id", as: String.self)),
              let treatment = Treatment(rawValue: try row.decode(column: "treatment", as: String.self)),
              let date = CalendarDate(iso: try row.decode(column: "on_date", as: String.self)),
              let start = ClockTime(minutes: try row.decode(column: "starts_minute", as: Int.self)),
              let end = ClockTime(minutes: try row.decode(column: "ends_minute", as: Int.self)),
              let span = DaySpan(start: start, end: end) else { throw StoredDataError(what: "session booking \(idText)") }
        return Booking(sessionID: id, patientID: patient, chairID: chair, slot: DaySlot(date: date, span: span), treatment: treatment)
    }

    static func chairs(_ clinicID: UUID, _ db: any SQLDatabase) async throws -> [Chair] {
        try await db.select().columns("id", "name", "active").from("schedule_chairs").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
            .orderBy("position").all().map { row in
                let text = try row.decode(column: "id", as: String.self)
                guard let id = UUID(uuidString: text) else { throw StoredDataError(what: "chair \(text)") }
                return Chair(id: id, name: try row.decode(column: "name", as: String.self), isActive: try row.decode(column: "active", as: Bool.self))
            }
    }

    static func closures(_ clinicID: UUID, from start: CalendarDate, through end: CalendarDate?, _ db: any SQLDatabase) async throws -> [Closure] {
        var query = db.select().columns("on_date", "reason").from("schedule_closures").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
            .where("on_date", .greaterThanOrEqual, SQLBind(start.iso))
        if let end { query = query.where("on_date", .lessThanOrEqual, SQLBind(end.iso)) }
        return try await query.orderBy("on_date").all().compactMap { row in
            CalendarDate(iso: try row.decode(column: "on_date", as: String.self)).map { Closure(date: $0, reason: (try? row.decode(column: "reason", as: String.self)) ?? "") }
        }
    }

    static func shifts(_ clinicID: UUID, _ db: any SQLDatabase) async throws -> [StaffShift] {
        try await db.raw("""
            SELECT s.user_id, s.weekday, s.starts_minute, s.ends_minute, u.display_name, u.role
            FROM schedule_staff_shifts s JOIN users u ON u.id = s.user_id
            WHERE s.clinic_id = \(bind: clinicID.uuidString) AND u.is_active = \(bind: true)
            ORDER BY s.weekday, s.starts_minute
            """).all().compactMap { row in
            guard let user = UUID(uuidString: try row.decode(column: "user_id", as: String.self)),
                  let role = Role(rawValue: try row.decode(column: "role", as: String.self)), let function = StaffFunction(role: role),
                  let weekday = Weekday(rawValue: try row.decode(column: "weekday", as: Int.self)),
                  let start = ClockTime(minutes: try row.decode(column: "starts_minute", as: Int.self)),
                  let end = ClockTime(minutes: try row.decode(column: "ends_minute", as: Int.self)),
                  let span = DaySpan(start: start, end: end) else { return nil }
            return StaffShift(userID: user, name: try row.decode(column: "display_name", as: String.self), function: function, weekday: weekday, span: span)
        }
    }
}

/// A booking the calendar refuses, with every reason.
public struct BookingRefused: Error, CustomStringConvertible, Sendable {
    /// Why, each with its code and sentence.
    public let conflicts: [BookingConflict]

    public var description: String { conflicts.map(\.description).joined(separator: " ") }
}

/// A scheduling input that names nothing bookable (an unknown session, a duplicate chair name).
public struct ScheduleInputError: Error, CustomStringConvertible, Sendable {
    /// The field at fault.
    public let field: String
    /// What to do about it.
    public let message: String

    public var description: String { message }
}

/// Check-in refused because something the session needs is not on file; each item names its source.
public struct CheckInRefused: Error, CustomStringConvertible, Sendable {
    /// What is missing, each with a stable code and a sentence citing its source or clinic policy.
    public let missing: [BookingWarning]

    /// Creates the refusal.
    public init(missing: [BookingWarning]) { self.missing = missing }

    public var description: String { "Check-in refused: " + missing.map(\.message).joined(separator: " ") }
}
