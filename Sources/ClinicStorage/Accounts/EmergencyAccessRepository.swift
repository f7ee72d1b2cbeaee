import ClinicDomain
import Foundation
import SQLKit

/// Stores "break the glass" grants; each is audited as an override in the same transaction.
public struct EmergencyAccessRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Grants `userID` the clinical record of `patientID` for ``EmergencyAccessGrant/duration``.
    public func grant(userID: UUID, userName: String, patientID: UUID, reason: String, stamp: AuditStamp) async throws -> EmergencyAccessGrant {
        let grant = EmergencyAccessGrant(id: UUID.random(), userID: userID, userName: userName, patientID: patientID, reason: reason,
                                         grantedAt: stamp.at, expiresAt: stamp.at.addingTimeInterval(EmergencyAccessGrant.duration))
        try await database.write { db in
            try await db.insert(into: "emergency_access_grants")
                .columns("id", "user_id", "user_name", "patient_id", "reason", "granted_at", "expires_at")
                .values(SQLBind(grant.id.uuidString), SQLBind(userID.uuidString), SQLBind(userName), SQLBind(patientID.uuidString),
                        SQLBind(reason), SQLBind(grant.grantedAt.millisecondsSince1970), SQLBind(grant.expiresAt.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.override, entityType: "emergency_access", entityID: grant.id.uuidString,
                                                 patientID: patientID,
                                                 summary: "break the glass: clinical record opened for 30 min; reason: \(reason)"),
                                      stamp: stamp, in: db)
        }
        return grant
    }

    /// The patients whose clinical record `userID` may open at `now`.
    public func activePatients(userID: UUID, at now: Date) async throws -> Set<UUID> {
        try await database.read { db in
            let rows = try await db.select().column("patient_id").from("emergency_access_grants")
                .where("user_id", .equal, SQLBind(userID.uuidString))
                .where("expires_at", .greaterThan, SQLBind(now.millisecondsSince1970)).all()
            return Set(try rows.compactMap { UUID(uuidString: try $0.decode(column: "patient_id", as: String.self)) })
        }
    }

    /// Grants for `patientID`, newest first.
    public func grants(patientID: UUID) async throws -> [EmergencyAccessGrant] {
        try await database.read { db in
            try await db.select().column("*").from("emergency_access_grants").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("granted_at", .descending).limit(50).all().map(Self.decode)
        }
    }

    /// Grants made since `since`, newest first, for the prescribers' review.
    public func grants(since: Date) async throws -> [EmergencyAccessGrant] {
        try await database.read { db in
            try await db.select().column("*").from("emergency_access_grants")
                .where("granted_at", .greaterThanOrEqual, SQLBind(since.millisecondsSince1970))
                .orderBy("granted_at", .descending).limit(100).all().map(Self.decode)
        }
    }

    static func decode(_ row: any SQLRow) throws -> EmergencyAccessGrant {
        func id(_ column: String) throws -> UUID {
            guard let value = UUID(uuidString: try row.decode(column: column, as: String.self)) else {
                throw StoredDataError(what: "emergency access grant \(column)")
            }
            return value
        }
        return EmergencyAccessGrant(
            id: try id("id"), userID: try id("user_id"), userName: try row.decode(column: "user_name", as: String.self),
            patientID: try id("patient_id"), reason: try row.decode(column: "reason", as: String.self),
            grantedAt: Date(millisecondsSince1970: try row.decode(column: "granted_at", as: Int64.self)),
            expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)))
    }
}
