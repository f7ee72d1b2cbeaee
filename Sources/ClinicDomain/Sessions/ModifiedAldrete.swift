import Foundation

/// The modified Aldrete discharge score: five items (consciousness, circulation, respiration, SpO2,
/// activity), each 0–2, total 0–10 [R39-omics]. Readiness is a total of at least 9 by default
/// (Miller's Anesthesia [R39-Miller]); another published table uses ≥ 8 with 2 on respiration and
/// SpO2 [R39-omics]. The threshold is clinic policy.
public struct ModifiedAldrete: Equatable, Sendable, Codable {
    /// Consciousness, 0–2.
    public var consciousness: Int
    /// Circulation, 0–2.
    public var circulation: Int
    /// Respiration, 0–2.
    public var respiration: Int
    /// Oxygen saturation, 0–2.
    public var oxygenSaturation: Int
    /// Activity, 0–2.
    public var activity: Int

    /// The default readiness threshold [R39-Miller].
    public static let defaultReadyAtOrAbove = 9      // [R39-Miller]

    /// Creates a score.
    public init(consciousness: Int, circulation: Int, respiration: Int, oxygenSaturation: Int, activity: Int) {
        self.consciousness = consciousness
        self.circulation = circulation
        self.respiration = respiration
        self.oxygenSaturation = oxygenSaturation
        self.activity = activity
    }

    /// The total, 0–10.
    public var total: Int { consciousness + circulation + respiration + oxygenSaturation + activity }

    /// True when the total reaches `threshold`.
    public func isReady(threshold: Int = ModifiedAldrete.defaultReadyAtOrAbove) -> Bool { total >= threshold }

    /// The score, or a field error for each item outside 0–2.
    public func validated() throws(FieldErrors) -> ModifiedAldrete {
        var errors = FieldErrors()
        for (field, value) in [("consciousness", consciousness), ("circulation", circulation), ("respiration", respiration),
                               ("oxygenSaturation", oxygenSaturation), ("activity", activity)] where !(0...2).contains(value) {
            errors.add(field, "Score 0, 1 or 2.")
        }
        try errors.throwIfAny()
        return self
    }
}
