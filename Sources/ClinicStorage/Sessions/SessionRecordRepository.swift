import ClinicDomain
import Foundation
import SQLKit

/// A session or alert that does not exist (a mistyped id): the caller answers 404.
public struct UnknownSessionItem: Error, Equatable, CustomStringConvertible {
    /// What was looked for.
    public let what: String
    public var description: String { "There is no such \(what)." }

    /// Creates the error.
    public init(what: String) { self.what = what }
}

/// What storing a reading produced: the stored reading and any alerts it raised.
public struct StoredReadingResult: Sendable {
    /// The reading.
    public let reading: StoredVitalReading
    /// The alerts it raised, already stored.
    public let alerts: [SessionVitalAlert]
}

/// The session record: entries, vital signs and their alerts. Entries and readings are appended
/// and never changed; each write is audited in the same transaction.
public struct SessionRecordRepository: Sendable {
    let database: ClinicDatabase
    private let transitions: TreatmentSessionRepository

    /// A repository over `database`.
    public init(database: ClinicDatabase) {
        self.database = database
        self.transitions = TreatmentSessionRepository(database: database)
    }

    // MARK: Reading the record

    /// The whole record of one session, or nil when there is no such session.
    /// With `monitorSummary`, a gateway's monitor readings are summarised as for the board.
    public func record(of sessionID: UUID, monitorSummary: Bool = false) async throws -> TreatmentSessionRecord? {
        let cache = database.resultCache
        return try await database.read { db in try await Self.record(sessionID, db, monitorSummary: monitorSummary, cache: cache) }
    }

    /// The records of `sessionIDs` without their vital-sign readings (`storedReadings` is empty),
    /// keyed by session: what a list of sessions shows (the dose given, the devices, the alerts),
    /// read in five queries however many sessions there are, each plan decoded once, instead of
    /// one record (and its readings) at a time. Sessions not found are left out.
    public func recordsWithoutReadings(of sessionIDs: [UUID]) async throws -> [UUID: TreatmentSessionRecord] {
        guard !sessionIDs.isEmpty else { return [:] }
        let sessions = try await database.read { db in
            var sessions: [ScheduledSession] = []
            // Bound parameters per statement stay under both engines' limits.
            for start in stride(from: 0, to: sessionIDs.count, by: 500) {
                let ids = sessionIDs[start..<min(start + 500, sessionIDs.count)].map(\.uuidString)
                sessions += try await db.select().column("*").from("treatment_sessions").where("id", .in, SQLBind.group(ids)).all()
                    .map(TreatmentPlanRepository.decodeSession)
            }
            return sessions
        }
        return try await recordsWithoutReadings(of: sessions)
    }

    /// The entry kinds that say what was given (``TreatmentSessionRecord/administration`` and
    /// ``TreatmentSessionRecord/devices``, corrections included): all a list's dose column reads.
    public static let doseEntryKinds = ["administration", "device"]

