import ClinicDomain
import Foundation
import SQLKit

/// Stores registered patients.
public protocol PatientRepository: Sendable {
    /// Opens a chart: allocates the clinic's next MRN and stores the (validated) registration,
    /// with its audit entry in the same transaction.
    func register(_ registration: PatientRegistration, in clinicID: UUID, stamp: AuditStamp) async throws -> PatientSummary
    /// Registers many patients in one transaction, MRNs in order; for imports and the demo clinic.
    func registerAll(_ registrations: [PatientRegistration], in clinicID: UUID, stamp: AuditStamp) async throws -> [PatientSummary]
    /// How many patients the clinic has.
    func count(in clinicID: UUID) async throws -> Int
    /// One page of the clinic's patients in name order, after `cursor` (exclusive), optionally
    /// only those matching `search`.
    func page(in clinicID: UUID, matching search: PatientSearch?, after cursor: PatientCursor?, limit: Int) async throws -> [PatientSummary]
    /// One patient, if the id belongs to the clinic.
    func find(_ id: UUID, in clinicID: UUID) async throws -> PatientSummary?
    /// The clinic's patient with this medical record number.
    func find(mrn: MedicalRecordNumber, in clinicID: UUID) async throws -> PatientSummary?
}

extension PatientRepository {
    /// One page of all the clinic's patients in name order.
    public func page(in clinicID: UUID, after cursor: PatientCursor?, limit: Int) async throws -> [PatientSummary] {
        try await page(in: clinicID, matching: nil, after: cursor, limit: limit)
    }
}

/// Where a page of the patient list ends: the sort key of its last row.
///
/// Keyset paging stays as fast on page 5,000 as on page 1, unlike OFFSET.
public struct PatientCursor: Equatable, Sendable {
    /// Family name of the last row shown.
    public let familyName: String
    /// Given name of the last row shown.
    public let givenName: String
    /// Id of the last row shown, to break ties between namesakes.
    public let id: UUID

    /// The cursor that continues after `patient`.
    public init(after patient: PatientSummary) {
        familyName = patient.registration.familyName
        givenName = patient.registration.givenName
        id = patient.id
    }

    /// Rebuilds a cursor from its three parts, as carried in a "next page" link.
    public init(familyName: String, givenName: String, id: UUID) {
        self.familyName = familyName
        self.givenName = givenName
        self.id = id
    }
}

/// ``PatientRepository`` over SQL, on either engine.
public struct SQLPatientRepository: PatientRepository {
    private let database: ClinicDatabase

    /// A repository reading and writing `database`.
    public init(database: ClinicDatabase) { self.database = database }

    static let columns: [String] = [
        "id", "mrn", "given_name", "family_name", "date_of_birth", "sex_at_birth", "gender_identity", "registered_at",
    ]
    private static let insert = RowInsert(into: "patients", columns: ["clinic_id", "family_key", "given_key"] + columns)

    public func register(_ registration: PatientRegistration, in clinicID: UUID, stamp: AuditStamp) async throws -> PatientSummary {
        try await registerAll([registration], in: clinicID, stamp: stamp)[0]
    }

    public func registerAll(_ registrations: [PatientRegistration], in clinicID: UUID, stamp: AuditStamp) async throws -> [PatientSummary] {
        try await registerAll(registrations, in: clinicID, stamp: stamp, ids: nil)
    }

    /// Registers the patients with random ids, or with `ids` (one per registration): the demo
    /// loader's bulk patients take time-ordered ones (``TimeOrderedUUIDs``) so their rows append
    /// to the indexes.
    func registerAll(_ registrations: [PatientRegistration], in clinicID: UUID, stamp: AuditStamp,
                     ids: [UUID]?) async throws -> [PatientSummary] {
        precondition(ids == nil || ids?.count == registrations.count, "one id per registration")
        guard !registrations.isEmpty else { return [] }
        let now = stamp.at
        return try await database.write { db in
            let (prefix, last) = try await Self.reserveSequences(registrations.count, in: clinicID, db)
            let first = last - registrations.count + 1
            let patients = registrations.enumerated().map { offset, registration in
                PatientSummary(id: ids?[offset] ?? UUID.random(),
                               mrn: MedicalRecordNumber(prefix: prefix, sequence: first + offset),
                               registration: registration, registeredAt: now)
            }
            // Both engines cap bound parameters per statement; 11 columns × 500 rows stays under.
            for chunk in stride(from: 0, to: patients.count, by: 500) {
                try await db.raw(Self.insert.statement(patients[chunk..<min(chunk + 500, patients.count)].map { patient in
                    let r = patient.registration
                    return [clinicID.uuidString, PatientSearch.key(r.familyName), PatientSearch.key(r.givenName), patient.id.uuidString,
                            patient.mrn.text, r.givenName, r.familyName, r.dateOfBirth.iso, r.sexAtBirth.rawValue, r.genderIdentity,
                            now.millisecondsSince1970]
                })).run()
            }
            try await AuditLog.append(patients.map {
                AuditEvent(.create, entityType: "patient", entityID: $0.id.uuidString, patientID: $0.id,
                           summary: "registered as \($0.mrn.text)")
            }, stamp: stamp, in: db)
            return patients
        }
    }

