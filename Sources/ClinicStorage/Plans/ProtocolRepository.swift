import ClinicDomain
import Foundation
import SQLKit

/// One saved version of a protocol, with who saved it and why.
public struct ProtocolVersion: Equatable, Sendable {
    /// The protocol as saved.
    public let treatmentProtocol: TreatmentProtocol
    /// When (nil for the built-in version 1).
    public let savedAt: Date?
    /// Who (the product, for the built-in version 1).
    public let savedByName: String
    /// Why it was saved.
    public let reason: String
}

/// Raised when a save would overwrite a version someone else saved meanwhile.
public struct ProtocolVersionConflict: Error, CustomStringConvertible {
    /// The version the editor started from.
    public let expected: Int
    /// The latest version now.
    public let found: Int
    public var description: String { "version \(found) was saved while you edited version \(expected)" }
}

/// The clinic's protocol library: the built-in protocols overlaid with the versions the clinic
/// saved. Versions are never changed (the table refuses it); an edit is the next version.
public struct ProtocolRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// The latest version of every protocol, built-in ones first in library order, then custom ones by name.
    public func library(clinicID: UUID) async throws -> [TreatmentProtocol] {
        let stored = try await database.read { db in
            try await db.select().column("body").from("treatment_protocols")
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .orderBy("protocol_id").orderBy("version").all()
                .map { try StoredJSON.value(TreatmentProtocol.self, "body", of: $0) }
        }
        var latest: [String: TreatmentProtocol] = [:]
        for item in ProtocolLibrary.builtIn { latest[item.id] = item }
        for item in stored { latest[item.id] = item }
        let builtInIDs = ProtocolLibrary.builtIn.map(\.id)
        return builtInIDs.compactMap { latest[$0] }
            + latest.values.filter { !builtInIDs.contains($0.id) }.sorted { $0.name < $1.name }
    }

    /// A protocol: a given version, or the latest.
    public func find(clinicID: UUID, id: String, version: Int? = nil) async throws -> TreatmentProtocol? {
        let versions = try await versions(clinicID: clinicID, id: id)
        guard let version else { return versions.last?.treatmentProtocol }
        return versions.first { $0.treatmentProtocol.version == version }?.treatmentProtocol
    }

    /// Every version of a protocol, oldest first (the built-in version 1 included).
    public func versions(clinicID: UUID, id: String) async throws -> [ProtocolVersion] {
        let stored = try await database.read { db in
            try await db.select().columns("body", "saved_at", "saved_by_name", "reason").from("treatment_protocols")
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).where("protocol_id", .equal, SQLBind(id))
                .orderBy("version").all()
                .map { row in
                    ProtocolVersion(treatmentProtocol: try StoredJSON.value(TreatmentProtocol.self, "body", of: row),
                                    savedAt: Date(millisecondsSince1970: try row.decode(column: "saved_at", as: Int64.self)),
                                    savedByName: try row.decode(column: "saved_by_name", as: String.self),
                                    reason: try row.decode(column: "reason", as: String.self))
                }
        }
        let builtIn = ProtocolLibrary.builtIn(id: id).map {
            ProtocolVersion(treatmentProtocol: $0, savedAt: nil, savedByName: "KetaClinic library",
                            reason: "Built-in protocol from the clinical reference")
        }
        return (builtIn.map { [$0] } ?? []) + stored
    }

    /// Saves `treatmentProtocol` (already validated) as the next version of its id, after
    /// `basedOnVersion` (nil for a new protocol). Throws ``ProtocolVersionConflict`` when another
    /// version was saved in between, so nobody's edit is silently overwritten.
    public func save(_ treatmentProtocol: TreatmentProtocol, basedOnVersion: Int?, clinicID: UUID, reason: String,
                     stamp: AuditStamp) async throws -> TreatmentProtocol {
        let builtInVersion = ProtocolLibrary.builtIn(id: treatmentProtocol.id) == nil ? 0 : 1
        return try await database.write { db in
            let row = try await db.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "v")
                .from("treatment_protocols").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("protocol_id", .equal, SQLBind(treatmentProtocol.id)).first()
            let latest = max(try row?.decode(column: "v", as: Int?.self) ?? 0, builtInVersion)
            guard latest == (basedOnVersion ?? 0) else {
                throw ProtocolVersionConflict(expected: basedOnVersion ?? 0, found: latest)
            }
            var saved = treatmentProtocol
            saved.version = latest + 1
            try await db.insert(into: "treatment_protocols")
                .columns("clinic_id", "protocol_id", "version", "body", "saved_at", "saved_by", "saved_by_name", "reason")
                .values(SQLBind(clinicID.uuidString), SQLBind(saved.id), SQLBind(saved.version), SQLBind(try StoredJSON.text(saved)),
                        SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.userID?.uuidString ?? "system"),
                        SQLBind(stamp.actorName), SQLBind(reason))
                .run()
            try await AuditLog.append(AuditEvent(latest == 0 ? .create : .update, entityType: "treatment_protocol",
                                                 entityID: "\(saved.id)@\(saved.version)",
                                                 summary: "saved \(saved.name) version \(saved.version)\(saved.isRetired ? " (retired)" : ""): \(reason)"),
                                      stamp: stamp, in: db)
            return saved
        }
    }
}
