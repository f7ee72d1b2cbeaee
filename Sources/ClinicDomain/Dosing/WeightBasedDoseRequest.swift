import Foundation

/// How racemic ketamine is given.
public enum DoseRoute: String, CaseIterable, Codable, Sendable {
    /// An intravenous infusion at a constant rate, usually from a bag on a pump [R3].
    case intravenous
    /// An intramuscular injection [R3].
    case intramuscular

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .intravenous: "Intravenous infusion"
        case .intramuscular: "Intramuscular injection"
        }
    }
}

/// What a prescriber asks the dose calculator for: a weight-based racemic ketamine dose, the
/// patient's measurements, and how it will be prepared and given.
public struct WeightBasedDoseRequest: Equatable, Sendable {
    /// Intravenous infusion or intramuscular injection.
    public var route: DoseRoute
    /// Measured body weight.
    public var weight: Kilograms
    /// Height; needed for BMI and for ideal or adjusted weight.
    public var height: Centimetres?
    /// Sex at birth; the Devine formula needs female or male.
    public var sex: SexAtBirth?
    /// Which weight the dose is calculated on (clinic policy).
    public var weightBasis: WeightBasis
    /// The ordered dose per kilogram of dosing weight.
    public var dosePerKilogram: MilligramsPerKilogram
    /// Infusion duration (intravenous only).
    public var duration: Minutes?
    /// The vial the dose is drawn from.
    public var vial: VialConcentration
    /// The diluent bag the dose is added to (intravenous); nil when it is given without one.
    public var bagVolume: Millilitres?
    /// Whether the drawn drug volume counts in the infused total (clinic policy; default yes).
    public var drugVolumeCountsInTotal: Bool
    /// When ideal or adjusted weight would exceed the measured weight, dose on the measured
    /// weight instead (clinic policy; default yes).
    public var useActualWeightWhenLower: Bool

    /// Creates a request; the defaults are the §1.4 worked example's choices [R35]: a 50 mg/mL
    /// vial and a 100 mL bag, with the drug volume counted.
    public init(route: DoseRoute = .intravenous, weight: Kilograms, height: Centimetres? = nil, sex: SexAtBirth? = nil,
                weightBasis: WeightBasis = .actual, dosePerKilogram: MilligramsPerKilogram, duration: Minutes? = Minutes(40),
                vial: VialConcentration = .fiftyMgPerMl, bagVolume: Millilitres? = Millilitres(100),
                drugVolumeCountsInTotal: Bool = true, useActualWeightWhenLower: Bool = true) {
        self.route = route
        self.weight = weight
        self.height = height
        self.sex = sex
        self.weightBasis = weightBasis
        self.dosePerKilogram = dosePerKilogram
        self.duration = duration
        self.vial = vial
        self.bagVolume = bagVolume
        self.drugVolumeCountsInTotal = drugVolumeCountsInTotal
        self.useActualWeightWhenLower = useActualWeightWhenLower
    }

    /// Largest mg/kg the calculator accepts: an input-typing guard (10 mg/kg is ten times the
    /// highest dose in the reference [R55-Fava]), not a clinical limit; dose limits are protocol policy.
    public static let maximumTypedMgPerKg = 10.0
    /// Largest bag volume accepted, mL: the label's largest infusion bag is 500 mL [R32];
    /// 1000 mL leaves room for local practice.
    public static let maximumBagMl = 1000.0
    /// Longest infusion accepted, minutes (as for the PK preview).
    public static let maximumMinutes = PKPreviewRequest.maximumDurationMin
    /// Smallest mg/kg accepted: a typing guard (0.01 mg/kg is a tenth of the lowest dose studied
    /// [R55-Fava]); below it the dose rounds to nothing and every rate divides by zero.
    public static let minimumTypedMgPerKg = 0.01
    /// Shortest IV infusion accepted, minutes: shorter is a bolus, and rates per hour of a fraction of a
    /// minute are typing errors (a typing guard, not a clinical figure).
    public static let minimumMinutes = 1.0
    /// Smallest bag accepted, mL, when a bag is given (0 means no bag): a volume below 1 mL rounds
    /// to nothing at the calculator's precision.
    public static let minimumBagMl = 1.0

    /// The request, or every field that is wrong; field names are the API's and the CLI's.
    public func validated() throws(FieldErrors) -> WeightBasedDoseRequest {
        var errors = FieldErrors()
        if !weight.value.isFinite || !WeightMeasurement.plausibleKilograms.contains(weight.value) {
            errors.add("weightKg", "Enter a body weight between 25 and 350 kg.")
        }
        if let height, !height.value.isFinite || !HeightMeasurement.plausibleCentimetres.contains(height.value) {
            errors.add("heightCm", "Enter a height between 100 and 250 cm.")
        }
        if weightBasis != .actual {
            if height == nil { errors.add("heightCm", "\(weightBasis.displayName) needs the patient's height.") }
            if sex != .female && sex != .male {
                errors.add("sex", "\(weightBasis.displayName) needs sex at birth, female or male (the Devine formula has no other).")
            }
        }
        if !dosePerKilogram.isPositive {
            errors.add("mgPerKg", "Enter a dose in mg/kg greater than 0.")
        } else if dosePerKilogram.value < Self.minimumTypedMgPerKg {
            errors.add("mgPerKg", "\(NumberText.plain(dosePerKilogram.value, fractionDigits: 3)) mg/kg is below the calculator's "
                       + "0.01 mg/kg typing guard; check the value and the unit.")
        } else if dosePerKilogram.value > Self.maximumTypedMgPerKg {
            errors.add("mgPerKg", "\(dosePerKilogram) is not a plausible ketamine dose; check the value and the unit.")
        }
        switch route {
        case .intravenous:
            if let duration {
                if !duration.value.isFinite || duration.value < Self.minimumMinutes || duration.value > Self.maximumMinutes {
                    errors.add("minutes", "Enter an infusion duration from 1 to 600 minutes.")
                }
            } else {
                errors.add("minutes", "Enter the infusion duration in minutes.")
            }
            if let bagVolume, !bagVolume.value.isFinite || bagVolume.value < 0 || bagVolume.value > Self.maximumBagMl
                || (bagVolume.value > 0 && bagVolume.value < Self.minimumBagMl) {
                errors.add("bagMl", "Enter a bag volume of 0 (no bag) or from 1 to 1000 mL.")
            }
        case .intramuscular:
            break
        }
        try errors.throwIfAny()
        return self
    }
}
