import ClinicDomain
import Foundation
import SQLKit

/// Stores clinics and their settings.
public protocol ClinicRepository: Sendable {
    /// The clinic this deployment serves first, creating it with `initial` settings when the database has none.
    func ensurePrimaryClinic(initial: ClinicSettings, now: Date) async throws -> Clinic
    /// The first clinic created, if any.
    func primaryClinic() async throws -> Clinic?
    /// Replaces a clinic's settings (already validated), auditing what changed.
    func updateSettings(of clinicID: UUID, to settings: ClinicSettings, stamp: AuditStamp) async throws -> Clinic
}

/// ``ClinicRepository`` over SQL, on either engine.
public struct SQLClinicRepository: ClinicRepository {
    let database: ClinicDatabase

    /// A repository reading and writing `database`.
    public init(database: ClinicDatabase) { self.database = database }

    public func ensurePrimaryClinic(initial: ClinicSettings, now: Date) async throws -> Clinic {
        if let existing = try await primaryClinic() { return existing }
        return try await database.write { db in
            if let existing = try await Self.first(db) { return existing }
            let clinic = Clinic(id: UUID.random(), settings: initial)
            try await db.insert(into: "clinics")
                .columns(Self.columns + ["created_at", "updated_at"])
                .values(SQLBind(clinic.id.uuidString), SQLBind(initial.name), SQLBind(initial.timeZone),
                        SQLBind(initial.jurisdiction.code), SQLBind(initial.mrnPrefix),
                        SQLBind(initial.requireAdministratorTwoFactor),
                        SQLBind(ClinicSettings.workingDaysCode(initial.workingDays)),
                        SQLBind(now.millisecondsSince1970), SQLBind(now.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "clinic", entityID: clinic.id.uuidString,
                                                 summary: "name: \(initial.name)"),
                                      stamp: .system("first start", at: now), in: db)
            return clinic
        }
    }

    public func primaryClinic() async throws -> Clinic? {
        try await database.read { try await Self.first($0) }
    }

    public func updateSettings(of clinicID: UUID, to settings: ClinicSettings, stamp: AuditStamp) async throws -> Clinic {
        try await database.write { db in
            let before = try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("clinics")
                .where("id", .equal, SQLBind(clinicID.uuidString)).first().map(Self.decodeClinic)
            guard let before else { throw UnknownClinicError(clinicID: clinicID) }
            try await db.update("clinics")
                .set("name", to: SQLBind(settings.name))
                .set("time_zone", to: SQLBind(settings.timeZone))
                .set("jurisdiction", to: SQLBind(settings.jurisdiction.code))
                .set("mrn_prefix", to: SQLBind(settings.mrnPrefix))
                .set("require_admin_two_factor", to: SQLBind(settings.requireAdministratorTwoFactor))
                .set("working_days", to: SQLBind(ClinicSettings.workingDaysCode(settings.workingDays)))
                .set("updated_at", to: SQLBind(stamp.at.millisecondsSince1970))
                .where("id", .equal, SQLBind(clinicID.uuidString))
                .run()
            try await AuditLog.append(AuditEvent(.update, entityType: "clinic_settings", entityID: clinicID.uuidString,
                                                 summary: settings.changes(from: before.settings)),
                                      stamp: stamp, in: db)
            return Clinic(id: clinicID, settings: settings)
        }
    }

    static func first(_ db: any SQLDatabase) async throws -> Clinic? {
        guard let row = try await db.select()
            .columns(columns.map { SQLColumn($0) })
            .from("clinics").orderBy("created_at").orderBy("id").limit(1).first()
        else { return nil }
        return try decodeClinic(row)
    }

    static let columns = ["id", "name", "time_zone", "jurisdiction", "mrn_prefix", "require_admin_two_factor", "working_days"]

    static func decodeClinic(_ row: any SQLRow) throws -> Clinic {
        let code = try row.decode(column: "jurisdiction", as: String.self)
        guard let jurisdiction = Jurisdiction(code: code),
              let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else {
            throw StoredDataError(what: "clinic row with jurisdiction \(code)")
        }
        return Clinic(id: id, settings: ClinicSettings(
            name: try row.decode(column: "name", as: String.self),
            timeZone: try row.decode(column: "time_zone", as: String.self),
            jurisdiction: jurisdiction,
            mrnPrefix: try row.decode(column: "mrn_prefix", as: String.self),
            requireAdministratorTwoFactor: try row.decode(column: "require_admin_two_factor", as: Bool.self),
            workingDays: ClinicSettings.workingDays(code: try row.decode(column: "working_days", as: String.self))
                ?? Weekday.mondayToFriday))
    }
}

/// A stored value this binary cannot read back: a sign of a damaged or foreign database.
public struct StoredDataError: Error, CustomStringConvertible {
    /// What could not be read.
    public let what: String
    public var description: String { "unreadable stored data: \(what)" }
}