    /// ``recordsWithoutReadings(of:)-([UUID])`` for sessions already read (a patient's chart lists
    /// them first), with only the entries of `entryKinds` when given: a two-year chart decoded every
    /// checklist, note and discharge assessment of 40 sessions to show their doses, a seventh of the
    /// page's time in a profile.
    public func recordsWithoutReadings(of allSessions: [ScheduledSession], entryKinds: [String]? = nil) async throws
        -> [UUID: TreatmentSessionRecord] {
        guard !allSessions.isEmpty else { return [:] }
        return try await database.read { db in
            var records: [UUID: TreatmentSessionRecord] = [:]
            // Bound parameters per statement stay under both engines' limits.
            for start in stride(from: 0, to: allSessions.count, by: 500) {
                let sessions = allSessions[start..<min(start + 500, allSessions.count)]
                let ids = sessions.map(\.id.uuidString)
                var plans: [UUID: PlanInfusionFacts] = [:]
                for row in try await db.select().columns("id", "body").from("treatment_plans")
                    .where("id", .in, SQLBind.group(Set(sessions.map(\.planID.uuidString)).sorted())).all() {
                    guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else { throw StoredDataError(what: "plan id") }
                    plans[id] = try StoredJSON.value(PlanInfusionFacts.self, "body", of: row)
                }
                func sessionID(_ row: any SQLRow) throws -> UUID {
                    guard let id = UUID(uuidString: try row.decode(column: "session_id", as: String.self)) else {
                        throw StoredDataError(what: "session id")
                    }
                    return id
                }
                var entries: [UUID: [SessionEntry]] = [:]
                var entryQuery = db.select().column("*").from("session_entries").where("session_id", .in, SQLBind.group(ids))
                if let entryKinds { entryQuery = entryQuery.where("kind", .in, SQLBind.group(entryKinds)) }
                for row in try await entryQuery.orderBy("session_id").orderBy("recorded_at").all() {
                    entries[try sessionID(row), default: []].append(try SessionEntryCoding.entry(row))
                }
                var transitions: [UUID: [SessionTransition]] = [:]
                for row in try await db.select().column("*").from("treatment_session_events").where("session_id", .in, SQLBind.group(ids))
                    .orderBy("session_id").orderBy("sequence").all() {
                    transitions[try sessionID(row), default: []].append(try TreatmentSessionRepository.transition(row))
                }
                var alerts: [UUID: [SessionVitalAlert]] = [:]
                for row in try await db.select().column("*").from("session_alerts").where("session_id", .in, SQLBind.group(ids))
                    .orderBy("session_id").orderBy("raised_at").all() {
                    alerts[try sessionID(row), default: []].append(try SessionEntryCoding.alert(row))
                }
                for session in sessions {
                    guard let plan = plans[session.planID] else { throw StoredDataError(what: "plan of session \(session.id)") }
                    records[session.id] = TreatmentSessionRecord(
                        session: session, treatment: plan.treatment, plannedInfusionMinutes: plan.plannedInfusionMinutes,
                        transitions: transitions[session.id] ?? [], entries: entries[session.id] ?? [], storedReadings: [],
                        alerts: alerts[session.id] ?? [])
                }
            }
            return records
        }
    }

    /// The records of every session under care (checked in to ready for discharge), for the board,
    /// with monitor readings summarised (see ``record(_:_:monitorSummary:)``).
    public func activeRecords() async throws -> [TreatmentSessionRecord] {
        try await database.read { db in
            let states = TreatmentSessionState.allCases.filter(\.isActive).map(\.rawValue)
            let ids = try await db.select().column("id").from("treatment_sessions").where("state", .in, states)
                .all().map { try $0.decode(column: "id", as: String.self) }
            var records: [TreatmentSessionRecord] = []
            for id in ids.compactMap(UUID.init(uuidString:)) {
                if let record = try await Self.record(id, db, monitorSummary: true) { records.append(record) }
            }
            return records
        }
    }

    /// One stored reading of the session.
    public func reading(_ readingID: UUID, of sessionID: UUID) async throws -> StoredVitalReading? {
        try await database.read { db in
            try await db.select().column("*").from("session_vitals").where("id", .equal, SQLBind(readingID.uuidString))
                .where("session_id", .equal, SQLBind(sessionID.uuidString)).first().map(SessionEntryCoding.reading)
        }
    }

    /// The session under care in `chair` now, if any: what a monitor gateway's reading by chair
    /// belongs to. One indexed query; seating refuses a second patient in a taken chair.
    public func activeSession(inChair chair: String) async throws -> UUID? {
        try await database.read { db in
            let states = TreatmentSessionState.allCases.filter(\.isActive).map(\.rawValue)
            let rows = try await db.select().column("id").from("treatment_sessions").where("chair", .equal, SQLBind(chair))
                .where("state", .in, states).limit(2).all()
            guard rows.count == 1 else {
                if rows.isEmpty { return nil }
                throw SessionRefusal(reason: "More than one session is seated in \(chair); move one of the patients first.")
            }
            return UUID(uuidString: try rows[0].decode(column: "id", as: String.self))
        }
    }

