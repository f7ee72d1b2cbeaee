import Foundation
import Logging

/// Writes each log event as one JSON object per line, for log collectors: time, level, label,
/// message and every metadata field (the request id among them) as top-level keys.
public struct JSONLogHandler: LogHandler {
    /// Metadata added to every event of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Lowest level written.
    public var logLevel: Logger.Level = .info
    private let label: String

    /// A handler for the logger named `label`.
    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "time": ISO8601DateFormatter.withFractionalSeconds.string(from: Date()),
            "level": event.level.rawValue, "logger": label, "message": event.message.description,
        ]
        if let error = event.error { fields["error"] = String(describing: error) }
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = value.description
        }
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}

extension ISO8601DateFormatter {
    /// Instants with milliseconds, in UTC.
    nonisolated(unsafe) static let withFractionalSeconds: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
