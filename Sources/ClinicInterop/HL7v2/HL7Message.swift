import Foundation

/// The five delimiters of an HL7 v2 message, read from MSH-1 and MSH-2 [M6]: a gateway may choose
/// its own, so every field is split with the message's characters, never with fixed ones.
public struct HL7Encoding: Equatable, Sendable {
    /// Separates fields (MSH-1), `|` by convention.
    public let field: Character
    /// Separates components, `^` by convention.
    public let component: Character
    /// Separates repetitions of a field, `~` by convention.
    public let repetition: Character
    /// Starts and ends an escape sequence, `\` by convention.
    public let escape: Character?
    /// Separates subcomponents, `&` by convention.
    public let subcomponent: Character?

    /// The delimiters every example in the PCD technical framework uses (`|^~\&`) [M6].
    public static let standard = HL7Encoding(field: "|", component: "^", repetition: "~", escape: "\\", subcomponent: "&")

    /// Creates a set of delimiters.
    public init(field: Character, component: Character, repetition: Character, escape: Character?, subcomponent: Character?) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
    }

    /// The separators as single Unicode scalars (``read(from:)`` admits no other): the parser
    /// scans scalars, not grapheme clusters, which is what keeps a monitor's stream cheap to read.
    var fieldScalar: Unicode.Scalar { field.unicodeScalars.first ?? "|" }
    var componentScalar: Unicode.Scalar { component.unicodeScalars.first ?? "^" }
    var repetitionScalar: Unicode.Scalar { repetition.unicodeScalars.first ?? "~" }
    var subcomponentScalar: Unicode.Scalar? { subcomponent?.unicodeScalars.first }

    /// MSH-2 as it is written: component, repetition, escape, subcomponent.
    public var encodingCharacters: String {
        String([component, repetition] + [escape, subcomponent].compactMap { $0 })
    }

    /// Reads MSH-1 and MSH-2 from the start of a message: `MSH` then the field separator then 2–4
    /// distinct characters, none alphanumeric, none a segment terminator [M6].
    static func read(from text: Substring) throws(HL7ParseError) -> (HL7Encoding, rest: Substring) {
        guard text.hasPrefix("MSH"), text.count >= 8 else { throw .notHL7("The message does not start with an MSH segment.") }
        var index = text.index(text.startIndex, offsetBy: 3)
        let field = text[index]
        index = text.index(after: index)
        var characters: [Character] = []
        while index < text.endIndex, text[index] != field, characters.count < 5 {
            characters.append(text[index])
            index = text.index(after: index)
        }
        let forbidden: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0.isNewline || $0 == " " }
        guard !forbidden(field), field.unicodeScalars.count == 1, characters.allSatisfy({ $0.unicodeScalars.count == 1 }),
              (2...5).contains(characters.count), index < text.endIndex, text[index] == field,
              Set(characters + [field]).count == characters.count + 1, !characters.contains(where: forbidden) else {
            throw .badEncodingCharacters("MSH-1 and MSH-2 must hold the field separator and 2 to 5 distinct encoding characters (normally |^~\\&).")
        }
        let encoding = HL7Encoding(field: field, component: characters[0], repetition: characters[1],
                                   escape: characters.count > 2 ? characters[2] : nil, subcomponent: characters.count > 3 ? characters[3] : nil)
        return (encoding, text[text.index(after: index)...])
    }
}

