import ClinicDomain
import Foundation
import SQLKit

/// Whether a sign-in may go on to the password check.
public enum SignInReservation: Equatable, Sendable {
    /// The attempt is reserved under this id and counts as a failure until it is resolved.
    case reserved(UUID)
    /// Too many recent failures: try again after this many seconds.
    case throttled(retryAfter: TimeInterval)

    /// Seconds to wait before trying again (0 when reserved).
    public var retryAfter: TimeInterval {
        if case .throttled(let seconds) = self { return seconds }
        return 0
    }
}

/// Records every sign-in attempt (in the database, so throttling holds across app instances).
///
/// An attempt is reserved before its password is checked: the reservation counts as a failure
/// at once, so many guesses sent at the same moment cannot all be checked before any is counted.
public struct SignInAttemptRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Reserves one attempt for `email` from `stamp.ipAddress`, unless `throttle` says to wait; a
    /// throttled attempt is written to the audit trail as `failed_login` with the real address.
    public func reserve(email: String, throttle: SignInThrottle, stamp: AuditStamp) async throws -> SignInReservation {
        let email = String(email.prefix(254))
        let engine = database.engine
        return try await database.write { db in
            if engine == .postgres {
                // Several instances: take turns per account, so the count and the insert are one step.
                try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "sign-in:" + email)))").run()
            }
            let history = try await Self.history(email: email, ipAddress: stamp.ipAddress,
                                                 since: stamp.at.addingTimeInterval(-throttle.window), in: db)
            if let wait = throttle.wait(history, now: stamp.at) {
                try await AuditLog.append(AuditEvent(.failedLogin, entityType: "user", entityID: "unknown",
                                                     summary: "email entered: \(email); refused: too many failures"),
                                          stamp: stamp, in: db)
                return .throttled(retryAfter: wait)
            }
            let id = UUID.random()
            try await db.insert(into: "sign_in_attempts").columns("id", "email", "ip_address", "attempted_at", "succeeded")
                .values(SQLBind(id.uuidString), SQLBind(email), SQLBind(stamp.ipAddress),
                        SQLBind(stamp.at.millisecondsSince1970), SQLBind(false))
                .run()
            return .reserved(id)
        }
    }

    /// Resolves a reserved attempt: a success stops counting as a failure; a failure stays counted
    /// and is written to the audit trail as `failed_login`, with `detail` saying which step failed.
    public func resolve(_ reservation: UUID, email: String, succeeded: Bool, userID: UUID?, detail: String,
                        stamp: AuditStamp) async throws {
        try await database.write { db in
            if succeeded {
                try await db.update("sign_in_attempts").set("succeeded", to: SQLBind(true))
                    .where("id", .equal, SQLBind(reservation.uuidString)).run()
            } else {
                try await AuditLog.append(AuditEvent(.failedLogin, entityType: "user", entityID: userID?.uuidString ?? "unknown",
                                                     summary: "email entered: \(email.prefix(254)); \(detail)"),
                                          stamp: stamp, in: db)
            }
        }
    }

    /// Failures for `email` and from `ipAddress` since `since`, per scope.
    static func history(email: String, ipAddress: String, since: Date, in db: any SQLDatabase) async throws -> SignInHistory {
        let since = since.millisecondsSince1970
        let lastSuccess = try await db.raw("""
            SELECT MAX(attempted_at) AS at FROM sign_in_attempts WHERE email = \(bind: email) AND succeeded = \(bind: true)
            """).first()?.decode(column: "at", as: Int64?.self) ?? nil
        let from = max(since, lastSuccess.map { $0 + 1 } ?? since)
        func scope(_ row: SQLRow?) throws -> SignInScopeFailures {
            let count = try row?.decode(column: "n", as: Int.self) ?? 0
            let latest = try row?.decode(column: "latest", as: Int64?.self) ?? nil
            return SignInScopeFailures(count: count, latest: latest.map { Date(timeIntervalSince1970: Double($0) / 1000) })
        }
        let pair = try await db.raw("""
            SELECT COUNT(*) AS n, MAX(attempted_at) AS latest FROM sign_in_attempts
            WHERE email = \(bind: email) AND ip_address = \(bind: ipAddress) AND succeeded = \(bind: false)
              AND attempted_at >= \(bind: from)
            """).first()
        let account = try await db.raw("""
            SELECT COUNT(*) AS n, MAX(attempted_at) AS latest FROM sign_in_attempts
            WHERE email = \(bind: email) AND succeeded = \(bind: false) AND attempted_at >= \(bind: from)
            """).first()
        let address = try await db.raw("""
            SELECT COUNT(*) AS n, MAX(attempted_at) AS latest FROM sign_in_attempts
            WHERE ip_address = \(bind: ipAddress) AND succeeded = \(bind: false) AND attempted_at >= \(bind: since)
            """).first()
        return SignInHistory(accountFromAddress: try scope(pair), account: try scope(account), address: try scope(address))
    }
}
