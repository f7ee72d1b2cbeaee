import ClinicDomain
import Foundation
import SQLKit

/// A bedside monitor registered to a chair.
public struct MonitorDevice: Equatable, Sendable, Codable {
    /// The id its messages carry (OBX-18, or MSH-3 for a gateway that speaks for one monitor).
    public let deviceID: String
    /// The chair it stands at, as the session policy names chairs.
    public let chair: String
    /// A label staff recognise (make, asset tag).
    public let label: String?
    /// False once retired: its messages then go to the unmatched queue.
    public let active: Bool
    /// When it was first registered, and by whom.
    public let registeredAt: Date
    /// Who registered it.
    public let registeredByName: String
    /// When it was last changed.
    public let updatedAt: Date
}

/// One reading of a message, ready to store: its instant, the charted values and (as a JSON
/// document the interop module writes) the observations that were not charted.
public struct MonitorReadingInput: Sendable {
    /// When it was observed.
    public let observedAt: Date
    /// What goes on the flowsheet (may be empty when nothing could be charted).
    public let values: VitalReading
    /// The observations not charted, JSON.
    public let observationsJSON: String
    /// Creates an input.
    public init(observedAt: Date, values: VitalReading, observationsJSON: String) {
        self.observedAt = observedAt
        self.values = values
        self.observationsJSON = observationsJSON
    }
}

/// A message the listener read, ready to store.
public struct MonitorMessageInput: Sendable {
    /// The peer address the message came from.
    public let gateway: String
    /// MSH-3.
    public let sendingApplication: String?
    /// The device it reports.
    public let deviceID: String
    /// MSH-10.
    public let controlID: String
    /// PV1-3, when sent.
    public let bed: String?
    /// OBX with values in the message.
    public let observationCount: Int
    /// Its readings, one per instant.
    public let readings: [MonitorReadingInput]
    /// Creates an input.
    public init(gateway: String, sendingApplication: String?, deviceID: String, controlID: String, bed: String?, observationCount: Int,
                readings: [MonitorReadingInput]) {
        self.gateway = gateway
        self.sendingApplication = sendingApplication
        self.deviceID = deviceID
        self.controlID = controlID
        self.bed = bed
        self.observationCount = observationCount
        self.readings = readings
    }
}

/// What became of one reading.
public enum MonitorReadingOutcome: Sendable {
    /// Stored to the session seated in the device's chair; `result` is nil when nothing could be
    /// charted (the uncharted observations are kept with the session).
    case stored(sessionID: UUID, result: StoredReadingResult?)
    /// Kept in the unmatched queue, with why.
    case unmatched(id: UUID, reason: String)
    /// Already stored from an earlier copy of the message: not stored twice.
    case repeated
}

/// A stored monitor reading, for the unmatched queue and the pages.
public struct MonitorReadingRecord: Equatable, Sendable {
    /// Its id.
    public let id: UUID
    /// The device.
    public let deviceID: String
    /// The message's control id.
    public let controlID: String
    /// When it was observed.
    public let observedAt: Date
    /// When it arrived.
    public let receivedAt: Date
    /// The gateway's address.
    public let gateway: String
    /// The device's chair when it arrived, if registered.
    public let chair: String?
    /// PV1-3, if sent.
    public let bed: String?
    /// The charted (or chartable) values.
    public let values: VitalReading
    /// The observations not charted, JSON.
    public let observationsJSON: String
    /// `stored`, `kept`, `unmatched`, `assigned` or `discarded`.
    public let status: String
    /// Why it was unmatched.
    public let statusReason: String?
    /// The session it went to, if any.
    public let sessionID: UUID?
    /// Who assigned or discarded it, when, and why.
    public let resolvedByName: String?
    /// When.
    public let resolvedAt: Date?
    /// Why.
    public let resolutionReason: String?
}

