import Foundation

/// Which body weight a weight-based dose is calculated on. Clinic policy, set per protocol.
///
/// The landmark trials dosed on **actual** weight [R2]. The APA consensus (as reported) suggested
/// **ideal** weight, especially at BMI ≥ 30 [R2]. **Adjusted** weight is the pharmacy convention
/// IBW + 0.4 × (actual − IBW); the reference found no ketamine guideline that uses it (§1.2,
/// NOT FOUND), so it is offered only as a clinic's choice.
public enum WeightBasis: String, CaseIterable, Codable, Sendable {
    /// The measured body weight [R2].
    case actual
    /// Ideal body weight by the Devine formula.
    case ideal
    /// IBW + 0.4 × (actual − IBW).
    case adjusted

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .actual: "Actual body weight"
        case .ideal: "Ideal body weight (Devine)"
        case .adjusted: "Adjusted body weight"
        }
    }
}

/// Ideal and adjusted body weight.
///
/// Devine (1974): 50 kg (male) or 45.5 kg (female) + 2.3 kg per inch of height over 5 feet.
/// The formula is not in the clinical reference (§1.2 only names "ideal body weight"); it is the
/// formula the product's requirements name, and the clinic chooses whether to use it at all.
/// Below 5 feet the formula is extrapolated linearly, and the calculator says so.
public enum BodyWeights {
    /// Devine base weight for men, kg.
    public static let devineMaleBaseKg = 50.0
    /// Devine base weight for women, kg.
    public static let devineFemaleBaseKg = 45.5
    /// Devine increment per inch over 60 inches, kg.
    public static let devineKgPerInch = 2.3
    /// The height the Devine formula starts from: 60 inches = 152.4 cm.
    public static let devineBaseHeight = Centimetres(152.4)
    /// Weight of the excess over IBW counted in adjusted body weight.
    public static let adjustedExcessFraction = 0.4

    /// Ideal body weight by Devine, rounded to 0.1 kg; nil unless sex is female or male.
    public static func ideal(height: Centimetres, sex: SexAtBirth) -> Kilograms? {
        let base: Double
        switch sex {
        case .male: base = devineMaleBaseKg
        case .female: base = devineFemaleBaseKg
        case .unknown: return nil
        }
        return Kilograms(base + devineKgPerInch * (height.inches - 60)).rounded
    }

    /// Adjusted body weight IBW + 0.4 × (actual − IBW), rounded to 0.1 kg.
    public static func adjusted(actual: Kilograms, ideal: Kilograms) -> Kilograms {
        Kilograms(ideal.value + adjustedExcessFraction * (actual.value - ideal.value)).rounded
    }
}
