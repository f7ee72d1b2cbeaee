import ClinicDomain
import Foundation
import SQLKit
import SQLiteKit

/// Checks the audit trail as stored, byte for byte:
/// - every entry's hash over its stored field texts and the hash before it (an edit, even one that
///   reads back the same, breaks it);
/// - numbering from 1 without gaps, and as many rows as the chain head counts (a row hidden from the
///   walk by a NULL sequence, or a cut tail, shows);
/// - with the audit key, every entry's MAC from `keyed_from` on (recomputing the chain or appending
///   an entry needs the key, which is not in the database);
/// - with checkpoints, that each is authentic, that the trail still reaches it and still holds the
///   hash it recorded, and that `keyed_from` has not moved.
public struct AuditVerifier: Sendable {
    let database: ClinicDatabase
    let keys: ServerKeys?

    /// A verifier of `database`'s trail; without `keys`, MACs and checkpoints cannot be checked.
    public init(database: ClinicDatabase, keys: ServerKeys?) {
        self.database = database
        self.keys = keys
    }

    static let hashedColumns = ["sequence", "occurred_at", "user_id", "actor_name", "role", "request_id", "ip_address",
                                "action", "entity_type", "entity_id", "patient_id", "summary"]

    /// The first break, if any, with the number of entries checked.
    public func verify(chunkSize: Int = 10_000, checkpoints: [AuditCheckpoint] = []) async throws -> AuditVerification {
        let head = try await database.read { db in
            try await db.raw("SELECT last_sequence, last_hash, keyed_from FROM audit_chain_head WHERE id = 1").first()
        }
        let headSequence = try head?.decode(column: "last_sequence", as: Int64?.self) ?? nil
        let headHash = try head?.decode(column: "last_hash", as: String?.self) ?? nil
        let keyedFrom = try head?.decode(column: "keyed_from", as: Int64?.self) ?? nil
        guard let headSequence, let headHash, let keyedFrom else {
            return .init(entriesChecked: 0, lastHash: AuditEntry.genesisHash,
                         firstBreak: .init(sequence: 1, reason: "the chain head is missing or incomplete"))
        }
        if let keys {
            for checkpoint in checkpoints where !checkpoint.isAuthentic(under: keys) {
                return .init(entriesChecked: 0, lastHash: AuditEntry.genesisHash, firstBreak: .init(
                    sequence: checkpoint.sequence, reason: "a checkpoint is not signed with this server's audit key (forged or another server's)"))
            }
            for checkpoint in checkpoints where checkpoint.keyedFrom != keyedFrom {
                return .init(entriesChecked: 0, lastHash: AuditEntry.genesisHash, firstBreak: .init(
                    sequence: keyedFrom, reason: "the chain head says MACs begin at entry \(keyedFrom), but a checkpoint recorded \(checkpoint.keyedFrom)"))
            }
        }
        let wanted = Dictionary(checkpoints.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
        var expected: Int64 = 1
        var previous = AuditEntry.genesisHash
        var checked = 0
        func broken(_ reason: String, at sequence: Int64? = nil) -> AuditVerification {
            .init(entriesChecked: checked, lastHash: previous, firstBreak: .init(sequence: sequence ?? expected, reason: reason))
        }
        // The next chunk is read while this one is hashed: reading and hashing take about the same
        // time, and the machine has more than one core.
        var pending: Task<Chunk, any Error>? = fetch(after: 0, chunkSize: chunkSize)
        var check = AuditEntryCheck(keys: keys)
        while let task = pending {
            let chunk = try await task.value
            pending = chunk.rows.count == chunkSize ? chunk.lastSequence.map { fetch(after: $0, chunkSize: chunkSize) } : nil
            for row in chunk.rows {
                if let reason = problem(with: row, expected: expected, previous: previous, keyedFrom: keyedFrom, checkpoints: wanted,
                                        check: &check) {
                    pending?.cancel()
                    return broken(reason)
                }
                previous = row!.hash
                expected += 1
                checked += 1
            }
        }
        let last = expected - 1
        if headSequence != last || headHash != previous {
            return broken("the trail ends after entry \(last) but the chain head records \(headSequence) entries; later entries were removed")
        }
        let total = try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM audit_entries").first()?.decode(column: "n", as: Int64.self) ?? 0
        }
        if total != last {
            return broken("the table holds \(total) rows but the chain has \(last): rows outside the chain were added")
        }
        if keyedFrom > last + 1 {
            return broken("the chain head says MACs begin at entry \(keyedFrom), after the last entry \(last)")
        }
        if let beyond = checkpoints.map(\.sequence).filter({ $0 > last }).max() {
            return broken("a signed checkpoint recorded \(beyond) entries but the trail ends at \(last): its tail was cut", at: last + 1)
        }
        return .init(entriesChecked: checked, lastHash: previous, firstBreak: nil)
    }

