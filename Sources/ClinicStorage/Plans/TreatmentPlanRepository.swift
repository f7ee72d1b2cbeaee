import ClinicDomain
import Foundation
import SQLKit

/// Stores signed treatment plans and the sessions they schedule. Plans are never changed (the
/// table refuses it): a new plan supersedes the old one, whose sessions not yet started are
/// cancelled in the same transaction.
public struct TreatmentPlanRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Signs the plan `review` proposes as the patient's next version, schedules its sessions, and
    /// audits the signature and any soft-limit reason. Throws ``RecordChangedError`` when the record
    /// changed since the review (the prescriber must look again).
    public func sign(patientID: UUID, recordRevision: Int64, request: TreatmentPlanRequest, review: TreatmentPlanReview,
                     screeningVersion: Int, stamp: AuditStamp) async throws -> TreatmentPlan {
        precondition(review.isReadyToSign, "sign only a review that is ready")
        return try await database.write { db in
            try await PatientRowLock.lock(patientID, db)
            let revisionRow = try await db.select().column("record_revision").from("patients")
                .where("id", .equal, SQLBind(patientID.uuidString)).first()
            let current = try revisionRow?.decode(column: "record_revision", as: Int64.self) ?? -1
            guard current == recordRevision else { throw RecordChangedError(expected: recordRevision, found: current) }
            let previous = try await Self.latest(patientID, db)
            guard previous?.id == review.currentPlanID else { throw PlanChangedError() }
            let plan = TreatmentPlan(id: UUID.random(), patientID: patientID, version: (previous?.version ?? 0) + 1, request: request,
                                     review: review, screeningVersion: screeningVersion, supersedes: previous?.id,
                                     signedByName: stamp.actorName, signedAt: stamp.at)
            try await db.insert(into: "treatment_plans")
                .columns("id", "patient_id", "version", "protocol_id", "protocol_version", "body", "supersedes",
                         "signed_by", "signed_by_name", "signed_at")
                .values(SQLBind(plan.id.uuidString), SQLBind(patientID.uuidString), SQLBind(plan.version),
                        SQLBind(plan.treatmentProtocol.id), SQLBind(plan.treatmentProtocol.version),
                        SQLBind(try StoredJSON.text(plan)), SQLBind(previous?.id.uuidString),
                        SQLBind(stamp.userID?.uuidString ?? "system"), SQLBind(stamp.actorName),
                        SQLBind(stamp.at.millisecondsSince1970))
                .run()
            var events: [AuditEvent] = []
            if let previous {
                let cancelled = try await db.raw("""
                    UPDATE treatment_sessions SET state = \(bind: TreatmentSessionState.cancelled.rawValue),
                    updated_at = \(bind: stamp.at.millisecondsSince1970)
                    WHERE plan_id = \(bind: previous.id.uuidString) AND state = \(bind: TreatmentSessionState.scheduled.rawValue)
                    RETURNING id
                    """).all().count
                events.append(AuditEvent(.update, entityType: "treatment_session", entityID: previous.id.uuidString,
                                         patientID: patientID,
                                         summary: "cancelled \(cancelled) scheduled session(s) of plan version \(previous.version), superseded by version \(plan.version)"))
            }
            for session in plan.sessions {
                try await db.insert(into: "treatment_sessions")
                    .columns("id", "patient_id", "plan_id", "number", "scheduled_on", "state", "planned_dose", "updated_at")
                    .values(SQLBind(UUID.random().uuidString), SQLBind(patientID.uuidString), SQLBind(plan.id.uuidString),
                            SQLBind(session.number), SQLBind(session.date.iso), SQLBind(TreatmentSessionState.scheduled.rawValue),
                            SQLBind(try StoredJSON.text(session)), SQLBind(stamp.at.millisecondsSince1970))
                    .run()
            }
            let first = plan.sessions.first?.date.iso ?? "-"
            events.insert(AuditEvent(.sign, entityType: "treatment_plan", entityID: plan.id.uuidString, patientID: patientID,
                                     summary: "signed plan version \(plan.version): \(plan.treatmentProtocol.name) v\(plan.treatmentProtocol.version), "
                                        + "\(plan.targetSummary), \(plan.sessions.count) sessions from \(first)"), at: 0)
            if let titration = plan.titration, titration.isChange, let reason = titration.reason {
                events.append(AuditEvent(.update, entityType: "treatment_plan", entityID: plan.id.uuidString, patientID: patientID,
                                         summary: "dose change from plan version \(plan.version - 1): \(titration.summary); reason: \(reason)"))
            }
            if let reason = plan.limitReason {
                let limits = plan.warnings.filter { $0.level == .softLimit }.map(\.code).joined(separator: ", ")
                events.append(AuditEvent(.override, entityType: "treatment_plan", entityID: plan.id.uuidString, patientID: patientID,
                                         summary: "dose past soft limit (\(limits)): \(reason)"))
            }
            try await AuditLog.append(events, stamp: stamp, in: db)
            return plan
        }
    }

    /// The patient's plans, newest first.
    public func list(patientID: UUID) async throws -> [TreatmentPlan] {
        try await database.read { db in
            try await db.select().column("body").from("treatment_plans").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("version", .descending).all().map { try StoredJSON.value(TreatmentPlan.self, "body", of: $0) }
        }
    }

    /// One version of the patient's plan.
    public func find(patientID: UUID, version: Int) async throws -> TreatmentPlan? {
        try await database.read { db in
            try await db.select().column("body").from("treatment_plans").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .where("version", .equal, SQLBind(version)).first().map { try StoredJSON.value(TreatmentPlan.self, "body", of: $0) }
        }
    }

    /// The patient's current plan.
    public func latest(patientID: UUID) async throws -> TreatmentPlan? {
        try await database.read { try await Self.latest(patientID, $0) }
    }

    /// The patient's scheduled sessions (every state), by date.
    public func sessions(patientID: UUID) async throws -> [ScheduledSession] {
        try await database.read { db in
            try await db.select().column("*").from("treatment_sessions").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("scheduled_on").orderBy("number").all().map(Self.decodeSession)
        }
    }

    /// Every session on one day, for the clinic's day list.
    public func sessions(on date: CalendarDate) async throws -> [ScheduledSession] {
        try await database.read { db in
            try await db.select().column("*").from("treatment_sessions").where("scheduled_on", .equal, SQLBind(date.iso))
                .orderBy("patient_id").all().map(Self.decodeSession)
        }
    }

    /// Every session from `start` through `end` (inclusive), by date, for the clinic's day lists.
    /// Each patient's first session day from `start` through `end` in a course of one of
    /// `protocolIDs`: one grouped query, no session body decoded (the demo calendar enrols its
    /// esketamine patients in the REMS from it, over thousands of courses at scale).
    public func firstSessionDays(from start: CalendarDate, through end: CalendarDate,
                                 protocolIDs: [String]) async throws -> [UUID: CalendarDate] {
        guard !protocolIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var days: [UUID: CalendarDate] = [:]
            for row in try await db.raw("""
                SELECT s.patient_id AS patient_id, MIN(s.scheduled_on) AS first_day FROM treatment_sessions s
                JOIN treatment_plans p ON p.id = s.plan_id
                WHERE s.scheduled_on >= \(bind: start.iso) AND s.scheduled_on <= \(bind: end.iso) AND p.protocol_id IN (\(binds: protocolIDs))
                GROUP BY s.patient_id
                """).all() {
                guard let patient = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
                      let day = CalendarDate(iso: try row.decode(column: "first_day", as: String.self)) else { continue }
                days[patient] = day
            }
            return days
        }
    }

    public func sessions(from start: CalendarDate, through end: CalendarDate) async throws -> [ScheduledSession] {
        try await database.read { db in
            try await db.select().column("*").from("treatment_sessions")
                .where("scheduled_on", .greaterThanOrEqual, SQLBind(start.iso)).where("scheduled_on", .lessThanOrEqual, SQLBind(end.iso))
                .orderBy("scheduled_on").orderBy("patient_id").all().map(Self.decodeSession)
        }
    }

    private static func latest(_ patientID: UUID, _ db: any SQLDatabase) async throws -> TreatmentPlan? {
        try await db.select().column("body").from("treatment_plans").where("patient_id", .equal, SQLBind(patientID.uuidString))
            .orderBy("version", .descending).limit(1).first().map { try StoredJSON.value(TreatmentPlan.self, "body", of: $0) }
    }

    static func decodeSession(_ row: any SQLRow) throws -> ScheduledSession {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
              let planID = UUID(uuidString: try row.decode(column: "plan_id", as: String.self)),
              let date = CalendarDate(iso: try row.decode(column: "scheduled_on", as: String.self)),
              let state = TreatmentSessionState(rawValue: try row.decode(column: "state", as: String.self)) else {
            throw StoredDataError(what: "treatment session \(idText)")
        }
        return ScheduledSession(id: id, patientID: patientID, planID: planID, number: try row.decode(column: "number", as: Int.self),
                                date: date, state: state,
                                planned: try StoredJSON.value(CourseProposal.Session.self, "planned_dose", of: row))
    }
}

/// Another plan was signed for the patient after the one being signed was checked: the
/// prescriber must look again (the dose change and the sessions may differ).
public struct PlanChangedError: Error, CustomStringConvertible {
    public var description: String { "another treatment plan was signed while this one was being prepared" }
}
