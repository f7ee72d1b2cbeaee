import Foundation

/// Who is acting, from where, and under which request: attached to every audited operation.
public struct AuditStamp: Equatable, Sendable {
    /// When it happened.
    public var at: Date
    /// The signed-in user, nil for the system itself (demo loader, failed sign-in).
    public var userID: UUID?
    /// Their email, or a description of the system actor ("system: demo loader").
    public var actorName: String
    /// Their role at the time.
    public var role: Role?
    /// The request id (`X-Request-ID`), or the CLI command.
    public var requestID: String
    /// The client's IP address, or `cli`.
    public var ipAddress: String
    /// The person's name as colleagues know it ("Demo nurse"), for the names a clinical record shows
    /// (who recorded an entry, who acknowledged an alert); the audit trail keeps `actorName`.
    public var personName: String?
    /// The name a clinical record shows: the person's name, else the actor.
    public var recordName: String { personName ?? actorName }

    /// Creates a stamp.
    public init(at: Date, userID: UUID?, actorName: String, role: Role?, requestID: String, ipAddress: String) {
        self.at = at
        self.userID = userID
        self.actorName = actorName
        self.role = role
        self.requestID = requestID
        self.ipAddress = ipAddress
    }

    /// A stamp for work done by the system or a command-line operator.
    public static func system(_ what: String, at: Date, requestID: String = "cli") -> AuditStamp {
        AuditStamp(at: at, userID: nil, actorName: "system: \(what)", role: nil, requestID: requestID, ipAddress: "local")
    }
}

/// One thing to record: the action, what it touched, and for changes a before/after summary.
public struct AuditEvent: Equatable, Sendable {
    /// What was done.
    public var action: AuditAction
    /// The kind of record, e.g. `patient`, `user`, `clinic_settings`.
    public var entityType: String
    /// Its id.
    public var entityID: String
    /// The patient concerned, when there is one; drives the chart's access log.
    public var patientID: UUID?
    /// For changes: what it was before, and after, as short text (`field: old → new`).
    public var summary: String

    /// Creates an event.
    public init(_ action: AuditAction, entityType: String, entityID: String, patientID: UUID? = nil, summary: String = "") {
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.patientID = patientID
        self.summary = summary
    }

    /// A `field: before → after` line for each changed field, in the order given.
    public static func changes(_ pairs: [(String, String, String)]) -> String {
        pairs.filter { $0.1 != $0.2 }.map { "\($0.0): \($0.1) → \($0.2)" }.joined(separator: "; ")
    }
}

/// One stored entry of the audit trail: the event, its stamp, its place in the chain.
public struct AuditEntry: Equatable, Sendable {
    /// Position in the chain, from 1, without gaps.
    public var sequence: Int64
    /// Who, when, from where.
    public var stamp: AuditStamp
    /// What.
    public var event: AuditEvent
    /// The hash of the entry before (64 zeros for the first).
    public var previousHash: String
    /// SHA-256 over `previousHash` and ``canonicalEncoding``, in hex.
    public var hash: String

    /// Creates the value.
    public init(sequence: Int64, stamp: AuditStamp, event: AuditEvent, previousHash: String, hash: String) {
        self.sequence = sequence
        self.stamp = stamp
        self.event = event
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash before the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The bytes the hash covers, after the previous hash: every field in a fixed order, each
    /// as `length:value;` (`-;` for none), so no two different entries encode alike.
    public static func canonicalEncoding(sequence: Int64, stamp: AuditStamp, event: AuditEvent) -> [UInt8] {
        canonicalEncoding(storedFields: storedFields(sequence: sequence, stamp: stamp, event: event))
    }

    /// The twelve hashed fields exactly as they are stored, in the order the hash covers them:
    /// verification hashes what the database holds, byte for byte, so no edit to a stored value
    /// (not even one that reads back the same, like a UUID's letter case) keeps its hash.
    public static func storedFields(sequence: Int64, stamp: AuditStamp, event: AuditEvent) -> [String?] {
        [String(sequence), String(stamp.at.millisecondsSince1970), stamp.userID?.uuidString, stamp.actorName,
         stamp.role?.rawValue, stamp.requestID, stamp.ipAddress, event.action.rawValue, event.entityType, event.entityID,
         event.patientID?.uuidString, event.summary]
    }

    /// The encoding of stored field texts (see ``storedFields(sequence:stamp:event:)``).
    public static func canonicalEncoding(storedFields fields: [String?]) -> [UInt8] {
        var bytes: [UInt8] = []
        appendCanonicalEncoding(storedFields: fields, to: &bytes)
        return bytes
    }

    /// The first bytes of every canonical encoding: the format and its version.
    public static let canonicalEncodingPrefix = "ketaclinic-audit-v1;"

    /// ``canonicalEncoding(storedFields:)`` appended to `bytes`, so a verifier checking a million
    /// entries reuses one buffer: each field's length is written digit by digit, not interpolated.
    public static func appendCanonicalEncoding(storedFields fields: [String?], to bytes: inout [UInt8]) {
        bytes.append(contentsOf: canonicalEncodingPrefix.utf8)
        for value in fields {
            guard let value else {
                bytes.append(UInt8(ascii: "-"))
                bytes.append(UInt8(ascii: ";"))
                continue
            }
            let length = value.utf8.count
            var divisor = 1
            while divisor <= length / 10 { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: length / divisor % 10))
                divisor /= 10
            }
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: ";"))
        }
    }
}
