import ClinicDomain
import Crypto
import Foundation
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
    /// on the first difference), without building the hex text. Both are read through pointers: a
    /// profile of `audit verify` found iterating the digest as a sequence a sixth of the check.
    static func hex(_ digest: some ContiguousBytes, matches text: String) -> Bool {
        var text = text
        return text.withUTF8 { characters in
            digest.withUnsafeBytes { bytes in
                guard characters.count == bytes.count * 2 else { return false }
                var difference: UInt8 = 0
                for index in 0..<bytes.count {
                    let byte = bytes[index]
                    difference |= characters[2 * index] ^ digits[Int(byte >> 4)]
                    difference |= characters[2 * index + 1] ^ digits[Int(byte & 15)]
                }
                return difference == 0
            }
        }
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

    /// True when `hash` is the chain's hash of `row`'s hashed bytes: its previous hash, then its
    /// canonical encoding (the bytes ``AuditChain/hash(previousHash:storedFields:)`` hashes), with
    /// `-;` hashed for each missing text written `0:;`. The bytes are hashed in place, in the pieces
    /// between missing texts. When the row says how many bytes its texts hold, the encoding's
    /// `length:value;` fields must be whole and their text lengths add up to it (a text cut short
    /// at a NUL byte does not).
    func hashHolds(_ hash: String, of row: StoredAuditRow) -> Bool {
        row.hashed.withUnsafeReadableBytes { bytes in
            guard row.missingTexts != 0 || row.textBytes != nil else { return AuditChain.hex(SHA256.hash(data: bytes), matches: hash) }
            var hasher = SHA256()
            var position = row.previousHashLength + AuditEntry.canonicalEncodingPrefix.utf8.count
            var pieceStart = 0
            var textBytes = 0
            for field in 0..<AuditVerifier.hashedColumns.count {
                // `length:value;`
                var length = 0
                let fieldStart = position
                while position < bytes.count, bytes[position] != UInt8(ascii: ":") {
                    let digit = bytes[position] &- UInt8(ascii: "0")
                    guard digit < 10, length < 1 << 40 else { return false }
                    length = length * 10 + Int(digit)
                    position += 1
                }
                position += 1 + length + 1
                guard position <= bytes.count, bytes[position - 1] == UInt8(ascii: ";") else { return false }
                let text = field - 2
                guard text >= 0 else { continue }
                textBytes += length
                if row.missingTexts & (1 << text) != 0 {
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[pieceStart..<fieldStart]))
                    hasher.update(data: Self.missing)
                    pieceStart = position
                }
            }
            guard position == bytes.count, row.textBytes.map({ $0 == textBytes }) ?? true else { return false }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[pieceStart...]))
            return AuditChain.hex(hasher.finalize(), matches: hash)
        }
    }

    /// How a missing value is encoded.
    private static let missing: [UInt8] = Array("-;".utf8)

    /// True when `mac` is the audit key's MAC of `hash` (``ServerKeys/auditMAC(of:)``); false
    /// without keys.
    func macHolds(_ mac: String, of hash: String) -> Bool {
        guard var state = keyedMAC else { return false }
        var hash = hash
        hash.withUTF8 { state.update(data: UnsafeRawBufferPointer($0)) }
        return AuditChain.hex(state.finalize(), matches: mac)
    }
}
