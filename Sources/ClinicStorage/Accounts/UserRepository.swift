import ClinicDomain
import Foundation
import SQLKit

/// A user together with the secrets sign-in needs; never leaves the server.
public struct StoredUser: Sendable {
    /// The account.
    public var account: UserAccount
    /// The bcrypt hash of the password.
    public var passwordHash: String
    /// The TOTP shared secret, once two-factor sign-in is set up.
    public var totpSecret: String?
    /// The last TOTP time step accepted, so a code cannot be replayed.
    public var totpLastCounter: Int64
}

/// Stores staff accounts. Accounts are deactivated, never deleted; every change is audited.
public protocol UserRepository: Sendable {
    /// Creates an account; a taken email is a field error.
    func create(_ user: NewUser, passwordHash: String, mustChangePassword: Bool, stamp: AuditStamp) async throws -> UserAccount
    /// The account with this id.
    func find(_ id: UUID) async throws -> StoredUser?
    /// The account with this email.
    func find(email: EmailAddress) async throws -> StoredUser?
    /// Every account, by email.
    func all() async throws -> [UserAccount]
    /// How many accounts exist.
    func count() async throws -> Int
    /// Changes name, role or active state, recording before and after.
    func update(_ id: UUID, displayName: String?, role: Role?, isActive: Bool?, stamp: AuditStamp) async throws -> UserAccount
    /// Replaces the password hash; `reason` goes in the audit entry.
    func setPassword(_ id: UUID, hash: String, mustChange: Bool, reason: String, stamp: AuditStamp) async throws
    /// Turns two-factor sign-in on with `secret` (whose code for `usedStep` was just typed, so it
    /// cannot be used again), or off with nil.
    func setTwoFactor(_ id: UUID, secret: String?, usedStep: Int64, stamp: AuditStamp) async throws
    /// Remembers the last accepted TOTP step; false when `counter` is not newer (a replay).
    func acceptTOTPCounter(_ id: UUID, counter: Int64) async throws -> Bool
}

/// ``UserRepository`` over SQL, on either engine.
public struct SQLUserRepository: UserRepository {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    private var keys: ServerKeys { database.keys }

    static let columns = ["id", "email", "display_name", "role", "password_hash", "must_change_password",
                          "is_active", "totp_secret", "totp_last_counter", "created_at"]

