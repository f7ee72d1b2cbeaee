import ClinicDomain
import Foundation
import SQLKit

/// The clinic's screening and treatment-resistance policies: thresholds the reference leaves to
/// the clinic, stored as JSON on the clinic row. Unset means the documented defaults.
public struct ClinicPolicies: Codable, Equatable, Sendable {
    /// Screening thresholds.
    public var screening: ScreeningPolicy
    /// TRD definition and adequacy.
    public var resistance: TreatmentResistancePolicy

    /// Both policies at their defaults.
    public static let defaults = ClinicPolicies(screening: .defaults, resistance: .defaults)

    /// Creates the pair.
    public init(screening: ScreeningPolicy, resistance: TreatmentResistancePolicy) {
        self.screening = screening
        self.resistance = resistance
    }
}

/// Reads and changes ``ClinicPolicies``; a change writes an audit entry with the old and new JSON.
public struct ClinicPolicyRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// The clinic's policies (defaults where unset).
    public func policies(of clinicID: UUID) async throws -> ClinicPolicies {
        try await database.read { db in
            guard let row = try await db.select().columns("screening_policy", "resistance_policy").from("clinics")
                .where("id", .equal, SQLBind(clinicID.uuidString)).first() else { throw UnknownClinicError(clinicID: clinicID) }
            return ClinicPolicies(
                screening: try Self.decode(row, "screening_policy") ?? .defaults,
                resistance: try Self.decode(row, "resistance_policy") ?? .defaults)
        }
    }

    /// Stores validated `policies`.
    public func update(_ policies: ClinicPolicies, of clinicID: UUID, stamp: AuditStamp) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let screening = String(decoding: try encoder.encode(policies.screening), as: UTF8.self)
        let resistance = String(decoding: try encoder.encode(policies.resistance), as: UTF8.self)
        try await database.write { db in
            guard try await db.raw("""
                UPDATE clinics SET screening_policy = \(bind: screening), resistance_policy = \(bind: resistance),
                updated_at = \(bind: stamp.at.millisecondsSince1970) WHERE id = \(bind: clinicID.uuidString) RETURNING id
                """).first() != nil else { throw UnknownClinicError(clinicID: clinicID) }
            try await AuditLog.append(AuditEvent(.update, entityType: "clinic_policy", entityID: clinicID.uuidString,
                                                 summary: "screening policy \(screening); resistance policy \(resistance)"),
                                      stamp: stamp, in: db)
        }
    }

    private static func decode<T: Decodable>(_ row: any SQLRow, _ column: String) throws -> T? {
        guard let text = try row.decode(column: column, as: String?.self) else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
