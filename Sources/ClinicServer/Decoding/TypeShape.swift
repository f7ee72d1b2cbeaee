import ClinicDomain
import Foundation

/// The JSON shape of a Codable type, learnt from the type itself: its own `init(from:)` runs
/// against a decoder that answers every question with a sample value and writes down what was
/// asked (which fields, of which types, which of them optional). The API's description is built
/// from these shapes, so it names the fields the handlers really decode and encode: rename a
/// property and the document follows.
public indirect enum TypeShape: Sendable, Equatable {
    /// Text; `format` is `uuid`, `date-time` or nil.
    case string(format: String?)
    /// A whole number; `wide` for 64-bit values.
    case integer(wide: Bool)
    /// Any JSON number.
    case number
    /// true or false.
    case boolean
    /// One of these values (a Swift enum with raw values): strings or whole numbers.
    case oneOf([EnumValue])
    /// A list of one element shape.
    case array(TypeShape)
    /// An object with any keys, each value of one shape (a `[String: V]`).
    case dictionary(TypeShape)
    /// An object with named fields; `closed` when no other field is accepted.
    case object([Field], closed: Bool)
    /// Any of these shapes: a route that takes or answers one of several forms (one reading or a batch).
    case either([TypeShape])
    /// A string, number or boolean: a form field given in JSON (``SessionForms/fields(fromJSON:accepted:)``).
    case scalar
    /// A value the derivation could not learn (a type that decodes by hand from a single value).
    case any

    /// One field of an object.
    public struct Field: Sendable, Equatable {
        /// The JSON key.
        public let name: String
        /// The value's shape.
        public let shape: TypeShape
        /// False for a field the type decodes with `decodeIfPresent` (it may be left out).
        public let required: Bool
    }

    /// A raw value of an enum, as JSON writes it.
    public enum EnumValue: Sendable, Equatable {
        case text(String)
        case number(Int)
    }

    /// How the shape's instants are written: the API's answers use ISO 8601, request bodies the
    /// decoder's default (seconds since 2001), which no request body uses.
    public enum Dates: Sendable { case iso8601, reference }

    /// The shape of `type`, as its `Decodable` conformance reads it.
    public static func of<T: Decodable>(_ type: T.Type, dates: Dates = .iso8601) -> TypeShape {
        let root = ShapeNode()
        _ = try? ShapeReading(dates: dates).value(T.self, into: root, path: [])
        return root.shape
    }

    /// The shape of a strictly keyed request body: an object closed to any field its decoder does
    /// not accept. A field the decoder accepts but the derivation did not reach (a type whose
    /// `init(from:)` stopped at a sample value) is described as any value, never left out.
    public static func requestBody<T: StrictlyKeyed>(_ type: T.Type) -> TypeShape {
        guard case .object(var fields, _) = of(T.self, dates: .reference) else {
            return flatForm(T.acceptedFields)
        }
        fields = fields.filter { T.acceptedFields.contains($0.name) }
        let missing = T.acceptedFields.subtracting(fields.map(\.name)).sorted()
        fields += missing.map { Field(name: $0, shape: .any, required: false) }
        return .object(fields, closed: true)
    }

    /// The shape of a body read as flat form fields (``SessionForms/fields(fromJSON:accepted:)``):
    /// each accepted field a string, number or boolean, none required by the JSON itself (the
    /// form's own validation names what is missing), nothing else accepted.
    public static func flatForm(_ accepted: Set<String>) -> TypeShape {
        .object(accepted.sorted().map { Field(name: $0, shape: .scalar, required: false) }, closed: true)
    }

    /// A name for `type` that stays unique across the program: its full Swift name without the
    /// module, in the characters a schema name may hold (`SessionsAPIController.DayRow`).
    public static func name(of type: Any.Type) -> String {
        let full = String(reflecting: type).replacingOccurrences(of: "ClinicServer.", with: "")
            .replacingOccurrences(of: "ClinicDomain.", with: "").replacingOccurrences(of: "ClinicStorage.", with: "")
        return String(full.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? $0 : "_" })
    }

    /// A route that reads no body (its path says everything): nothing is sent.
    public static let noBody = TypeShape.object([], closed: true)

    /// The object's field names, empty for any other shape.
    public var fieldNames: Set<String> {
        guard case .object(let fields, _) = self else { return [] }
        return Set(fields.map(\.name))
    }
}

/// A type JSON writes as one value that its own `init(from:)` checks (`"08:30"`, `"3/week"`): it
/// states its shape and a valid sample value, because a recorded sample value would fail that check.
public protocol ShapedValue: Decodable {
    /// How JSON writes it.
    static var valueShape: TypeShape { get }
    /// A valid value, to go on reading the type that holds it.
    static var shapeSample: Self { get }
}

