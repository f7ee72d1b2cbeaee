import ClinicDomain
import Foundation

/// The wire form of a ``BoardEvent``: compact JSON on one line, instants as milliseconds since
/// 1970 UTC so `storedAt` keeps its millisecond precision. The same text travels in PostgreSQL
/// notifications and in the server-sent events' `data:` lines.
public enum BoardEventJSON {
    /// PostgreSQL refuses notification payloads of 8,000 bytes or more.
    public static let maximumBytes = 7_999

    /// The event as JSON text; throws ``BoardEventTooLarge`` past ``maximumBytes``.
    public static func encode(_ event: BoardEvent) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(event)
        guard data.count <= maximumBytes else { throw BoardEventTooLarge(bytes: data.count) }
        return String(decoding: data, as: UTF8.self)
    }

    /// True when `event` carries no free text (no alert message), so its wire form is bounded by its
    /// numbers, an id, a date and a kind: a few hundred bytes, far under ``maximumBytes`` (a test
    /// encodes the largest such event).
    public static func isBoundedWithoutEncoding(_ event: BoardEvent) -> Bool {
        event.alert == nil
    }

    /// The event read back from ``encode(_:)``'s text.
    public static func decode(_ text: String) throws -> BoardEvent {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(BoardEvent.self, from: Data(text.utf8))
    }
}

/// An event too large to send as a PostgreSQL notification.
public struct BoardEventTooLarge: Error, CustomStringConvertible {
    /// Its encoded size.
    public let bytes: Int
    /// What went wrong.
    public var description: String { "a board event of \(bytes) bytes exceeds the \(BoardEventJSON.maximumBytes)-byte limit" }
}
