import ClinicDomain
import Foundation
import SQLKit

/// Appointment reminders and the self-report questionnaire links sent before sessions, in storage:
/// the clinic's reminder policy, the bookings whose reminder is due, and the record of each one (each
/// ``Kind`` in its own table, keyed alike). A reminder is claimed (a row keyed by session and start
/// time, inserted only if absent) before it is sent, so two app instances or a restart never send it
/// twice; a claim left unfinished past ``staleClaimSeconds`` (its sender died) may be claimed again,
/// and a failed one is tried again up to ``maximumAttempts`` times.
public struct ReminderRepository: Sendable {
    private let database: ClinicDatabase
    private let policyColumn: ClinicJSONColumn<ReminderPolicy>

    /// A claim older than this without an outcome belonged to an instance that stopped mid-send; a
    /// failed reminder is tried again after this long.
    public static let staleClaimSeconds: Int64 = 600
    /// A reminder that failed this many times is left failed (the front desk sees it).
    public static let maximumAttempts = 3

    /// A repository over `database`.
    public init(database: ClinicDatabase) {
        self.database = database
        policyColumn = ClinicJSONColumn(database: database, column: "reminder_policy", entityType: "reminder_policy", defaults: .defaults)
    }

    /// What is sent before a session; each kind is claimed and recorded on its own.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The appointment reminder (date, time, place).
        case appointment
        /// The self-report questionnaire link due before the session.
        case questionnaire