/// What the recording decoder has learnt about one value so far.
final class ShapeNode {
    var shape: TypeShape {
        switch kind {
        case .unknown: .any
        case .leaf(let shape): shape
        case .array(let element): .array(element.shape)
        case .dictionary(let value): .dictionary(value.shape)
        case .object:
            .object(fields.map { TypeShape.Field(name: $0.name, shape: $0.node.shape, required: !optional.contains($0.name)) },
                    closed: false)
        }
    }

    enum Kind {
        case unknown
        case leaf(TypeShape)
        case array(ShapeNode)
        case dictionary(ShapeNode)
        case object
    }

    var kind = Kind.unknown
    private(set) var fields: [(name: String, node: ShapeNode)] = []
    /// Keys the type asked about with `decodeNil` first: what `decodeIfPresent` does.
    var optional: Set<String> = []

    /// The node of field `name`, made on first use.
    func field(_ name: String) -> ShapeNode {
        if let known = fields.first(where: { $0.name == name }) { return known.node }
        let node = ShapeNode()
        fields.append((name, node))
        return node
    }
}

/// A `[String: V]`, whose keys are data: described as a dictionary of V, not as an object.
private protocol StringKeyedDictionary {
    static func readValue(_ reading: ShapeReading, into node: ShapeNode, path: [any CodingKey]) throws -> Self
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    fileprivate static func readValue(_ reading: ShapeReading, into node: ShapeNode, path: [any CodingKey]) throws -> Self {
        let value = ShapeNode()
        node.kind = .dictionary(value)
        return ["key": try reading.value(Value.self, into: value, path: path)]
    }
}

/// Runs types' `init(from:)` against sample values, filling ``ShapeNode``s.
struct ShapeReading {
    let dates: TypeShape.Dates

    /// A sample `T`, after writing its shape into `node`.
    func value<T: Decodable>(_ type: T.Type, into node: ShapeNode, path: [any CodingKey]) throws -> T {
        if let leaf = Self.leaf(T.self, dates: dates) {
            node.kind = .leaf(leaf.shape)
            return leaf.sample as! T
        }
        if let shaped = T.self as? any ShapedValue.Type {
            node.kind = .leaf(shaped.valueShape)
            return shaped.shapeSample as! T
        }
        if let enumeration = T.self as? any CaseIterable.Type, let cases = Self.cases(enumeration) {
            node.kind = .leaf(.oneOf(cases.values))
            if let first = cases.first as? T { return first }
        }
        if let dictionary = T.self as? any StringKeyedDictionary.Type {
            return try dictionary.readValue(self, into: node, path: path) as! T
        }
        return try T(from: ShapeDecoder(node: node, reading: self, codingPath: path))
    }

    /// The shape and a sample value of the types JSON writes as one value.
    private static func leaf(_ type: Any.Type, dates: TypeShape.Dates) -> (shape: TypeShape, sample: Any)? {
        switch type {
        case is String.Type: (.string(format: nil), "x")
        case is Bool.Type: (.boolean, false)
        case is Int.Type: (.integer(wide: false), 1)
        case is Int64.Type: (.integer(wide: true), Int64(1))
        case is Int32.Type: (.integer(wide: false), Int32(1))
        case is UInt.Type: (.integer(wide: false), UInt(1))
        case is Double.Type: (.number, 1.0)
        case is Float.Type: (.number, Float(1))
        case is Decimal.Type: (.number, Decimal(1))
        case is UUID.Type: (.string(format: "uuid"), UUID())
        case is URL.Type: (.string(format: "uri"), URL(fileURLWithPath: "/"))
        case is Date.Type: (dates == .iso8601 ? .string(format: "date-time") : .number, Date(timeIntervalSinceReferenceDate: 0))
        case is CalendarDate.Type: (.string(format: "date"), CalendarDate(year: 2026, month: 1, day: 1)!)
        default: nil
        }
    }

    /// The raw values of an enum's cases, and its first case.
    private static func cases<C: CaseIterable>(_ type: C.Type) -> (values: [TypeShape.EnumValue], first: Any)? {
        let all = Array(type.allCases)
        guard let first = all.first else { return nil }
        let values: [TypeShape.EnumValue] = all.compactMap { value in
            switch (value as? any RawRepresentable)?.rawValue {
            case let text as String: .text(text)
            case let number as Int: .number(number)
            default: nil
            }
        }
        return values.count == all.count ? (values, first) : nil
    }
}