    /// Read from the clinic's MRN sequence, not counted: MRNs are gapless, taken in the same
    /// transaction as each registration, and patients are never deleted, so the last number taken is
    /// the number of patients. One row instead of a scan of every patient on each list page (at
    /// 100,000 patients the `COUNT(*)` was most of a list page's time).
    public func count(in clinicID: UUID) async throws -> Int {
        try await database.read { db in
            let row = try await db.select().column("last_mrn_sequence").from("clinics")
                .where("id", .equal, SQLBind(clinicID.uuidString)).first()
            return try row?.decode(column: "last_mrn_sequence", as: Int.self) ?? 0
        }
    }

    public func page(in clinicID: UUID, matching search: PatientSearch?, after cursor: PatientCursor?,
                     limit: Int) async throws -> [PatientSummary] {
        try await database.read { db in
            var query = db.select().columns(Self.columns.map { SQLColumn($0) }).from("patients")
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString))
            switch search {
            case nil: break
            case .mrn(let mrn): query = query.where("mrn", .equal, SQLBind(mrn.text))
            case .dateOfBirth(let date): query = query.where("date_of_birth", .equal, SQLBind(date.iso))
            case .name(let family, let given):
                // A prefix is an index range: key >= prefix AND key < the next prefix.
                query = query.where("family_key", .greaterThanOrEqual, SQLBind(family))
                    .where("family_key", .lessThan, SQLBind(PatientSearch.upperBound(ofPrefix: family)))
                if let given {
                    query = query.where("given_key", .greaterThanOrEqual, SQLBind(given))
                        .where("given_key", .lessThan, SQLBind(PatientSearch.upperBound(ofPrefix: given)))
                }
            }
            if let cursor {
                // (family_key, given_key, id) > (cursor…), spelled out so both engines use the index.
                let family = PatientSearch.key(cursor.familyName), given = PatientSearch.key(cursor.givenName)
                query = query.where {
                    $0.where("family_key", .greaterThan, SQLBind(family))
                        .orWhere {
                            $0.where("family_key", .equal, SQLBind(family))
                                .where("given_key", .greaterThan, SQLBind(given))
                        }
                        .orWhere {
                            $0.where("family_key", .equal, SQLBind(family))
                                .where("given_key", .equal, SQLBind(given))
                                .where("id", .greaterThan, SQLBind(cursor.id.uuidString))
                        }
                }
            }
            return try await query.orderBy("family_key").orderBy("given_key").orderBy("id")
                .limit(max(1, limit)).all().map(Self.decodePatient)
        }
    }

    public func find(_ id: UUID, in clinicID: UUID) async throws -> PatientSummary? {
        try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("patients")
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("id", .equal, SQLBind(id.uuidString))
                .first().map(Self.decodePatient)
        }
    }

    public func find(mrn: MedicalRecordNumber, in clinicID: UUID) async throws -> PatientSummary? {
        try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("patients")
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("mrn", .equal, SQLBind(mrn.text))
                .first().map(Self.decodePatient)
        }
    }

    /// Takes the next `count` numbers of the clinic's MRN sequence inside the write transaction.
    /// The row update serialises concurrent registrations on PostgreSQL across app instances.
    private static func reserveSequences(_ count: Int, in clinicID: UUID, _ db: any SQLDatabase) async throws -> (String, Int) {
        guard let row = try await db.raw("""
            UPDATE clinics SET last_mrn_sequence = last_mrn_sequence + \(bind: count)
            WHERE id = \(bind: clinicID.uuidString)
            RETURNING mrn_prefix, last_mrn_sequence
            """).first() else { throw UnknownClinicError(clinicID: clinicID) }
        return (try row.decode(column: "mrn_prefix", as: String.self),
                try row.decode(column: "last_mrn_sequence", as: Int.self))
    }

    static func decodePatient(_ row: any SQLRow) throws -> PatientSummary {
        let idText = try row.decode(column: "id", as: String.self)
        let birthText = try row.decode(column: "date_of_birth", as: String.self)
        let sexText = try row.decode(column: "sex_at_birth", as: String.self)
        guard let id = UUID(uuidString: idText), let birth = CalendarDate(iso: birthText),
              let sex = SexAtBirth(rawValue: sexText) else {
            throw StoredDataError(what: "patient \(idText)")
        }
        return PatientSummary(
            id: id,
            mrn: MedicalRecordNumber(storedText: try row.decode(column: "mrn", as: String.self)),
            registration: PatientRegistration(
                givenName: try row.decode(column: "given_name", as: String.self),
                familyName: try row.decode(column: "family_name", as: String.self),
                dateOfBirth: birth, sexAtBirth: sex,
                genderIdentity: try row.decode(column: "gender_identity", as: String?.self)),
            registeredAt: Date(millisecondsSince1970: try row.decode(column: "registered_at", as: Int64.self)))
    }
}

/// A write named a clinic that does not exist.
public struct UnknownClinicError: Error, CustomStringConvertible {
    /// The id given.
    public let clinicID: UUID
    public var description: String { "no clinic has id \(clinicID)" }
}
