import Crypto
import Foundation

/// The server's secret keys, kept in a file outside the database (`--secrets-file`), so that a
/// copy of the database alone opens nothing:
/// - TOTP secrets are sealed with AES-GCM under the current TOTP key (older keys stay to open
///   what they sealed until `ketaclinic secrets rotate` re-seals everything);
/// - self-report and recovery codes are stored as HMAC-SHA256 under the code key, so a stolen
///   digest cannot be brute-forced offline;
/// - each audit entry carries an HMAC under the audit key, and checkpoints of the chain head are
///   signed with it, so an insider who edits the database cannot recompute the chain unseen.
public struct ServerKeys: Sendable {
    /// One TOTP encryption key and the id stored beside what it sealed.
    public struct VersionedKey: Sendable {
        /// Short id, e.g. `t1`.
        public let id: String
        /// The AES-256 key's bytes (SymmetricKey is not Sendable, so it is made when used).
        let bytes: [UInt8]
        /// The AES-256 key.
        var key: SymmetricKey { SymmetricKey(data: bytes) }
    }

    /// TOTP keys, the current one first.
    public let totpKeys: [VersionedKey]
    /// Bytes of the key of the code digests (self-report links, recovery codes).
    let codeKeyBytes: [UInt8]
    /// Bytes of the key of the audit trail's entry MACs and checkpoints.
    let auditKeyBytes: [UInt8]
    private var codeKey: SymmetricKey { SymmetricKey(data: codeKeyBytes) }
    private var auditKey: SymmetricKey { SymmetricKey(data: auditKeyBytes) }

    init(totpKeys: [VersionedKey], codeKey: [UInt8], auditKey: [UInt8]) {
        precondition(!totpKeys.isEmpty, "at least one TOTP key")
        self.totpKeys = totpKeys
        self.codeKeyBytes = codeKey
        self.auditKeyBytes = auditKey
    }

    /// 32 random bytes.
    static func randomKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// New random keys.
    public static func generate() -> ServerKeys {
        ServerKeys(totpKeys: [VersionedKey(id: "t1", bytes: randomKey())], codeKey: randomKey(), auditKey: randomKey())
    }

    /// Keys shared by every database this process opens without a secrets file (tests, and
    /// throwaway databases): random, never written anywhere.
    public static let processDefault = ServerKeys.generate()

    /// The same keys with a new current TOTP key; the old ones remain to open older secrets.
    public func addingTOTPKey() -> ServerKeys {
        let next = (totpKeys.compactMap { Int($0.id.dropFirst()) }.max() ?? 0) + 1
        return ServerKeys(totpKeys: [VersionedKey(id: "t\(next)", bytes: Self.randomKey())] + totpKeys,
                          codeKey: codeKeyBytes, auditKey: auditKeyBytes)
    }

    /// The same keys without the TOTP keys other than the current one (after every secret was re-sealed).
    public func droppingOldTOTPKeys() -> ServerKeys {
        ServerKeys(totpKeys: [totpKeys[0]], codeKey: codeKeyBytes, auditKey: auditKeyBytes)
    }

    // MARK: TOTP secrets

    /// Prefix of a sealed secret in `users.totp_secret`.
    static let sealedPrefix = "aesgcm:"

    /// `secret` sealed for storage in the row of `userID` (the id is authenticated with it, so a
    /// sealed secret copied to another user's row does not open).
    public func seal(totpSecret secret: String, userID: UUID) throws -> String {
        let current = totpKeys[0]
        let box = try AES.GCM.seal(Array(secret.utf8), using: current.key, authenticating: Array(userID.uuidString.utf8))
        guard let combined = box.combined else { throw KeyFileError("AES-GCM gave no combined form") }
        return Self.sealedPrefix + current.id + ":" + combined.base64EncodedString()
    }

    /// The clear secret of a stored value: sealed ones are opened, a value stored in clear by an
    /// older version is returned as it is; nil when it cannot be opened (wrong key, tampered).
    public func open(storedTOTPSecret stored: String, userID: UUID) -> String? {
        guard stored.hasPrefix(Self.sealedPrefix) else { return stored }
        let parts = stored.dropFirst(Self.sealedPrefix.count).split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let key = totpKeys.first(where: { $0.id == parts[0] })?.key,
              let data = Data(base64Encoded: String(parts[1])),
              let box = try? AES.GCM.SealedBox(combined: data),
              let clear = try? AES.GCM.open(box, using: key, authenticating: Array(userID.uuidString.utf8)) else { return nil }
        return String(decoding: clear, as: UTF8.self)
    }