/// The recording decoder: every container it hands out writes into its node.
private struct ShapeDecoder: Decoder {
    let node: ShapeNode
    let reading: ShapeReading
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        node.kind = .object
        return KeyedDecodingContainer(KeyedShape<Key>(node: node, reading: reading, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let element = ShapeNode()
        node.kind = .array(element)
        return UnkeyedShape(element: element, reading: reading, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleShape(node: node, reading: reading, codingPath: codingPath)
    }
}

private struct KeyedShape<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: ShapeNode
    let reading: ShapeReading
    var codingPath: [any CodingKey]
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    /// Asked before an optional field is read (`decodeIfPresent`): the field may be left out.
    func decodeNil(forKey key: Key) throws -> Bool {
        node.optional.insert(key.stringValue)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try reading.value(T.self, into: node.field(key.stringValue), path: codingPath + [key])
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(Wrapped<Bool>.self, forKey: key).value }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(Wrapped<String>.self, forKey: key).value }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(Wrapped<Double>.self, forKey: key).value }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(Wrapped<Float>.self, forKey: key).value }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(Wrapped<Int>.self, forKey: key).value }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(Wrapped<Int8>.self, forKey: key).value }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(Wrapped<Int16>.self, forKey: key).value }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(Wrapped<Int32>.self, forKey: key).value }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(Wrapped<Int64>.self, forKey: key).value }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(Wrapped<UInt>.self, forKey: key).value }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(Wrapped<UInt8>.self, forKey: key).value }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(Wrapped<UInt16>.self, forKey: key).value }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(Wrapped<UInt32>.self, forKey: key).value }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(Wrapped<UInt64>.self, forKey: key).value }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ShapeDecoder(node: node.field(key.stringValue), reading: reading, codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ShapeDecoder(node: node.field(key.stringValue), reading: reading, codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ShapeDecoder(node: node, reading: reading, codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ShapeDecoder(node: node.field(key.stringValue), reading: reading, codingPath: codingPath + [key])
    }
}

/// Carries a primitive through the generic path, so each primitive overload is one line.
private struct Wrapped<Value: Decodable>: Decodable {
    let value: Value
    init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(Value.self) }
}

private struct UnkeyedShape: UnkeyedDecodingContainer {
    let element: ShapeNode
    let reading: ShapeReading
    var codingPath: [any CodingKey]
    /// One element is read, to learn the element's shape; then the list ends.
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(element: ShapeNode, reading: ShapeReading, codingPath: [any CodingKey]) {
        self.element = element
        self.reading = reading
        self.codingPath = codingPath
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        defer { currentIndex += 1 }
        return try reading.value(T.self, into: element, path: codingPath)
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decode(Wrapped<Bool>.self).value }
    mutating func decode(_ type: String.Type) throws -> String { try decode(Wrapped<String>.self).value }
    mutating func decode(_ type: Double.Type) throws -> Double { try decode(Wrapped<Double>.self).value }
    mutating func decode(_ type: Float.Type) throws -> Float { try decode(Wrapped<Float>.self).value }
    mutating func decode(_ type: Int.Type) throws -> Int { try decode(Wrapped<Int>.self).value }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decode(Wrapped<Int8>.self).value }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decode(Wrapped<Int16>.self).value }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decode(Wrapped<Int32>.self).value }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decode(Wrapped<Int64>.self).value }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decode(Wrapped<UInt>.self).value }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(Wrapped<UInt8>.self).value }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(Wrapped<UInt16>.self).value }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(Wrapped<UInt32>.self).value }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(Wrapped<UInt64>.self).value }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        defer { currentIndex += 1 }
        return try ShapeDecoder(node: element, reading: reading, codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        defer { currentIndex += 1 }
        return try ShapeDecoder(node: element, reading: reading, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        defer { currentIndex += 1 }
        return ShapeDecoder(node: element, reading: reading, codingPath: codingPath)
    }
}

private struct SingleShape: SingleValueDecodingContainer {
    let node: ShapeNode
    let reading: ShapeReading
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try reading.value(T.self, into: node, path: codingPath)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try leaf(Bool.self) }
    func decode(_ type: String.Type) throws -> String { try leaf(String.self) }
    func decode(_ type: Double.Type) throws -> Double { try leaf(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { try leaf(Float.self) }
    func decode(_ type: Int.Type) throws -> Int { try leaf(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { node.kind = .leaf(.integer(wide: false)); return 1 }
    func decode(_ type: Int16.Type) throws -> Int16 { node.kind = .leaf(.integer(wide: false)); return 1 }
    func decode(_ type: Int32.Type) throws -> Int32 { try leaf(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try leaf(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try leaf(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { node.kind = .leaf(.integer(wide: false)); return 1 }
    func decode(_ type: UInt16.Type) throws -> UInt16 { node.kind = .leaf(.integer(wide: false)); return 1 }
    func decode(_ type: UInt32.Type) throws -> UInt32 { node.kind = .leaf(.integer(wide: false)); return 1 }
    func decode(_ type: UInt64.Type) throws -> UInt64 { node.kind = .leaf(.integer(wide: true)); return 1 }

    private func leaf<T: Decodable>(_ type: T.Type) throws -> T { try reading.value(T.self, into: node, path: codingPath) }
}
