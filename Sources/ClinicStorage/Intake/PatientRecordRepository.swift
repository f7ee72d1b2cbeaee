import ClinicDomain
import Foundation
import SQLKit

/// Stores the intake record: every item is a row per version, never updated or deleted (the
/// table refuses it). Adding, amending and retracting each bump the patient's record revision
/// and write an audit entry in the same transaction.
public protocol PatientRecordRepository: Sendable {
    /// The patient's chart with the current version of every item; nil for an unknown patient.
    func chart(_ patientID: UUID, in clinicID: UUID) async throws -> PatientChart?
    /// Adds a new item; returns its key.
    func add<Value: RecordValue>(_ value: Value, to patientID: UUID, stamp: AuditStamp) async throws -> UUID
    /// Stores a new version of item `key` with `reason`.
    func amend<Value: RecordValue>(_ key: UUID, of patientID: UUID, with value: Value, reason: String,
                                   stamp: AuditStamp) async throws
    /// Withdraws item `key` (entered in error, stopped…) with `reason`; its history stays.
    func retract(_ key: UUID, of patientID: UUID, reason: String, stamp: AuditStamp) async throws
    /// Every version of item `key`, oldest first.
    func history(of key: UUID, patientID: UUID) async throws -> [RecordItemHistoryEntry]
    /// Corrects the registered identity with `reason`. The first correction also stores the
    /// identity as registered, so the item's history starts with it; returns the item's key.
    func amendIdentity(of patientID: UUID, to registration: PatientRegistration, reason: String,
                       stamp: AuditStamp) async throws -> UUID
}

/// One stored version of an item, for the item's history page.
public struct RecordItemHistoryEntry: Sendable, Equatable {
    /// The section.
    public let section: RecordSection
    /// Who, when, why.
    public let version: RecordItemVersion
    /// The value's audit line; nil for a retraction.
    public let summary: String?
    /// The stored JSON; nil for a retraction.
    public let payload: String?
}

/// An amendment or retraction named an item the patient does not have (or no longer has).
public struct UnknownRecordItemError: Error, CustomStringConvertible {
    /// The key given.
    public let key: UUID
    public var description: String { "no current record item \(key)" }
}

/// ``PatientRecordRepository`` over SQL, on either engine.
public struct SQLPatientRecordRepository: PatientRecordRepository {
    private let database: ClinicDatabase

    /// A repository reading and writing `database`.
    public init(database: ClinicDatabase) { self.database = database }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public func chart(_ patientID: UUID, in clinicID: UUID) async throws -> PatientChart? {
        try await database.read { db in
            guard let row = try await db.select().columns(["record_revision"] + SQLPatientRepository.columns)
                .from("patients").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("id", .equal, SQLBind(patientID.uuidString)).first() else { return nil }
            var chart = PatientChart(summary: try SQLPatientRepository.decodePatient(row),
                                     revision: try row.decode(column: "record_revision", as: Int64.self))
            // Latest version of each item: rows come in (item, version) order; the last one wins.
            let rows = try await db.select().columns("section", "item_key", "version", "payload", "recorded_at",
                                                     "recorded_by_name", "reason")
                .from("patient_record_items").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("item_key").orderBy("version").all()
            var latest: [String: any SQLRow] = [:]
            var order: [String] = []
            for row in rows {
                let key = try row.decode(column: "item_key", as: String.self)
                if latest[key] == nil { order.append(key) }
                latest[key] = row
            }
            var entries: [(RecordSection, UUID, String, RecordItemVersion, Date)] = []
            for key in order {
                let row = latest[key]!
                guard let payload = try row.decode(column: "payload", as: String?.self) else { continue }
                let sectionText = try row.decode(column: "section", as: String.self)
                guard let section = RecordSection(rawValue: sectionText), let id = UUID(uuidString: key) else {
                    throw StoredDataError(what: "record item \(key)")
                }
                let meta = try Self.version(row)
                entries.append((section, id, payload, meta, meta.recordedAt))
            }
            entries.sort { $0.4 < $1.4 }
            for (section, key, payload, meta, _) in entries {
                try Self.place(section, key: key, payload: payload, meta: meta, into: &chart)
            }
            chart.weights.sort { $0.value.measuredOn > $1.value.measuredOn }
            chart.vitalSigns.sort { $0.value.measuredOn > $1.value.measuredOn }
            chart.trials.sort { $0.value.startedOn < $1.value.startedOn }
            return chart
        }
    }