    /// Esketamine sessions that closed after dosing began, on or after `day`, for the REMS queue.
    public func esketamineSessionsDosed(since day: CalendarDate) async throws -> [TreatmentSessionRecord] {
        try await database.read { db in
            let ids = try await db.raw("""
                SELECT DISTINCT s.id FROM treatment_sessions s JOIN treatment_session_events e ON e.session_id = s.id
                WHERE e.to_state = 'dosing' AND s.scheduled_on >= \(bind: day.iso)
                """).all().map { try $0.decode(column: "id", as: String.self) }
            var records: [TreatmentSessionRecord] = []
            for id in ids.compactMap(UUID.init(uuidString:)) {
                if let record = try await Self.record(id, db), record.treatment == .esketamine { records.append(record) }
            }
            return records.sorted { ($0.session.date, $0.doseStartedAt ?? .distantPast) < ($1.session.date, $1.doseStartedAt ?? .distantPast) }
        }
    }

    /// The record of `sessionID`. With `monitorSummary`, monitor readings without blood pressure
    /// are left out except the latest, the latest with SpO2, and any that raised an alert or were
    /// corrected: what the board needs (last vital signs, required points, pulse oximetry) from a
    /// session a gateway feeds every second, without reading thousands of rows.
    /// With `cache`, the summarised readings are kept while the session's readings and alerts have
    /// not grown (a past session's page and resource read them on every view).
    static func record(_ sessionID: UUID, _ db: any SQLDatabase, monitorSummary: Bool = false,
                       cache: AppendOnlyResultCache? = nil) async throws -> TreatmentSessionRecord? {
        guard let row = try await db.select().column("*").from("treatment_sessions").where("id", .equal, SQLBind(sessionID.uuidString))
            .first() else { return nil }
        let session = try TreatmentPlanRepository.decodeSession(row)
        guard let planRow = try await db.select().column("body").from("treatment_plans")
            .where("id", .equal, SQLBind(session.planID.uuidString)).first() else { throw StoredDataError(what: "plan of session \(sessionID)") }
        let plan = try StoredJSON.value(PlanInfusionFacts.self, "body", of: planRow)
        let id = SQLBind(sessionID.uuidString)
        let entries = try await db.select().column("*").from("session_entries").where("session_id", .equal, id).orderBy("recorded_at")
            .all().map(SessionEntryCoding.entry)
        let readings: [StoredVitalReading]
        if monitorSummary {
            let session = sessionID.uuidString
            let lookups = try await Self.rowLookups(session, db, countingReadings: cache != nil)
            let key = "monitor-summary \(session)"
            if let kept = cache?.value(key, mark: lookups.mark, as: [StoredVitalReading].self) {
                readings = kept
            } else {
                readings = try await db.raw("""
                    SELECT * FROM session_vitals v WHERE v.session_id = \(bind: session) AND (
                        v.systolic IS NOT NULL OR v.source = 'nurse' OR v.amends IS NOT NULL
                        OR \(lookups.corrected("v"))
                        OR \(lookups.alerted("v"))
                        OR v.taken_at = (SELECT MAX(m.taken_at) FROM session_vitals m WHERE m.session_id = \(bind: session))
                        OR v.taken_at = (SELECT MAX(o.taken_at) FROM session_vitals o
                                         WHERE o.session_id = \(bind: session) AND o.oxygen_saturation IS NOT NULL))
                    ORDER BY v.taken_at
                    """).all().map(SessionEntryCoding.reading)
                cache?.store(readings, key: key, mark: lookups.mark)
            }
        } else {
            readings = try await db.select().column("*").from("session_vitals").where("session_id", .equal, id).orderBy("taken_at")
                .all().map(SessionEntryCoding.reading)
        }
        let alerts = try await db.select().column("*").from("session_alerts").where("session_id", .equal, id).orderBy("raised_at")
            .all().map(SessionEntryCoding.alert)
        return TreatmentSessionRecord(
            session: session, treatment: plan.treatment, plannedInfusionMinutes: plan.plannedInfusionMinutes,
            transitions: try await TreatmentSessionRepository.transitions(sessionID, db), entries: entries,
            storedReadings: readings, alerts: alerts)
    }

    // MARK: Entries