    /// Why `row` breaks the chain at entry `expected` after `previous`, or nil when it holds.
    private func problem(with row: StoredAuditRow?, expected: Int64, previous: String, keyedFrom: Int64,
                         checkpoints: [Int64: AuditCheckpoint], check: inout AuditEntryCheck) -> String? {
        guard let stored = row else { return "the entry cannot be read" }
        if stored.sequence > expected { return "the entry is missing (the next entry is \(stored.sequence))" }
        if stored.previousHash != previous {
            return "the entry does not follow entry \(expected - 1): it was inserted, reordered or the one before it was removed"
        }
        if !check.hashHolds(stored.hash, previousHash: previous, storedFields: stored.fields) {
            return "the entry was altered after it was written"
        }
        if keys != nil, stored.sequence >= keyedFrom {
            guard let mac = stored.mac, check.macHolds(mac, of: stored.hash) else {
                return "the entry's MAC does not match the audit key: it was forged or the chain recomputed "
                    + "(or this is not the server's secrets file)"
            }
        }
        if let checkpoint = checkpoints[stored.sequence], checkpoint.hash != stored.hash {
            return "the entry differs from the signed checkpoint of \(Self.time(checkpoint.at)): the trail was rewritten"
        }
        return nil
    }

    /// One chunk of entries in sequence order (nil for a row that cannot be read), and the last
    /// row's sequence number for the next chunk's start.
    struct Chunk: Sendable {
        let rows: [StoredAuditRow?]
        let lastSequence: Int64?
    }

    /// Starts reading up to `chunkSize` entries after `after`. On SQLite the values are read as the
    /// engine holds them; elsewhere through SQLKit.
    private func fetch(after: Int64, chunkSize: Int) -> Task<Chunk, any Error> {
        let database = database
        return Task {
            let columns = Self.hashedColumns + ["previous_hash", "hash", "mac"]
            if let chunk = try await database.readSQLite({ connection -> Chunk in
                let rows = try await connection.query(
                    "SELECT \(columns.joined(separator: ", ")) FROM audit_entries WHERE sequence > ?1 ORDER BY sequence LIMIT ?2",
                    [.integer(Int(after)), .integer(chunkSize)])
                return Chunk(rows: rows.map { StoredAuditRow(sqlite: $0) }, lastSequence: rows.last?.column("sequence")?.integer.map(Int64.init))
            }) {
                return chunk
            }
            let rows = try await database.read { db in
                try await db.select().columns(columns.map { SQLColumn($0) }).from("audit_entries")
                    .where("sequence", .greaterThan, SQLBind(after)).orderBy("sequence").limit(chunkSize).all()
            }
            return Chunk(rows: rows.map { try? StoredAuditRow($0) },
                         lastSequence: try rows.last.flatMap { try $0.decode(column: "sequence", as: Int64?.self) })
        }
    }

    private static func time(_ milliseconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(millisecondsSince1970: milliseconds))
    }
}

/// One row of `audit_entries` as its texts are stored.
struct StoredAuditRow: Sendable {
    let sequence: Int64
    let fields: [String?]
    let previousHash: String
    let hash: String
    let mac: String?

    init(_ row: any SQLRow) throws {
        guard let sequence = try row.decode(column: "sequence", as: Int64?.self),
              let occurredAt = try row.decode(column: "occurred_at", as: Int64?.self),
              let previousHash = try row.decode(column: "previous_hash", as: String?.self),
              let hash = try row.decode(column: "hash", as: String?.self) else { throw StoredDataError(what: "audit entry") }
        var fields: [String?] = [String(sequence), String(occurredAt)]
        for column in AuditVerifier.hashedColumns.dropFirst(2) {
            fields.append(try row.decode(column: column, as: String?.self))
        }
        self.sequence = sequence
        self.fields = fields
        self.previousHash = previousHash
        self.hash = hash
        self.mac = try row.decode(column: "mac", as: String?.self)
    }

    /// The row from SQLite's own values, nil when a required value is missing. Texts are taken as
    /// stored; the two integers are written in decimal as the hash covers them.
    /// `row`'s columns must be ``AuditVerifier/hashedColumns`` then `previous_hash`, `hash` and `mac`,
    /// in that order (the verifier's query names them so): they are read by position, as a profile
    /// found looking each up by name a tenth of `audit verify`.
    init?(sqlite row: SQLiteRow) {
        let columns = row.columns
        let hashed = AuditVerifier.hashedColumns.count
        guard columns.count == hashed + 3, let sequence = columns[0].data.integer, let occurredAt = columns[1].data.integer,
              let previousHash = columns[hashed].data.string, let hash = columns[hashed + 1].data.string else { return nil }
        var fields: [String?] = [String(sequence), String(occurredAt)]
        fields.reserveCapacity(hashed)
        for column in columns[2..<hashed] {
            switch column.data {
            case .text(let text): fields.append(text)
            case .null: fields.append(nil)
            case let other: fields.append(other.string)
            }
        }
        self.sequence = Int64(sequence)
        self.fields = fields
        self.previousHash = previousHash
        self.hash = hash
        self.mac = columns[hashed + 2].data.string
    }
}
