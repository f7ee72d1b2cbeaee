import Crypto
import Foundation

/// A backup file on disk: what kind it is, its SHA-256 and the `.sha256` file kept beside it.
///
/// Each backup is written as `NAME.partial`, made durable, checked, then renamed into place, so a
/// crash or a full disk never leaves a half-written file under the final name. Its checksum is
/// written beside it in the format `sha256sum -c` reads.
public enum BackupFile {
    /// The two kinds of backup KetaClinic writes and restores.
    public enum Kind: String, Sendable {
        /// A self-contained SQLite database (from `VACUUM INTO`).
        case sqlite
        /// A PostgreSQL custom-format archive (from `pg_dump --format=custom`).
        case postgresArchive = "pg_dump"
    }

    /// The kind of the file at `path`, read from its first bytes; nil for anything else.
    public static func kind(at path: String) -> Kind? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        if head.starts(with: Data("SQLite format 3\0".utf8)) { return .sqlite }
        if head.starts(with: Data("PGDMP".utf8)) { return .postgresArchive }
        return nil
    }

    /// The SHA-256 of the file at `path` as lowercase hex, read in 1 MiB pieces.
    public static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackupError("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Where the checksum of the backup at `path` is kept.
    public static func checksumPath(for path: String) -> String { path + ".sha256" }

    /// Writes `digest` beside the backup in `sha256sum` format (`HEX  NAME`).
    static func writeChecksum(_ digest: String, for path: String) throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        try Data("\(digest)  \(name)\n".utf8).write(to: URL(fileURLWithPath: checksumPath(for: path)), options: .atomic)
    }

    /// The digest recorded beside the backup at `path`, or nil when there is no checksum file.
    public static func recordedChecksum(for path: String) throws -> String? {
        guard let data = FileManager.default.contents(atPath: checksumPath(for: path)) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let digest = text.split(whereSeparator: \.isWhitespace).first,
              digest.count == 64, digest.allSatisfy(\.isHexDigit) else {
            throw BackupError("the checksum file \(checksumPath(for: path)) is not in sha256sum format")
        }
        return digest.lowercased()
    }

    /// Size of the file at `path` in bytes (0 when it does not exist).
    static func size(of path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Flushes the file at `path` to the disk, so a rename after it cannot expose lost data.
    static func synchronize(_ path: String) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw BackupError("cannot open \(path) to flush it") }
        defer { try? handle.close() }
        try handle.synchronize()
    }

    /// Renames `source` to `destination`, replacing nothing: the caller has checked it is free.
    static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw BackupError("cannot rename \(source) to \(destination): \(String(cString: strerror(errno)))")
        }
    }
}

/// A backup or restore could not be made; the message says why and what to do.
public struct BackupError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