    public func create(_ user: NewUser, passwordHash: String, mustChangePassword: Bool, stamp: AuditStamp) async throws -> UserAccount {
        try await database.write { db in
            if try await db.select().column("id").from("users").where("email", .equal, SQLBind(user.email.text)).first() != nil {
                var errors = FieldErrors()
                errors.add("email", "A user with this email already exists.")
                throw errors
            }
            let account = UserAccount(id: UUID.random(), email: user.email, displayName: user.displayName, role: user.role,
                                      isActive: true, mustChangePassword: mustChangePassword, hasTwoFactor: false,
                                      createdAt: stamp.at)
            let now = stamp.at.millisecondsSince1970
            try await db.insert(into: "users").columns(Self.columns + ["updated_at"])
                .values(SQLBind(account.id.uuidString), SQLBind(user.email.text), SQLBind(user.displayName),
                        SQLBind(user.role.rawValue), SQLBind(passwordHash), SQLBind(mustChangePassword), SQLBind(true),
                        SQLBind(String?.none), SQLBind(0), SQLBind(now), SQLBind(now))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "user", entityID: account.id.uuidString,
                                                 summary: "email: \(user.email); role: \(user.role.rawValue)"),
                                      stamp: stamp, in: db)
            return account
        }
    }

    public func find(_ id: UUID) async throws -> StoredUser? {
        let keys = keys
        return try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("users")
                .where("id", .equal, SQLBind(id.uuidString)).first().map { try Self.decode($0, keys: keys) }
        }
    }

    public func find(email: EmailAddress) async throws -> StoredUser? {
        let keys = keys
        return try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("users")
                .where("email", .equal, SQLBind(email.text)).first().map { try Self.decode($0, keys: keys) }
        }
    }

    public func all() async throws -> [UserAccount] {
        let keys = keys
        return try await database.read { db in
            try await db.select().columns(Self.columns.map { SQLColumn($0) }).from("users").orderBy("email").all()
                .map { try Self.decode($0, keys: keys).account }
        }
    }

    public func count() async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func update(_ id: UUID, displayName: String?, role: Role?, isActive: Bool?, stamp: AuditStamp) async throws -> UserAccount {
        try await database.write { db in
            guard let before = try await Self.currentRow(id, db)?.account else { throw UnknownUserError(id: id) }
            var after = before
            if let displayName { after.displayName = displayName }
            if let role { after.role = role }
            if let isActive { after.isActive = isActive }
            guard after != before else { return before }
            try await db.update("users")
                .set("display_name", to: SQLBind(after.displayName)).set("role", to: SQLBind(after.role.rawValue))
                .set("is_active", to: SQLBind(after.isActive)).set("updated_at", to: SQLBind(stamp.at.millisecondsSince1970))
                .where("id", .equal, SQLBind(id.uuidString)).run()
            let summary = AuditEvent.changes([
                ("name", before.displayName, after.displayName), ("role", before.role.rawValue, after.role.rawValue),
                ("active", String(before.isActive), String(after.isActive)),
            ])
            try await AuditLog.append(AuditEvent(.update, entityType: "user", entityID: id.uuidString, summary: summary),
                                      stamp: stamp, in: db)
            return after
        }
    }

    public func setPassword(_ id: UUID, hash: String, mustChange: Bool, reason: String, stamp: AuditStamp) async throws {
        try await database.write { db in
            guard try await Self.currentRow(id, db) != nil else { throw UnknownUserError(id: id) }
            try await db.update("users").set("password_hash", to: SQLBind(hash))
                .set("must_change_password", to: SQLBind(mustChange))
                .set("updated_at", to: SQLBind(stamp.at.millisecondsSince1970))
                .where("id", .equal, SQLBind(id.uuidString)).run()
            try await AuditLog.append(AuditEvent(.update, entityType: "user", entityID: id.uuidString, summary: reason),
                                      stamp: stamp, in: db)
        }
    }

    public func setTwoFactor(_ id: UUID, secret: String?, usedStep: Int64, stamp: AuditStamp) async throws {
        let keys = database.keys
        try await database.write { db in
            guard try await Self.currentRow(id, db) != nil else { throw UnknownUserError(id: id) }
            let sealed = try secret.map { try keys.seal(totpSecret: $0, userID: id) }
            try await db.update("users").set("totp_secret", to: SQLBind(sealed)).set("totp_last_counter", to: SQLBind(usedStep))
                .set("updated_at", to: SQLBind(stamp.at.millisecondsSince1970))
                .where("id", .equal, SQLBind(id.uuidString)).run()
            try await AuditLog.append(AuditEvent(.update, entityType: "user", entityID: id.uuidString,
                                                 summary: secret == nil ? "two-factor sign-in turned off" : "two-factor sign-in set up"),
                                      stamp: stamp, in: db)
        }
    }

    /// Re-seals every stored TOTP secret under `keys`' current key (after a key rotation, or to
    /// seal secrets an older version stored in clear); returns how many were re-sealed. A secret
    /// that cannot be opened is an error: nothing is changed then.
    public func resealTwoFactorSecrets(with keys: ServerKeys, stamp: AuditStamp) async throws -> Int {
        try await database.write { db in
            let rows = try await db.raw("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL").all()
            var count = 0
            for row in rows {
                let idText = try row.decode(column: "id", as: String.self)
                let stored = try row.decode(column: "totp_secret", as: String.self)
                guard let id = UUID(uuidString: idText), !keys.isCurrent(storedTOTPSecret: stored) else { continue }
                guard let clear = keys.open(storedTOTPSecret: stored, userID: id) else {
                    throw KeyFileError("the two-factor secret of user \(idText) cannot be opened with these keys")
                }
                try await db.update("users").set("totp_secret", to: SQLBind(try keys.seal(totpSecret: clear, userID: id)))
                    .where("id", .equal, SQLBind(idText)).run()
                count += 1
            }
            try await AuditLog.append(AuditEvent(.update, entityType: "server_keys", entityID: "totp",
                                                 summary: "two-factor secrets re-sealed under key \(keys.totpKeys[0].id): \(count)"),
                                      stamp: stamp, in: db)
            return count
        }
    }

    public func acceptTOTPCounter(_ id: UUID, counter: Int64) async throws -> Bool {
        try await database.write { db in
            let row = try await db.raw("""
                UPDATE users SET totp_last_counter = \(bind: counter)
                WHERE id = \(bind: id.uuidString) AND totp_last_counter < \(bind: counter) RETURNING id
                """).first()
            return row != nil
        }
    }

    private static func currentRow(_ id: UUID, _ db: any SQLDatabase) async throws -> StoredUser? {
        try await db.select().columns(columns.map { SQLColumn($0) }).from("users")
            .where("id", .equal, SQLBind(id.uuidString)).first().map { try decode($0, keys: nil) }
    }

    /// A stored user; with `keys`, its TOTP secret is opened (nil when it cannot be, and then
    /// ``UserAccount/hasTwoFactor`` still says it is on, so sign-in fails closed).
    static func decode(_ row: any SQLRow, keys: ServerKeys?) throws -> StoredUser {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let email = EmailAddress(try row.decode(column: "email", as: String.self)),
              let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else {
            throw StoredDataError(what: "user \(idText)")
        }
        let secret = try row.decode(column: "totp_secret", as: String?.self)
        return StoredUser(
            account: UserAccount(
                id: id, email: email, displayName: try row.decode(column: "display_name", as: String.self), role: role,
                isActive: try row.decode(column: "is_active", as: Bool.self),
                mustChangePassword: try row.decode(column: "must_change_password", as: Bool.self),
                hasTwoFactor: secret != nil,
                createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self))),
            passwordHash: try row.decode(column: "password_hash", as: String.self),
            totpSecret: secret.flatMap { keys?.open(storedTOTPSecret: $0, userID: id) },
            totpLastCounter: try row.decode(column: "totp_last_counter", as: Int64.self))
    }
}

/// A command named a user that does not exist.
public struct UnknownUserError: Error, CustomStringConvertible {
    /// The id given.
    public let id: UUID
    public var description: String { "no user has id \(id)" }
}
