import ClinicDomain
import Foundation
import SQLKit

/// Recent failed sign-ins, counted per account and per address for throttling.
public struct SignInFailures: Equatable, Sendable {
    /// Failures for the email since its last success, within the window.
    public var forAccount: Int
    /// Failures from the address within the window.
    public var fromAddress: Int
}

/// Records every sign-in attempt (in the database, so throttling holds across app instances).
public struct SignInAttemptRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Records an attempt. A failure is also written to the audit trail as `failed_login`, in the
    /// same transaction, with `detail` saying which step failed.
    public func record(email: String, succeeded: Bool, userID: UUID?, detail: String, stamp: AuditStamp) async throws {
        try await database.write { db in
            try await db.insert(into: "sign_in_attempts").columns("id", "email", "ip_address", "attempted_at", "succeeded")
                .values(SQLBind(UUID().uuidString), SQLBind(String(email.prefix(254))), SQLBind(stamp.ipAddress),
                        SQLBind(stamp.at.millisecondsSince1970), SQLBind(succeeded))
                .run()
            if !succeeded {
                try await AuditLog.append(AuditEvent(.failedLogin, entityType: "user", entityID: userID?.uuidString ?? "unknown",
                                                     summary: "email entered: \(email.prefix(254)); \(detail)"),
                                          stamp: stamp, in: db)
            }
        }
    }

    /// Failures for `email` and from `ipAddress` since `since`.
    public func failures(email: String, ipAddress: String, since: Date) async throws -> SignInFailures {
        try await database.read { db in
            let since = since.millisecondsSince1970
            let account = try await db.raw("""
                SELECT COUNT(*) AS n FROM sign_in_attempts
                WHERE email = \(bind: email) AND succeeded = \(bind: false) AND attempted_at >= \(bind: since)
                  AND attempted_at > COALESCE((SELECT MAX(attempted_at) FROM sign_in_attempts
                                               WHERE email = \(bind: email) AND succeeded = \(bind: true)), 0)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            let address = try await db.raw("""
                SELECT COUNT(*) AS n FROM sign_in_attempts
                WHERE ip_address = \(bind: ipAddress) AND succeeded = \(bind: false) AND attempted_at >= \(bind: since)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            return SignInFailures(forAccount: account, fromAddress: address)
        }
    }
}
