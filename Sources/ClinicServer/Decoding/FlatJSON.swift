import Foundation

/// One JSON value of a flat request body (a form posted as JSON): text, a number, a flag, a list
/// of strings or null.
enum FlatJSONValue: Equatable, Sendable {
    case text(String), flag(Bool), number(Double), list([String]), null

    /// The value of `key`, tried first as the type its name suggests: each failed attempt costs
    /// a thrown error. The order changes only the cost: `JSONDecoder` never turns one type into another.
    init(_ container: KeyedDecodingContainer<JSONMemberName>, _ key: JSONMemberName) throws {
        let textFirst = Self.textMembers.contains(key.stringValue)
        if try container.decodeNil(forKey: key) { self = .null }
        else if textFirst, let value = try? container.decode(String.self, forKey: key) { self = .text(value) }
        else if let value = try? container.decode(Double.self, forKey: key) { self = .number(value) }
        else if let value = try? container.decode(Bool.self, forKey: key) { self = .flag(value) }
        else if !textFirst, let value = try? container.decode(String.self, forKey: key) { self = .text(value) }
        else if let value = try? container.decode([String].self, forKey: key) { self = .list(value) }
        else { throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "Give a string, number or boolean.") }
    }

    /// Members whose values are usually text (times and words); every other is tried as a number first.
    static let textMembers: Set<String> = ["takenAt", "at", "reason", "note", "text", "description", "product", "lotNumber", "expiry",
                                           "route", "kind", "severity", "outcome", "interventions"]
}

/// A JSON object of flat values, by member name.
struct FlatJSONObject: Decodable, Equatable, Sendable {
    let members: [String: FlatJSONValue]

    init(members: [String: FlatJSONValue]) {
        self.members = members
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONMemberName.self)
        var members: [String: FlatJSONValue] = [:]
        for key in container.allKeys { members[key.stringValue] = try FlatJSONValue(container, key) }
        self.members = members
    }
}

/// Reads the one body shape a monitor gateway posts thousands of times a second,
/// `{"readings": [{…}, …]}` with flat elements, straight from its bytes. A profile of the ingest
/// route found `JSONDecoder` (a container and a generic value per member) an eighth of each request.
///
/// It answers only what it is sure of: the body must be exactly one object whose only member is
/// `member`, an array of objects whose values are strings, numbers, `true`, `false` or `null`, each
/// member named once, in valid JSON and UTF-8. Anything else (another shape, a nested value, a
/// number too large for a `Double`, a duplicate name, malformed text) gives nil, and the caller reads
/// the body with `JSONDecoder` as before, which names the problem. What it returns is what
/// `JSONDecoder` would give for the same bytes (the tests compare the two).
enum FlatJSONArrayReader {
    /// The elements of `member`'s array, or nil when the body is not of the shape above.
    static func objects(in data: Data, member: String) -> [FlatJSONObject]? {
        data.withUnsafeBytes { raw in
            var reader = Reader(bytes: raw.bindMemory(to: UInt8.self))
            return reader.document(member: member)
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func document(member: String) -> [FlatJSONObject]? {
            guard take(UInt8(ascii: "{")), let name = string(), name == member, take(UInt8(ascii: ":")),
                  take(UInt8(ascii: "[")) else { return nil }
            var objects: [FlatJSONObject] = []
            if !take(UInt8(ascii: "]")) {
                repeat {
                    guard let object = flatObject() else { return nil }
                    objects.append(object)
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { return nil }
            }
            guard take(UInt8(ascii: "}")) else { return nil }
            skipWhitespace()
            return position == bytes.count ? objects : nil
        }

        private mutating func flatObject() -> FlatJSONObject? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var members: [String: FlatJSONValue] = [:]
            if take(UInt8(ascii: "}")) { return FlatJSONObject(members: members) }
            repeat {
                guard let name = string(), take(UInt8(ascii: ":")), let value = value(),
                      members.updateValue(value, forKey: name) == nil else { return nil }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
            return FlatJSONObject(members: members)
        }

        private mutating func value() -> FlatJSONValue? {
            skipWhitespace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""): return string().map(FlatJSONValue.text)
            case UInt8(ascii: "t"): return word("true") ? .flag(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .flag(false) : nil
            case UInt8(ascii: "n"): return word("null") ? .null : nil
            default: return number().map(FlatJSONValue.number)
            }
        }

        /// A number in JSON's grammar, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, finite as a `Double`.
        private mutating func number() -> Double? {
            let start = position
            let negative = accept(UInt8(ascii: "-"))
            guard position < bytes.count else { return nil }
            let integerStart = position
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else {
                guard (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[position]) else { return nil }
                skipDigits()
            }
            let integerDigits = position - integerStart
            var whole = true
            if accept(UInt8(ascii: ".")) {
                guard skipDigits() > 0 else { return nil }
                whole = false
            }
            if accept(UInt8(ascii: "e")) || accept(UInt8(ascii: "E")) {
                if !accept(UInt8(ascii: "+")) { _ = accept(UInt8(ascii: "-")) }
                guard skipDigits() > 0 else { return nil }
                whole = false
            }
            // A whole number of up to 15 digits is exact as a Double (a reading's values all are).
            if whole, integerDigits <= 15 {
                var value = 0
                for index in integerStart..<position { value = value * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                return negative ? -Double(value) : Double(value)
            }
            guard let text = String(bytes: UnsafeBufferPointer(rebasing: bytes[start..<position]), encoding: .ascii),
                  let number = Double(text), number.isFinite else { return nil }
            // A number too small for a Double reads as 0, which `JSONDecoder` refuses: leave it to it.
            if number == 0, text.prefix { $0 != "e" && $0 != "E" }.contains(where: { ("1"..."9").contains($0) }) { return nil }
            return number
        }

        /// A string: its escapes read, its bytes valid UTF-8 with no control character.
        private mutating func string() -> String? {
            skipWhitespace()
            guard accept(UInt8(ascii: "\"")) else { return nil }
            let start = position
            // Most names and values have no escape: their bytes are the text.
            while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\") {
                guard bytes[position] >= 0x20 else { return nil }
                position += 1
            }
            guard position < bytes.count else { return nil }
            if bytes[position] == UInt8(ascii: "\"") {
                defer { position += 1 }
                return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            }
            var text = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""): return String(validating: text, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { return nil }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escape)
                    case UInt8(ascii: "b"): text.append(0x08)
                    case UInt8(ascii: "f"): text.append(0x0C)
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        text.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                case 0..<0x20: return nil
                default: text.append(byte)
                }
            }
            return nil
        }

        /// The scalar of a `\u` escape and its four hex digits (the `\u` read), a surrogate pair joined; nil for a lone surrogate.
        private mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let first = hexQuad() else { return nil }
            if (0xD800...0xDBFF).contains(first) {
                guard word("\\u"), let second = hexQuad(), (0xDC00...0xDFFF).contains(second) else { return nil }
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            }
            return Unicode.Scalar(first)
        }

        private mutating func hexQuad() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = hexDigit(bytes[position]) else { return nil }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        private func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        @discardableResult
        private mutating func skipDigits() -> Int {
            let start = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - start
        }

        /// `text`'s bytes next, taken; false (nothing taken) otherwise.
        private mutating func word(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[position + offset] != text.utf8Start[offset] { return false }
            position += count
            return true
        }

        /// `byte` next, taken; false otherwise.
        private mutating func accept(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// `byte` next after any whitespace, taken.
        private mutating func take(_ byte: UInt8) -> Bool {
            skipWhitespace()
            return accept(byte)
        }

        private mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }
    }
}
