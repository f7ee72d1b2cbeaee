/// How much a triggered screening rule weighs (design brief §5: contraindication / caution / info).
public enum RuleCategory: String, CaseIterable, Sendable, Codable, Comparable {
    /// Excludes the treatment unless a prescriber overrides it with a written reason.
    case contraindication
    /// Allows the treatment once a prescriber has acknowledged it.
    case caution
    /// Information for the prescriber; needs no action.
    case info

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .contraindication: "Contraindication"
        case .caution: "Caution"
        case .info: "Information"
        }
    }

    /// Contraindications sort first, then cautions, then information.
    public static func < (lhs: RuleCategory, rhs: RuleCategory) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