        /// The table of this kind's records.
        var table: String { self == .appointment ? "appointment_reminders" : "questionnaire_reminders" }
        /// The words in audit entries.
        var noun: String { self == .appointment ? "appointment reminder" : "questionnaire link" }
    }

    /// One booked session whose reminder is due.
    public struct Due: Sendable, Equatable {
        /// The session.
        public let sessionID: UUID
        /// The patient.
        public let patientID: UUID
        /// When it starts (UTC).
        public let startsAt: Date
        /// The day and hours in the clinic's time zone.
        public let slot: DaySlot
    }

    /// Where a reminder stands.
    public enum Status: String, CaseIterable, Codable, Sendable {
        /// Claimed by an instance that is sending it.
        case sending
        /// Handed to the outbox or the mail relay.
        case sent
        /// Not sent: the patient has no email address or phone number on file, or (a questionnaire
        /// link) no self-report questionnaire is due before the session.
        case skipped
        /// Sending failed; `detail` says why.
        case failed
    }

    /// One reminder's record.
    public struct Record: Sendable, Equatable {
        /// Appointment reminder or questionnaire link.
        public let kind: Kind
        /// The session.
        public let sessionID: UUID
        /// The patient.
        public let patientID: UUID
        /// The appointment's start.
        public let startsAt: Date
        /// Where it stands.
        public let status: Status
        /// `email` or `sms`.
        public let channel: String?
        /// When it was sent (or given up).
        public let finishedAt: Date?
        /// Why it failed or was skipped.
        public let detail: String?
        /// The self-report link issued (questionnaire links only).
        public let linkID: UUID?
        /// The instruments the link carries (questionnaire links only).
        public let instruments: [InstrumentID]
    }

    /// The clinic's reminder policy (the documented defaults until changed).
    public func policy(of clinicID: UUID) async throws -> ReminderPolicy { try await policyColumn.value(of: clinicID) }

    /// Stores a validated reminder policy (audited).
    public func update(_ policy: ReminderPolicy, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await policyColumn.update(policy, of: clinicID, stamp: stamp)
    }

    /// The booked, still scheduled sessions starting after `now` and within `hoursBefore` of it
    /// that have no reminder of `kind` yet for that start (or only a stale claim).
    public func due(in clinicID: UUID, now: Date, hoursBefore: Int, kind: Kind = .appointment) async throws -> [Due] {
        let until = now.millisecondsSince1970 + Int64(hoursBefore) * 3_600_000
        let stale = now.millisecondsSince1970 - Self.staleClaimSeconds * 1000
        return try await database.read { db in
            try await db.raw("""
                SELECT b.session_id, b.patient_id, b.starts_at, b.on_date, b.starts_minute, b.ends_minute
                FROM session_bookings b JOIN treatment_sessions s ON s.id = b.session_id
                LEFT JOIN \(unsafeRaw: kind.table) r ON r.session_id = b.session_id AND r.starts_at = b.starts_at
                WHERE b.clinic_id = \(bind: clinicID.uuidString) AND b.released = \(bind: false) AND s.state = 'scheduled'
                  AND b.starts_at > \(bind: now.millisecondsSince1970) AND b.starts_at <= \(bind: until)
                  AND (r.session_id IS NULL OR (r.status = 'sending' AND r.claimed_at < \(bind: stale))
                       OR (r.status = 'failed' AND r.attempts < \(bind: Self.maximumAttempts) AND r.claimed_at < \(bind: stale)))
                ORDER BY b.starts_at
                """).all().compactMap { row in
                guard let session = UUID(uuidString: try row.decode(column: "session_id", as: String.self)),
                      let patient = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
                      let date = CalendarDate(iso: try row.decode(column: "on_date", as: String.self)),
                      let start = ClockTime(minutes: try row.decode(column: "starts_minute", as: Int.self)),
                      let end = ClockTime(minutes: try row.decode(column: "ends_minute", as: Int.self)),
                      let span = DaySpan(start: start, end: end) else { return nil }
                return Due(sessionID: session, patientID: patient, startsAt: Date(millisecondsSince1970: try row.decode(column: "starts_at", as: Int64.self)),
                           slot: DaySlot(date: date, span: span))
            }
        }
    }

    /// Claims the reminder of `kind` for `due` for `instance`; true when this caller won it and must
    /// send it. Exactly one of several concurrent claimers wins, on both engines; a stale claim is taken over.
    public func claim(_ due: Due, clinicID: UUID, instance: String, now: Date, kind: Kind = .appointment) async throws -> Bool {
        let table = kind.table
        let at = now.millisecondsSince1970
        let stale = at - Self.staleClaimSeconds * 1000
        return try await database.write { db in
            try await db.raw("""
                INSERT INTO \(unsafeRaw: table) (session_id, starts_at, clinic_id, patient_id, status, claimed_by, claimed_at, attempts)
                VALUES (\(bind: due.sessionID.uuidString), \(bind: due.startsAt.millisecondsSince1970), \(bind: clinicID.uuidString),
                    \(bind: due.patientID.uuidString), \(bind: Status.sending.rawValue), \(bind: instance), \(bind: at), 1)
                ON CONFLICT (session_id, starts_at) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at,
                    status = excluded.status, attempts = \(unsafeRaw: table).attempts + 1
                WHERE \(unsafeRaw: table).claimed_at < \(bind: stale) AND (\(unsafeRaw: table).status = 'sending'
                    OR (\(unsafeRaw: table).status = 'failed' AND \(unsafeRaw: table).attempts < \(bind: Self.maximumAttempts)))
                RETURNING session_id
                """).first() != nil
        }
    }

    /// Records the outcome of a claimed reminder, with its audit entry naming the patient; a
    /// questionnaire link's record also names the link issued and its instruments.
    public func finish(_ due: Due, status: Status, channel: String?, recipient: String?, detail: String?, stamp: AuditStamp,
                       kind: Kind = .appointment, linkID: UUID? = nil, instruments: [InstrumentID] = []) async throws {
        try await database.write { db in
            let link: SQLQueryString = kind == .questionnaire
                ? ", link_id = \(bind: linkID?.uuidString), instruments = \(bind: instruments.map(\.rawValue).joined(separator: ","))" : ""
            try await db.raw("""
                UPDATE \(unsafeRaw: kind.table) SET status = \(bind: status.rawValue), channel = \(bind: channel), recipient = \(bind: recipient),
                    finished_at = \(bind: stamp.at.millisecondsSince1970), detail = \(bind: detail)\(link)
                WHERE session_id = \(bind: due.sessionID.uuidString) AND starts_at = \(bind: due.startsAt.millisecondsSince1970)
                """).run()
            let noun = kind.noun
            let carrying = instruments.isEmpty ? "" : " (\(instruments.map(\.rawValue).joined(separator: ", ")))"
            let what: String = switch status {
            case .sent: "\(noun)\(carrying) sent by \(channel ?? "?") for \(due.slot)"
            case .skipped: "\(noun) not sent for \(due.slot): \(detail ?? "")"
            case .failed: "\(noun)\(carrying) failed for \(due.slot): \(detail ?? "")"
            case .sending: "\(noun) sending for \(due.slot)"
            }
            try await AuditLog.append(AuditEvent(.create, entityType: kind == .appointment ? "appointment_reminder" : "questionnaire_reminder",
                                                 entityID: due.sessionID.uuidString,
                                                 patientID: due.patientID, summary: what), stamp: stamp, in: db)
        }
    }

    /// The reminders of appointments starting from `start` up to `end` (both kinds), by start and
    /// then kind.
    public func records(in clinicID: UUID, from start: Date, to end: Date) async throws -> [Record] {
        try await database.read { db in
            var all: [Record] = []
            for kind in Kind.allCases {
                let columns = ["session_id", "patient_id", "starts_at", "status", "channel", "finished_at", "detail"]
                    + (kind == .questionnaire ? ["link_id", "instruments"] : [])
                all += try await db.select().columns(columns.map { SQLIdentifier($0) })
                    .from(kind.table).where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                    .where("starts_at", .greaterThanOrEqual, SQLBind(start.millisecondsSince1970))
                    .where("starts_at", .lessThan, SQLBind(end.millisecondsSince1970)).orderBy("starts_at").all().compactMap { row in
                        guard let session = UUID(uuidString: try row.decode(column: "session_id", as: String.self)),
                              let patient = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
                              let status = Status(rawValue: try row.decode(column: "status", as: String.self)) else { return nil }
                        let link = kind == .questionnaire ? try row.decode(column: "link_id", as: String?.self).flatMap(UUID.init(uuidString:)) : nil
                        let instruments = kind == .questionnaire
                            ? (try row.decode(column: "instruments", as: String?.self) ?? "").split(separator: ",")
                                .compactMap { InstrumentID(rawValue: String($0)) } : []
                        return Record(kind: kind, sessionID: session, patientID: patient,
                                      startsAt: Date(millisecondsSince1970: try row.decode(column: "starts_at", as: Int64.self)), status: status,
                                      channel: try row.decode(column: "channel", as: String?.self),
                                      finishedAt: try row.decode(column: "finished_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
                                      detail: try row.decode(column: "detail", as: String?.self), linkID: link, instruments: instruments)
                    }
            }
            return all.sorted { ($0.startsAt, $0.kind == .appointment ? 0 : 1) < ($1.startsAt, $1.kind == .appointment ? 0 : 1) }
        }
    }
}