/// Why a message could not be read, with the acknowledgement it earns: AR when the message as a
/// whole is not one KetaClinic accepts (not HL7, wrong type or version), AE when it is but its
/// content is wrong [M6].
public enum HL7ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not an HL7 v2 message at all.
    case notHL7(String)
    /// MSH-1/MSH-2 are not usable delimiters.
    case badEncodingCharacters(String)
    /// A segment is malformed or in the wrong place.
    case badSegment(String)
    /// A required field is missing.
    case missingField(String)
    /// The message type or event is not ORU^R01.
    case unsupportedMessageType(String)
    /// The HL7 version is not a 2.x version.
    case unsupportedVersion(String)
    /// A field's value cannot be read (a number, a time).
    case badValue(String)

    /// What is wrong, for the ACK's text and the operators' page.
    public var description: String {
        switch self {
        case .notHL7(let text), .badEncodingCharacters(let text), .badSegment(let text), .missingField(let text),
             .unsupportedMessageType(let text), .unsupportedVersion(let text), .badValue(let text): text
        }
    }

    /// AR for messages refused as a whole, AE for content errors.
    public var acknowledgement: HL7AcknowledgementCode {
        switch self {
        case .notHL7, .badEncodingCharacters, .unsupportedMessageType, .unsupportedVersion: .reject
        case .badSegment, .missingField, .badValue: .error
        }
    }

    /// The error condition code from HL7 table 0357 for ERR-3 [M6].
    public var conditionCode: (code: String, text: String) {
        switch self {
        case .notHL7, .badSegment, .badEncodingCharacters: ("100", "Segment sequence error")
        case .missingField: ("101", "Required field missing")
        case .badValue: ("102", "Data type error")
        case .unsupportedMessageType: ("200", "Unsupported message type")
        case .unsupportedVersion: ("203", "Unsupported version id")
        }
    }
}

/// One segment: its id and its fields as sent (still escaped). `fields[0]` is the id; for MSH,
/// `fields[1]` is MSH-1 (the separator) and `fields[2]` MSH-2, so `field(n)` is HL7's numbering.
public struct HL7Segment: Equatable, Sendable {
    /// The segment id, e.g. `OBX`.
    public let id: String
    /// The raw fields; index 0 is the id.
    public let fields: [Substring]

    /// Field `number` as sent (escaped), or an empty string.
    public func raw(_ number: Int) -> Substring {
        number < fields.count ? fields[number] : ""
    }
}

/// A parsed HL7 v2 message: its delimiters and segments. Parsing is strict about the header
/// and the segment shape, lenient about what it does not use (extra fields, Z-segments).
public struct HL7Message: Equatable, Sendable {
    /// The delimiters from MSH-1/MSH-2.
    public let encoding: HL7Encoding
    /// The segments in order.
    public let segments: [HL7Segment]

    /// The most segments one message may hold; a gateway's ORU^R01 has tens.
    public static let maximumSegments = 10_000
    /// The longest field accepted, in characters; monitor values are short.
    public static let maximumFieldLength = 65_536

    /// Parses `text`. Segments end with a carriage return [M6]; a line feed after it (or alone,
    /// as some tools write) is accepted too.
    public init(parsing text: String) throws(HL7ParseError) {
        let trimmed = text.drop(while: { $0.isNewline || $0 == " " })
        let (encoding, _) = try HL7Encoding.read(from: trimmed)
        self.encoding = encoding
        var segments: [HL7Segment] = []
        let lines = trimmed.unicodeScalars.split(omittingEmptySubsequences: true, whereSeparator: Self.isSegmentBreak).map(Substring.init)
        for line in lines {
            guard segments.count < Self.maximumSegments else { throw .badSegment("The message has more than \(Self.maximumSegments) segments.") }
            let id = line.prefix(3)
            guard id.count == 3, id.allSatisfy({ ($0.isUppercase && $0.isASCII) || ($0.isNumber && $0.isASCII) }),
                  line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == encoding.field else {
                throw .badSegment("Segment \(segments.count + 1) does not start with a three-character segment id and the field separator.")
            }
            var fields = line.unicodeScalars.split(separator: encoding.fieldScalar, omittingEmptySubsequences: false).map(Substring.init)
            if id == "MSH" {
                // MSH-1 is the separator itself; keep the numbering HL7 uses.
                fields.insert(Substring(String(encoding.field)), at: 1)
            }
            if let long = fields.first(where: { $0.unicodeScalars.count > Self.maximumFieldLength }) {
                throw .badValue("A field in \(id) is \(long.unicodeScalars.count) characters long; the limit is \(Self.maximumFieldLength).")
            }
            segments.append(HL7Segment(id: String(id), fields: fields))
        }
        guard segments.first?.id == "MSH" else { throw .notHL7("The message does not start with an MSH segment.") }
        if segments.dropFirst().contains(where: { $0.id == "MSH" }) {
            throw .badSegment("A frame holds one message; a second MSH segment was found.")
        }
        self.segments = segments
    }

