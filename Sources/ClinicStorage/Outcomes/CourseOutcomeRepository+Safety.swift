import ClinicDomain
import Foundation
import SQLKit

extension CourseOutcomeRepository {
    /// Vital-sign alert codes that are about blood pressure: above the limit or risen from the pre-dose reading [R18].
    static let bloodPressureCodes = ["systolic-high", "diastolic-high", "systolic-rise", "diastolic-rise"]

    /// Safety and quality over the sessions given in the period (by session day, in the clinic's
    /// patients): blood-pressure alerts, dissociation, delayed discharges, suicidality alerts, and
    /// minutes from each alert to its acknowledgement.
    public func safety(_ filter: OutcomeCohortFilter, clinicID: UUID, timeZone: TimeZone) async throws -> SafetyMeasures {
        let clinic = (filter.clinicID ?? clinicID).uuidString
        let from = filter.from.iso, to = filter.to.iso
        let given = [TreatmentSessionState.discharged.rawValue, TreatmentSessionState.stoppedEarly.rawValue]
        let sessionsInPeriod: SQLQueryString = """
            SELECT s.id FROM treatment_sessions s JOIN patients p ON p.id = s.patient_id
            WHERE p.clinic_id = \(bind: clinic) AND s.scheduled_on >= \(bind: from) AND s.scheduled_on <= \(bind: to)
            AND s.state IN (\(binds: given))
            """
        // The numerators start from their own (small) tables and join to the session, so only the
        // count of sessions reads the period's sessions.
        // SQLite's planner, without statistics, would start from the clinic's patients and walk all
        // their sessions; a unary `+` keeps it from using those indexes, so it starts from the small
        // table and looks each session and patient up by key. PostgreSQL plans from its statistics.
        let noIndex = database.engine == .sqlite ? "+" : ""
        let givenSessions: SQLQueryString = """
            JOIN treatment_sessions s ON s.id = x.session_id JOIN patients p ON p.id = s.patient_id
            WHERE \(unsafeRaw: noIndex)p.clinic_id = \(bind: clinic) AND \(unsafeRaw: noIndex)s.scheduled_on >= \(bind: from)
            AND \(unsafeRaw: noIndex)s.scheduled_on <= \(bind: to) AND \(unsafeRaw: noIndex)s.state IN (\(binds: given))
            """
        let start = filter.from.startInstant(in: timeZone).millisecondsSince1970
        let end = filter.to.adding(days: 1).startInstant(in: timeZone).millisecondsSince1970
        return try await database.read { db in
            var measures = SafetyMeasures()
            measures.dischargeDelayMinutes = filter.dischargeDelayMinutes
            // With one clinic in the database (always so on SQLite) every session is the clinic's:
            // the count reads the covering day index alone instead of joining each session to its patient.
            let clinics = Int(try await db.raw("SELECT COUNT(*) AS n FROM clinics").first()?.decode(column: "n", as: Int64.self) ?? 0)
            let count: SQLQueryString = clinics == 1
                ? """
                  SELECT COUNT(*) AS n FROM treatment_sessions WHERE scheduled_on >= \(bind: from) AND scheduled_on <= \(bind: to)
                  AND state IN (\(binds: given))
                  """
                : "SELECT COUNT(*) AS n FROM (\(sessionsInPeriod)) given"
            measures.sessions = Int(try await db.raw(count).first()?.decode(column: "n", as: Int64.self) ?? 0)
            // Vital-sign alerts in those sessions.
            for row in try await db.raw("""
                SELECT x.code, x.raised_at, x.acknowledged_at FROM session_alerts x \(givenSessions)
                """).all() {
                let code = try row.decode(column: "code", as: String.self)
                if Self.bloodPressureCodes.contains(code) { measures.bloodPressureAlerts += 1 }
                let raised = try row.decode(column: "raised_at", as: Int64.self)
                if let acknowledged = try row.decode(column: "acknowledged_at", as: Int64?.self) {
                    measures.acknowledgementMinutes.append(Double(max(0, acknowledged - raised)) / 60_000)
                } else {
                    measures.unacknowledgedAlerts += 1
                }
            }
            // Dissociation: sessions with a current side-effect observation whose CADSS total is above 4 [R27].
            var dissociated = Set<String>()
            let entries = try await db.raw("""
                SELECT x.id, x.session_id, x.body FROM session_entries x \(givenSessions)
                AND x.kind = 'side-effects' AND NOT EXISTS (SELECT 1 FROM session_entries c WHERE c.amends = x.id)
                """).all()
            for row in entries {
                let body = try row.decode(column: "body", as: String.self)
                let observation = try StoredJSON.decoder.decode(SideEffectObservation.self, from: Data(body.utf8))
                if observation.dissociation { dissociated.insert(try row.decode(column: "session_id", as: String.self)) }
            }
            measures.dissociationObservations = dissociated.count
            // Discharge delays: from the last "ready for discharge" to "discharged".
            var ready: [String: Int64] = [:], discharged: [String: Int64] = [:]
            for row in try await db.raw("""
                SELECT x.session_id, x.to_state, x.occurred_at FROM treatment_session_events x \(givenSessions)
                AND x.to_state IN ('ready-for-discharge', 'discharged')
                """).all() {
                let id = try row.decode(column: "session_id", as: String.self), at = try row.decode(column: "occurred_at", as: Int64.self)
                if try row.decode(column: "to_state", as: String.self) == "discharged" {
                    discharged[id] = at
                } else {
                    ready[id] = max(ready[id] ?? .min, at)
                }
            }
            for (id, out) in discharged {
                guard let readyAt = ready[id] else { continue }
                measures.dischargesTimed += 1
                if out - readyAt > Int64(filter.dischargeDelayMinutes) * 60_000 { measures.dischargeDelays += 1 }
            }
            // Suicidality alerts (self-report and clinician scales) raised in the period.
            for row in try await db.raw("""
                SELECT a.raised_at, a.acknowledgement FROM safety_alerts a JOIN patients p ON p.id = a.patient_id
                WHERE \(unsafeRaw: noIndex)p.clinic_id = \(bind: clinic) AND a.raised_at >= \(bind: start) AND a.raised_at < \(bind: end)
                """).all() {
                measures.suicidalityAlerts += 1
                let raised = try row.decode(column: "raised_at", as: Int64.self)
                if let text = try row.decode(column: "acknowledgement", as: String?.self) {
                    let acknowledgement = try StoredJSON.decoder.decode(SafetyAlert.Acknowledgement.self, from: Data(text.utf8))
                    measures.acknowledgementMinutes.append(Double(max(0, acknowledgement.at.millisecondsSince1970 - raised)) / 60_000)
                } else {
                    measures.unacknowledgedAlerts += 1
                }
            }
            return measures
        }
    }

    /// The whole report: refreshes the clinic's rows, then counts, estimates and compares.
    public func report(_ filter: OutcomeCohortFilter, clinicID: UUID, timeZone: TimeZone, policy: OutcomePolicy, now: Date,
                       labels: [OutcomeDimension: [String: String]] = [:]) async throws -> OutcomeReport {
        try await refresh(clinicID: filter.clinicID ?? clinicID, policy: policy, now: now)
        let aggregates = try await aggregates(filter, clinicID: clinicID)
        let safety = try await safety(filter, clinicID: clinicID, timeZone: timeZone)
        return OutcomeReport.assemble(filter: filter, aggregates: aggregates, safety: safety, labels: labels)
    }
}
