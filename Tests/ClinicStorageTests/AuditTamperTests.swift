import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

/// Issue 22, point 4: what an insider with write access to the database can do to the trail, and
/// how each is caught: the stored bytes are hashed as stored, rows are counted, every entry
/// carries a MAC under a key outside the database, and signed checkpoints pin the head.
@Suite("Audit trail against an insider: every tampering is detected")
struct AuditTamperTests {
    static let keys = ServerKeys.processDefault
    static let columns = ["sequence", "occurred_at", "user_id", "actor_name", "role", "request_id", "ip_address", "action",
                          "entity_type", "entity_id", "patient_id", "summary"]

    /// Removes every guard the schema has (triggers, constraints), as an insider would.
    static func dropGuards(_ database: ClinicDatabase) async throws {
        let statements: [String] = switch database.engine {
        case .sqlite: ["DROP TRIGGER audit_entries_refuse_update", "DROP TRIGGER audit_entries_refuse_delete",
                       "DROP TRIGGER audit_entries_refuse_null"]
        case .postgres: ["DROP TRIGGER audit_entries_refuse_change ON audit_entries",
                         "ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_need_mac"]
        }
        for statement in statements { try await run(database, statement) }
    }

    static func run(_ database: ClinicDatabase, _ sql: String) async throws {
        _ = try await database.write { db in try await db.raw(SQLQueryString(sql)).run() }
    }

    /// Recomputes the plain SHA-256 chain from `from` on, as someone who knows the format but not
    /// the key would, and moves the head to match.
    static func recomputeChain(_ database: ClinicDatabase, from: Int64) async throws {
        let rows = try await database.read { db in
            try await db.select().columns((columns + ["previous_hash", "hash"]).map { SQLColumn($0) }).from("audit_entries")
                .where("sequence", .greaterThanOrEqual, SQLBind(from - 1)).orderBy("sequence").all()
        }
        var previous = try rows[0].decode(column: "hash", as: String.self)
        var last: Int64 = from - 1
        for row in rows.dropFirst() {
            var fields: [String?] = [String(try row.decode(column: "sequence", as: Int64.self)),
                                     String(try row.decode(column: "occurred_at", as: Int64.self))]
            for column in columns.dropFirst(2) { fields.append(try row.decode(column: column, as: String?.self)) }
            let hash = AuditChain.hash(previousHash: previous, storedFields: fields)
            last = try row.decode(column: "sequence", as: Int64.self)
            try await run(database, "UPDATE audit_entries SET previous_hash = '\(previous)', hash = '\(hash)' WHERE sequence = \(last)")
            previous = hash
        }
        try await run(database, "UPDATE audit_chain_head SET last_sequence = \(last), last_hash = '\(previous)' WHERE id = 1")
    }

    /// Appends an entry with a correct SHA-256 link (and a guessed MAC) after the head.
    static func appendForged(_ database: ClinicDatabase, mac: String) async throws {
        let head = try await database.read { db in try await db.raw("SELECT last_sequence, last_hash FROM audit_chain_head").first()! }
        let sequence = try head.decode(column: "last_sequence", as: Int64.self) + 1
        let previous = try head.decode(column: "last_hash", as: String.self)
        let fields: [String?] = [String(sequence), "1795359600000", nil, "system: test", nil, "forged", "local", "view",
                                 "patient", "p-forged", nil, "nothing to see"]
        let hash = AuditChain.hash(previousHash: previous, storedFields: fields)
        try await run(database, """
            INSERT INTO audit_entries (sequence, occurred_at, user_id, actor_name, role, request_id, ip_address, action,
              entity_type, entity_id, patient_id, summary, previous_hash, hash, mac)
            VALUES (\(sequence), 1795359600000, NULL, 'system: test', NULL, 'forged', 'local', 'view', 'patient', 'p-forged',
              NULL, 'nothing to see', '\(previous)', '\(hash)', '\(mac)')
            """)
        try await run(database, "UPDATE audit_chain_head SET last_sequence = \(sequence), last_hash = '\(hash)' WHERE id = 1")
    }

