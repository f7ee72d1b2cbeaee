import ClinicDomain
import Foundation
import NIOCore
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
        // The next chunk is read while this one is checked: reading a row costs about as much as
        // checking it, and the machine has more than one core.
        var pending: Task<Chunk, any Error>? = fetch(after: 0, limit: chunkSize)
        let check = AuditEntryCheck(keys: keys)
        while let task = pending {
            let chunk = try await task.value
            pending = chunk.count == chunkSize ? chunk.lastSequence.map { fetch(after: $0, limit: chunkSize) } : nil
            for index in 0..<chunk.count {
                let row = chunk.row(at: index)
                if let reason = problem(with: row, expected: expected, previous: previous, keyedFrom: keyedFrom, checkpoints: wanted,
                                        check: check) {
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
                         checkpoints: [Int64: AuditCheckpoint], check: AuditEntryCheck) -> String? {
        guard let stored = row else { return "the entry cannot be read" }
        if stored.sequence > expected { return "the entry is missing (the next entry is \(stored.sequence))" }
        if !stored.follows(previous) {
            return "the entry does not follow entry \(expected - 1): it was inserted, reordered or the one before it was removed"
        }
        if !check.hashHolds(stored.hash, of: stored) {
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

    /// One chunk of entries in sequence order, and the last row's sequence number for the next
    /// chunk's start. SQLite's rows are taken apart by the check rather than by the read (see
    /// ``row(at:)``), which keeps the reading and the checking about equal in time.
    struct Chunk: Sendable {
        private let sqliteRows: [SQLiteRow]
        private let decodedRows: [StoredAuditRow?]
        let lastSequence: Int64?

        init(sqlite rows: [SQLiteRow]) {
            sqliteRows = rows
            decodedRows = []
            lastSequence = rows.last?.columns.first?.data.integer.map(Int64.init)
        }

        init(decoded rows: [StoredAuditRow?], lastSequence: Int64?) {
            sqliteRows = []
            decodedRows = rows
            self.lastSequence = lastSequence
        }

        /// How many entries the chunk holds.
        var count: Int { sqliteRows.isEmpty ? decodedRows.count : sqliteRows.count }

        /// The entry at `index`, nil when it cannot be read.
        func row(at index: Int) -> StoredAuditRow? {
            sqliteRows.isEmpty ? decodedRows[index] : StoredAuditRow(sqlite: sqliteRows[index])
        }
    }

    /// The SQLite query of a chunk: each entry's hashed bytes (its stored previous hash, then the
    /// canonical encoding of its stored field texts, see ``AuditEntry/appendCanonicalEncoding(storedFields:to:)``)
    /// are written by the engine in one `format()` call, so a row reaches Swift as seven values instead
    /// of fifteen (a profile of `audit verify` found building a Swift value for every column, and
    /// releasing it, most of its time). Byte lengths are `octet_length`, as `utf8.count` is. A
    /// missing text is written `0:;` and its bit set in `missing` (bit 0 for `user_id`, in the order
    /// of ``hashedColumns``): the check hashes `-;` in its place (``AuditEntryCheck``); choosing
    /// between the two in SQL cost the engine a third more.
    ///
    /// `format()` writes a text only up to its first NUL byte, and a BLOB's bytes as if they were
    /// text: either could let a changed field encode as the original did. So the texts' whole byte
    /// count comes beside the bytes (`text_bytes`), and the check refuses an entry whose encoded
    /// lengths do not add up to it; and an entry with a BLOB among its texts (a BLOB sorts after
    /// every text, a comparison that costs the engine no string work), a sequence or time not stored
    /// as an integer, or no previous hash, has NULL bytes and cannot be read.
    static let sqliteChunkQuery: String = {
        let texts = hashedColumns.dropFirst(2)
        let format = "%s" + AuditEntry.canonicalEncodingPrefix + "%d:%s;%d:%s;" + String(repeating: "%d:%s;", count: texts.count)
        let arguments = ["previous_hash", "length(sequence)", "sequence", "length(occurred_at)", "occurred_at"]
            + texts.flatMap { ["octet_length(\($0))", $0] }
        let missing = texts.enumerated().map { "((\($1) IS NULL) << \($0))" }.joined(separator: " | ")
        let textBytes = texts.map { "ifnull(octet_length(\($0)), 0)" }.joined(separator: " + ")
        let blobs = (["previous_hash"] + texts).map { "ifnull(\($0) >= x'', 0)" }.joined(separator: " + ")
        let readable = "typeof(sequence) = 'integer' AND typeof(occurred_at) = 'integer' AND previous_hash IS NOT NULL AND \(blobs) = 0"
        return """
            SELECT sequence, octet_length(previous_hash) AS previous_length, hash, mac, \(missing) AS missing,
                   CAST(iif(\(readable), format('\(format)', \(arguments.joined(separator: ", "))), NULL) AS BLOB) AS hashed,
                   \(textBytes) AS text_bytes
            FROM audit_entries WHERE sequence > ?1 ORDER BY sequence LIMIT ?2
            """
    }()

    /// Starts reading up to `limit` entries after `after`. On SQLite the engine puts each entry's
    /// hashed bytes together (``sqliteChunkQuery``); elsewhere they are encoded from the field texts
    /// read through SQLKit.
    private func fetch(after: Int64, limit: Int) -> Task<Chunk, any Error> {
        let database = database
        return Task {
            let columns = Self.hashedColumns + ["previous_hash", "hash", "mac"]
            if let chunk = try await database.readSQLite({ connection -> Chunk in
                Chunk(sqlite: try await connection.query(Self.sqliteChunkQuery, [.integer(Int(after)), .integer(limit)]))
            }) {
                return chunk
            }
            let rows = try await database.read { db in
                try await db.select().columns(columns.map { SQLColumn($0) }).from("audit_entries")
                    .where("sequence", .greaterThan, SQLBind(after)).orderBy("sequence").limit(limit).all()
            }
            return Chunk(decoded: rows.map { try? StoredAuditRow($0) },
                         lastSequence: try rows.last.flatMap { try $0.decode(column: "sequence", as: Int64?.self) })
        }
    }

    private static func time(_ milliseconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(millisecondsSince1970: milliseconds))
    }
}

/// One row of `audit_entries` as the hash covers it.
struct StoredAuditRow: Sendable {
    let sequence: Int64
    /// The bytes the hash covers: the stored previous hash, then the canonical encoding of the
    /// stored field texts.
    let hashed: ByteBuffer
    /// How many of `hashed`'s first bytes are the stored previous hash.
    let previousHashLength: Int
    /// The text fields written `0:;` in `hashed` that are missing (`-;`), a bit each (see
    /// ``AuditVerifier/sqliteChunkQuery``); 0 when `hashed` is the canonical encoding as it is.
    let missingTexts: Int
    /// How many bytes the stored text fields hold in all, which their encoded lengths must add up
    /// to; nil when `hashed` was encoded here from the texts themselves.
    let textBytes: Int?
    let hash: String
    let mac: String?

    /// True when the stored previous hash is `hash`, compared in place.
    func follows(_ hash: String) -> Bool {
        var hash = hash
        return hash.withUTF8 { expected in
            hashed.withUnsafeReadableBytes { bytes in
                guard previousHashLength == expected.count, expected.count <= bytes.count else { return false }
                return expected.isEmpty || memcmp(expected.baseAddress!, bytes.baseAddress!, expected.count) == 0
            }
        }
    }

    /// The row from SQLKit (PostgreSQL): the field texts are encoded here.
    init(_ row: any SQLRow) throws {
        guard let sequence = try row.decode(column: "sequence", as: Int64?.self),
              let occurredAt = try row.decode(column: "occurred_at", as: Int64?.self),
              let previousHash = try row.decode(column: "previous_hash", as: String?.self),
              let hash = try row.decode(column: "hash", as: String?.self) else { throw StoredDataError(what: "audit entry") }
        var fields: [String?] = [String(sequence), String(occurredAt)]
        for column in AuditVerifier.hashedColumns.dropFirst(2) {
            fields.append(try row.decode(column: column, as: String?.self))
        }
        var bytes = Array(previousHash.utf8)
        AuditEntry.appendCanonicalEncoding(storedFields: fields, to: &bytes)
        self.sequence = sequence
        self.hashed = ByteBuffer(bytes: bytes)
        self.previousHashLength = previousHash.utf8.count
        self.missingTexts = 0
        self.textBytes = nil
        self.hash = hash
        self.mac = try row.decode(column: "mac", as: String?.self)
    }

    /// The row of ``AuditVerifier/sqliteChunkQuery``, read by position, nil when a required value
    /// is missing.
    init?(sqlite row: SQLiteRow) {
        let columns = row.columns
        guard columns.count == 7, let sequence = columns[0].data.integer, let previousHashLength = columns[1].data.integer,
              let hash = columns[2].data.string, let missingTexts = columns[4].data.integer,
              case .blob(let hashed) = columns[5].data, let textBytes = columns[6].data.integer else { return nil }
        self.sequence = Int64(sequence)
        self.previousHashLength = previousHashLength
        self.missingTexts = missingTexts
        self.textBytes = textBytes
        self.hash = hash
        self.mac = columns[3].data.string
        self.hashed = hashed
    }
}