    /// True when `stored` is sealed under the current key (nothing to re-seal).
    public func isCurrent(storedTOTPSecret stored: String) -> Bool {
        stored.hasPrefix(Self.sealedPrefix + totpKeys[0].id + ":")
    }

    // MARK: Code digests

    /// The stored form of a one-time code: HMAC-SHA256 under the code key, in hex, prefixed `h1:`.
    public func codeDigest(_ code: String) -> String {
        "h1:" + AuditChain.hex(HMAC<SHA256>.authenticationCode(for: Array(code.utf8), using: codeKey))
    }

    // MARK: Audit

    /// What an entry's MAC covers before its hash, so an entry's MAC is never a checkpoint's.
    static let entryMACPrefix = "entry:"

    /// The MAC of an audit entry's hash.
    public func auditMAC(of hash: String) -> String {
        AuditChain.hex(HMAC<SHA256>.authenticationCode(for: Array((Self.entryMACPrefix + hash).utf8), using: auditKey))
    }

    /// The MAC of a checkpoint's text.
    public func checkpointMAC(of text: String) -> String {
        AuditChain.hex(HMAC<SHA256>.authenticationCode(for: Array(("checkpoint:" + text).utf8), using: auditKey))
    }

    // MARK: The file

    /// The keys in `path`, creating the file (mode 0600) with new keys when it does not exist.
    ///
    /// Two instances starting at once on a new database must end with the same keys: the new file
    /// is linked into place only if no file is there yet (`link` fails with `EEXIST` otherwise),
    /// and the one that loses the race loads the winner's keys.
    public static func loadOrCreate(at path: String) throws -> ServerKeys {
        if FileManager.default.fileExists(atPath: path) { return try load(from: path) }
        let keys = generate()
        let temporary = try keys.writeTemporary(beside: path)
        defer { unlink(temporary.path) }
        if link(temporary.path, path) == 0 { return keys }
        guard errno == EEXIST else { throw KeyFileError("cannot create the secrets file at \(path)") }
        return try load(from: path)
    }

    /// The keys in `path`.
    public static func load(from path: String) throws -> ServerKeys {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw KeyFileError("cannot read the secrets file \(path): \(error.localizedDescription)")
        }
        guard let file = try? JSONDecoder().decode(KeyFile.self, from: data), file.version == 1,
              let code = Data(base64Encoded: file.codeKey), code.count == 32,
              let audit = Data(base64Encoded: file.auditKey), audit.count == 32, !file.totpKeys.isEmpty else {
            throw KeyFileError("the secrets file \(path) is not a KetaClinic secrets file (version 1)")
        }
        var totp: [VersionedKey] = []
        for entry in file.totpKeys {
            guard let key = Data(base64Encoded: entry.key), key.count == 32, !entry.id.isEmpty else {
                throw KeyFileError("the secrets file \(path) has a damaged TOTP key \(entry.id)")
            }
            totp.append(VersionedKey(id: entry.id, bytes: Array(key)))
        }
        return ServerKeys(totpKeys: totp, codeKey: Array(code), auditKey: Array(audit))
    }

    /// The keys in a new file (mode 0600) in `path`'s folder, to be moved or linked into place.
    func writeTemporary(beside path: String) throws -> URL {
        func text(_ key: [UInt8]) -> String { Data(key).base64EncodedString() }
        let file = KeyFile(version: 1, totpKeys: totpKeys.map { .init(id: $0.id, key: text($0.bytes)) },
                           codeKey: text(codeKeyBytes), auditKey: text(auditKeyBytes))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID.random().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: try encoder.encode(file),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw KeyFileError("cannot write the secrets file at \(path)")
        }
        return temporary
    }

    /// Writes the keys to `path` with mode 0600, replacing the file atomically.
    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = try writeTemporary(beside: path)
        if FileManager.default.fileExists(atPath: path) {
            _ = try FileManager.default.replaceItemAt(url, withItemAt: temporary)
        } else {
            try FileManager.default.moveItem(at: temporary, to: url)
        }
    }

    private struct KeyFile: Codable {
        struct Entry: Codable { var id: String; var key: String }
        var version: Int
        var totpKeys: [Entry]
        var codeKey: String
        var auditKey: String
    }
}

/// The secrets file is missing, unreadable or damaged.
public struct KeyFileError: Error, CustomStringConvertible {
    /// What went wrong, for the operator.
    public let description: String
    /// An error with its explanation.
    public init(_ description: String) { self.description = description }
}
