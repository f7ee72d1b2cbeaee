import ClinicDomain
import Foundation
import Hummingbird

/// A request body type whose fields are known, so that a misspelt or unexpected field is refused
/// instead of silently ignored (a silently dropped `"allergies"` would lose clinical data).
public protocol StrictlyKeyed: Decodable {
    /// The field names the type accepts.
    static var acceptedFields: Set<String> { get }
}

/// Reads JSON request bodies strictly: right content type, well-formed, no unknown fields,
/// right types. Every failure is a 4xx problem that names the field.
enum StrictJSON {
    /// The request body as a JSON object, for bodies whose accepted fields depend on the route.
    static func object(from request: Request) async throws -> [String: Any] {
        let (_, fields) = try await jsonObject(request)
        return fields
    }

    /// The request body's JSON object, checked as for ``decode(_:from:)`` but left undecoded. The
    /// check parses with `JSONDecoder` and builds nothing: a monitor gateway posts many bodies a
    /// second, and building Foundation objects only to learn the body is an object cost 3 % of each.
    static func objectData(from request: Request) async throws -> Data {
        try await object(AnyJSONObject.self, from: request).data
    }

    /// The request body's JSON object and `T` read from it in the same parse, for a route on the
    /// hot path (a gateway's readings) that would otherwise parse the body twice. `T`'s decoder
    /// must accept any JSON object (reading its members leniently); the body not being an object,
    /// or not JSON, is answered as for ``objectData(from:)``.
    /// `fast` may read a body of a shape it knows without `JSONDecoder` (nil for any other).
    static func object<T: Decodable>(_ type: T.Type, from request: Request, fast: (Data) -> T? = { _ in nil }) async throws
        -> (data: Data, value: T) {
        let data = try await body(of: request)
        if let value = fast(data) { return (data, value) }
        do {
            return (data, try JSONDecoder().decode(T.self, from: data))
        } catch DecodingError.typeMismatch {
            throw Problem.malformedJSON("The body must be a JSON object.")
        } catch {
            throw Problem.malformedJSON("The body could not be parsed as JSON.")
        }
    }

    /// Any JSON object, its members unread.
    private struct AnyJSONObject: Decodable {
        init(from decoder: any Decoder) throws {
            _ = try decoder.container(keyedBy: JSONMemberName.self)
        }
    }

    /// The body, after checking it is declared JSON.
    private static func body(of request: Request) async throws -> Data {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") || contentType.hasPrefix("application/merge-patch+json") else {
            throw Problem.unsupportedMediaType("application/json")
        }
        var request = request
        return Data(buffer: try await request.collectBody(upTo: .max))
    }

    /// Decodes the request body as `T`.
    static func decode<T: StrictlyKeyed>(_ type: T.Type, from request: Request) async throws -> T {
        let (data, fields) = try await jsonObject(request)
        var errors = FieldErrors()
        for field in fields.keys.sorted() where !T.acceptedFields.contains(field) {
            errors.add(field, "Unknown field. Accepted fields: \(T.acceptedFields.sorted().joined(separator: ", ")).")
        }
        try errors.throwIfAny()
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw FieldErrors.from(error)
        }
    }

    private static func jsonObject(_ request: Request) async throws -> (Data, [String: Any]) {
        let data = try await body(of: request)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw Problem.malformedJSON("The body could not be parsed as JSON.")
        }
        guard let fields = object as? [String: Any] else {
            throw Problem.malformedJSON("The body must be a JSON object.")
        }
        return (data, fields)
    }
}

extension FieldErrors {
    /// The field-level message for a JSON decoding failure.
    static func from(_ error: DecodingError) -> FieldErrors {
        var errors = FieldErrors()
        func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            errors.add(path(context.codingPath), "Wrong type: expected \(Self.jsonName(of: type)).")
        case .valueNotFound(let type, let context):
            errors.add(path(context.codingPath), "Required: expected \(Self.jsonName(of: type)), got null.")
        case .keyNotFound(let key, let context):
            errors.add(path(context.codingPath, key), "Required field is missing.")
        case .dataCorrupted(let context):
            errors.add(path(context.codingPath).isEmpty ? "body" : path(context.codingPath), context.debugDescription)
        @unknown default:
            errors.add("body", "The body does not match the expected shape.")
        }
        return errors
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}
