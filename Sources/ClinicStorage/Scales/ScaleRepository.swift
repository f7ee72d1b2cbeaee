import ClinicDomain
import Foundation
import SQLKit

/// Stores completed rating scales and the suicidality alerts they raise, in one transaction, so a
/// patient's answers are never stored without their alert. Responses are never changed (the table
/// refuses it): a correction is a new response that amends one, with a reason.
public struct ScaleRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Stores `responses` and raises an alert for each that calls for one; with `link`, also marks
    /// that self-report link used (refusing it if another submission used it first). Returns the alerts raised.
    @discardableResult
    public func record(_ responses: [ScaleResponse], usingLink link: UUID? = nil, stamp: AuditStamp) async throws -> [SafetyAlert] {
        try await database.write { db in
            if let link {
                guard try await db.raw("""
                    UPDATE self_report_links SET used_at = \(bind: stamp.at.millisecondsSince1970)
                    WHERE id = \(bind: link.uuidString) AND used_at IS NULL AND revoked_at IS NULL
                    AND expires_at > \(bind: stamp.at.millisecondsSince1970) AND failed_checks < \(bind: SelfReportLink.maximumFailedChecks)
                    RETURNING id
                    """).first() != nil else { throw SelfReportLink.Refusal.used }
            }
            var alerts: [SafetyAlert] = []
            var events: [AuditEvent] = []
            for response in responses {
                try await Self.insert(response, stamp: stamp, in: db)
                let score = response.score
                let summary = "\(score.instrument.rawValue) \(score.total.map(String.init) ?? "no total")"
                    + (score.severity.map { " (\($0))" } ?? "") + (score.flags.isEmpty ? "" : " flags: \(score.flags.joined(separator: ", "))")
                    + (response.amends.map { "; corrects \($0.uuidString)" } ?? "") + (response.reason.map { "; reason: \($0)" } ?? "")
                events.append(AuditEvent(response.amends == nil ? .create : .amend, entityType: "scale_response",
                                         entityID: response.id.uuidString, patientID: response.patientID,
                                         summary: "\(response.source.rawValue) \(summary)"))
                var alreadyRaised = false
                if let amends = response.amends {
                    alreadyRaised = try await db.select().column("id").from("safety_alerts")
                        .where("response_id", .equal, SQLBind(amends.uuidString)).first() != nil
                }
                if !alreadyRaised, let detail = SafetyAlert.detail(for: score) {
                    let alert = SafetyAlert(id: UUID.random(), patientID: response.patientID, responseID: response.id, instrument: score.instrument,
                                            detail: detail, raisedAt: stamp.at)
                    try await db.insert(into: "safety_alerts")
                        .columns("id", "patient_id", "response_id", "instrument", "detail", "raised_at")
                        .values(SQLBind(alert.id.uuidString), SQLBind(alert.patientID.uuidString), SQLBind(response.id.uuidString),
                                SQLBind(score.instrument.rawValue), SQLBind(detail), SQLBind(stamp.at.millisecondsSince1970))
                        .run()
                    events.append(AuditEvent(.create, entityType: "safety_alert", entityID: alert.id.uuidString, patientID: alert.patientID,
                                             summary: "suicidality alert raised: \(detail)"))
                    alerts.append(alert)
                }
            }
            try await AuditLog.append(events, stamp: stamp, in: db)
            return alerts
        }
    }

    /// The patient's responses (corrected ones included), oldest first by the day they describe.
    public func responses(patientID: UUID) async throws -> [ScaleResponse] {
        try await database.read { db in
            try await db.select().column("*").from("scale_responses").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("administered_on").orderBy("recorded_at").all().map(Self.decodeResponse)
        }
    }

    /// The days each instrument was answered by the patient, in the order given, counting current
    /// responses only (a correction replaces what it corrects): what the measurement schedule
    /// needs, without decoding each response's items.
    public func answeredDays(patientID: UUID) async throws -> [InstrumentID: [CalendarDate]] {
        try await database.read { db in
            var answered: [InstrumentID: [CalendarDate]] = [:]
            for row in try await db.raw("""
                SELECT r.instrument AS instrument, r.administered_on AS administered_on FROM scale_responses r
                WHERE r.patient_id = \(bind: patientID.uuidString) AND NOT EXISTS (SELECT 1 FROM scale_responses c WHERE c.amends = r.id)
                ORDER BY r.administered_on, r.recorded_at
                """).all() {
                let instrumentText = try row.decode(column: "instrument", as: String.self)
                guard let instrument = InstrumentID(rawValue: instrumentText),
                      let day = CalendarDate(iso: try row.decode(column: "administered_on", as: String.self)) else {
                    throw StoredDataError(what: "scale response of \(instrumentText)")
                }
                answered[instrument, default: []].append(day)
            }
            return answered
        }
    }

    /// One response.
    public func response(_ id: UUID) async throws -> ScaleResponse? {
        try await database.read { db in
            try await db.select().column("*").from("scale_responses").where("id", .equal, SQLBind(id.uuidString)).first()
                .map(Self.decodeResponse)
        }
    }

    /// Open alerts across the clinic, oldest first, with the patients' list names.
    public func openAlerts(clinicID: UUID) async throws -> [(alert: SafetyAlert, patientName: String)] {
        try await database.read { db in
            try await db.raw("""
                SELECT a.*, p.family_name, p.given_name FROM safety_alerts a JOIN patients p ON p.id = a.patient_id
                WHERE p.clinic_id = \(bind: clinicID.uuidString) AND a.acknowledgement IS NULL ORDER BY a.raised_at
                """).all().map { row in
                (try Self.decodeAlert(row),
                 "\(try row.decode(column: "family_name", as: String.self)), \(try row.decode(column: "given_name", as: String.self))")
            }
        }
    }

    /// The patient's alerts, newest first.
    public func alerts(patientID: UUID) async throws -> [SafetyAlert] {
        try await database.read { db in
            try await db.select().column("*").from("safety_alerts").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("raised_at", .descending).all().map(Self.decodeAlert)
        }
    }

    /// One alert.
    public func alert(_ id: UUID) async throws -> SafetyAlert? {
        try await database.read { db in
            try await db.select().column("*").from("safety_alerts").where("id", .equal, SQLBind(id.uuidString)).first().map(Self.decodeAlert)
        }
    }

    /// Records the acknowledgement of an open alert; false when it was already acknowledged.
    public func acknowledge(_ id: UUID, with acknowledgement: SafetyAlert.Acknowledgement, stamp: AuditStamp) async throws -> Bool {
        try await database.write { db in
            guard let row = try await db.raw("""
                UPDATE safety_alerts SET acknowledgement = \(bind: try StoredJSON.text(acknowledgement))
                WHERE id = \(bind: id.uuidString) AND acknowledgement IS NULL RETURNING patient_id
                """).first() else { return false }
            let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self))
            try await AuditLog.append(AuditEvent(.update, entityType: "safety_alert", entityID: id.uuidString, patientID: patientID,
                                                 summary: "acknowledged: \(acknowledgement.action.displayName)"
                                                    + (acknowledgement.note.map { "; note: \($0)" } ?? "")),
                                      stamp: stamp, in: db)
            return true
        }
    }

    /// Marks every open, unescalated alert raised before `cutoff` as escalated; returns them.
    public func escalate(raisedBefore cutoff: Date, stamp: AuditStamp) async throws -> [SafetyAlert] {
        try await database.write { db in
            let rows = try await db.raw("""
                UPDATE safety_alerts SET escalated_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE acknowledgement IS NULL AND escalated_at IS NULL AND raised_at <= \(bind: cutoff.millisecondsSince1970)
                RETURNING *
                """).all()
            let alerts = try rows.map(Self.decodeAlert)
            if !alerts.isEmpty {
                try await AuditLog.append(alerts.map {
                    AuditEvent(.update, entityType: "safety_alert", entityID: $0.id.uuidString, patientID: $0.patientID,
                               summary: "escalated: not acknowledged since \($0.raisedAt.millisecondsSince1970)")
                }, stamp: stamp, in: db)
            }
            return alerts
        }
    }

    static func insert(_ response: ScaleResponse, stamp: AuditStamp, in db: any SQLDatabase) async throws {
        try await db.insert(into: "scale_responses")
            .columns("id", "patient_id", "instrument", "score", "total", "administered_on", "recorded_at", "source", "recorded_by",
                     "recorded_by_name", "amends", "reason")
            .values(SQLBind(response.id.uuidString), SQLBind(response.patientID.uuidString), SQLBind(response.score.instrument.rawValue),
                    SQLBind(try StoredJSON.text(response.score)), SQLBind(response.score.total), SQLBind(response.administeredOn.iso),
                    SQLBind(response.recordedAt.millisecondsSince1970), SQLBind(response.source.rawValue),
                    SQLBind(stamp.userID?.uuidString ?? "patient"), SQLBind(response.recordedByName),
                    SQLBind(response.amends?.uuidString), SQLBind(response.reason))
            .run()
    }

    private static func decodeResponse(_ row: any SQLRow) throws -> ScaleResponse {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
              let date = CalendarDate(iso: try row.decode(column: "administered_on", as: String.self)),
              let source = ResponseSource(rawValue: try row.decode(column: "source", as: String.self)) else {
            throw StoredDataError(what: "scale response \(idText)")
        }
        return ScaleResponse(id: id, patientID: patientID, score: try StoredJSON.value(InstrumentScore.self, "score", of: row),
                             administeredOn: date, recordedAt: Date(millisecondsSince1970: try row.decode(column: "recorded_at", as: Int64.self)),
                             source: source, recordedByName: try row.decode(column: "recorded_by_name", as: String.self),
                             amends: try row.decode(column: "amends", as: String?.self).flatMap(UUID.init(uuidString:)),
                             reason: try row.decode(column: "reason", as: String?.self))
    }

    private static func decodeAlert(_ row: any SQLRow) throws -> SafetyAlert {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
              let responseID = UUID(uuidString: try row.decode(column: "response_id", as: String.self)),
              let instrument = InstrumentID(rawValue: try row.decode(column: "instrument", as: String.self)) else {
            throw StoredDataError(what: "safety alert \(idText)")
        }
        let acknowledgement = try row.decode(column: "acknowledgement", as: String?.self)
            .map { try StoredJSON.decoder.decode(SafetyAlert.Acknowledgement.self, from: Data($0.utf8)) }
        return SafetyAlert(id: id, patientID: patientID, responseID: responseID, instrument: instrument,
                           detail: try row.decode(column: "detail", as: String.self),
                           raisedAt: Date(millisecondsSince1970: try row.decode(column: "raised_at", as: Int64.self)),
                           escalatedAt: try row.decode(column: "escalated_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
                           acknowledgement: acknowledgement)
    }
}