/// One gateway's figures for the administrators' page.
public struct MonitorGatewaySummary: Equatable, Sendable {
    /// The peer address.
    public let gateway: String
    /// The sending applications seen from it.
    public let sendingApplications: [String]
    /// The last message's time and outcome.
    public let lastMessageAt: Date
    /// AA, AE or AR.
    public let lastOutcome: String
    /// Messages in the last 5 minutes.
    public let messagesLastFiveMinutes: Int
    /// Messages answered AE or AR in the last 24 hours.
    public let errorsLastDay: Int
    /// The last error's text, if any.
    public let lastError: String?
    /// When it happened.
    public let lastErrorAt: Date?
    /// Readings from it waiting in the unmatched queue.
    public let unmatched: Int
}

/// One message the listener answered.
public struct MonitorMessageRecord: Equatable, Sendable {
    /// When it arrived.
    public let receivedAt: Date
    /// The peer address.
    public let gateway: String
    /// MSH-3.
    public let sendingApplication: String?
    /// The device.
    public let deviceID: String?
    /// MSH-10.
    public let controlID: String?
    /// AA, AE or AR.
    public let outcome: String
    /// Why, for AE and AR.
    public let error: String?
    /// Observations, and readings stored, unmatched and repeated.
    public let observations: Int, stored: Int, unmatched: Int, repeated: Int
}

