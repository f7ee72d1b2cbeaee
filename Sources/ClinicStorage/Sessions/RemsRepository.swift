import ClinicDomain
import Foundation
import SQLKit

/// Why a session has no REMS monitoring form; `reason` is for the user.
public struct RemsFormUnavailable: Error, Equatable, CustomStringConvertible {
    /// Why.
    public let reason: String
    public var description: String { reason }
}

/// A session's REMS monitoring form with the record it was built from and its submission.
public struct RemsFormDocument: Sendable {
    /// The session's record.
    public let record: TreatmentSessionRecord
    /// The patient.
    public let patient: PatientSummary
    /// The form.
    public let form: RemsMonitoringForm
    /// The submission, once recorded.
    public let submitted: RemsQueueItem.Submitted?
}

/// The Spravato REMS Patient Monitoring Forms: the clinic's REMS details, each esketamine
/// session's form built from its record, the queue of forms due, and their submissions (appended
/// to the session's record, audited; a correction amends the earlier submission with a reason).
public struct RemsRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    // MARK: Setting details

    /// The clinic's REMS details (empty until an administrator or the demo sets them).
    public func settingDetails(of clinicID: UUID) async throws -> RemsSettingDetails {
        try await database.read { db in
            guard let row = try await db.select().column("rems_details").from("clinics")
                .where("id", .equal, SQLBind(clinicID.uuidString)).first(),
                try row.decode(column: "rems_details", as: String?.self) != nil else { return .empty }
            return try StoredJSON.value(RemsSettingDetails.self, "rems_details", of: row)
        }
    }

    /// Replaces the clinic's REMS details (already validated), auditing the change.
    public func updateSettingDetails(_ details: RemsSettingDetails, of clinicID: UUID, stamp: AuditStamp) async throws {
        let body = try StoredJSON.text(details)
        try await database.write { db in
            try await db.update("clinics").set("rems_details", to: SQLBind(body)).where("id", .equal, SQLBind(clinicID.uuidString)).run()
            try await AuditLog.append(AuditEvent(.update, entityType: "clinic_rems_details", entityID: clinicID.uuidString,
                                                 summary: "REMS setting details: \(details.kind.rawValue), \(details.settingName), "
                                                     + "\(details.city) \(details.state)"),
                                      stamp: stamp, in: db)
        }
    }

    // MARK: Forms

    /// `policy`, or the clinic's session policy when none is given.
    private func resolved(_ policy: SessionPolicy?, _ clinic: Clinic) async throws -> SessionPolicy {
        if let policy { return policy }
        return try await SessionPolicyRepository(database: database).policy(of: clinic.id)
    }

    /// The form of an esketamine session whose dosing began; throws ``RemsFormUnavailable``
    /// otherwise, and nil when there is no such session in `clinic`.
    /// The acceptable-range answers use `policy`, by default the clinic's session policy.
    public func form(of sessionID: UUID, clinic: Clinic, policy: SessionPolicy? = nil) async throws -> RemsFormDocument? {
        let sessions = SessionRecordRepository(database: database)
        guard let record = try await sessions.record(of: sessionID),
              let patient = try await SQLPatientRepository(database: database).find(record.session.patientID, in: clinic.id) else { return nil }
        guard record.treatment == .esketamine else {
            throw RemsFormUnavailable(reason: "REMS monitoring forms are for esketamine sessions; this session is \(record.treatment.displayName).")
        }
        guard record.doseStartedAt != nil else {
            throw RemsFormUnavailable(reason: "The form is filled once dosing has begun; this session is "
                                      + "\(record.session.state.displayName.lowercased()).")
        }
        let details = try await settingDetails(of: clinic.id)
        let inForce = try await resolved(policy, clinic)
        return try await document(record, patient: patient, clinic: clinic, details: details, policy: inForce)
    }

    /// The queue on `today`: forms of esketamine sessions dosed on or after `today − 7`, and older
    /// ones not yet submitted [R19][R21]. Empty when the clinic need not submit forms (outside the
    /// US, or an inpatient setting [R21]).
    public func queue(clinic: Clinic, today: CalendarDate, policy: SessionPolicy? = nil) async throws -> [RemsQueueItem] {
        let policy = try await resolved(policy, clinic)
        let details = try await settingDetails(of: clinic.id)
        guard RemsMonitoringForm.applies(to: clinic.settings.jurisdiction, setting: details) else { return [] }
        let since = RemsQueue.windowStart(today: today)
        let ids = try await database.read { db in
            // Recent dosed sessions, and older dosed ones with a device entry (esketamine) and no submission.
            try await db.raw("""
                SELECT DISTINCT s.id FROM treatment_sessions s JOIN treatment_session_events e ON e.session_id = s.id
                JOIN patients p ON p.id = s.patient_id
                WHERE e.to_state = 'dosing' AND p.clinic_id = \(bind: clinic.id.uuidString) AND (s.scheduled_on >= \(bind: since.iso)
                   OR (EXISTS (SELECT 1 FROM session_entries d WHERE d.session_id = s.id AND d.kind = 'device')
                       AND NOT EXISTS (SELECT 1 FROM session_entries r WHERE r.session_id = s.id AND r.kind = 'rems-submission')))
                """).all().map { try $0.decode(column: "id", as: String.self) }.compactMap(UUID.init(uuidString:))
        }
        let sessions = SessionRecordRepository(database: database)
        let patients = SQLPatientRepository(database: database)
        var items: [RemsQueueItem] = []
        for id in ids {
            guard let record = try await sessions.record(of: id), record.treatment == .esketamine,
                  let patient = try await patients.find(record.session.patientID, in: clinic.id) else { continue }
            let document = try await document(record, patient: patient, clinic: clinic, details: details, policy: policy)
            guard RemsQueue.includes(treatmentDate: record.session.date, submitted: document.submitted != nil, today: today) else { continue }
            items.append(RemsQueueItem(form: document.form, patientName: patient.listName, submitted: document.submitted, today: today))
        }
        return RemsQueue.ordered(items)
    }

    /// Records that the session's form was submitted. A second submission corrects the first and
    /// needs `reason`; the earlier one stays in the record.
    @discardableResult
    public func recordSubmission(_ submission: RemsSubmission, for sessionID: UUID, clinic: Clinic, reason: String?,
                                 stamp: AuditStamp) async throws -> SessionEntry {
        guard let document = try await form(of: sessionID, clinic: clinic) else { throw UnknownSessionItem(what: "treatment session") }
        let earlier = document.submitted?.entryID
        if earlier != nil, reason?.trimmed.nilIfEmpty == nil {
            var errors = FieldErrors()
            errors.add("reason", "Say why the earlier submission is corrected.")
            throw errors
        }
        return try await SessionRecordRepository(database: database)
            .append(.remsSubmission(submission), to: sessionID, amends: earlier, reason: earlier == nil ? nil : reason?.trimmed,
                    stamp: stamp) { record in
                // The form reports the whole session: it is sent once the session has ended.
                guard record.session.state.isFinal else {
                    throw SessionRefusal(reason: "The form is submitted after the session ends; this session is "
                                         + "\(record.session.state.displayName.lowercased()).")
                }
            }
    }

    // MARK: Assembly

    private func document(_ record: TreatmentSessionRecord, patient: PatientSummary, clinic: Clinic, details: RemsSettingDetails,
                          policy: SessionPolicy) async throws -> RemsFormDocument {
        let chart = try await SQLPatientRecordRepository(database: database).chart(patient.id, in: clinic.id)
        let facts = RemsMonitoringForm.Facts(
            patient: patient.registration, medications: chart.map { $0.record.medications },
            isFirstTreatment: try await isFirstTreatment(record),
            clinicName: clinic.settings.name, setting: details, monitoringProvider: try await monitoringProvider(record), policy: policy)
        let submitted = record.remsSubmission.map {
            RemsQueueItem.Submitted(submission: $0.submission, recordedByName: $0.entry.recordedByName, recordedAt: $0.entry.recordedAt,
                                    entryID: $0.entry.id)
        }
        return RemsFormDocument(record: record, patient: patient, form: RemsMonitoringForm(record: record, facts: facts), submitted: submitted)
    }

    /// True when no other esketamine session of the patient began dosing before this one.
    private func isFirstTreatment(_ record: TreatmentSessionRecord) async throws -> Bool {
        guard let start = record.doseStartedAt else { return false }
        let ids = try await database.read { db in
            try await db.raw("""
                SELECT DISTINCT s.id FROM treatment_sessions s JOIN treatment_session_events e ON e.session_id = s.id
                WHERE s.patient_id = \(bind: record.session.patientID.uuidString) AND s.id <> \(bind: record.session.id.uuidString)
                  AND e.to_state = 'dosing' AND e.occurred_at < \(bind: start.millisecondsSince1970)
                """).all().map { try $0.decode(column: "id", as: String.self) }.compactMap(UUID.init(uuidString:))
        }
        let sessions = SessionRecordRepository(database: database)
        for id in ids {
            if try await sessions.record(of: id)?.treatment == .esketamine { return false }
        }
        return true
    }

    /// The staff member who recorded the discharge assessment, when exactly one active account has
    /// that name; nil otherwise (the clinic's designated provider is used).
    private func monitoringProvider(_ record: TreatmentSessionRecord) async throws -> RemsMonitoringForm.Provider? {
        let entry = record.currentEntries.last { if case .discharge = $0.content { true } else { false } }
        guard let name = entry?.recordedByName.trimmed.lowercased(), !name.isEmpty else { return nil }
        let matches = try await SQLUserRepository(database: database).all().filter { $0.isActive && $0.displayName.trimmed.lowercased() == name }
        guard matches.count == 1, let user = matches.first else { return nil }
        return RemsMonitoringForm.Provider(displayName: user.displayName, email: user.email.text)
    }
}