    static let cases = [
        "edit a summary", "edit a time", "edit a previous hash", "delete an entry", "reorder two entries",
        "insert an entry", "cut the tail", "cut the tail and move the head", "edit and recompute the chain",
        "append a forged entry", "append a forged entry with a made-up MAC", "lower-case a patient id",
        "lower-case a user id", "a row with a NULL sequence", "junk in a NULL user id", "swap two MACs",
        "move keyed_from past the end", "a forged checkpoint", "store a summary as a BLOB of the same bytes",
        "hide text behind a NUL byte",
    ]

    @Test("Each tampering is reported", arguments: TestDatabases.engines.flatMap { engine in cases.map { (engine, $0) } })
    func tampering(engine: SQLEngine, tampering: String) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let trail = AuditTrail(database: database)
            let user = UUID()
            var stamp = Fixtures.stamp
            stamp.userID = user
            for index in 1...20 {
                try await trail.record(AuditEvent(.view, entityType: "patient", entityID: "p\(index)", patientID: UUID(),
                                                  summary: "chart \(index)"), stamp: index == 7 ? stamp : Fixtures.stamp)
            }
            var checkpoints = [try await trail.checkpoint(at: Fixtures.now)]
            let clean = try await trail.verify(checkpoints: checkpoints, keys: Self.keys)
            #expect(clean.isIntact && clean.entriesChecked == 20, "\(String(describing: clean.firstBreak))")
            try await Self.dropGuards(database)
            switch tampering {
            case "edit a summary": try await Self.run(database, "UPDATE audit_entries SET summary = 'nothing' WHERE sequence = 5")
            case "edit a time": try await Self.run(database, "UPDATE audit_entries SET occurred_at = occurred_at + 1 WHERE sequence = 5")
            case "edit a previous hash": try await Self.run(database, "UPDATE audit_entries SET previous_hash = hash WHERE sequence = 5")
            case "delete an entry": try await Self.run(database, "DELETE FROM audit_entries WHERE sequence = 5")
            case "reorder two entries":
                try await Self.run(database, "UPDATE audit_entries SET sequence = -1 WHERE sequence = 5")
                try await Self.run(database, "UPDATE audit_entries SET sequence = 5 WHERE sequence = 6")
                try await Self.run(database, "UPDATE audit_entries SET sequence = 6 WHERE sequence = -1")
            case "insert an entry":
                for sequence in stride(from: 20, through: 5, by: -1) {
                    try await Self.run(database, "UPDATE audit_entries SET sequence = \(sequence + 1) WHERE sequence = \(sequence)")
                }
                try await Self.run(database, """
                    INSERT INTO audit_entries SELECT 5, occurred_at, user_id, actor_name, role, request_id, ip_address, action,
                    entity_type, entity_id, patient_id, 'forged', previous_hash, hash, mac FROM audit_entries WHERE sequence = 4
                    """)
            case "cut the tail": try await Self.run(database, "DELETE FROM audit_entries WHERE sequence > 15")
            case "cut the tail and move the head":
                try await Self.run(database, "DELETE FROM audit_entries WHERE sequence > 15")
                try await Self.run(database, """
                    UPDATE audit_chain_head SET last_sequence = 15,
                    last_hash = (SELECT hash FROM audit_entries WHERE sequence = 15) WHERE id = 1
                    """)
            case "edit and recompute the chain":
                try await Self.run(database, "UPDATE audit_entries SET summary = 'nothing' WHERE sequence = 5")
                try await Self.recomputeChain(database, from: 5)
            case "append a forged entry":
                try await Self.appendForged(database, mac: String(repeating: "0", count: 64))
                checkpoints = []   // after the last checkpoint: only the MAC can tell
            case "append a forged entry with a made-up MAC":
                try await Self.appendForged(database, mac: ServerKeys.generate().auditMAC(of: "x"))
                checkpoints = []
            case "lower-case a patient id": try await Self.run(database, "UPDATE audit_entries SET patient_id = LOWER(patient_id)")
            case "lower-case a user id": try await Self.run(database, "UPDATE audit_entries SET user_id = LOWER(user_id) WHERE sequence = 7")
            case "a row with a NULL sequence" where engine == .postgres:
                // The primary key refuses it outright on PostgreSQL.
                await #expect(throws: (any Error).self) {
                    try await Self.run(database, "INSERT INTO audit_entries SELECT NULL, occurred_at, user_id, actor_name, role, request_id, "
                                       + "ip_address, action, entity_type, entity_id, patient_id, 'hidden', previous_hash, hash, mac "
                                       + "FROM audit_entries WHERE sequence = 4")
                }
                return
            case "a row with a NULL sequence":
                try await Self.run(database, """
                    INSERT INTO audit_entries SELECT NULL, occurred_at, user_id, actor_name, role, request_id, ip_address, action,
                    entity_type, entity_id, patient_id, 'hidden', previous_hash, hash, mac FROM audit_entries WHERE sequence = 4
                    """)
            case "junk in a NULL user id": try await Self.run(database, "UPDATE audit_entries SET user_id = 'junk' WHERE sequence = 9")
            case "swap two MACs":
                try await Self.run(database, "UPDATE audit_entries SET mac = (SELECT mac FROM audit_entries WHERE sequence = 3) WHERE sequence = 4")
            case "move keyed_from past the end":
                try await Self.run(database, "UPDATE audit_entries SET summary = 'nothing' WHERE sequence = 5")
                try await Self.recomputeChain(database, from: 5)
                try await Self.run(database, "UPDATE audit_chain_head SET keyed_from = 999 WHERE id = 1")
            case "a forged checkpoint":
                var forged = checkpoints[0]
                forged.sequence = 19
                checkpoints = [forged]
            case "store a summary as a BLOB of the same bytes" where engine == .postgres,
                 "hide text behind a NUL byte" where engine == .postgres:
                // A TEXT column holds neither a BLOB nor a NUL byte on PostgreSQL.
                return
            case "store a summary as a BLOB of the same bytes":
                try await Self.run(database, "UPDATE audit_entries SET summary = CAST(summary AS BLOB) WHERE sequence = 5")
            case "hide text behind a NUL byte":
                try await Self.run(database, "UPDATE audit_entries SET summary = summary || char(0) || 'x' WHERE sequence = 5")
            default: Issue.record("unknown case \(tampering)")
            }
            let result = try await trail.verify(chunkSize: 6, checkpoints: checkpoints, keys: Self.keys)
            #expect(result.firstBreak != nil, "\(tampering) went unnoticed")
        }
    }

    @Test("A trail of thousands names its first broken entry, of several, and a swapped MAC far from the start", arguments: TestDatabases.engines)
    func partsNameTheFirstBreak(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let trail = AuditTrail(database: database)
            let events = (1...3_000).map { AuditEvent(.view, entityType: "patient", entityID: "p\($0)", patientID: nil, summary: "chart \($0)") }
            _ = try await database.write { db in try await AuditLog.append(events, stamp: Fixtures.stamp, in: db) }
            let clean = try await trail.verify(keys: Self.keys)
            #expect(clean.isIntact && clean.entriesChecked == 3_000, "\(String(describing: clean.firstBreak))")
            try await Self.dropGuards(database)
            // Two altered entries and a MAC swapped after them: the first in sequence is named.
            try await Self.run(database, "UPDATE audit_entries SET summary = 'nothing' WHERE sequence IN (2700, 2900)")
            try await Self.run(database, "UPDATE audit_entries SET mac = (SELECT mac FROM audit_entries WHERE sequence = 3) WHERE sequence = 2950")
            let altered = try await trail.verify(keys: Self.keys)
            #expect(altered.firstBreak?.sequence == 2_700 && altered.entriesChecked == 2_699)
            #expect(altered.firstBreak?.reason.contains("altered") == true)
            try await Self.run(database, "UPDATE audit_entries SET mac = (SELECT mac FROM audit_entries WHERE sequence = 3) WHERE sequence = 1600")
            let forged = try await trail.verify(keys: Self.keys)
            #expect(forged.firstBreak?.sequence == 1_600 && forged.firstBreak?.reason.contains("MAC") == true)
        }
    }

    @Test("A patient's audit entries are found by the id as stored", arguments: TestDatabases.engines)
    func filterMatchesStoredBytes(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let trail = AuditTrail(database: database)
            let patient = UUID()
            try await trail.record(AuditEvent(.view, entityType: "patient", entityID: "p", patientID: patient, summary: "chart"),
                                   stamp: Fixtures.stamp)
            #expect(try await trail.page(AuditFilter(patientID: patient), limit: 10).count == 1)
            #expect(try await trail.verify(keys: Self.keys).isIntact)
        }
    }
}
