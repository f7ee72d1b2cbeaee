import ClinicDomain
import Foundation

/// Reads a ``PatientRecord`` from a JSON file (the schema is in docs/screening.md): decodes it,
/// refuses keys the record does not have, and validates every section. Every problem comes
/// back as ``FieldErrors`` keyed by its path in the file, e.g. `weights[0].kilograms`.
enum PatientRecordFile {
    /// The record in `data`, validated against `today`.
    static func read(_ data: Data, today: CalendarDate) throws(FieldErrors) -> PatientRecord {
        let record = try decode(data)
        return try record.validated(today: today)
    }

    /// The record in `data`, decoded but not validated.
    static func decode(_ data: Data) throws(FieldErrors) -> PatientRecord {
        var errors = FieldErrors()
        let tree: Any
        do {
            tree = try JSONSerialization.jsonObject(with: data)
        } catch {
            errors.add("file", "The file is not valid JSON (\(Self.describe(error))).")
            throw errors
        }
        guard tree is [String: Any] else {
            errors.add("file", "The file must hold one JSON object: the patient record.")
            throw errors
        }
        let record: PatientRecord
        do {
            record = try JSONDecoder().decode(PatientRecord.self, from: data)
        } catch let error as DecodingError {
            let (path, message) = Self.describe(error)
            errors.add(path.isEmpty ? "file" : path, message)
            throw errors
        } catch {
            errors.add("file", Self.describe(error))
            throw errors
        }
        let encoder = JSONEncoder()
        if let encoded = try? encoder.encode(record), let known = try? JSONSerialization.jsonObject(with: encoded) {
            for path in unknownKeys(in: tree, known: known, path: "") {
                errors.add(path, "Unknown key; check the spelling against docs/screening.md.")
            }
        }
        try errors.throwIfAny()
        return record
    }

    /// Keys present (and not null) in `input` that the decoded record does not write back.
    static func unknownKeys(in input: Any, known: Any, path: String) -> [String] {
        if let object = input as? [String: Any] {
            guard let knownObject = known as? [String: Any] else { return [] }
            return object.keys.sorted().flatMap { key -> [String] in
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let value = object[key], !(value is NSNull) else { return [] }
                guard let knownValue = knownObject[key] else { return [child] }
                return unknownKeys(in: value, known: knownValue, path: child)
            }
        }
        if let array = input as? [Any], let knownArray = known as? [Any], array.count == knownArray.count {
            return zip(array, knownArray).enumerated().flatMap { index, pair in
                unknownKeys(in: pair.0, known: pair.1, path: "\(path)[\(index)]")
            }
        }
        return []
    }

    /// `weights[0].kilograms` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.reduce(into: "") { text, key in
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
    }

    /// The path and a readable message for a decoding error.
    static func describe(_ error: DecodingError) -> (String, String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "Required key is missing.")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "A value of type \(type) is required here, not null.")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "Expected \(Self.name(of: type)).")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", String(describing: error))
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "a value of type \(type)"
        }
    }

    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
    }
}
