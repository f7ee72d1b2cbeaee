import Foundation
import SQLKit

/// The one JSON form of values stored in text columns: sorted keys (so equal values store
/// equal text) and dates as milliseconds since 1970.
enum StoredJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// `value` as stored text.
    static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The value stored as JSON text in `column` of `row`.
    static func value<T: Decodable>(_ type: T.Type, _ column: String, of row: any SQLRow) throws -> T {
        try decoder.decode(T.self, from: Data(try row.decode(column: column, as: String.self).utf8))
    }
}