    public func add<Value: RecordValue>(_ value: Value, to patientID: UUID, stamp: AuditStamp) async throws -> UUID {
        let key = UUID.random()
        try await database.write { db in
            try await Self.insert(key: key, version: 1, section: Value.section, payload: value, reason: nil,
                                  patientID: patientID, stamp: stamp, db)
            try await AuditLog.append(AuditEvent(
                .create, entityType: "record_item", entityID: key.uuidString, patientID: patientID,
                summary: "added \(Value.section.displayName): \(value.auditSummary)"), stamp: stamp, in: db)
        }
        return key
    }

    public func amend<Value: RecordValue>(_ key: UUID, of patientID: UUID, with value: Value, reason: String,
                                          stamp: AuditStamp) async throws {
        try await database.write { db in
            try await PatientRowLock.lock(patientID, db)
            let current = try await Self.currentVersion(key, patientID: patientID, section: Value.section, db)
            try await Self.insert(key: key, version: current + 1, section: Value.section, payload: value,
                                  reason: reason, patientID: patientID, stamp: stamp, db)
            try await AuditLog.append(AuditEvent(
                .amend, entityType: "record_item", entityID: key.uuidString, patientID: patientID,
                summary: "amended \(Value.section.displayName) (version \(current + 1)): \(value.auditSummary); reason: \(reason)"),
                stamp: stamp, in: db)
        }
    }

    public func retract(_ key: UUID, of patientID: UUID, reason: String, stamp: AuditStamp) async throws {
        try await database.write { db in
            try await PatientRowLock.lock(patientID, db)
            guard let row = try await db.select().columns("section", "version", "payload")
                .from("patient_record_items").where("item_key", .equal, SQLBind(key.uuidString))
                .where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("version", .descending).first(),
                try row.decode(column: "payload", as: String?.self) != nil,
                let section = RecordSection(rawValue: try row.decode(column: "section", as: String.self))
            else { throw UnknownRecordItemError(key: key) }
            let version = try row.decode(column: "version", as: Int.self) + 1
            try await Self.insertRow(key: key, version: version, section: section, payload: nil, reason: reason,
                                     patientID: patientID, stamp: stamp, db)
            try await AuditLog.append(AuditEvent(
                .void, entityType: "record_item", entityID: key.uuidString, patientID: patientID,
                summary: "withdrew \(section.displayName) (version \(version)); reason: \(reason)"), stamp: stamp, in: db)
        }
    }

    public func history(of key: UUID, patientID: UUID) async throws -> [RecordItemHistoryEntry] {
        try await database.read { db in
            try await db.select().columns("section", "version", "payload", "recorded_at", "recorded_by_name", "reason")
                .from("patient_record_items").where("item_key", .equal, SQLBind(key.uuidString))
                .where("patient_id", .equal, SQLBind(patientID.uuidString)).orderBy("version").all()
                .map { row in
                    let payload = try row.decode(column: "payload", as: String?.self)
                    guard let section = RecordSection(rawValue: try row.decode(column: "section", as: String.self)) else {
                        throw StoredDataError(what: "record item \(key)")
                    }
                    return RecordItemHistoryEntry(section: section, version: try Self.version(row),
                                                  summary: try payload.map { try Self.summary(section, payload: $0) },
                                                  payload: payload)
                }
        }
    }

