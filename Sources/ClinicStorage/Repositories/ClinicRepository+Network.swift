import ClinicDomain
import Foundation
import SQLKit

/// A second clinic was asked of a SQLite database: a network of clinics shares one PostgreSQL
/// database (several app instances, replicas), while a SQLite file serves one clinic.
public struct ClinicNetworkNeedsPostgresError: Error, CustomStringConvertible {
    /// The error.
    public init() {}
    public var description: String {
        "a network of clinics shares one PostgreSQL database; this SQLite database serves one clinic. "
            + "Point --database (or KETACLINIC_DATABASE) at a postgres:// address to run a network."
    }
}

extension SQLClinicRepository {
    /// Every clinic of the deployment, first created first: the columns of the network outcome report.
    public func all() async throws -> [Clinic] {
        try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("clinics")
                .orderBy("created_at").orderBy("id").all().map(Self.decodeClinic)
        }
    }

    /// Adds another clinic to a network (PostgreSQL only; see ``ClinicNetworkNeedsPostgresError``),
    /// with its settings already validated, and audits it.
    public func addNetworkClinic(_ settings: ClinicSettings, stamp: AuditStamp) async throws -> Clinic {
        guard database.engine == .postgres else { throw ClinicNetworkNeedsPostgresError() }
        return try await database.write { db in
            let clinic = Clinic(id: UUID.random(), settings: settings)
            // Created after every existing clinic, so the first clinic stays the primary one (the
            // clinic this deployment's server and staff serve) even when both are made in one instant.
            let latest = try await db.raw("SELECT MAX(created_at) AS latest FROM clinics").first()?
                .decode(column: "latest", as: Int64?.self)
            let at = max(stamp.at.millisecondsSince1970, (latest ?? .min) + 1)
            try await db.insert(into: "clinics")
                .columns(Self.columns + ["created_at", "updated_at"])
                .values(SQLBind(clinic.id.uuidString), SQLBind(settings.name), SQLBind(settings.timeZone),
                        SQLBind(settings.jurisdiction.code), SQLBind(settings.mrnPrefix),
                        SQLBind(settings.requireAdministratorTwoFactor),
                        SQLBind(ClinicSettings.workingDaysCode(settings.workingDays)), SQLBind(at), SQLBind(at))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "clinic", entityID: clinic.id.uuidString,
                                                 summary: "network clinic added, name: \(settings.name)"),
                                      stamp: stamp, in: db)
            return clinic
        }
    }
}
