import ClinicDomain
import Foundation
import SQLKit

/// One sign-in session as stored: the cookie's token is never stored, only its SHA-256 (`id`).
public struct SessionRecord: Equatable, Sendable {
    /// Where the session stands.
    public enum Stage: String, Sendable {
        /// The password was right; a TOTP code is still due.
        case awaitingSecondFactor = "second_factor"
        /// Signed in.
        case active
    }

    /// SHA-256 of the cookie's token.
    public var id: String
    /// Whose session it is.
    public var userID: UUID
    /// Where it stands.
    public var stage: Stage
    /// The token every state-changing form of this session must carry.
    public var csrfToken: String
    /// When it started.
    public var createdAt: Date
    /// The last request seen; drives the idle timeout.
    public var lastSeenAt: Date
    /// The absolute end, whatever the activity.
    public var expiresAt: Date
    /// When it ended, if it has.
    public var endedAt: Date?
    /// Where it was started from.
    public var ipAddress: String
    /// The browser that started it.
    public var userAgent: String
}

/// Stores sessions in the database, so that any app instance sharing it can serve any request.
public struct SessionRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    static let columns = ["id", "user_id", "stage", "csrf_token", "created_at", "last_seen_at", "expires_at",
                          "ended_at", "ip_address", "user_agent"]

    /// Starts a session and returns its cookie token. An `.active` session is audited as a login.
    public func start(userID: UUID, stage: SessionRecord.Stage, lifetime: TimeInterval, ipAddress: String,
                      userAgent: String, stamp: AuditStamp) async throws -> (token: String, session: SessionRecord) {
        let token = SecretToken.generate()
        let session = SessionRecord(id: SecretToken.digest(token), userID: userID, stage: stage,
                                    csrfToken: SecretToken.generate(), createdAt: stamp.at, lastSeenAt: stamp.at,
                                    expiresAt: stamp.at.addingTimeInterval(lifetime), endedAt: nil,
                                    ipAddress: ipAddress, userAgent: String(userAgent.prefix(300)))
        try await database.write { db in
            try await db.insert(into: "sessions").columns(Self.columns)
                .values(SQLBind(session.id), SQLBind(userID.uuidString), SQLBind(stage.rawValue), SQLBind(session.csrfToken),
                        SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.at.millisecondsSince1970),
                        SQLBind(session.expiresAt.millisecondsSince1970), SQLBind(Int64?.none),
                        SQLBind(ipAddress), SQLBind(session.userAgent))
                .run()
            if stage == .active {
                try await AuditLog.append(AuditEvent(.login, entityType: "user", entityID: userID.uuidString,
                                                     summary: "session started"), stamp: stamp, in: db)
            }
        }
        return (token, session)
    }

    /// The session whose cookie token is `token`, ended or not.
    public func find(token: String) async throws -> SessionRecord? {
        let id = SecretToken.digest(token)
        return try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("sessions")
                .where("id", .equal, SQLBind(id)).first().map(Self.decode)
        }
    }

    /// The user's sessions that have not ended, newest first.
    public func open(for userID: UUID) async throws -> [SessionRecord] {
        try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("sessions")
                .where("user_id", .equal, SQLBind(userID.uuidString)).where("ended_at", .is, SQLLiteral.null)
                .orderBy("created_at", .descending).all().map(Self.decode)
        }
    }

    /// Records activity at `now`.
    public func touch(_ id: String, now: Date) async throws {
        try await database.write { db in
            try await db.update("sessions").set("last_seen_at", to: SQLBind(now.millisecondsSince1970))
                .where("id", .equal, SQLBind(id)).run()
        }
    }

    /// Ends one session; audited as a logout with `reason`.
    public func end(_ session: SessionRecord, reason: String, stamp: AuditStamp) async throws {
        try await database.write { db in
            try await db.update("sessions").set("ended_at", to: SQLBind(stamp.at.millisecondsSince1970))
                .set("end_reason", to: SQLBind(reason))
                .where("id", .equal, SQLBind(session.id)).where("ended_at", .is, SQLLiteral.null).run()
            if session.stage == .active {
                try await AuditLog.append(AuditEvent(.logout, entityType: "user", entityID: session.userID.uuidString,
                                                     summary: reason), stamp: stamp, in: db)
            }
        }
    }

    /// Ends every open session of a user (deactivation, password reset, an administrator's
    /// request); returns how many ended.
    @discardableResult
    public func endAll(for userID: UUID, except kept: String? = nil, reason: String, stamp: AuditStamp) async throws -> Int {
        try await database.write { db in
            let ended = try await db.raw("""
                UPDATE sessions SET ended_at = \(bind: stamp.at.millisecondsSince1970), end_reason = \(bind: reason)
                WHERE user_id = \(bind: userID.uuidString) AND ended_at IS NULL AND id <> \(bind: kept ?? "") RETURNING id
                """).all().count
            try await AuditLog.append(AuditEvent(.logout, entityType: "user", entityID: userID.uuidString,
                                                 summary: "\(reason); sessions ended: \(ended)"), stamp: stamp, in: db)
            return ended
        }
    }

    static func decode(_ row: any SQLRow) throws -> SessionRecord {
        let userText = try row.decode(column: "user_id", as: String.self)
        guard let userID = UUID(uuidString: userText),
              let stage = SessionRecord.Stage(rawValue: try row.decode(column: "stage", as: String.self)) else {
            throw StoredDataError(what: "session of user \(userText)")
        }
        return SessionRecord(
            id: try row.decode(column: "id", as: String.self), userID: userID, stage: stage,
            csrfToken: try row.decode(column: "csrf_token", as: String.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            lastSeenAt: Date(millisecondsSince1970: try row.decode(column: "last_seen_at", as: Int64.self)),
            expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)),
            endedAt: try row.decode(column: "ended_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            ipAddress: try row.decode(column: "ip_address", as: String.self),
            userAgent: try row.decode(column: "user_agent", as: String.self))
    }
}
