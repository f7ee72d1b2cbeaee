import Foundation

/// An amount of money in integer cents (US dollars), so that sums, balances and claim totals are
/// exact: never floating point. Arithmetic that would overflow is refused, not trapped.
public struct Cents: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The amount in cents; negative for credits.
    public let value: Int64

    /// The largest amount a single price, payment or line may carry: $1,000,000.00. Larger
    /// figures are typing slips, and keeping them small keeps every sum far from overflow.
    public static let maximumEntry = Cents(100_000_000)

    /// Zero dollars.
    public static let zero = Cents(0)

    /// An amount of `value` cents.
    public init(_ value: Int64) { self.value = value }

    /// Parses "1234", "1234.5", "1,234.50" or "$12.00" as dollars; nil for anything else,
    /// more than two decimals, or more than ``maximumEntry``. A leading "-" is accepted and kept.
    public init?(dollars text: String) {
        var body = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        var negative = false
        if body.hasPrefix("-") { negative = true; body.removeFirst() }
        if body.hasPrefix("$") { body.removeFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 9,
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(parts[0]) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), let parsed = Int64(digits) else { return nil }
            fraction = digits.count == 1 ? parsed * 10 : parsed
        }
        let cents = whole * 100 + fraction
        guard cents <= Self.maximumEntry.value else { return nil }
        value = negative ? -cents : cents
    }

    /// "$1,234.50", or "-$12.00" for a credit.
    public var description: String {
        let magnitude = value.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        let grouped = Self.grouped(String(whole))
        return (value < 0 ? "-" : "") + "$" + grouped + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// "1234.50": plain decimal dollars, as CSV files and X12 amounts carry them.
    public var decimal: String {
        let magnitude = value.magnitude
        let fraction = magnitude % 100
        return (value < 0 ? "-" : "") + String(magnitude / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// The sum, or nil on overflow.
    public func adding(_ other: Cents) -> Cents? {
        let (sum, overflow) = value.addingReportingOverflow(other.value)
        return overflow ? nil : Cents(sum)
    }

    /// The amount times `units`, or nil on overflow.
    public func times(_ units: Int) -> Cents? {
        let (product, overflow) = value.multipliedReportingOverflow(by: Int64(units))
        return overflow ? nil : Cents(product)
    }

    /// The amount with its sign reversed.
    public var negated: Cents { Cents(-value) }

    /// The sum of `amounts`, or nil on overflow.
    public static func sum(_ amounts: some Sequence<Cents>) -> Cents? {
        var total = Cents.zero
        for amount in amounts {
            guard let next = total.adding(amount) else { return nil }
            total = next
        }
        return total
    }

    public static func < (lhs: Cents, rhs: Cents) -> Bool { lhs.value < rhs.value }

    private static func grouped(_ digits: String) -> String {
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
