import ClinicDomain
import Foundation
import SQLKit

/// Calendar subscription feeds in storage, and what each feed shows.
///
/// A feed's secret is made here and returned once; only its SHA-256 is stored, as for API tokens.
/// Making and revoking a feed are audited. Reading a feed is audited too (it is a view of the
/// calendar), though a chair or staff feed names no patient.
public struct CalendarFeedRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// The prefix of every feed secret, so one found in a log is recognisable.
    public static let secretPrefix = "kcf_"

    /// Makes a feed for `subject` and returns its secret, which is never shown again. The subject
    /// must be one of the clinic's chairs, or an active prescriber or nurse.
    public func create(for subject: CalendarFeedSubject, in clinicID: UUID, stamp: AuditStamp) async throws -> (secret: String, feed: CalendarFeed) {
        let secret = SecretToken.generate(prefix: Self.secretPrefix)
        return try await database.write { db in
            let name = try await Self.subjectName(subject, clinicID, db)
            let feed = CalendarFeed(id: UUID.random(), subject: subject, subjectName: name, prefix: String(secret.prefix(9)),
                                    createdBy: stamp.actorName, createdAt: stamp.at, lastReadAt: nil, revokedAt: nil)
            try await db.insert(into: "calendar_feeds")
                .columns("id", "clinic_id", "subject_kind", "subject_id", "subject_name", "token_hash", "token_prefix", "created_by", "created_at")
                .values(SQLBind(feed.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(subject.kind), SQLBind(subject.id.uuidString),
                        SQLBind(name), SQLBind(SecretToken.digest(secret)), SQLBind(feed.prefix), SQLBind(stamp.actorName),
                        SQLBind(stamp.at.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "calendar_feed", entityID: feed.id.uuidString,
                                                 summary: "\(subject.kind) feed for \(name)"), stamp: stamp, in: db)
            return (secret, feed)
        }
    }

    /// The clinic's feeds, newest first, revoked ones included.
    public func feeds(of clinicID: UUID) async throws -> [CalendarFeed] {
        try await database.read { db in
            try await db.select().column("*").from("calendar_feeds").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .orderBy("created_at", .descending).all().map(Self.decode)
        }
    }

    /// The standing (not revoked) feed whose secret is `secret`, with its clinic; nil otherwise.
    public func standingFeed(secret: String) async throws -> (feed: CalendarFeed, clinicID: UUID)? {
        guard secret.hasPrefix(Self.secretPrefix), secret.count <= 100 else { return nil }
        let hash = SecretToken.digest(secret)
        return try await database.read { db in
            guard let row = try await db.select().column("*").from("calendar_feeds").where("token_hash", .equal, SQLBind(hash))
                .where(SQLColumn("revoked_at"), .is, SQLLiteral.null).first(),
                  let clinicID = UUID(uuidString: try row.decode(column: "clinic_id", as: String.self)) else { return nil }
            return (try Self.decode(row), clinicID)
        }
    }

    /// Revokes a feed for good; false when it is not the clinic's or was already revoked.
    @discardableResult
    public func revoke(_ id: UUID, in clinicID: UUID, stamp: AuditStamp) async throws -> Bool {
        try await database.write { db in
            let rows = try await db.raw("""
                UPDATE calendar_feeds SET revoked_at = \(bind: stamp.at.millisecondsSince1970), revoked_by = \(bind: stamp.actorName)
                WHERE id = \(bind: id.uuidString) AND clinic_id = \(bind: clinicID.uuidString) AND revoked_at IS NULL RETURNING subject_name
                """).all()
            guard let row = rows.first else { return false }
            try await AuditLog.append(AuditEvent(.void, entityType: "calendar_feed", entityID: id.uuidString,
                                                 summary: "revoked the feed for \(try row.decode(column: "subject_name", as: String.self))"),
                                      stamp: stamp, in: db)
            return true
        }
    }

    /// The feed's calendar at `now`: the chair's bookings and closed days, or the staff member's
    /// shifts, absences and closed days, over ``CalendarFeeds/pastDays`` to ``CalendarFeeds/futureDays``.
    /// The read is audited and the feed's last-read time kept (to the minute).
    public func document(for feed: CalendarFeed, clinic: Clinic, now: Date, stamp: AuditStamp) async throws -> ICalendarDocument {
        let zone = clinic.settings.resolvedTimeZone
        let today = CalendarDate(instant: now, in: zone)
        let first = today.adding(days: -CalendarFeeds.pastDays), last = today.adding(days: CalendarFeeds.futureDays)
        let document: ICalendarDocument = try await database.read { db in
            let closures = try await ScheduleRepository.closures(clinic.id, from: first, through: last, db)
            switch feed.subject {
            case .chair(let chairID):
                let chairName = try await ScheduleRepository.chairs(clinic.id, db).first { $0.id == chairID }?.name ?? feed.subjectName
                let bookings = try await Self.chairBookings(chairID, clinic.id, from: first, through: last, db)
                return CalendarFeeds.chair(named: chairName, clinicName: clinic.settings.name, bookings: bookings, closures: closures)
            case .staff(let userID):
                // Shifts and absences only: a staff feed shows no bookings, so the year's bookings are not read.
                let shifts = try await ScheduleRepository.shifts(clinic.id, db)
                let absences = try await ScheduleRepository.absences(clinic.id, from: first, through: last, db)
                let name = shifts.first { $0.userID == userID }?.name ?? feed.subjectName
                return CalendarFeeds.staff(named: name, clinicName: clinic.settings.name, userID: userID, shifts: shifts, absences: absences,
                                           closures: closures, from: first, through: last, timeZone: zone)
            }
        }
        let minute = Date(millisecondsSince1970: now.millisecondsSince1970 / 60_000 * 60_000)
        let lastRead = feed.lastReadAt
        try await database.write { db in
            if lastRead != minute {
                try await db.update("calendar_feeds").set("last_read_at", to: SQLBind(minute.millisecondsSince1970))
                    .where("id", .equal, SQLBind(feed.id.uuidString)).run()
            }
            try await AuditLog.append(AuditEvent(.view, entityType: "calendar_feed", entityID: feed.id.uuidString,
                                                 summary: "\(feed.subject.kind) feed for \(feed.subjectName) read by a calendar app"),
                                      stamp: stamp, in: db)
        }
        return document
    }

    /// A patient's upcoming appointments as a calendar file (audited as a view of the patient).
    public func appointments(of patientID: UUID, clinic: Clinic, place: String, now: Date, stamp: AuditStamp) async throws -> ICalendarDocument {
        try await database.write { db in
            let rows = try await db.raw("""
                SELECT b.session_id, b.starts_at, b.ends_at FROM session_bookings b JOIN treatment_sessions s ON s.id = b.session_id
                WHERE b.clinic_id = \(bind: clinic.id.uuidString) AND b.patient_id = \(bind: patientID.uuidString)
                  AND b.released = \(bind: false) AND s.state NOT IN ('cancelled', 'no-show') AND b.ends_at >= \(bind: now.millisecondsSince1970)
                ORDER BY b.starts_at
                """).all()
            let appointments = try rows.map { row -> (sessionID: UUID, startsAt: Date, endsAt: Date) in
                let text = try row.decode(column: "session_id", as: String.self)
                guard let id = UUID(uuidString: text) else { throw StoredDataError(what: "session booking \(text)") }
                return (id, Date(millisecondsSince1970: try row.decode(column: "starts_at", as: Int64.self)),
                        Date(millisecondsSince1970: try row.decode(column: "ends_at", as: Int64.self)))
            }
            try await AuditLog.append(AuditEvent(.export, entityType: "patient_appointments", entityID: patientID.uuidString, patientID: patientID,
                                                 summary: "appointments file (.ics), \(appointments.count) appointment(s)"), stamp: stamp, in: db)
            return CalendarFeeds.patient(clinicName: clinic.settings.name, place: place, appointments: appointments)
        }
    }

    // MARK: Reading rows

    static func chairBookings(_ chairID: UUID, _ clinicID: UUID, from first: CalendarDate, through last: CalendarDate,
                              _ db: any SQLDatabase) async throws -> [ChairFeedBooking] {
        try await db.raw("""
            SELECT b.session_id, b.treatment, b.starts_at, b.ends_at, b.updated_at, s.state
            FROM session_bookings b JOIN treatment_sessions s ON s.id = b.session_id
            WHERE b.clinic_id = \(bind: clinicID.uuidString) AND b.chair_id = \(bind: chairID.uuidString)
              AND b.on_date >= \(bind: first.iso) AND b.on_date <= \(bind: last.iso) AND b.released = \(bind: false)
            ORDER BY b.starts_at
            """).all().map { row in
            let text = try row.decode(column: "session_id", as: String.self)
            guard let id = UUID(uuidString: text), let treatment = Treatment(rawValue: try row.decode(column: "treatment", as: String.self)),
                  let state = TreatmentSessionState(rawValue: try row.decode(column: "state", as: String.self)) else {
                throw StoredDataError(what: "session booking \(text)")
            }
            return ChairFeedBooking(sessionID: id, treatment: treatment,
                                    startsAt: Date(millisecondsSince1970: try row.decode(column: "starts_at", as: Int64.self)),
                                    endsAt: Date(millisecondsSince1970: try row.decode(column: "ends_at", as: Int64.self)), state: state,
                                    updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
        }
    }

    static func subjectName(_ subject: CalendarFeedSubject, _ clinicID: UUID, _ db: any SQLDatabase) async throws -> String {
        switch subject {
        case .chair(let id):
            guard let chair = try await ScheduleRepository.chairs(clinicID, db).first(where: { $0.id == id }) else {
                throw ScheduleInputError(field: "chair", message: "Choose one of the clinic's chairs.")
            }
            return chair.name
        case .staff(let id):
            guard let row = try await db.select().columns("display_name", "role").from("users").where("id", .equal, SQLBind(id.uuidString))
                .where("is_active", .equal, SQLBind(true)).first(),
                  let role = Role(rawValue: try row.decode(column: "role", as: String.self)), StaffFunction(role: role) != nil else {
                throw ScheduleInputError(field: "staff", message: "Choose an active prescriber or nurse.")
            }
            return try row.decode(column: "display_name", as: String.self)
        }
    }

    static func decode(_ row: any SQLRow) throws -> CalendarFeed {
        let text = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: text), let subjectID = UUID(uuidString: try row.decode(column: "subject_id", as: String.self)),
              let subject = CalendarFeedSubject(kind: try row.decode(column: "subject_kind", as: String.self), id: subjectID) else {
            throw StoredDataError(what: "calendar feed \(text)")
        }
        return CalendarFeed(id: id, subject: subject, subjectName: try row.decode(column: "subject_name", as: String.self),
                            prefix: try row.decode(column: "token_prefix", as: String.self),
                            createdBy: try row.decode(column: "created_by", as: String.self),
                            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                            lastReadAt: try row.decode(column: "last_read_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
                            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}