    /// Appends `content` to the session's record (amending `amends`, with `reason`, when given).
    /// A signed note cannot be replaced: a second note is refused; amendments are appended.
    /// `validate` judges the entry against the session's record as it stands inside the write
    /// transaction, with the session row locked, so no state change or other entry slips between
    /// the check and the write; it throws to refuse.
    @discardableResult
    public func append(_ content: SessionEntryContent, to sessionID: UUID, amends: UUID? = nil, reason: String? = nil,
                       stamp: AuditStamp,
                       validate: @escaping @Sendable (TreatmentSessionRecord) throws -> Void = { _ in }) async throws -> SessionEntry {
        let body = try SessionEntryCoding.body(of: content)
        return try await database.write { db in
            let patientID = try await Self.lock(sessionID, db).patientID
            // The summary holds every reading a rule reads, without a gateway's thousands of others.
            guard let current = try await Self.record(sessionID, db, monitorSummary: true) else {
                throw UnknownSessionItem(what: "treatment session")
            }
            try validate(current)
            if case .chair(let chair) = content,
               try await db.select().column("id").from("treatment_sessions").where("chair", .equal, SQLBind(chair))
                .where("state", .in, TreatmentSessionState.allCases.filter(\.isActive).map(\.rawValue))
                .where("id", .notEqual, SQLBind(sessionID.uuidString)).first() != nil {
                throw SessionRefusal(reason: "\(chair) is taken by another patient's session; move or discharge that patient first.")
            }
            if case .note = content, try await Self.hasEntry(kind: "note", sessionID, db) {
                throw SessionRefusal(reason: "The session note is signed and cannot be changed; append an amendment.")
            }
            if case .noteAmendment = content, !(try await Self.hasEntry(kind: "note", sessionID, db)) {
                throw SessionRefusal(reason: "There is no signed note to amend.")
            }
            if let amends {
                guard let original = try await db.select().column("kind").from("session_entries")
                    .where("id", .equal, SQLBind(amends.uuidString)).where("session_id", .equal, SQLBind(sessionID.uuidString)).first(),
                    try original.decode(column: "kind", as: String.self) == content.kind else {
                    throw SessionRefusal(reason: "The entry to correct is not part of this session's record.")
                }
                if try await db.select().column("id").from("session_entries").where("amends", .equal, SQLBind(amends.uuidString))
                    .first() != nil {
                    throw SessionRefusal(reason: "That entry was already corrected; correct the correction instead.")
                }
            }
            let entry = SessionEntry(id: UUID.random(), content: content, recordedAt: stamp.at, recordedByName: stamp.recordName, amends: amends,
                                     reason: reason?.nilIfEmpty)
            try await db.insert(into: "session_entries")
                .columns("id", "session_id", "patient_id", "kind", "body", "recorded_at", "recorded_by", "recorded_by_name", "amends", "reason")
                .values(SQLBind(entry.id.uuidString), SQLBind(sessionID.uuidString), SQLBind(patientID.uuidString), SQLBind(content.kind),
                        SQLBind(body), SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.userID?.uuidString ?? "system"),
                        SQLBind(stamp.recordName), SQLBind(amends?.uuidString), SQLBind(entry.reason))
                .run()
            if case .chair(let chair) = content {
                try await db.update("treatment_sessions").set("chair", to: SQLBind(chair))
                    .where("id", .equal, SQLBind(sessionID.uuidString)).run()
            }
            let action: AuditAction = amends != nil || { if case .noteAmendment = content { true } else { false } }() ? .amend
                : ({ if case .note = content { true } else { false } }() ? .sign : .create)
            let summary = content.auditSummary + (entry.reason.map { "; reason: \($0)" } ?? "")
            try await AuditLog.append(AuditEvent(action, entityType: "session_\(content.kind)", entityID: entry.id.uuidString,
                                                 patientID: patientID, summary: "session \(sessionID.uuidString): \(summary)"),
                                      stamp: stamp, in: db)
            return entry
        }
    }

    // MARK: Readings and alerts

    /// Stores a reading taken at `takenAt` and the alerts `policy` raises for it (compared with the
    /// pre-dose baseline once the dose has started), in one transaction. Refused unless the
    /// patient is under care (checked in to ready for discharge), or when correcting a reading
    /// already corrected.
    public func recordReading(_ values: VitalReading, takenAt: Date, source: ReadingSource, sessionID: UUID, policy: VitalSignAlertPolicy,
                              amends: UUID? = nil, reason: String? = nil, stamp: AuditStamp) async throws -> StoredReadingResult {
        try await database.write { db in
            try await Self.storeReading(values, takenAt: takenAt, source: source, sessionID: sessionID, policy: policy, amends: amends,
                                        reason: reason, stamp: stamp, in: db)
        }
    }

    /// Stores a batch of readings of one session in one transaction (see
    /// ``storeReadings(_:source:sessionID:policy:stamp:in:)``).
    public func recordReadings(_ readings: [(values: VitalReading, takenAt: Date)], source: ReadingSource, sessionID: UUID,
                               policy: VitalSignAlertPolicy, stamp: AuditStamp) async throws -> [StoredReadingResult] {
        try await database.write { db in
            try await Self.storeReadings(readings, source: source, sessionID: sessionID, policy: policy, stamp: stamp, in: db)
        }
    }

    /// ``recordReading(_:takenAt:source:sessionID:policy:amends:reason:stamp:)`` inside the caller's write
    /// transaction `db`, for a write that records more than the reading in the same transaction.
    public static func storeReading(_ values: VitalReading, takenAt: Date, source: ReadingSource, sessionID: UUID, policy: VitalSignAlertPolicy,
                                    amends: UUID? = nil, reason: String? = nil, stamp: AuditStamp, in db: any SQLDatabase) async throws
        -> StoredReadingResult {
        do {
            let id = SQLBind(sessionID.uuidString)
            let (state, patientID) = try await Self.lock(sessionID, db)
            guard state.isActive || (amends != nil && state.isFinal) else {
                throw SessionRefusal(reason: "Readings are recorded while the patient is checked in; this session is "
                                     + "\(state.displayName.lowercased()).")
            }
            if let amends {
                guard try await db.select().column("id").from("session_vitals").where("id", .equal, SQLBind(amends.uuidString))
                    .where("session_id", .equal, id).first() != nil else {
                    throw SessionRefusal(reason: "The reading to correct is not part of this session.")
                }
                if try await db.select().column("id").from("session_vitals").where("amends", .equal, SQLBind(amends.uuidString)).first() != nil {
                    throw SessionRefusal(reason: "That reading was already corrected; correct the correction instead.")
                }
            }
            let stored = try await insertReadings([(values, takenAt)], source: source, sessionID: sessionID, patientID: patientID, state: state,
                                                  policy: policy, amends: amends, reason: reason, stamp: stamp, in: db)
            guard let result = stored.first else { throw StoredDataError(what: "reading of session \(sessionID.uuidString)") }
            return result
        }
    }

    /// Stores several readings of one session (a monitor's message, a gateway's batch), in order,
    /// inside the caller's write transaction: the same checks, alerts and audit entries as
    /// ``storeReading(_:takenAt:source:sessionID:policy:amends:reason:stamp:in:)`` one by one, but
    /// the session is locked and its baseline and open alerts read once, and the rows are written
    /// in a few statements. The batch has one audit entry that lists its readings
    /// (``readingsAuditEvent(_:alerts:source:sessionID:patientID:)``).
    public static func storeReadings(_ readings: [(values: VitalReading, takenAt: Date)], source: ReadingSource, sessionID: UUID,
                                     policy: VitalSignAlertPolicy, stamp: AuditStamp, in db: any SQLDatabase) async throws
        -> [StoredReadingResult] {
        guard !readings.isEmpty else { return [] }
        let (state, patientID) = try await Self.lock(sessionID, db)
        guard state.isActive else {
            throw SessionRefusal(reason: "Readings are recorded while the patient is checked in; this session is "
                                 + "\(state.displayName.lowercased()).")
        }
        return try await insertReadings(readings, source: source, sessionID: sessionID, patientID: patientID, state: state, policy: policy,
                                        amends: nil, reason: nil, stamp: stamp, in: db)
    }

    /// Bound parameters per statement stay under both engines' limits (SQLite 32,766; PostgreSQL 65,535).
    private static let rowsPerInsert = 500

    private static let readingInsert = RowInsert(into: "session_vitals", columns: [
        "id", "session_id", "patient_id", "taken_at", "recorded_at", "source", "systolic", "diastolic", "heart_rate", "oxygen_saturation",
        "respiratory_rate", "temperature_decicelsius", "recorded_by", "recorded_by_name", "amends", "reason",
    ])

    /// Writes readings already allowed for the locked session `sessionID`: rows, alerts not already
    /// open for the same reason, and the audit entry that covers them.
    private static func insertReadings(_ readings: [(values: VitalReading, takenAt: Date)], source: ReadingSource, sessionID: UUID,
                                       patientID: UUID, state: TreatmentSessionState, policy: VitalSignAlertPolicy, amends: UUID?,
                                       reason: String?, stamp: AuditStamp, in db: any SQLDatabase) async throws -> [StoredReadingResult] {
        let id = SQLBind(sessionID.storedText)
        let patient = SQLBind(patientID.storedText)
        let baseline = try await Self.baseline(sessionID, db)
        let stored = readings.map {
            StoredVitalReading(id: UUID.random(), takenAt: $0.takenAt, recordedAt: stamp.at, source: source, values: $0.values,
                               recordedByName: stamp.recordName, amends: amends, reason: reason?.nilIfEmpty)
        }
        let sessionText = sessionID.storedText, patientText = patientID.storedText
        // Written as literals (``BulkInsert``): binding a 1 Hz batch's hundreds of values one by one
        // through SQLKit's encoder was a tenth of the writer's time per batch in a profile.
        try await BulkInsert.prepare(into: "session_vitals", readingInsert.columns, stored.map { reading in
            let values = reading.values
            return [reading.id.storedText, sessionText, patientText, reading.takenAt.millisecondsSince1970, stamp.at.millisecondsSince1970,
                    source.rawValue, values.systolic, values.diastolic, values.heartRate, values.oxygenSaturation, values.respiratoryRate,
                    values.temperatureCelsius.map { Int(rounding: $0 * 10) }, stamp.userID?.storedText ?? "system", stamp.recordName,
                    amends?.storedText, reading.reason]
        }).run(on: db)
        var alertsByReading: [[SessionVitalAlert]] = Array(repeating: [], count: stored.count)
        if state.isActive {
            // An alert already open for the same reason is not raised again: a gateway posting every
            // second would otherwise flood the board and the escalation list.
            var open = Set(try await db.select().column("code").from("session_alerts").where("session_id", .equal, id)
                .where(SQLColumn("acknowledged_at"), .is, SQLLiteral.null).all().map { try $0.decode(column: "code", as: String.self) })
            for (index, reading) in stored.enumerated() {
                let compared = reading.takenAt > (baseline?.doseStartedAt ?? .distantFuture) ? baseline?.values : nil
                for alert in policy.alerts(for: reading.values, baseline: compared) where !open.contains(alert.code) {
                    open.insert(alert.code)
                    alertsByReading[index].append(SessionVitalAlert(id: UUID.random(), sessionID: sessionID, readingID: reading.id, code: alert.code,
                                                                    message: alert.message, raisedAt: stamp.at, escalatedAt: nil,
                                                                    acknowledgement: nil))
                }
            }
            let raised = alertsByReading.flatMap { $0 }
            for start in stride(from: 0, to: raised.count, by: rowsPerInsert) {
                var insert = db.insert(into: "session_alerts").columns("id", "session_id", "patient_id", "vital_id", "code", "message", "raised_at")
                for alert in raised[start..<min(start + rowsPerInsert, raised.count)] {
                    insert = insert.values(SQLBind(alert.id.uuidString), id, patient, SQLBind(alert.readingID.uuidString), SQLBind(alert.code),
                                           SQLBind(alert.message), SQLBind(stamp.at.millisecondsSince1970))
                }
                try await insert.run()
            }
        }
        try await AuditLog.append(readingsAuditEvent(stored, alerts: alertsByReading, source: source, sessionID: sessionID, patientID: patientID),
                                  stamp: stamp, in: db)
        return zip(stored, alertsByReading).map { StoredReadingResult(reading: $0, alerts: $1) }
    }

    /// The audit entry that covers readings stored together. One reading (a nurse's entry, a
    /// correction, a gateway's single reading) has its own `session_vital` entry. A batch (a
    /// gateway's request, a monitor's message) has one `session_vital_batch` entry for the session
    /// that lists every reading it stored, each with its id, values and alerts, so each row is still
    /// traceable to the entry written in its transaction while a 50-reading batch hashes and writes
    /// one entry instead of fifty.
    static func readingsAuditEvent(_ stored: [StoredVitalReading], alerts: [[SessionVitalAlert]], source: ReadingSource, sessionID: UUID,
                                   patientID: UUID) -> AuditEvent {
        func line(_ reading: StoredVitalReading, _ alerts: [SessionVitalAlert]) -> String {
            "\(reading.values.shortText ?? "struck") (\(source.rawValue))"
                + (alerts.isEmpty ? "" : "; alerts: " + alerts.map(\.code).joined(separator: ", "))
                + (reading.reason.map { "; reason: \($0)" } ?? "")
        }
        if stored.count == 1, let reading = stored.first {
            return AuditEvent(reading.amends == nil ? .create : .amend, entityType: "session_vital", entityID: reading.id.uuidString,
                              patientID: patientID, summary: "session \(sessionID.uuidString): reading " + line(reading, alerts[0]))
        }
        let lines = zip(stored, alerts).map { reading, alerts in
            "reading \(reading.id.storedText) taken \(reading.takenAt.utcMillisecondText ?? String(reading.takenAt.millisecondsSince1970)): " + line(reading, alerts)
        }
        return AuditEvent(.create, entityType: "session_vital_batch", entityID: sessionID.uuidString, patientID: patientID,
                          summary: "session \(sessionID.uuidString): \(stored.count) readings\n" + lines.joined(separator: "\n"))
    }

    /// Records what was done about an open alert. Refused when it was already acknowledged.
    public func acknowledge(alert alertID: UUID, of sessionID: UUID, action: VitalAlertAction, note: String?,
                            stamp: AuditStamp) async throws -> SessionVitalAlert {
        try await database.write { db in
            guard let row = try await db.raw("""
                UPDATE session_alerts SET acknowledged_at = \(bind: stamp.at.millisecondsSince1970),
                    acknowledged_by = \(bind: stamp.userID?.uuidString ?? "system"), acknowledged_by_name = \(bind: stamp.recordName),
                    action = \(bind: action.rawValue), note = \(bind: note?.nilIfEmpty)
                WHERE id = \(bind: alertID.uuidString) AND session_id = \(bind: sessionID.uuidString) AND acknowledged_at IS NULL
                RETURNING *
                """).first() else {
                let exists = try await db.select().column("id").from("session_alerts").where("id", .equal, SQLBind(alertID.uuidString))
                    .where("session_id", .equal, SQLBind(sessionID.uuidString)).first() != nil
                throw exists ? SessionRefusal(reason: "This alert was already acknowledged.") as any Error
                    : UnknownSessionItem(what: "alert")
            }
            let alert = try SessionEntryCoding.alert(row)
            let patientID = try await Self.patientID(of: sessionID, db)
            try await AuditLog.append(AuditEvent(.update, entityType: "session_alert", entityID: alertID.uuidString, patientID: patientID,
                                                 summary: "session \(sessionID.uuidString): alert \(alert.code) acknowledged: "
                                                     + action.displayName + (note?.nilIfEmpty.map { "; \($0)" } ?? "")),
                                      stamp: stamp, in: db)
            return alert
        }
    }

    /// Marks alerts raised before `cutoff` and still unacknowledged as escalated, and returns them.
    public func escalate(raisedBefore cutoff: Date, stamp: AuditStamp) async throws -> [SessionVitalAlert] {
        try await database.write { db in
            let rows = try await db.raw("""
                UPDATE session_alerts SET escalated_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE acknowledged_at IS NULL AND escalated_at IS NULL AND raised_at < \(bind: cutoff.millisecondsSince1970)
                RETURNING *
                """).all()
            var alerts: [SessionVitalAlert] = []
            for row in rows {
                let alert = try SessionEntryCoding.alert(row)
                let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self))
                try await AuditLog.append(AuditEvent(.update, entityType: "session_alert", entityID: alert.id.uuidString, patientID: patientID,
                                                     summary: "session \(alert.sessionID.uuidString): alert \(alert.code) escalated"),
                                          stamp: stamp, in: db)
                alerts.append(alert)
            }
            return alerts
        }
    }

    // MARK: Helpers

    /// Locks the session's row for the rest of the transaction, so changes to one session are
    /// serialised across app instances; returns its state and patient.
    static func lock(_ sessionID: UUID, _ db: any SQLDatabase) async throws -> (state: TreatmentSessionState, patientID: UUID) {
        guard let row = try await db.raw("""
            UPDATE treatment_sessions SET updated_at = updated_at WHERE id = \(bind: sessionID.uuidString) RETURNING state, patient_id
            """).first() else { throw UnknownSessionItem(what: "treatment session") }
        guard let state = TreatmentSessionState(rawValue: try row.decode(column: "state", as: String.self)),
              let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) else {
            throw StoredDataError(what: "treatment session \(sessionID.uuidString)")
        }
        return (state, patientID)
    }

    private static func patientID(of sessionID: UUID, _ db: any SQLDatabase) async throws -> UUID {
        guard let row = try await db.select().column("patient_id").from("treatment_sessions")
            .where("id", .equal, SQLBind(sessionID.uuidString)).first(),
            let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) else {
            throw StoredDataError(what: "treatment session \(sessionID.uuidString)")
        }
        return patientID
    }

    private static func hasEntry(kind: String, _ sessionID: UUID, _ db: any SQLDatabase) async throws -> Bool {
        try await db.select().column("id").from("session_entries").where("session_id", .equal, SQLBind(sessionID.uuidString))
            .where("kind", .equal, SQLBind(kind)).first() != nil
    }

    /// The pre-dose baseline for alerting: the last reading in force with blood pressure taken and
    /// recorded before dosing began, with that start (as ``TreatmentSessionRecord/baseline``).
    private static func baseline(_ sessionID: UUID, _ db: any SQLDatabase) async throws -> (doseStartedAt: Date, values: VitalReading)? {
        guard let started = try await db.select().column("occurred_at").from("treatment_session_events")
            .where("session_id", .equal, SQLBind(sessionID.uuidString)).where("to_state", .equal, SQLBind(TreatmentSessionState.dosing.rawValue))
            .orderBy("sequence").first() else { return nil }
        let start = try started.decode(column: "occurred_at", as: Int64.self)
        guard let row = try await db.raw("""
            SELECT * FROM session_vitals v WHERE v.session_id = \(bind: sessionID.uuidString) AND v.taken_at <= \(bind: start)
            AND v.recorded_at <= \(bind: start) AND v.systolic IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_vitals c WHERE c.amends = v.id)
            ORDER BY v.taken_at DESC LIMIT 1
            """).first() else { return nil }
        return (Date(millisecondsSince1970: start), try SessionEntryCoding.reading(row).values)
    }
}

/// What a session's record takes from its plan: the treatment, and an IV infusion's planned
/// minutes. Decoded from the stored plan alone: the plan's body lists every session of its course
/// (40 in two years), and decoding the whole plan was 15 % of a past session's page.
struct PlanInfusionFacts: Decodable {
    let treatmentProtocol: TreatmentProtocol
    let dose: DoseOrder?

    /// The treatment the plan gives.
    var treatment: Treatment { treatmentProtocol.treatment }

    /// The minutes an IV ketamine infusion is planned to run (the signed dose's, else the
    /// protocol's); nil for other treatments.
    var plannedInfusionMinutes: Int? {
        treatment == .ivKetamine ? (dose?.minutes ?? treatmentProtocol.weightBased?.minutes).map { Int(rounding: $0) } : nil
    }
}