    public func amendIdentity(of patientID: UUID, to registration: PatientRegistration, reason: String,
                              stamp: AuditStamp) async throws -> UUID {
        try await database.write { db in
            try await PatientRowLock.lock(patientID, db)
            guard let row = try await db.select().columns(SQLPatientRepository.columns).from("patients")
                .where("id", .equal, SQLBind(patientID.uuidString)).first() else { throw UnknownPatientError(patientID: patientID) }
            let current = try SQLPatientRepository.decodePatient(row)
            let existing = try await db.select().columns("item_key", "version").from("patient_record_items")
                .where("patient_id", .equal, SQLBind(patientID.uuidString))
                .where("section", .equal, SQLBind(RecordSection.identity.rawValue))
                .orderBy("version", .descending).first()
            let key: UUID
            var version: Int
            if let existing, let stored = UUID(uuidString: try existing.decode(column: "item_key", as: String.self)) {
                key = stored
                version = try existing.decode(column: "version", as: Int.self)
            } else {
                key = UUID.random()
                var registered = stamp
                registered.at = current.registeredAt
                registered.actorName = "registration"
                registered.userID = nil
                try await Self.insert(key: key, version: 1, section: .identity, payload: current.registration, reason: nil,
                                      patientID: patientID, stamp: registered, db)
                version = 1
            }
            version += 1
            try await Self.insert(key: key, version: version, section: .identity, payload: registration, reason: reason,
                                  patientID: patientID, stamp: stamp, db)
            try await db.update("patients")
                .set("given_name", to: SQLBind(registration.givenName)).set("family_name", to: SQLBind(registration.familyName))
                .set("given_key", to: SQLBind(PatientSearch.key(registration.givenName)))
                .set("family_key", to: SQLBind(PatientSearch.key(registration.familyName)))
                .set("date_of_birth", to: SQLBind(registration.dateOfBirth.iso))
                .set("sex_at_birth", to: SQLBind(registration.sexAtBirth.rawValue))
                .set("gender_identity", to: SQLBind(registration.genderIdentity))
                .where("id", .equal, SQLBind(patientID.uuidString)).run()
            try await AuditLog.append(AuditEvent(
                .amend, entityType: "patient", entityID: patientID.uuidString, patientID: patientID,
                summary: "corrected identity (version \(version)): \(current.registration.auditSummary) → \(registration.auditSummary); reason: \(reason)"),
                stamp: stamp, in: db)
            return key
        }
    }

    // MARK: - Rows

    private static func version(_ row: any SQLRow) throws -> RecordItemVersion {
        let payload = try row.decode(column: "payload", as: String?.self)
        return RecordItemVersion(
            version: try row.decode(column: "version", as: Int.self),
            recordedAt: Date(millisecondsSince1970: try row.decode(column: "recorded_at", as: Int64.self)),
            recordedBy: try row.decode(column: "recorded_by_name", as: String.self),
            reason: try row.decode(column: "reason", as: String?.self), isRetraction: payload == nil)
    }

    private static func currentVersion(_ key: UUID, patientID: UUID, section: RecordSection,
                                       _ db: any SQLDatabase) async throws -> Int {
        guard let row = try await db.select().columns("section", "version", "payload").from("patient_record_items")
            .where("item_key", .equal, SQLBind(key.uuidString)).where("patient_id", .equal, SQLBind(patientID.uuidString))
            .orderBy("version", .descending).first(),
            try row.decode(column: "section", as: String.self) == section.rawValue,
            try row.decode(column: "payload", as: String?.self) != nil
        else { throw UnknownRecordItemError(key: key) }
        return try row.decode(column: "version", as: Int.self)
    }

    private static func insert<Value: RecordValue>(key: UUID, version: Int, section: RecordSection, payload: Value,
                                                   reason: String?, patientID: UUID, stamp: AuditStamp,
                                                   _ db: any SQLDatabase) async throws {
        let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
        try await insertRow(key: key, version: version, section: section, payload: json, reason: reason,
                            patientID: patientID, stamp: stamp, db)
    }

