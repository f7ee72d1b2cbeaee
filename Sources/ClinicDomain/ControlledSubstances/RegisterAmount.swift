import Foundation

/// An amount of a controlled substance in whole micrograms: the register adds and subtracts
/// exactly, so 0.1 mg drawn a thousand times is 100 mg, never 99.99999 mg.
public struct RegisterAmount: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Micrograms.
    public let micrograms: Int64

    /// An amount of `micrograms`.
    public init(micrograms: Int64) { self.micrograms = micrograms }

    /// Nothing.
    public static let zero = RegisterAmount(micrograms: 0)

    /// The largest amount one entry may carry: 10 kg, far above any clinic's order, so a typing
    /// slip is caught and no sum can overflow.
    public static let maximum = RegisterAmount(micrograms: 10_000_000_000)

    /// `mg` milligrams, or nil when it is not finite or not within 0…``maximum`` (never traps).
    public init?(milligrams mg: Double) {
        guard mg.isFinite, mg >= 0, mg <= Double(Self.maximum.micrograms) / 1000 else { return nil }
        guard let value = Int64(exactly: (mg * 1000).rounded()) else { return nil }
        micrograms = value
    }

    /// Parses what a user typed as milligrams ("35", "12.5"); nil for anything else.
    public static func parse(milligrams text: String?) -> RegisterAmount? {
        guard let text = text?.trimmed.replacingOccurrences(of: ",", with: "."), !text.isEmpty,
              text.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(text) else { return nil }
        return RegisterAmount(milligrams: value)
    }

    /// Milligrams, for display and JSON.
    public var milligrams: Double { Double(micrograms) / 1000 }

    /// "35 mg", "12.5 mg", "0.125 mg".
    public var description: String { "\(Self.number(micrograms)) mg" }

    /// The milligram figure without its unit ("35", "12.5").
    public var milligramText: String { Self.number(micrograms) }

    static func number(_ micrograms: Int64) -> String {
        let sign = micrograms < 0 ? "-" : ""
        let magnitude = micrograms.magnitude
        let whole = magnitude / 1000, fraction = magnitude % 1000
        guard fraction != 0 else { return "\(sign)\(whole)" }
        var digits = String(format: "%03d", Int(fraction))
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(whole).\(digits)"
    }

    /// Reads a bare JSON number of milligrams, as the API writes it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let amount = RegisterAmount(milligrams: try container.decode(Double.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected milligrams from 0 to 10,000,000.")
        }
        self = amount
    }

    /// Writes a bare JSON number of milligrams (`"amountOut": 35`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milligrams)
    }

    public static func < (lhs: RegisterAmount, rhs: RegisterAmount) -> Bool { lhs.micrograms < rhs.micrograms }
    /// The sum.
    public static func + (lhs: RegisterAmount, rhs: RegisterAmount) -> RegisterAmount { .init(micrograms: lhs.micrograms + rhs.micrograms) }
    /// The difference (may be negative: a shortfall).
    public static func - (lhs: RegisterAmount, rhs: RegisterAmount) -> RegisterAmount { .init(micrograms: lhs.micrograms - rhs.micrograms) }
}
