import ClinicDomain
import Foundation
import SQLKit

/// A session event or record entry that was refused (by the state machine or the record's
/// rules); `reason` is for the user.
public struct SessionRefusal: Error, Equatable, CustomStringConvertible {
    /// Why.
    public let reason: String
    public var description: String { reason }

    /// Creates a refusal.
    public init(reason: String) { self.reason = reason }
}

/// Moves treatment sessions through ``SessionStateMachine``: each event is decided on the session's
/// stored state inside the write transaction, and a transition updates the state, appends the
/// event (never changed afterwards) and writes the audit entry together.
public struct TreatmentSessionRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Applies `event` to the session; returns the new state or throws ``SessionRefusal``.
    @discardableResult
    public func apply(_ event: SessionEvent, to sessionID: UUID, stamp: AuditStamp) async throws -> TreatmentSessionState {
        try await apply(to: sessionID, stamp: stamp) { _ in event }
    }

    /// Applies the event `decide` makes from the session's record as it stands inside the write
    /// transaction (the row locked): a hard stop judged on readings, alerts or entries cannot be
    /// passed by a change committed between the check and the transition.
    @discardableResult
    public func apply(to sessionID: UUID, stamp: AuditStamp,
                      decide: @escaping @Sendable (TreatmentSessionRecord) throws -> SessionEvent) async throws -> TreatmentSessionState {
        try await database.write { db in
            let (current, patientID) = try await SessionRecordRepository.lock(sessionID, db)
            // The summary holds every reading a hard stop reads, without a gateway's thousands of others.
            guard let record = try await SessionRecordRepository.record(sessionID, db, monitorSummary: true) else {
                throw UnknownSessionItem(what: "treatment session")
            }
            var event = try decide(record)
            // The controlled-substance draw must be reconciled (drawn = administered + wasted) before
            // the patient leaves: judged here, on the locked row, so a draw cannot slip in between.
            if case .discharge(let complete, let override, .none) = event, current == .readyForDischarge,
               let problem = try await RegisterRepository.dischargeProblem(record, db) {
                event = .discharge(requiredPointsComplete: complete, override: override, registerProblem: problem)
            }
            var machine = SessionStateMachine(state: current)
            switch machine.handle(event) {
            case .refuse(let reason):
                throw SessionRefusal(reason: reason)
            case .transition(let next, let audit, let override):
                let last = try await db.select().column(SQLFunction("MAX", args: SQLColumn("sequence")), as: "n")
                    .from("treatment_session_events").where("session_id", .equal, SQLBind(sessionID.uuidString)).first()
                let sequence = (try last?.decode(column: "n", as: Int?.self) ?? 0) + 1
                try await db.raw("""
                    UPDATE treatment_sessions SET state = \(bind: next.rawValue), updated_at = \(bind: stamp.at.millisecondsSince1970)
                    WHERE id = \(bind: sessionID.uuidString)
                    """).run()
                try await db.insert(into: "treatment_session_events")
                    .columns("id", "session_id", "sequence", "event", "from_state", "to_state", "occurred_at", "actor", "actor_name",
                             "detail", "override")
                    .values(SQLBind(UUID.random().uuidString), SQLBind(sessionID.uuidString), SQLBind(sequence), SQLBind(event.name),
                            SQLBind(current.rawValue), SQLBind(next.rawValue), SQLBind(stamp.at.millisecondsSince1970),
                            SQLBind(stamp.userID?.uuidString ?? "system"), SQLBind(stamp.actorName), SQLBind(audit),
                            SQLBind(try override.map { try StoredJSON.text($0) }))
                    .run()
                try await AuditLog.append(AuditEvent(override == nil ? .update : .override, entityType: "treatment_session",
                                                     entityID: sessionID.uuidString, patientID: patientID,
                                                     summary: "\(current.rawValue) → \(next.rawValue): \(audit)"),
                                          stamp: stamp, in: db)
                return next
            }
        }
    }

    /// The session's state changes, in order.
    public func transitions(of sessionID: UUID) async throws -> [SessionTransition] {
        try await database.read { db in try await Self.transitions(sessionID, db) }
    }

    static func transitions(_ sessionID: UUID, _ db: any SQLDatabase) async throws -> [SessionTransition] {
        try await db.select().column("*").from("treatment_session_events").where("session_id", .equal, SQLBind(sessionID.uuidString))
            .orderBy("sequence").all().map(transition)
    }

    /// One row of `treatment_session_events`.
    static func transition(_ row: any SQLRow) throws -> SessionTransition {
        guard let from = TreatmentSessionState(rawValue: try row.decode(column: "from_state", as: String.self)),
              let to = TreatmentSessionState(rawValue: try row.decode(column: "to_state", as: String.self)) else {
            throw StoredDataError(what: "session event of \(try row.decode(column: "session_id", as: String.self))")
        }
        return SessionTransition(
            sequence: try row.decode(column: "sequence", as: Int.self), event: try row.decode(column: "event", as: String.self),
            from: from, to: to, at: Date(millisecondsSince1970: try row.decode(column: "occurred_at", as: Int64.self)),
            actorName: try row.decode(column: "actor_name", as: String.self), detail: try row.decode(column: "detail", as: String.self),
            override: try row.decode(column: "override", as: String?.self)
                .map { try StoredJSON.decoder.decode(SessionOverride.self, from: Data($0.utf8)) })
    }
}
