import ClinicServer
import Foundation
import HTTPTypes
import Testing

/// Checks the API's answers against the shapes the API's description states for them (the
/// routes' ``RouteAnswer``s, learnt from the Codable types the handlers encode): every required
/// field present, no field the shape does not know, each value of the stated JSON type.
struct AnswerConformance {
    let entries: [RouteEntry]

    /// The catalog entry whose method and path pattern match the request.
    func entry(_ method: HTTPRequest.Method, _ uri: String) -> RouteEntry? {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return entries.first { entry in
            guard entry.method == method else { return false }
            let pattern = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == parts.count && zip(pattern, parts).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }
    }

    /// Records an issue for each way a success answer departs from its route's stated shape;
    /// returns how many answers were checked (0 or 1).
    @discardableResult
    func check(_ method: HTTPRequest.Method, _ uri: String, status: HTTPResponse.Status, body: Data,
               sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        guard (200..<300).contains(status.code), let answer = entry(method, uri)?.answer else { return 0 }
        #expect(status.code == answer.status, "\(method) \(uri): status \(status.code), stated \(answer.status)", sourceLocation: sourceLocation)
        guard answer.status != 204 else { return 1 }
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            Issue.record("\(method) \(uri): the answer is not JSON", sourceLocation: sourceLocation)
            return 1
        }
        for problem in Self.mismatches(value, answer.shape, at: "") {
            Issue.record("\(method) \(uri): \(problem)", sourceLocation: sourceLocation)
        }
        return 1
    }

    /// Where `value` departs from `shape`.
    static func mismatches(_ value: Any, _ shape: TypeShape, at path: String) -> [String] {
        let here = path.isEmpty ? "the answer" : path
        // JSONSerialization gives true/false as `__NSCFBoolean` and numbers as `NSNumber`; both also cast to Bool.
        func boolean(_ value: Any) -> Bool { String(describing: type(of: value)).contains("Boolean") }
        func number(_ value: Any) -> Bool { !boolean(value) && value is NSNumber }
        switch shape {
        case .string(let format):
            guard let text = value as? String else { return ["\(here): expected a string, found \(value)"] }
            if format == "uuid", UUID(uuidString: text) == nil { return ["\(here): not a UUID: \(text)"] }
            if format == "date-time", ISO8601DateFormatter().date(from: text) == nil { return ["\(here): not an ISO 8601 instant: \(text)"] }
            return []
        case .integer:
            guard number(value), let double = (value as? NSNumber)?.doubleValue, double.rounded() == double else {
                return ["\(here): expected a whole number, found \(value)"]
            }
            return []
        case .number: return number(value) ? [] : ["\(here): expected a number, found \(value)"]
        case .boolean: return boolean(value) ? [] : ["\(here): expected true or false, found \(value)"]
        case .oneOf(let values):
            let allowed = values.map { value -> String in
                switch value { case .text(let text): text; case .number(let number): String(number) }
            }
            let found = (value as? String) ?? (value as? NSNumber).map { "\($0.intValue)" } ?? "\(value)"
            return allowed.contains(found) ? [] : ["\(here): \(found) is not one of \(allowed)"]
        case .array(let element):
            guard let items = value as? [Any] else { return ["\(here): expected a list"] }
            return items.enumerated().flatMap { mismatches($0.element, element, at: "\(here)[\($0.offset)]") }
        case .dictionary(let element):
            guard let object = value as? [String: Any] else { return ["\(here): expected an object"] }
            return object.flatMap { mismatches($0.value, element, at: "\(path).\($0.key)") }
        case .object(let fields, _):
            guard let object = value as? [String: Any] else { return ["\(here): expected an object, found \(value)"] }
            var problems = fields.filter { $0.required && object[$0.name] == nil }.map { "\(here): missing \($0.name)" }
            let known = Set(fields.map(\.name))
            problems += object.keys.filter { !known.contains($0) }.sorted().map { "\(here): \($0) is not in the stated shape" }
            for field in fields { if let item = object[field.name] { problems += mismatches(item, field.shape, at: "\(path).\(field.name)") } }
            return problems
        case .either(let shapes):
            let each = shapes.map { mismatches(value, $0, at: path) }
            return each.contains { $0.isEmpty } ? [] : ["\(here): matches none of its \(shapes.count) forms: \(each.flatMap { $0 })"]
        case .scalar: return value is String || number(value) || boolean(value) ? [] : ["\(here): expected a string, number or boolean"]
        case .any: return []
        }
    }
}
