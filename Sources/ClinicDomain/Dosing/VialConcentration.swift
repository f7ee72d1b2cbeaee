import Foundation

/// The racemic ketamine vial strengths sold in the US: 10 mg/mL (20 mL multi-dose vial),
/// 50 mg/mL (10 mL) and 100 mg/mL (5 mL) [R32].
public enum VialConcentration: Int, CaseIterable, Codable, Sendable {
    /// 10 mg/mL; the label says not to dilute this strength [R32].
    case tenMgPerMl = 10
    /// 50 mg/mL [R32].
    case fiftyMgPerMl = 50
    /// 100 mg/mL; must be diluted before intravenous use [R32].
    case hundredMgPerMl = 100

    /// The concentration as a quantity.
    public var concentration: MilligramsPerMillilitre { MilligramsPerMillilitre(Double(rawValue)) }

    /// The name shown to users, e.g. "50 mg/mL".
    public var displayName: String { "\(rawValue) mg/mL" }

    /// True when the label requires dilution before intravenous use [R32].
    public var mustBeDilutedForIntravenousUse: Bool { self == .hundredMgPerMl }
}
