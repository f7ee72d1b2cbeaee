import ClinicDomain
import ClinicStorage
import Foundation

/// A refusal of a FHIR request: becomes an OperationOutcome with `status`.
public struct FHIRError: Error, Sendable, Equatable {
    /// The HTTP status.
    public let status: Int
    /// The OperationOutcome issue code (`invalid`, `not-supported`, `not-found`…).
    public let code: String
    /// What was wrong, for the client's developer.
    public let diagnostics: String

    /// A refusal.
    public init(status: Int, code: String, _ diagnostics: String) {
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
    }

    static func invalid(_ text: String) -> FHIRError { FHIRError(status: 400, code: "invalid", text) }
    static func notSupported(_ text: String) -> FHIRError { FHIRError(status: 400, code: "not-supported", text) }
    static func notFound(_ text: String) -> FHIRError { FHIRError(status: 404, code: "not-found", text) }
}

/// Where the next page of a search starts: the source, the row key and how many of that row's
/// resources were already returned. Written into `next` links as `_cursor=<source>.<skip>.<key>`.
public struct FHIRCursor: Sendable, Equatable {
    /// Index into the kind's sources.
    public let source: Int
    /// The row key to resume at (nil: the source's start).
    public let key: String?
    /// Resources of row `key` already returned.
    public let skip: Int

    /// A cursor.
    public init(source: Int, key: String?, skip: Int) {
        self.source = source
        self.key = key
        self.skip = skip
    }

    /// The cursor as link text.
    public var text: String { "\(source).\(skip).\(key ?? "")" }

    /// Parses link text; nil when it is not one this server wrote.
    public init?(text: String) {
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let source = Int(parts[0]), (0..<16).contains(source), let skip = Int(parts[1]),
              (0..<64).contains(skip), parts[2].count <= 64,
              parts[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
        self.init(source: source, key: parts[2].isEmpty ? nil : String(parts[2]), skip: skip)
    }
}

/// A parsed FHIR date search value: the instants and days it covers.
public struct FHIRDateRange: Sendable, Equatable {
    /// First instant (milliseconds) covered.
    public let start: Int64
    /// First instant after the range.
    public let end: Int64
    /// First day covered (`YYYY-MM-DD`, clinic time zone).
    public let startDay: String
    /// First day after the range.
    public let endDay: String

    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (days in `timeZone`) or a dateTime with its zone
    /// (`YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm)`); years 1900–2200.
    public static func parse(_ text: String, timeZone: TimeZone) -> FHIRDateRange? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let datePart = text.prefix(10)
        let pieces = datePart.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count), pieces[0].count == 4, let year = Int(pieces[0]), (1900...2200).contains(year) else { return nil }
        var month: Int? = nil, day: Int? = nil
        if pieces.count >= 2 {
            guard pieces[1].count == 2, let value = Int(pieces[1]), (1...12).contains(value) else { return nil }
            month = value
        }
        if pieces.count == 3 {
            guard pieces[2].count == 2, let value = Int(pieces[2]), (1...31).contains(value) else { return nil }
            day = value
        }
        func dayText(_ date: Date) -> String {
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        }
        if text.count > 10 {
            // A dateTime: a full date, then the time with its zone (FHIR requires the zone with a time).
            guard day != nil, text.count <= 35, text[text.index(text.startIndex, offsetBy: 10)] == "T" else { return nil }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let plain = ISO8601DateFormatter()
            plain.formatOptions = [.withInternetDateTime]
            var instantText = text
            var precision: Int64 = text.contains(".") ? 1 : 1_000
            let time = text.dropFirst(11)
            if time.count >= 6, let mark = time.dropFirst(5).first, mark == "Z" || mark == "+" || mark == "-" {
                // hh:mm with its zone: the minute is the precision.
                let timeEnd = text.index(text.startIndex, offsetBy: 16)
                instantText = String(text[..<timeEnd]) + ":00" + String(text[timeEnd...])
                precision = 60_000
            }
            guard let date = formatter.date(from: instantText) ?? plain.date(from: instantText) else { return nil }
            let start = date.millisecondsSince1970
            let endDate = Date(millisecondsSince1970: start + precision)
            return FHIRDateRange(start: start, end: start + precision, startDay: dayText(date),
                                 endDay: dayText(calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: endDate)) ?? endDate))
        }
        guard let first = calendar.date(from: DateComponents(year: year, month: month ?? 1, day: day ?? 1)),
              calendar.component(.day, from: first) == (day ?? 1) else { return nil }
        let unit: Calendar.Component = day != nil ? .day : month != nil ? .month : .year
        guard let after = calendar.date(byAdding: unit, value: 1, to: first) else { return nil }
        return FHIRDateRange(start: first.millisecondsSince1970, end: after.millisecondsSince1970,
                             startDay: dayText(first), endDay: dayText(after))
    }
}

/// A parsed FHIR search: every parameter checked, unknown ones refused.
public struct FHIRSearch: Sendable {
    /// Page size: `_count`, 1–``maximumCount``, default ``defaultCount``.
    public var count = FHIRSearch.defaultCount
    /// Where the page starts.
    public var cursor: FHIRCursor?
    /// `_id`.
    public var id: String?
    /// Narrowing done in SQL.
    public var filter = FHIRRowFilter()
    /// `code` tokens (any matches): `system|code`, or `|code`/`code` with any system.
    public var codes: [(system: String?, code: String)] = []
    /// The parameters as given (without `_cursor`), for the page links.
    public var linkParameters: [(String, String)] = []

