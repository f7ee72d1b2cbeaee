import ClinicDomain
import Crypto

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
