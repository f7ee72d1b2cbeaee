import Foundation

/// The code of a one-time self-report link: 10 characters from 30 symbols that are hard to
/// confuse (digits 2–9 and letters without I, L, O, U), written in two groups of five, e.g.
/// `K7M3Q-XW92D`: 49 bits of randomness, short enough to read out or type on a phone. The link
/// also expires, works once and is bound to one patient, and only the code's digest is stored.
public enum SelfReportCode {
    /// The symbols codes are drawn from.
    public static let symbols: [Character] = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// Characters in a code.
    public static let length = 10

    /// A new random code in two groups of five for reading aloud, e.g. `K7M3Q-XW92D`.
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> String {
        grouped((0..<length).map { _ in symbols[Int.random(in: 0..<symbols.count, using: &generator)] })
    }

    /// The canonical form of what someone typed (any case, with or without the hyphen or spaces),
    /// or nil unless it is exactly 10 valid symbols.
    public static func normalized(_ typed: String) -> String? {
        let characters = Array(typed.uppercased().filter { $0 != "-" && $0 != " " })
        guard characters.count == length, characters.allSatisfy(symbols.contains) else { return nil }
        return grouped(characters)
    }

    private static func grouped(_ characters: [Character]) -> String {
        String(characters.prefix(5)) + "-" + String(characters.suffix(5))
    }
}