/// The monitor registry, the readings monitors send (stored through the session record's own
/// reading code, in one transaction per message), the unmatched queue and the listener's log.
public struct MonitorRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    // MARK: Registry

    /// Every registered device, by chair.
    public func devices() async throws -> [MonitorDevice] {
        try await database.read { db in
            try await db.select().column("*").from("monitor_devices").orderBy("chair").orderBy("device_id").all().map(Self.device)
        }
    }

    /// Registers `deviceID` at `chair`, or moves it there (reactivating a retired device).
    @discardableResult
    public func register(deviceID: String, chair: String, label: String?, stamp: AuditStamp) async throws -> MonitorDevice {
        try await database.write { db in
            let previous = try await db.select().column("*").from("monitor_devices").where("device_id", .equal, SQLBind(deviceID)).first()
                .map(Self.device)
            let at = SQLBind(stamp.at.millisecondsSince1970)
            if let previous {
                try await db.update("monitor_devices").set("chair", to: SQLBind(chair)).set("label", to: SQLBind(label))
                    .set("active", to: SQLBind(true)).set("updated_at", to: at).where("device_id", .equal, SQLBind(deviceID)).run()
                let changes = AuditEvent.changes([("chair", previous.chair, chair), ("label", previous.label ?? "", label ?? ""),
                                                  ("active", String(previous.active), "true")])
                try await AuditLog.append(AuditEvent(.update, entityType: "monitor_device", entityID: deviceID,
                                                     summary: changes.isEmpty ? "monitor \(deviceID) registered again unchanged" : changes),
                                          stamp: stamp, in: db)
            } else {
                try await db.insert(into: "monitor_devices")
                    .columns("device_id", "chair", "label", "active", "registered_at", "registered_by_name", "updated_at")
                    .values(SQLBind(deviceID), SQLBind(chair), SQLBind(label), SQLBind(true), at, SQLBind(stamp.actorName), at).run()
                try await AuditLog.append(AuditEvent(.create, entityType: "monitor_device", entityID: deviceID,
                                                     summary: "monitor \(deviceID) registered at \(chair)"), stamp: stamp, in: db)
            }
            guard let row = try await db.select().column("*").from("monitor_devices").where("device_id", .equal, SQLBind(deviceID)).first() else {
                throw StoredDataError(what: "monitor device \(deviceID)")
            }
            return try Self.device(row)
        }
    }

    /// Retires `deviceID`: its messages go to the unmatched queue until it is registered again.
    public func retire(deviceID: String, stamp: AuditStamp) async throws {
        try await database.write { db in
            let rows = try await db.raw("""
                UPDATE monitor_devices SET active = \(bind: false), updated_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE device_id = \(bind: deviceID) AND active = \(bind: true) RETURNING device_id
                """).all()
            guard !rows.isEmpty else { throw UnknownSessionItem(what: "registered monitor \(deviceID)") }
            try await AuditLog.append(AuditEvent(.update, entityType: "monitor_device", entityID: deviceID, summary: "monitor \(deviceID) retired"),
                                      stamp: stamp, in: db)
        }
    }

    // MARK: Ingest

    /// Stores a message's readings in one transaction: each to the session seated in the device's
    /// chair when it was observed, through the session record's own reading code (flowsheet,
    /// alerts under `policy`, audit); each one already stored from an earlier copy is skipped; one
    /// for an empty chair, an unregistered device, or outside the 12 hours before `stamp.at` (the
    /// nurse's own window) to the one minute after, is kept as unmatched. The message is logged.
    /// Returns only after the commit.
    public func ingest(_ message: MonitorMessageInput, policy: VitalSignAlertPolicy, stamp: AuditStamp) async throws -> [MonitorReadingOutcome] {
        // The device's chair and the session seated there are read beside the writer, as the JSON chair
        // endpoint reads them; inside the write the session's row is locked and a session that left care
        // in between is refused (the message is then answered AR and resent).
        let (chair, seated) = try await database.read { db -> (String?, (id: UUID, checkedInAt: Date)?) in
            let chair = try await db.select().column("chair").from("monitor_devices").where("device_id", .equal, SQLBind(message.deviceID))
                .where("active", .equal, SQLBind(true)).first().map { try $0.decode(column: "chair", as: String.self) }
            var seated: (id: UUID, checkedInAt: Date)?
            if let chair { seated = try await Self.seatedSession(inChair: chair, db) }
            return (chair, seated)
        }
        return try await database.write { db in
            let now = stamp.at
            // Readings already stored from an earlier copy of this message, found with one query.
            var seen = Set(try await db.select().column("observed_at").from("monitor_readings")
                .where("device_id", .equal, SQLBind(message.deviceID)).where("control_id", .equal, SQLBind(message.controlID))
                .where("observed_at", .in, message.readings.map { $0.observedAt.millisecondsSince1970 })
                .all().map { try $0.decode(column: "observed_at", as: Int64.self) })
            var outcomes: [MonitorReadingOutcome?] = Array(repeating: nil, count: message.readings.count)
            var rows: [(id: UUID, reading: MonitorReadingInput, status: String, reason: String?, sessionID: UUID?)] = []
            var charted: [(values: VitalReading, takenAt: Date)] = []
            var chartedAt: [(message: Int, row: Int)] = []
            for (index, reading) in message.readings.enumerated() {
                guard seen.insert(reading.observedAt.millisecondsSince1970).inserted else {
                    outcomes[index] = .repeated
                    continue
                }
                let unmatchedReason: String?
                if chair == nil {
                    unmatchedReason = "Monitor \(message.deviceID) is not registered to a chair."
                } else if ReadingTime(takenAt: reading.observedAt, now: now) == .future {
                    unmatchedReason = "Timed in the future (check the monitor's clock)."
                } else if ReadingTime(takenAt: reading.observedAt, now: now) == .tooOld {
                    unmatchedReason = "Observed more than 12 hours before it arrived."
                } else if let seated, reading.observedAt >= seated.checkedInAt {
                    unmatchedReason = nil
                } else {
                    unmatchedReason = seated == nil ? "No patient is seated in \(chair ?? "the chair")."
                        : "Observed before the patient now in \(chair ?? "the chair") was checked in."
                }
                let id = UUID.random()
                if unmatchedReason == nil, let seated {
                    if reading.values.isEmpty {
                        rows.append((id, reading, "kept", nil, seated.id))
                        outcomes[index] = .stored(sessionID: seated.id, result: nil)
                    } else {
                        chartedAt.append((index, rows.count))
                        charted.append((reading.values, reading.observedAt))
                        rows.append((id, reading, "stored", nil, seated.id))
                    }
                } else {
                    rows.append((id, reading, "unmatched", unmatchedReason, nil))
                    outcomes[index] = .unmatched(id: id, reason: unmatchedReason ?? "")
                }
            }
            // The seated session's readings go through the session record's own code, together.
            var vitalIDs: [Int: UUID] = [:]
            if let seated, !charted.isEmpty {
                let results = try await SessionRecordRepository.storeReadings(charted, source: .gateway, sessionID: seated.id, policy: policy,
                                                                              stamp: stamp, in: db)
                for (place, result) in zip(chartedAt, results) {
                    vitalIDs[place.row] = result.reading.id
                    outcomes[place.message] = .stored(sessionID: seated.id, result: result)
                }
            }
            for start in stride(from: 0, to: rows.count, by: 500) {
                var insert = db.insert(into: "monitor_readings")
                    .columns("id", "device_id", "control_id", "observed_at", "received_at", "gateway", "chair", "bed", "vital_values",
                             "observations", "status", "status_reason", "session_id", "vital_id")
                for offset in start..<min(start + 500, rows.count) {
                    let row = rows[offset]
                    insert = insert.values(
                        SQLBind(row.id.uuidString), SQLBind(message.deviceID), SQLBind(message.controlID),
                        SQLBind(row.reading.observedAt.millisecondsSince1970), SQLBind(now.millisecondsSince1970), SQLBind(message.gateway),
                        SQLBind(chair), SQLBind(message.bed), SQLBind(try StoredJSON.text(row.reading.values)),
                        SQLBind(row.reading.observationsJSON), SQLBind(row.status), SQLBind(row.reason), SQLBind(row.sessionID?.uuidString),
                        SQLBind(vitalIDs[offset]?.uuidString))
                }
                try await insert.run()
            }
            let audits = rows.filter { $0.status != "stored" }.map { row in
                AuditEvent(.create, entityType: "monitor_reading", entityID: row.id.uuidString, patientID: nil,
                           summary: "monitor \(message.deviceID) reading of \(row.reading.observedAt.millisecondsSince1970) "
                               + (row.status == "kept" ? "kept with session \(row.sessionID?.uuidString ?? "")" : "unmatched: \(row.reason ?? "")"))
            }
            try await AuditLog.append(audits, stamp: stamp, in: db)
            let stored = outcomes.compactMap { $0 }
            var counts = (stored: 0, unmatched: 0, repeated: 0)
            for outcome in stored {
                switch outcome {
                case .stored: counts.stored += 1
                case .unmatched: counts.unmatched += 1
                case .repeated: counts.repeated += 1
                }
            }
            try await Self.log(gateway: message.gateway, sendingApplication: message.sendingApplication, deviceID: message.deviceID,
                               controlID: message.controlID, outcome: "AA", error: nil, observations: message.observationCount,
                               counts: counts, at: now, db)
            return stored
        }
    }

    /// Logs a message answered AE or AR (nothing stored), for the gateway page.
    public func logRefusal(gateway: String, sendingApplication: String?, deviceID: String?, controlID: String?, outcome: String, error: String,
                           at: Date) async throws {
        try await database.write { db in
            try await Self.log(gateway: gateway, sendingApplication: sendingApplication, deviceID: deviceID, controlID: controlID,
                               outcome: outcome, error: error, observations: 0, counts: (0, 0, 0), at: at, db)
        }
    }

    // MARK: Unmatched queue

    /// Readings waiting for a nurse, oldest first.
    public func unmatched(limit: Int = 500) async throws -> [MonitorReadingRecord] {
        try await database.read { db in
            try await db.select().column("*").from("monitor_readings").where("status", .equal, SQLBind("unmatched"))
                .orderBy("observed_at").limit(max(1, min(limit, 5_000))).all().map(Self.reading)
        }
    }

    /// One monitor reading.
    public func reading(_ id: UUID) async throws -> MonitorReadingRecord? {
        try await database.read { db in
            try await db.select().column("*").from("monitor_readings").where("id", .equal, SQLBind(id.uuidString)).first().map(Self.reading)
        }
    }

    /// Recent readings that carried observations KetaClinic did not chart (unknown codes, NIBP
    /// mean, refused values), newest first.
    public func recentUncharted(limit: Int = 50) async throws -> [MonitorReadingRecord] {
        try await database.read { db in
            try await db.select().column("*").from("monitor_readings").where("observations", .notEqual, SQLBind("[]"))
                .orderBy("received_at", .descending).limit(max(1, min(limit, 1_000))).all().map(Self.reading)
        }
    }

    /// Assigns an unmatched reading to `sessionID` (under care), storing it on the flowsheet with
    /// the same code as every reading; refused when it was already assigned or discarded.
    public func assign(_ id: UUID, to sessionID: UUID, policy: VitalSignAlertPolicy, reason: String?, stamp: AuditStamp) async throws
        -> StoredReadingResult? {
        try await database.write { db in
            guard let row = try await db.raw("""
                UPDATE monitor_readings SET status = 'assigned', session_id = \(bind: sessionID.uuidString),
                    resolved_at = \(bind: stamp.at.millisecondsSince1970), resolved_by = \(bind: stamp.userID?.uuidString ?? "system"),
                    resolved_by_name = \(bind: stamp.actorName), resolution_reason = \(bind: reason?.nilIfEmpty)
                WHERE id = \(bind: id.uuidString) AND status = 'unmatched' RETURNING *
                """).first() else {
                throw try await Self.exists(id, db) ? SessionRefusal(reason: "This reading was already assigned or discarded.") as any Error
                    : UnknownSessionItem(what: "unmatched monitor reading")
            }
            let record = try Self.reading(row)
            var result: StoredReadingResult?
            if !record.values.isEmpty {
                let stored = try await SessionRecordRepository.storeReading(record.values, takenAt: record.observedAt, source: .gateway,
                                                                             sessionID: sessionID, policy: policy, stamp: stamp, in: db)
                try await db.update("monitor_readings").set("vital_id", to: SQLBind(stored.reading.id.uuidString))
                    .where("id", .equal, SQLBind(id.uuidString)).run()
                result = stored
            }
            let patientID = try await db.select().column("patient_id").from("treatment_sessions").where("id", .equal, SQLBind(sessionID.uuidString))
                .first().flatMap { UUID(uuidString: try $0.decode(column: "patient_id", as: String.self)) }
            try await AuditLog.append(AuditEvent(.update, entityType: "monitor_reading", entityID: id.uuidString, patientID: patientID,
                                                 summary: "unmatched monitor reading assigned to session \(sessionID.uuidString)"
                                                     + (reason?.nilIfEmpty.map { "; reason: \($0)" } ?? "")),
                                      stamp: stamp, in: db)
            return result
        }
    }

    /// Discards an unmatched reading with `reason` (kept, marked discarded; never deleted).
    public func discard(_ id: UUID, reason: String, stamp: AuditStamp) async throws {
        try await database.write { db in
            guard try await db.raw("""
                UPDATE monitor_readings SET status = 'discarded', resolved_at = \(bind: stamp.at.millisecondsSince1970),
                    resolved_by = \(bind: stamp.userID?.uuidString ?? "system"), resolved_by_name = \(bind: stamp.actorName),
                    resolution_reason = \(bind: reason)
                WHERE id = \(bind: id.uuidString) AND status = 'unmatched' RETURNING id
                """).first() != nil else {
                throw try await Self.exists(id, db) ? SessionRefusal(reason: "This reading was already assigned or discarded.") as any Error
                    : UnknownSessionItem(what: "unmatched monitor reading")
            }
            try await AuditLog.append(AuditEvent(.update, entityType: "monitor_reading", entityID: id.uuidString,
                                                 summary: "unmatched monitor reading discarded: \(reason)"), stamp: stamp, in: db)
        }
    }

    // MARK: Operations

    /// Each gateway seen in the last `days` days, with its figures as of `now`.
    public func gateways(now: Date, days: Int = 30) async throws -> [MonitorGatewaySummary] {
        try await database.read { db in
            let since = now.addingTimeInterval(-Double(days) * 86_400).millisecondsSince1970
            let five = now.addingTimeInterval(-300).millisecondsSince1970, day = now.addingTimeInterval(-86_400).millisecondsSince1970
            let rows = try await db.raw("""
                SELECT gateway, MAX(received_at) AS last_at,
                    SUM(CASE WHEN received_at >= \(bind: five) THEN 1 ELSE 0 END) AS recent,
                    SUM(CASE WHEN received_at >= \(bind: day) AND outcome <> 'AA' THEN 1 ELSE 0 END) AS errors
                FROM monitor_messages WHERE received_at >= \(bind: since) GROUP BY gateway ORDER BY gateway
                """).all()
            var summaries: [MonitorGatewaySummary] = []
            for row in rows {
                let gateway = try row.decode(column: "gateway", as: String.self)
                let last = try await db.select().column("outcome").from("monitor_messages").where("gateway", .equal, SQLBind(gateway))
                    .orderBy("received_at", .descending).limit(1).first()
                let error = try await db.select().columns("error", "received_at").from("monitor_messages").where("gateway", .equal, SQLBind(gateway))
                    .where("outcome", .notEqual, SQLBind("AA")).orderBy("received_at", .descending).limit(1).first()
                let applications = try await db.raw("""
                    SELECT DISTINCT sending_application FROM monitor_messages WHERE gateway = \(bind: gateway)
                    AND received_at >= \(bind: since) AND sending_application IS NOT NULL ORDER BY sending_application LIMIT 20
                    """).all().map { try $0.decode(column: "sending_application", as: String.self) }
                let unmatched = try await db.raw("""
                    SELECT COUNT(*) AS n FROM monitor_readings WHERE gateway = \(bind: gateway) AND status = 'unmatched'
                    """).first().map { try $0.decode(column: "n", as: Int.self) } ?? 0
                summaries.append(MonitorGatewaySummary(
                    gateway: gateway, sendingApplications: applications,
                    lastMessageAt: Date(millisecondsSince1970: try row.decode(column: "last_at", as: Int64.self)),
                    lastOutcome: try last?.decode(column: "outcome", as: String.self) ?? "",
                    messagesLastFiveMinutes: try row.decode(column: "recent", as: Int?.self) ?? 0,
                    errorsLastDay: try row.decode(column: "errors", as: Int?.self) ?? 0,
                    lastError: try error?.decode(column: "error", as: String?.self),
                    lastErrorAt: try error.map { Date(millisecondsSince1970: try $0.decode(column: "received_at", as: Int64.self)) },
                    unmatched: unmatched))
            }
            return summaries
        }
    }

    /// The last `limit` messages (of `gateway`, when given), newest first.
    public func recentMessages(gateway: String? = nil, limit: Int = 50) async throws -> [MonitorMessageRecord] {
        try await database.read { db in
            var query = db.select().column("*").from("monitor_messages")
            if let gateway { query = query.where("gateway", .equal, SQLBind(gateway)) }
            return try await query.orderBy("received_at", .descending).limit(max(1, min(limit, 1_000))).all().map { row in
                MonitorMessageRecord(
                    receivedAt: Date(millisecondsSince1970: try row.decode(column: "received_at", as: Int64.self)),
                    gateway: try row.decode(column: "gateway", as: String.self),
                    sendingApplication: try row.decode(column: "sending_application", as: String?.self),
                    deviceID: try row.decode(column: "device_id", as: String?.self), controlID: try row.decode(column: "control_id", as: String?.self),
                    outcome: try row.decode(column: "outcome", as: String.self), error: try row.decode(column: "error", as: String?.self),
                    observations: try row.decode(column: "observations", as: Int.self), stored: try row.decode(column: "readings_stored", as: Int.self),
                    unmatched: try row.decode(column: "readings_unmatched", as: Int.self),
                    repeated: try row.decode(column: "readings_repeated", as: Int.self))
            }
        }
    }

    // MARK: Helpers

    /// The session under care in `chair` and when it was checked in.
    static func seatedSession(inChair chair: String, _ db: any SQLDatabase) async throws -> (id: UUID, checkedInAt: Date)? {
        let states = TreatmentSessionState.allCases.filter(\.isActive).map(\.rawValue)
        let rows = try await db.select().column("id").from("treatment_sessions").where("chair", .equal, SQLBind(chair))
            .where("state", .in, states).limit(2).all()
        guard rows.count == 1, let id = UUID(uuidString: try rows[0].decode(column: "id", as: String.self)) else { return nil }
        let checkedIn = try await db.select().column("occurred_at").from("treatment_session_events")
            .where("session_id", .equal, SQLBind(id.uuidString)).where("to_state", .equal, SQLBind(TreatmentSessionState.checkedIn.rawValue))
            .orderBy("sequence", .descending).limit(1).first().map { try $0.decode(column: "occurred_at", as: Int64.self) }
        return (id, checkedIn.map(Date.init(millisecondsSince1970:)) ?? .distantPast)
    }

    private static func log(gateway: String, sendingApplication: String?, deviceID: String?, controlID: String?, outcome: String, error: String?,
                            observations: Int, counts: (stored: Int, unmatched: Int, repeated: Int), at: Date, _ db: any SQLDatabase) async throws {
        try await db.insert(into: "monitor_messages")
            .columns("id", "gateway", "sending_application", "device_id", "control_id", "received_at", "outcome", "error", "observations",
                     "readings_stored", "readings_unmatched", "readings_repeated")
            .values(SQLBind(UUID.random().uuidString), SQLBind(gateway), SQLBind(sendingApplication.map { String($0.prefix(199)) }),
                    SQLBind(deviceID.map { String($0.prefix(199)) }), SQLBind(controlID.map { String($0.prefix(199)) }),
                    SQLBind(at.millisecondsSince1970), SQLBind(outcome), SQLBind(error.map { String($0.prefix(500)) }), SQLBind(observations),
                    SQLBind(counts.stored), SQLBind(counts.unmatched), SQLBind(counts.repeated))
            .run()
    }

    private static func exists(_ id: UUID, _ db: any SQLDatabase) async throws -> Bool {
        try await db.select().column("id").from("monitor_readings").where("id", .equal, SQLBind(id.uuidString)).first() != nil
    }

    static func device(_ row: any SQLRow) throws -> MonitorDevice {
        MonitorDevice(deviceID: try row.decode(column: "device_id", as: String.self), chair: try row.decode(column: "chair", as: String.self),
                      label: try row.decode(column: "label", as: String?.self), active: try row.decode(column: "active", as: Bool.self),
                      registeredAt: Date(millisecondsSince1970: try row.decode(column: "registered_at", as: Int64.self)),
                      registeredByName: try row.decode(column: "registered_by_name", as: String.self),
                      updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
    }

    static func reading(_ row: any SQLRow) throws -> MonitorReadingRecord {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText) else { throw StoredDataError(what: "monitor reading \(idText)") }
        return MonitorReadingRecord(
            id: id, deviceID: try row.decode(column: "device_id", as: String.self), controlID: try row.decode(column: "control_id", as: String.self),
            observedAt: Date(millisecondsSince1970: try row.decode(column: "observed_at", as: Int64.self)),
            receivedAt: Date(millisecondsSince1970: try row.decode(column: "received_at", as: Int64.self)),
            gateway: try row.decode(column: "gateway", as: String.self), chair: try row.decode(column: "chair", as: String?.self),
            bed: try row.decode(column: "bed", as: String?.self),
            values: try JSONDecoder().decode(VitalReading.self, from: Data(try row.decode(column: "vital_values", as: String.self).utf8)),
            observationsJSON: try row.decode(column: "observations", as: String.self), status: try row.decode(column: "status", as: String.self),
            statusReason: try row.decode(column: "status_reason", as: String?.self),
            sessionID: try row.decode(column: "session_id", as: String?.self).flatMap(UUID.init(uuidString:)),
            resolvedByName: try row.decode(column: "resolved_by_name", as: String?.self),
            resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            resolutionReason: try row.decode(column: "resolution_reason", as: String?.self))
    }
}
