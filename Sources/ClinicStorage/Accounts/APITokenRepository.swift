import ClinicDomain
import Foundation
import SQLKit

/// An API token as stored: its value is never kept, only the SHA-256 and the first characters
/// so that people can tell their tokens apart.
public struct APITokenRecord: Equatable, Sendable, Identifiable {
    /// Stable id.
    public var id: UUID
    /// Whose token it is; it acts as them, within its scope.
    public var userID: UUID
    /// What it is for ("Vital-signs gateway, chair 3").
    public var name: String
    /// The permissions it carries; the owner's role limits them further.
    public var scopes: Set<Permission>
    /// The first characters of the value, e.g. `kc_Ab3x…`.
    public var prefix: String
    /// When it was created.
    public var createdAt: Date
    /// The last time it was used (to the minute).
    public var lastUsedAt: Date?
    /// When it was revoked, if it was.
    public var revokedAt: Date?
}

/// Stores API tokens: created (shown once), used, revoked. Every creation and revocation is audited.
public struct APITokenRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    static let columns = ["id", "user_id", "name", "scopes", "token_prefix", "created_at", "last_used_at", "revoked_at"]

    /// Creates a token for `userID` and returns its value, which is never shown again.
    public func create(userID: UUID, name: String, scopes: Set<Permission>, stamp: AuditStamp) async throws -> (value: String, record: APITokenRecord) {
        let value = SecretToken.generate(prefix: "kc_")
        let record = APITokenRecord(id: UUID.random(), userID: userID, name: name, scopes: scopes,
                                    prefix: String(value.prefix(7)), createdAt: stamp.at, lastUsedAt: nil, revokedAt: nil)
        try await database.write { db in
            try await db.insert(into: "api_tokens")
                .columns("id", "user_id", "name", "scopes", "token_hash", "token_prefix", "created_at")
                .values(SQLBind(record.id.uuidString), SQLBind(userID.uuidString), SQLBind(name),
                        SQLBind(Self.encode(scopes)), SQLBind(SecretToken.digest(value)), SQLBind(record.prefix),
                        SQLBind(stamp.at.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "api_token", entityID: record.id.uuidString,
                                                 summary: "owner: \(userID.uuidString); name: \(name); scopes: \(Self.encode(scopes))"),
                                      stamp: stamp, in: db)
        }
        return (value, record)
    }

    /// The token whose value is `value`, revoked or not.
    public func find(value: String) async throws -> APITokenRecord? {
        let hash = SecretToken.digest(value)
        return try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("api_tokens")
                .where("token_hash", .equal, SQLBind(hash)).first().map(Self.decode)
        }
    }

    /// One token by id.
    public func find(_ id: UUID) async throws -> APITokenRecord? {
        try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("api_tokens")
                .where("id", .equal, SQLBind(id.uuidString)).first().map(Self.decode)
        }
    }

    /// A user's tokens, newest first.
    public func all(for userID: UUID) async throws -> [APITokenRecord] {
        try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("api_tokens")
                .where("user_id", .equal, SQLBind(userID.uuidString)).orderBy("created_at", .descending).all().map(Self.decode)
        }
    }

    /// Notes a use at `now`.
    public func touch(_ id: UUID, now: Date) async throws {
        try await database.write { db in
            try await db.update("api_tokens").set("last_used_at", to: SQLBind(now.millisecondsSince1970))
                .where("id", .equal, SQLBind(id.uuidString)).run()
        }
    }

    /// Revokes a token for good; false when it was already revoked.
    @discardableResult
    public func revoke(_ id: UUID, stamp: AuditStamp) async throws -> Bool {
        try await database.write { db in
            let rows = try await db.raw("""
                UPDATE api_tokens SET revoked_at = \(bind: stamp.at.millisecondsSince1970),
                    revoked_by = \(bind: stamp.userID?.uuidString ?? stamp.actorName)
                WHERE id = \(bind: id.uuidString) AND revoked_at IS NULL RETURNING id
                """).all()
            guard !rows.isEmpty else { return false }
            try await AuditLog.append(AuditEvent(.void, entityType: "api_token", entityID: id.uuidString, summary: "revoked"),
                                      stamp: stamp, in: db)
            return true
        }
    }

    static func encode(_ scopes: Set<Permission>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: " ")
    }

    static func decode(_ row: any SQLRow) throws -> APITokenRecord {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let userID = UUID(uuidString: try row.decode(column: "user_id", as: String.self)) else {
            throw StoredDataError(what: "API token \(idText)")
        }
        let scopes = try row.decode(column: "scopes", as: String.self).split(separator: " ")
            .compactMap { Permission(rawValue: String($0)) }
        return APITokenRecord(
            id: id, userID: userID, name: try row.decode(column: "name", as: String.self), scopes: Set(scopes),
            prefix: try row.decode(column: "token_prefix", as: String.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}
