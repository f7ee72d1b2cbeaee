import ClinicDomain
import Foundation

/// The chain head as the server saw it, signed with the audit key and kept outside the database
/// (a file, a log collector): an insider who cuts the trail's tail, or rewrites an entry and
/// recomputes the chain after it, cannot make a checkpoint agree.
public struct AuditCheckpoint: Codable, Equatable, Sendable {
    /// Entries in the trail when it was taken.
    public var sequence: Int64
    /// The hash of entry `sequence`.
    public var hash: String
    /// The first entry that must carry a MAC.
    public var keyedFrom: Int64
    /// When, in milliseconds since 1970.
    public var at: Int64
    /// HMAC-SHA256 under the audit key of the fields above.
    public var mac: String

    /// The text the MAC covers.
    var signedText: String { "v1|\(sequence)|\(hash)|\(keyedFrom)|\(at)" }

    /// A checkpoint of the given head, signed with `keys`.
    public static func signed(sequence: Int64, hash: String, keyedFrom: Int64, at date: Date, keys: ServerKeys) -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint(sequence: sequence, hash: hash, keyedFrom: keyedFrom, at: date.millisecondsSince1970, mac: "")
        checkpoint.mac = keys.checkpointMAC(of: checkpoint.signedText)
        return checkpoint
    }

    /// True when the MAC was made with `keys`.
    public func isAuthentic(under keys: ServerKeys) -> Bool {
        SecretToken.constantTimeEquals(mac, keys.checkpointMAC(of: signedText))
    }

    /// One JSON object on one line, for appending to a checkpoint file.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Appends `checkpoint` to the file at `path` (created with mode 0600).
    public static func append(_ checkpoint: AuditCheckpoint, toFile path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw KeyFileError("cannot create the checkpoint file \(path)")
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((checkpoint.line + "\n").utf8))
        try handle.synchronize()
    }

    /// The checkpoints in a file written by ``append(_:toFile:)``; a line that does not parse is an error.
    public static func read(fromFile path: String) throws -> [AuditCheckpoint] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).enumerated().map { index, line in
            guard let checkpoint = try? JSONDecoder().decode(AuditCheckpoint.self, from: Data(line.utf8)) else {
                throw KeyFileError("line \(index + 1) of \(path) is not an audit checkpoint")
            }
            return checkpoint
        }
    }
}