    /// The MSH segment.
    public var header: HL7Segment { segments[0] }

    /// The first segment with `id`.
    public func first(_ id: String) -> HL7Segment? { segments.first { $0.id == id } }

    /// Component `component` (1-based) of field `number` of `segment`, first repetition,
    /// unescaped; nil when empty.
    public func value(_ segment: HL7Segment, _ number: Int, component: Int = 1) -> String? {
        guard component >= 1 else { return nil }
        let scalars = segment.raw(number).unicodeScalars
        let end = scalars.firstIndex(of: encoding.repetitionScalar) ?? scalars.endIndex   // the first repetition
        var start = scalars.startIndex
        for _ in 1..<component {
            guard let separator = scalars[start..<end].firstIndex(of: encoding.componentScalar) else { return nil }
            start = scalars.index(after: separator)
        }
        var stop = scalars[start..<end].firstIndex(of: encoding.componentScalar) ?? end
        if let sub = encoding.subcomponentScalar, let first = scalars[start..<stop].firstIndex(of: sub) { stop = first }
        let text = Self.trimmingSpaces(HL7Escaping.unescape(Substring(scalars[start..<stop]), encoding: encoding))
        return text.isEmpty ? nil : text
    }

    /// Line feed, vertical tab, form feed, carriage return, next line, line and paragraph
    /// separators: what ends a segment (HL7 uses CR; senders add LF).
    static func isSegmentBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// `text` without leading and trailing tabs and space separators (Unicode Zs), as
    /// `CharacterSet.whitespaces` trims, without bridging to Foundation.
    static func trimmingSpaces(_ text: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }
}

/// HL7 v2 escape sequences [M6]: `\F\ \S\ \T\ \R\ \E\` stand for the delimiters, `\Xhh…\` for
/// bytes in hexadecimal; formatting sequences (`\H\`, `\N\`, `\.br\`…) carry no value and are dropped.
public enum HL7Escaping {
    /// `text` with its escape sequences replaced.
    public static func unescape(_ text: Substring, encoding: HL7Encoding) -> String {
        guard let escape = encoding.escape, text.contains(escape) else { return String(text) }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == escape, let close = text[text.index(after: index)...].firstIndex(of: escape) else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            let sequence = text[text.index(after: index)..<close]
            switch sequence {
            case "F": result.append(encoding.field)
            case "S": result.append(encoding.component)
            case "T": if let sub = encoding.subcomponent { result.append(sub) }
            case "R": result.append(encoding.repetition)
            case "E": result.append(escape)
            default:
                if sequence.first == "X", sequence.count > 1, sequence.count % 2 == 1 {
                    let hex = Array(sequence.dropFirst())
                    var bytes: [UInt8] = []
                    for offset in stride(from: 0, to: hex.count, by: 2) {
                        if let byte = UInt8(String(hex[offset...offset + 1]), radix: 16) { bytes.append(byte) }
                    }
                    result += String(decoding: bytes, as: UTF8.self)
                }
                // Other sequences (highlighting, line breaks, character sets) are formatting only.
            }
            index = text.index(after: close)
        }
        return result
    }

    /// `text` with the delimiters of `encoding` escaped, for fields KetaClinic writes (ACK text).
    public static func escape(_ text: String, encoding: HL7Encoding = .standard) -> String {
        let escape = encoding.escape ?? "\\"
        var result = ""
        for character in text {
            switch character {
            case escape: result += "\(escape)E\(escape)"
            case encoding.field: result += "\(escape)F\(escape)"
            case encoding.component: result += "\(escape)S\(escape)"
            case encoding.repetition: result += "\(escape)R\(escape)"
            case encoding.subcomponent: result += "\(escape)T\(escape)"
            case _ where character.isNewline: result += " "
            default: result.append(character)
            }
        }
        return result
    }
}
