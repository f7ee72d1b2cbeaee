/// Sex recorded at birth. Ideal body weight (Devine) and several reference ranges depend on it,
/// so it is recorded separately from gender identity, which is optional and free text.
public enum SexAtBirth: String, CaseIterable, Sendable, Codable {
    /// Female at birth.
    case female
    /// Male at birth.
    case male
    /// Intersex or not recorded; weight formulas that need a sex then ask the prescriber.
    case unknown

    /// The label shown in forms and on the chart.
    public var displayName: String {
        switch self {
        case .female: "Female"
        case .male: "Male"
        case .unknown: "Unknown / intersex"
        }
    }
}
