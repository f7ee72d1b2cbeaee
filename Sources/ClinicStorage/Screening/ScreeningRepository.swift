import ClinicDomain
import Foundation
import SQLKit

/// Stores signed screenings. Rows are never changed (the table refuses it); each signature is a
/// new version. Signing checks, in the same transaction, that the record has not changed since
/// the prescriber reviewed it.
public struct ScreeningRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// Stores the signature as the patient's next version, with audit entries for the signature
    /// and each override. Throws ``RecordChangedError`` when the record's revision is no longer
    /// `recordRevision`.
    public func sign(patientID: UUID, record: PatientRecord, recordRevision: Int64, result: ScreeningResult,
                     review: ScreeningReview, resistance: TreatmentResistanceAssessment,
                     stamp: AuditStamp) async throws -> SignedScreening {
        let decisions = result.decisions(applying: review)
            .map { SignedScreening.Decision(treatment: $0.key, decision: $0.value) }
            .sorted { $0.treatment < $1.treatment }
        return try await database.write { db in
            try await PatientRowLock.lock(patientID, db)
            guard let row = try await db.select().column("record_revision").from("patients")
                .where("id", .equal, SQLBind(patientID.uuidString)).first() else {
                throw UnknownPatientError(patientID: patientID)
            }
            let current = try row.decode(column: "record_revision", as: Int64.self)
            guard current == recordRevision else { throw RecordChangedError(expected: recordRevision, found: current) }
            let last = try await db.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "v")
                .from("screenings").where("patient_id", .equal, SQLBind(patientID.uuidString)).first()
            let version = (try last?.decode(column: "v", as: Int?.self) ?? 0) + 1
            let screening = SignedScreening(
                id: UUID.random(), patientID: patientID, version: version, recordRevision: recordRevision, record: record,
                result: result, review: review, decisions: decisions, resistance: resistance,
                signedBy: stamp.actorName, signedAt: stamp.at)
            func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try Self.encoder.encode(value), as: UTF8.self) }
            try await db.insert(into: "screenings")
                .columns("id", "patient_id", "version", "record_revision", "screened_on", "jurisdiction", "record_snapshot",
                         "policy_snapshot", "result", "review", "decisions", "signed_by", "signed_by_name", "signed_at")
                .values(SQLBind(screening.id.uuidString), SQLBind(patientID.uuidString), SQLBind(version),
                        SQLBind(recordRevision), SQLBind(result.evaluatedOn.iso), SQLBind(result.jurisdiction.code),
                        SQLBind(try json(record)), SQLBind(try json(result.policy)), SQLBind(try json(result)),
                        SQLBind(try json(review)), SQLBind(try json(Stored(decisions: decisions, resistance: resistance))),
                        SQLBind(stamp.userID?.uuidString ?? "system"), SQLBind(stamp.actorName),
                        SQLBind(stamp.at.millisecondsSince1970))
                .run()
            let outcome = decisions.map { "\($0.treatment.displayName): \($0.decision.displayName.lowercased())" }
                .joined(separator: "; ")
            var events = [AuditEvent(.sign, entityType: "screening", entityID: screening.id.uuidString, patientID: patientID,
                                     summary: "signed screening version \(version): \(outcome)")]
            events += review.overrides.map {
                AuditEvent(.override, entityType: "screening", entityID: screening.id.uuidString, patientID: patientID,
                           summary: "overrode \($0.ruleID) for \($0.treatment.displayName): \($0.reason)")
            }
            try await AuditLog.append(events, stamp: stamp, in: db)
            return screening
        }
    }

    /// The patient's signed screenings, newest first.
    public func list(patientID: UUID) async throws -> [SignedScreening] {
        try await database.read { db in
            try await db.select().column("*").from("screenings").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("version", .descending).all().map(Self.decode)
        }
    }

    /// One version.
    public func find(patientID: UUID, version: Int) async throws -> SignedScreening? {
        try await database.read { db in
            try await db.select().column("*").from("screenings").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .where("version", .equal, SQLBind(version)).first().map(Self.decode)
        }
    }

    /// The newest signed screening.
    public func latest(patientID: UUID) async throws -> SignedScreening? {
        try await database.read { db in
            try await db.select().column("*").from("screenings").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("version", .descending).limit(1).first().map(Self.decode)
        }
    }

    private struct Stored: Codable {
        let decisions: [SignedScreening.Decision]
        let resistance: TreatmentResistanceAssessment
    }

    private static func decode(_ row: any SQLRow) throws -> SignedScreening {
        func value<T: Decodable>(_ column: String, _ type: T.Type) throws -> T {
            try decoder.decode(T.self, from: Data(try row.decode(column: column, as: String.self).utf8))
        }
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) else {
            throw StoredDataError(what: "screening \(idText)")
        }
        let stored = try value("decisions", Stored.self)
        return SignedScreening(
            id: id, patientID: patientID, version: try row.decode(column: "version", as: Int.self),
            recordRevision: try row.decode(column: "record_revision", as: Int64.self),
            record: try value("record_snapshot", PatientRecord.self), result: try value("result", ScreeningResult.self),
            review: try value("review", ScreeningReview.self), decisions: stored.decisions, resistance: stored.resistance,
            signedBy: try row.decode(column: "signed_by_name", as: String.self),
            signedAt: Date(millisecondsSince1970: try row.decode(column: "signed_at", as: Int64.self)))
    }
}

/// The record changed between the prescriber's review and the signature: they must look again.
public struct RecordChangedError: Error, CustomStringConvertible {
    /// The revision the prescriber reviewed.
    public let expected: Int64
    /// The revision now.
    public let found: Int64
    public var description: String { "the record changed (revision \(expected) → \(found)) while the screening was reviewed" }
}
