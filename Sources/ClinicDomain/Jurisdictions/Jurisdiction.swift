/// Where a clinic operates. Controlled-substance law, the status of esketamine and the
/// authorisations a prescriber needs all depend on it (clinical reference §0 and §9).
///
/// Written as a country code, optionally followed by a subdivision:
/// `US-NY`, `CA-ON`, `AU-VIC`, `GB`, `EU-DE`. Australia is handled per state because Schedule 8
/// authorities are issued by each state [R64].
public struct Jurisdiction: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The regulatory regions KetaClinic has profiles for.
    public enum Region: String, CaseIterable, Sendable, Codable {
        /// United States: ketamine and esketamine are DEA Schedule III [R62]; Spravato REMS [R20].
        case unitedStates = "US"
        /// Canada: ketamine is in Schedule I of the CDSA [R63].
        case canada = "CA"
        /// Australia: Schedule 8, with state authorities [R64].
        case australia = "AU"
        /// United Kingdom: NICE TA854 applies [R11].
        case unitedKingdom = "GB"
        /// A member state of the European Union: esketamine approved December 2019 [R30].
        case europeanUnion = "EU"

        /// The plain-language name shown to users.
        public var displayName: String {
            switch self {
            case .unitedStates: "United States"
            case .canada: "Canada"
            case .australia: "Australia"
            case .unitedKingdom: "United Kingdom"
            case .europeanUnion: "European Union"
            }
        }

        /// The subdivisions accepted after the region code; the EU takes any two-letter
        /// member-state code and the United Kingdom takes none.
        public var subdivisions: [String] {
            switch self {
            case .unitedStates:
                ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
                 "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
                 "NY", "NC", "ND", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA",
                 "WA", "WV", "WI", "WY"]
            case .canada: ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
            case .australia: ["ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"]
            case .unitedKingdom, .europeanUnion: []
            }
        }
    }

    /// The country or union.
    public let region: Region
    /// State, province or member state, when one is given.
    public let subdivision: String?

    /// Parses `US-NY`, `AU-VIC`, `GB`…; returns nil for anything it has no profile for.
    public init?(code: String) {
        let parts = code.trimmed.uppercased().split(separator: "-", maxSplits: 1).map(String.init)
        guard let first = parts.first, let region = Region(rawValue: first) else { return nil }
        let subdivision = parts.count == 2 ? parts[1] : nil
        switch region {
        case .unitedKingdom:
            guard subdivision == nil else { return nil }
        case .europeanUnion:
            if let subdivision, subdivision.count != 2 || !subdivision.allSatisfy(\.isLetter) { return nil }
        case .unitedStates, .canada, .australia:
            if let subdivision, !region.subdivisions.contains(subdivision) { return nil }
        }
        self.region = region
        self.subdivision = subdivision
    }

    /// The canonical code, as stored.
    public var code: String {
        subdivision.map { "\(region.rawValue)-\($0)" } ?? region.rawValue
    }

    /// The name shown to users, e.g. "Australia (VIC)".
    public var displayName: String {
        subdivision.map { "\(region.displayName) (\($0))" } ?? region.displayName
    }

    public var description: String { code }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Jurisdiction(code: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "unknown jurisdiction \"\(text)\""))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
