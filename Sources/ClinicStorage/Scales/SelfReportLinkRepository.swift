import ClinicDomain
import Foundation
import SQLKit

/// Stores one-time self-report links. The code itself is never stored, only its HMAC-SHA256 under
/// the server's code key (kept outside the database), so a stolen copy of the database cannot be
/// searched for codes offline; the clinic's wrong-code lock stops guessing online.
public struct SelfReportLinkRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Creates a link for `patientID` and returns it with its code (shown once to staff).
    public func create(patientID: UUID, instruments: [InstrumentID], lifetimeHours: Int, stamp: AuditStamp)
        async throws -> (link: SelfReportLink, code: String) {
        var generator = SystemRandomNumberGenerator()
        let code = SelfReportCode.generate(using: &generator)
        let digest = database.keys.codeDigest(code)
        let link = SelfReportLink(id: UUID.random(), patientID: patientID, instruments: instruments, createdAt: stamp.at,
                                  createdByName: stamp.actorName, expiresAt: stamp.at.addingTimeInterval(Double(lifetimeHours) * 3600))
        try await database.write { db in
            try await db.insert(into: "self_report_links")
                .columns("id", "code_digest", "patient_id", "instruments", "created_at", "created_by", "created_by_name", "expires_at")
                .values(SQLBind(link.id.uuidString), SQLBind(digest), SQLBind(patientID.uuidString),
                        SQLBind(instruments.map(\.rawValue).joined(separator: ",")), SQLBind(stamp.at.millisecondsSince1970),
                        SQLBind(stamp.userID?.uuidString ?? "system"), SQLBind(stamp.actorName),
                        SQLBind(link.expiresAt.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "self_report_link", entityID: link.id.uuidString, patientID: patientID,
                                                 summary: "self-report link for \(instruments.map(\.rawValue).joined(separator: ", ")), "
                                                    + "open \(lifetimeHours) h"),
                                      stamp: stamp, in: db)
        }
        return (link, code)
    }

    /// The link a typed code opens, if any (any case, with or without the hyphen).
    public func link(code: String) async throws -> SelfReportLink? {
        guard let normalized = SelfReportCode.normalized(code) else { return nil }
        // Links made before codes were keyed hold a plain SHA-256 digest; they expire within days.
        let digests = [database.keys.codeDigest(normalized), SecretToken.digest(normalized)]
        return try await database.read { db in
            try await db.select().column("*").from("self_report_links")
                .where("code_digest", .in, SQLBind.group(digests)).first().map(Self.decode)
        }
    }

    /// The patient's links, newest first.
    public func links(patientID: UUID) async throws -> [SelfReportLink] {
        try await database.read { db in
            try await db.select().column("*").from("self_report_links").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .orderBy("created_at", .descending).all().map(Self.decode)
        }
    }

    /// Counts a wrong date of birth against the link (audited) and returns the new count, in one
    /// statement so parallel guesses cannot get past the lock.
    @discardableResult
    public func recordFailedCheck(_ link: SelfReportLink, stamp: AuditStamp) async throws -> Int {
        try await database.write { db in
            let row = try await db.raw("""
                UPDATE self_report_links SET failed_checks = failed_checks + 1 WHERE id = \(bind: link.id.uuidString) RETURNING failed_checks
                """).first()
            let count = try row?.decode(column: "failed_checks", as: Int.self) ?? SelfReportLink.maximumFailedChecks
            try await AuditLog.append(AuditEvent(.failedLogin, entityType: "self_report_link", entityID: link.id.uuidString,
                                                 patientID: link.patientID, summary: "wrong date of birth on a self-report link"),
                                      stamp: stamp, in: db)
            return count
        }
    }

    /// Withdraws an open link; false when it was no longer open.
    public func revoke(_ id: UUID, patientID: UUID, stamp: AuditStamp) async throws -> Bool {
        try await database.write { db in
            guard try await db.raw("""
                UPDATE self_report_links SET revoked_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE id = \(bind: id.uuidString) AND patient_id = \(bind: patientID.uuidString) AND used_at IS NULL AND revoked_at IS NULL
                RETURNING id
                """).first() != nil else { return false }
            try await AuditLog.append(AuditEvent(.void, entityType: "self_report_link", entityID: id.uuidString, patientID: patientID,
                                                 summary: "self-report link withdrawn"),
                                      stamp: stamp, in: db)
            return true
        }
    }

    private static func decode(_ row: any SQLRow) throws -> SelfReportLink {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText),
              let patientID = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) else {
            throw StoredDataError(what: "self-report link \(idText)")
        }
        let instruments = try row.decode(column: "instruments", as: String.self).split(separator: ",")
            .compactMap { InstrumentID(rawValue: String($0)) }
        return SelfReportLink(id: id, patientID: patientID, instruments: instruments,
                              createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                              createdByName: try row.decode(column: "created_by_name", as: String.self),
                              expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)),
                              usedAt: try row.decode(column: "used_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
                              failedChecks: try row.decode(column: "failed_checks", as: Int.self),
                              revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}
