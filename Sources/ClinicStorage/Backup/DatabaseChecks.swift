import Foundation
import SQLKit

/// The checks a restored (or any) database must pass before anyone is told it is good: the
/// engine's own consistency check, a schema this binary can serve, and an intact audit chain.
public struct DatabaseChecks: Sendable {
    /// What the checks found.
    public struct Report: Sendable, Equatable {
        /// SQLite: `PRAGMA integrity_check`'s answer (`ok` when sound). PostgreSQL: how many
        /// tables were read through to the end.
        public var integrity: String
        /// True when the engine's check passed.
        public var integrityHolds: Bool
        /// The schema's version against this binary's.
        public var schema: SchemaStatus
        /// The audit chain, verified link by link.
        public var audit: AuditVerification
        /// Patients in the database, to compare with what the clinic expects.
        public var patients: Int

        /// True when every check passed and the schema is not newer than this binary's.
        public var passed: Bool {
            integrityHolds && audit.isIntact && schema.databaseVersion <= schema.knownVersion && schema.databaseVersion > 0
        }

        /// One line per check, for the command line.
        public var lines: [String] {
            var lines = [
                "integrity: " + (integrityHolds ? (integrity == "ok" ? "ok" : "ok (\(integrity))") : "FAILED: \(integrity)"),
                "schema: version \(schema.databaseVersion) (this KetaClinic: \(schema.knownVersion))"
                    + (schema.databaseVersion > schema.knownVersion ? " — NEWER than this binary"
                       : schema.databaseVersion == 0 ? " — not a KetaClinic database"
                       : schema.isCurrent ? "" : " — `ketaclinic migrate` or `serve` will bring it up to date"),
            ]
            if let broken = audit.firstBreak {
                lines.append("audit trail: BROKEN at entry \(broken.sequence): \(broken.reason)")
            } else {
                lines.append("audit trail: intact, \(audit.entriesChecked) entries, last hash \(audit.lastHash)")
            }
            lines.append("patients: \(patients)")
            return lines
        }
    }

    private let database: ClinicDatabase

    /// Checks for `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Runs every check; never changes the database.
    public func run() async throws -> Report {
        let engine = database.engine
        let (integrity, holds): (String, Bool) = try await database.read { db in
            switch engine {
            case .sqlite:
                let answer = try await Self.sqliteIntegrity(db)
                return (answer, answer == "ok")
            case .postgres:
                // Reading every row of every table touches every heap page: a damaged page or a
                // missing file fails here rather than in front of a nurse.
                let tables = try await db.raw(SQLQueryString(engine.listTables)).all()
                    .compactMap { try? $0.decode(column: "name", as: String.self) }
                for table in tables {
                    _ = try await db.raw("SELECT count(*) AS n FROM \(ident: table)").first()
                }
                return ("\(tables.count) tables read through", true)
            }
        }
        let schema = try await Migrator().status(database)
        guard schema.databaseVersion > 0 else {
            return Report(integrity: integrity, integrityHolds: holds, schema: schema,
                          audit: AuditVerification(entriesChecked: 0, lastHash: "", firstBreak: AuditBreak(sequence: 0, reason: "no audit trail")),
                          patients: 0)
        }
        let audit = try await AuditTrail(database: database).verify()
        let patients = try await database.read { db in
            try await db.raw("SELECT count(*) AS n FROM patients").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return Report(integrity: integrity, integrityHolds: holds, schema: schema, audit: audit, patients: patients)
    }

    /// SQLite's `PRAGMA integrity_check`: `ok`, or its findings joined.
    static func sqliteIntegrity(_ db: any SQLDatabase) async throws -> String {
        let rows = try await db.raw("PRAGMA integrity_check").all()
        let findings = rows.compactMap { try? $0.decode(column: "integrity_check", as: String.self) }
        return findings.isEmpty ? "no answer" : findings.joined(separator: "; ")
    }
}