    /// Default page size.
    public static let defaultCount = 50
    /// Largest page size.
    public static let maximumCount = 1_000

    /// Parses the query items of a search on `kind`.
    public static func parse(_ items: [(String, String)], kind: FHIRResourceKind, timeZone: TimeZone) throws(FHIRError) -> FHIRSearch {
        var search = FHIRSearch()
        var seen: Set<String> = []
        for (name, value) in items {
            if name != "_cursor" { search.linkParameters.append((name, value)) }
            switch name {
            case "_count", "_cursor", "_id":
                guard seen.insert(name).inserted else { throw .invalid("\(name) is given more than once.") }
                if name == "_count" {
                    guard let number = Int(value), (1...maximumCount).contains(number) else {
                        throw .invalid("_count must be a whole number from 1 to \(maximumCount).")
                    }
                    search.count = number
                } else if name == "_cursor" {
                    guard let cursor = FHIRCursor(text: value), cursor.source < kind.sources.count else {
                        throw .invalid("_cursor is not a page position this server gave.")
                    }
                    search.cursor = cursor
                } else {
                    guard !value.isEmpty, value.count <= 64, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                        throw .invalid("_id must be a FHIR id (letters, digits, '-' and '.', up to 64).")
                    }
                    search.id = value
                }
            case "_format":
                guard ["json", "application/json", "application/fhir+json"].contains(value) else {
                    throw .notSupported("Only JSON is served (_format json or application/fhir+json).")
                }
            case _ where kind.patientParameters.contains(name):
                var ids: [UUID] = []
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    var text = Substring(part)
                    if text.hasPrefix("Patient/") { text = text.dropFirst("Patient/".count) }
                    guard let id = UUID(uuidString: String(text)) else {
                        throw .invalid("\(name) must be Patient/<id> or a patient id; '\(part)' is not.")
                    }
                    ids.append(id)
                }
                guard ids.count <= 100 else { throw .invalid("\(name) names more than 100 patients.") }
                // Repeated patient parameters must all hold: keep only the ids named every time.
                search.filter.patientIDs = search.filter.patientIDs.map { earlier in ids.filter { earlier.contains($0) } } ?? ids
            case _ where kind.dateParameter?.name == name:
                let (prefix, range) = try dateValue(value, name: name, timeZone: timeZone)
                search.filter.dateMilliseconds += bounds(prefix, lower: range.start, upper: range.end)
                search.filter.dateDays += bounds(prefix, lower: range.startDay, upper: range.endDay)
            case "_lastUpdated" where kind.supportsLastUpdated:
                let (prefix, range) = try dateValue(value, name: name, timeZone: timeZone)
                search.filter.lastUpdated += bounds(prefix, lower: range.start, upper: range.end)
            case "code" where kind.supportsCode:
                for part in value.split(separator: ",") {
                    let pieces = part.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                    if pieces.count == 2 {
                        guard !pieces[1].isEmpty else { throw .invalid("code '\(part)' has no code after '|'.") }
                        search.codes.append((pieces[0].isEmpty ? nil : String(pieces[0]), String(pieces[1])))
                    } else {
                        search.codes.append((nil, String(part)))
                    }
                }
                guard !search.codes.isEmpty, search.codes.count <= 50 else { throw .invalid("code needs 1 to 50 tokens.") }
            default:
                let supported = kind.searchParameters.joined(separator: ", ")
                throw .notSupported("\(kind.type) has no search parameter '\(name)' here; supported: \(supported).")
            }
        }
        if let id = search.id { search.filter.key = kind.sources.first.map { $0.keyForID(id) } ?? id }
        return search
    }

    private static func dateValue(_ value: String, name: String, timeZone: TimeZone) throws(FHIRError) -> (String, FHIRDateRange) {
        var prefix = "eq"
        var text = Substring(value)
        if let first = text.first, first.isLetter {
            prefix = String(text.prefix(2))
            text = text.dropFirst(2)
            guard ["eq", "ge", "gt", "le", "lt"].contains(prefix) else {
                throw .notSupported("\(name): the prefix '\(prefix)' is not supported; use eq, ge, gt, le or lt.")
            }
        }
        guard let range = FHIRDateRange.parse(String(text), timeZone: timeZone) else {
            throw .invalid("\(name): '\(value)' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with a time zone).")
        }
        return (prefix, range)
    }

    /// The bounds of a prefix over the range [lower, upper).
    static func bounds<Value>(_ prefix: String, lower: Value, upper: Value) -> [FHIRBound<Value>] {
        switch prefix {
        case "ge": [FHIRBound(lower, isLower: true)]
        case "gt": [FHIRBound(upper, isLower: true)]
        case "le": [FHIRBound(upper, isLower: false)]
        case "lt": [FHIRBound(lower, isLower: false)]
        default: [FHIRBound(lower, isLower: true), FHIRBound(upper, isLower: false)]
        }
    }

    /// True when `resource` meets the checks SQL cannot make (its codes, its exact id).
    func matches(_ resource: FHIRResource) -> Bool {
        if let id, resource.id != id { return false }
        guard !codes.isEmpty else { return true }
        return codes.contains { token in
            resource.codes.contains { text in
                if let system = token.system { return text == "\(system)|\(token.code)" }
                return text.hasSuffix("|\(token.code)")
            }
        }
    }
}
