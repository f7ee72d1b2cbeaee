import ClinicDomain
import Foundation
import SQLKit

/// Ten single-use codes that stand in for the authenticator app when it is lost. Only keyed
/// digests are stored; the codes are shown once, when made.
public struct RecoveryCodeRepository: Sendable {
    private let database: ClinicDatabase

    /// How many codes a set holds.
    public static let setSize = 10

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// A new code: ten characters of the base32 alphabet (50 random bits) in two groups of five.
    public static func generateCode() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(characters[0..<5]) + "-" + String(characters[5..<10])
    }

    /// A typed code in its stored form's input: upper case, without spaces or the hyphen.
    static func normalized(_ code: String) -> String? {
        let kept = code.uppercased().filter { $0.isLetter || $0.isNumber }
        return kept.count == 10 ? kept : nil
    }

    /// Replaces the user's codes with a new set and returns it (shown once). Unused old codes stop working.
    public func replace(for userID: UUID, stamp: AuditStamp) async throws -> [String] {
        let codes = (0..<Self.setSize).map { _ in Self.generateCode() }
        let keys = database.keys
        try await database.write { db in
            try await db.update("two_factor_recovery_codes").set("used_at", to: SQLBind(stamp.at.millisecondsSince1970))
                .where("user_id", .equal, SQLBind(userID.uuidString)).where("used_at", .is, SQLLiteral.null).run()
            var insert = db.insert(into: "two_factor_recovery_codes").columns("id", "user_id", "code_digest", "created_at")
            for code in codes {
                insert = insert.values(SQLBind(UUID.random().uuidString), SQLBind(userID.uuidString),
                                       SQLBind(keys.codeDigest(Self.normalized(code)!)), SQLBind(stamp.at.millisecondsSince1970))
            }
            try await insert.run()
            try await AuditLog.append(AuditEvent(.update, entityType: "user", entityID: userID.uuidString,
                                                 summary: "new set of \(Self.setSize) two-factor recovery codes made"),
                                      stamp: stamp, in: db)
        }
        return codes
    }

    /// Uses `code` once: true when it was one of the user's unused codes (it is then spent).
    public func consume(_ code: String, for userID: UUID, stamp: AuditStamp) async throws -> Bool {
        guard let normalized = Self.normalized(code) else { return false }
        let digest = database.keys.codeDigest(normalized)
        return try await database.write { db in
            let row = try await db.raw("""
                UPDATE two_factor_recovery_codes SET used_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE user_id = \(bind: userID.uuidString) AND code_digest = \(bind: digest) AND used_at IS NULL
                RETURNING id
                """).first()
            guard row != nil else { return false }
            try await AuditLog.append(AuditEvent(.update, entityType: "user", entityID: userID.uuidString,
                                                 summary: "a two-factor recovery code was used"),
                                      stamp: stamp, in: db)
            return true
        }
    }

    /// Unused codes the user has left.
    public func remaining(for userID: UUID) async throws -> Int {
        try await database.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM two_factor_recovery_codes WHERE user_id = \(bind: userID.uuidString) AND used_at IS NULL
                """).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Spends every unused code of the user (two-factor turned off).
    public func revokeAll(for userID: UUID, stamp: AuditStamp) async throws {
        try await database.write { db in
            try await db.update("two_factor_recovery_codes").set("used_at", to: SQLBind(stamp.at.millisecondsSince1970))
                .where("user_id", .equal, SQLBind(userID.uuidString)).where("used_at", .is, SQLLiteral.null).run()
        }
    }
}
