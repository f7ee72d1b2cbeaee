import Foundation

/// Something the prescriber must see about a calculated dose. Each has a stable `code` (the CLI
/// and the API print it), a plain-language message with its source key, and a level that says
/// what it takes to go ahead.
public struct DoseWarning: Codable, Equatable, Sendable {
    /// What a warning takes to go past it.
    public enum Level: String, CaseIterable, Codable, Sendable, Comparable {
        /// Information only.
        case information
        /// A caution to weigh; no reason needed.
        case caution
        /// Past a soft limit: allowed with a written reason, which is audited.
        case softLimit = "soft-limit"
        /// Past a hard limit: refused.
        case hardLimit = "hard-limit"

        private var rank: Int { [.information, .caution, .softLimit, .hardLimit].firstIndex(of: self)! }
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    /// Stable identifier, e.g. `bmi-actual-weight`.
    public let code: String
    /// What it means, with the source key.
    public let message: String
    /// What it takes to go past it.
    public let level: Level

    /// Creates a warning.
    public init(_ code: String, _ level: Level, _ message: String) {
        self.code = code
        self.level = level
        self.message = message
    }
}

extension Array where Element == DoseWarning {
    /// True when any warning is past a hard limit: the dose is refused.
    public var hasHardLimit: Bool { contains { $0.level == .hardLimit } }
    /// True when any warning is past a soft limit: going ahead needs a written reason.
    public var hasSoftLimit: Bool { contains { $0.level == .softLimit } }
}