    private static func insertRow(key: UUID, version: Int, section: RecordSection, payload: String?, reason: String?,
                                  patientID: UUID, stamp: AuditStamp, _ db: any SQLDatabase) async throws {
        // Bumping the revision first also proves the patient exists (and locks the row on PostgreSQL).
        guard try await db.raw("""
            UPDATE patients SET record_revision = record_revision + 1 WHERE id = \(bind: patientID.uuidString)
            RETURNING record_revision
            """).first() != nil else { throw UnknownPatientError(patientID: patientID) }
        try await db.insert(into: "patient_record_items")
            .columns("id", "patient_id", "section", "item_key", "version", "payload", "recorded_at", "recorded_by",
                     "recorded_by_name", "reason")
            .values(SQLBind(UUID.random().uuidString), SQLBind(patientID.uuidString), SQLBind(section.rawValue),
                    SQLBind(key.uuidString), SQLBind(version), SQLBind(payload),
                    SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.userID?.uuidString ?? "system"),
                    SQLBind(stamp.actorName), SQLBind(reason))
            .run()
    }

    private static let decoder = JSONDecoder()

    private static func decode<Value: RecordValue>(_ type: Value.Type, _ payload: String) throws -> Value {
        try decoder.decode(Value.self, from: Data(payload.utf8))
    }

    private static func summary(_ section: RecordSection, payload: String) throws -> String {
        switch section {
        case .contact: try decode(ContactDetails.self, payload).auditSummary
        case .emergencyContact: try decode(EmergencyContact.self, payload).auditSummary
        case .height: try decode(HeightMeasurement.self, payload).auditSummary
        case .weight: try decode(WeightMeasurement.self, payload).auditSummary
        case .allergy: try decode(Allergy.self, payload).auditSummary
        case .medication: try decode(Medication.self, payload).auditSummary
        case .diagnosis: try decode(Diagnosis.self, payload).auditSummary
        case .psychiatricHistory: try decode(PsychiatricHistory.self, payload).auditSummary
        case .medicalHistory: try decode(MedicalHistory.self, payload).auditSummary
        case .vitalSigns: try decode(VitalSigns.self, payload).auditSummary
        case .trial: try decode(AntidepressantTrial.self, payload).auditSummary
        case .episode: try decode(DepressiveEpisode.self, payload).auditSummary
        case .identity: try decode(PatientRegistration.self, payload).auditSummary
        }
    }

    private static func place(_ section: RecordSection, key: UUID, payload: String, meta: RecordItemVersion,
                              into chart: inout PatientChart) throws {
        func entry<Value: RecordValue>(_ type: Value.Type) throws -> RecordEntry<Value> {
            RecordEntry(key: key, value: try decode(type, payload), latest: meta)
        }
        switch section {
        case .contact: chart.contact = try entry(ContactDetails.self)
        case .emergencyContact: chart.emergencyContact = try entry(EmergencyContact.self)
        case .height: chart.height = try entry(HeightMeasurement.self)
        case .weight: chart.weights.append(try entry(WeightMeasurement.self))
        case .allergy: chart.allergies.append(try entry(Allergy.self))
        case .medication: chart.medications.append(try entry(Medication.self))
        case .diagnosis: chart.diagnoses.append(try entry(Diagnosis.self))
        case .psychiatricHistory: chart.psychiatricHistory = try entry(PsychiatricHistory.self)
        case .medicalHistory: chart.medicalHistory = try entry(MedicalHistory.self)
        case .vitalSigns: chart.vitalSigns.append(try entry(VitalSigns.self))
        case .trial: chart.trials.append(try entry(AntidepressantTrial.self))
        case .episode: chart.episode = try entry(DepressiveEpisode.self)
        case .identity: break  // the patient row holds the current identity; the items keep its history
        }
    }
}

/// A write named a patient that does not exist.
public struct UnknownPatientError: Error, CustomStringConvertible {
    /// The id given.
    public let patientID: UUID
    public var description: String { "no patient has id \(patientID)" }
}

/// Serialises writes to one patient's record across server instances: a no-op update takes the
/// patient row's lock on PostgreSQL (SQLite already has a single writer), so reading the latest
/// version and inserting the next one cannot interleave with another instance's amendment.
enum PatientRowLock {
    /// Locks `patientID`'s row for the rest of the transaction; throws for an unknown patient.
    static func lock(_ patientID: UUID, _ db: any SQLDatabase) async throws {
        guard try await db.raw("""
            UPDATE patients SET record_revision = record_revision WHERE id = \(bind: patientID.uuidString) RETURNING id
            """).first() != nil else { throw UnknownPatientError(patientID: patientID) }
    }
}
