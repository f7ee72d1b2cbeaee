/// A patient's human-facing number within one clinic, e.g. `KC-000123-7`.
///
/// The sequence is per clinic; the last digit is a Luhn check digit so that a number misread
/// over the phone or mistyped at the front desk is caught instead of opening another chart.
public struct MedicalRecordNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The number exactly as printed and stored.
    public let text: String

    /// Builds the number for the `sequence`-th patient of a clinic using `prefix`.
    public init(prefix: String, sequence: Int) {
        let digits = String(format: "%06d", sequence)
        text = "\(prefix)-\(digits)-\(Self.luhnCheckDigit(digits))"
    }

    /// Accepts a typed number if its check digit is right; case and surrounding space are forgiven.
    public init?(parsing input: String) {
        let parts = input.trimmed.uppercased().split(separator: "-").map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].count >= 6, parts[1].allSatisfy(\.isNumber),
              parts[2].count == 1, let check = Int(parts[2]),
              Self.luhnCheckDigit(parts[1]) == check else { return nil }
        text = parts.joined(separator: "-")
    }

    public var description: String { text }

    /// Wraps a number read back from storage, where it was checked when it was made.
    public init(storedText: String) { text = storedText }

    /// The Luhn (mod 10) check digit of a string of decimal digits.
    static func luhnCheckDigit(_ digits: String) -> Int {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            var value = character.wholeNumberValue ?? 0
            if index % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return (10 - sum % 10) % 10
    }

    public init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

import Foundation
