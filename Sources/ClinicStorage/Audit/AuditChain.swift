import ClinicDomain
import Crypto
import NIOCore

/// The audit trail's hash: SHA-256 over the previous entry's hash and the entry's canonical
/// encoding, so that editing, removing, inserting or reordering any entry breaks the chain.
public enum AuditChain {
    /// The hash of the entry numbered `sequence`, following `previousHash`.
    public static func hash(previousHash: String, sequence: Int64, stamp: AuditStamp, event: AuditEvent) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previousHash.utf8))
        hasher.update(data: AuditEntry.canonicalEncoding(sequence: sequence, stamp: stamp, event: event))
        return hex(hasher.finalize())
    }

    /// The hash of an entry from its stored field texts.
    public static func hash(previousHash: String, storedFields: [String?]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previousHash.utf8))
        hasher.update(data: AuditEntry.canonicalEncoding(storedFields: storedFields))
        return hex(hasher.finalize())
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of a digest.
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 15)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension AuditChain {
    /// True when `text` is the lower-case hex of `digest`, compared over every byte (no early exit
    /// on the first difference), without building the hex text.
    static func hex(_ digest: some Sequence<UInt8>, matches text: String) -> Bool {
        var difference: UInt8 = 0
        var characters = text.utf8.makeIterator()
        for byte in digest {
            guard let high = characters.next(), let low = characters.next() else { return false }
            difference |= high ^ digits[Int(byte >> 4)]
            difference |= low ^ digits[Int(byte & 15)]
        }
        return characters.next() == nil && difference == 0
    }
}

/// Checks stored entries' hashes and MACs for ``AuditVerifier`` without allocating per entry: the
/// MAC's HMAC keyed once and fed its `entry:` prefix, then copied per entry (the digests copy their
/// state on write), and digests compared with the stored hex in place. A profile of `audit verify`
/// found keying the HMAC again for each entry a fifth of its time.
struct AuditEntryCheck {
    private let keyedMAC: HMAC<SHA256>?

    /// A check of hashes, and of MACs under `keys` when given.
    init(keys: ServerKeys?) {
        keyedMAC = keys.map { keys in
            var mac = HMAC<SHA256>(key: SymmetricKey(data: keys.auditKeyBytes))
            mac.update(data: Array(ServerKeys.entryMACPrefix.utf8))
            return mac
        }
    }

    /// True when `hash` is the chain's hash of `hashed`: an entry's previous hash, then its
    /// canonical encoding (the bytes ``AuditChain/hash(previousHash:storedFields:)`` hashes).
    func hashHolds(_ hash: String, of hashed: ByteBuffer) -> Bool {
        hashed.withUnsafeReadableBytes { AuditChain.hex(SHA256.hash(data: $0), matches: hash) }
    }

    /// True when `mac` is the audit key's MAC of `hash` (``ServerKeys/auditMAC(of:)``); false
    /// without keys.
    func macHolds(_ mac: String, of hash: String) -> Bool {
        guard var state = keyedMAC else { return false }
        state.update(data: Array(hash.utf8))
        return AuditChain.hex(state.finalize(), matches: mac)
    }
}
