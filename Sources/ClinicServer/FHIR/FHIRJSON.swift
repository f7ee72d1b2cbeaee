import Foundation

/// A FHIR JSON value with its members in the order FHIR lists them. Resources are built as these
/// values and written straight into bytes by ``FHIRJSONWriter``: no reflection, no intermediate
/// `Data`, one growing buffer per page or file.
public indirect enum FHIRJSON: Sendable, Equatable {
    /// Members in order.
    case object([(String, FHIRJSON)])
    /// Elements in order.
    case array([FHIRJSON])
    /// Text.
    case string(String)
    /// A whole number.
    case integer(Int64)
    /// A finite decimal (a non-finite one is written as 0; mappings never make one).
    case decimal(Double)
    /// true or false.
    case boolean(Bool)

    public static func == (lhs: FHIRJSON, rhs: FHIRJSON) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.decimal(let a), .decimal(let b)): a == b
        case (.boolean(let a), .boolean(let b)): a == b
        default: false
        }
    }

    /// The member `name` of an object.
    public subscript(name: String) -> FHIRJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    /// The text of a string value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The encoded bytes.
    public var bytes: [UInt8] {
        var writer = FHIRJSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// The encoded text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Builds an object, leaving out members whose value is nil, so mappings read like the resource.
public struct FHIRObject {
    /// The members so far.
    public private(set) var members: [(String, FHIRJSON)] = []

    /// An empty object.
    public init() {}

    /// Adds `name` when `value` is not nil.
    public mutating func set(_ name: String, _ value: FHIRJSON?) {
        if let value { members.append((name, value)) }
    }

    /// Adds a string member when present and not empty.
    public mutating func set(_ name: String, _ text: String?) {
        if let text, !text.isEmpty { members.append((name, .string(text))) }
    }

    /// Adds an array member when it has elements.
    public mutating func set(_ name: String, _ values: [FHIRJSON]) {
        if !values.isEmpty { members.append((name, .array(values))) }
    }

    /// The object.
    public var json: FHIRJSON { .object(members) }
}

/// Writes ``FHIRJSON`` as compact JSON bytes (one line: NDJSON-ready).
public struct FHIRJSONWriter {
    /// The bytes written.
    public private(set) var bytes: [UInt8]

    /// A writer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 4_096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Forgets the bytes written, keeping the buffer's capacity.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Appends raw bytes (a separator, a newline).
    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends already-encoded bytes.
    public mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more) }

    /// Appends one value.
    public mutating func write(_ value: FHIRJSON) {
        switch value {
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for member in members {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                writeString(member.0)
                bytes.append(UInt8(ascii: ":"))
                write(member.1)
            }
            bytes.append(UInt8(ascii: "}"))
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for element in values {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .string(let text):
            writeString(text)
        case .integer(let number):
            writeInteger(number)
        case .decimal(let number):
            if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
                writeInteger(Int64(number))
            } else {
                bytes.append(contentsOf: FHIRJSONWriter.decimalText(number).utf8)
            }
        case .boolean(let flag):
            if flag { append("true") } else { append("false") }
        }
    }

    private mutating func writeInteger(_ number: Int64) {
        guard number != 0 else { bytes.append(UInt8(ascii: "0")); return }
        // Digits backwards into a small stack buffer, then appended in order; Int64.min is handled as UInt64.
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            while magnitude > 0 {
                digits[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
    }

    /// A finite number as JSON text without exponent; whole numbers without a fraction. Non-finite
    /// values never reach here (mappings check), but are written as 0 rather than invalid JSON.
    static func decimalText(_ number: Double) -> String {
        guard number.isFinite else { return "0" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        let text = String(number)
        if text.contains("e") || text.contains("E") { return String(format: "%.6f", number) }
        return text
    }

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Copy runs of bytes that need no escape in one go; escape the rest.
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                escape(byte)
                start = index + 1
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            hex.withUTF8Buffer { digits in
                bytes.append(digits[Int(byte >> 4)])
                bytes.append(digits[Int(byte & 0x0F)])
            }
        }
    }
}
