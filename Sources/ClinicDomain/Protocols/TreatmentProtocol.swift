import Foundation

/// How a weight-based racemic ketamine protocol doses (IV or IM).
public struct WeightBasedDosing: Codable, Equatable, Sendable {
    /// The dose a new plan starts with, mg/kg.
    public var mgPerKg: Double
    /// Infusion duration, minutes (intravenous only).
    public var minutes: Double?
    /// Which weight the dose uses (clinic policy).
    public var weightBasis: WeightBasis
    /// The vial strength the clinic stocks for this protocol.
    public var vial: VialConcentration
    /// The diluent bag, mL (intravenous only); nil when given without a bag.
    public var bagMl: Double?
    /// Whether the drawn drug volume counts in the infused total (clinic policy; default yes).
    public var drugVolumeCountsInTotal: Bool
    /// Use the measured weight when the ideal or adjusted weight would be higher.
    public var useActualWeightWhenLower: Bool
    /// Soft and hard limits, as in a pump drug library.
    public var limits: DoseLimits

    /// Creates dosing settings.
    public init(mgPerKg: Double, minutes: Double?, weightBasis: WeightBasis, vial: VialConcentration, bagMl: Double?,
                drugVolumeCountsInTotal: Bool = true, useActualWeightWhenLower: Bool = true, limits: DoseLimits) {
        self.mgPerKg = mgPerKg
        self.minutes = minutes
        self.weightBasis = weightBasis
        self.vial = vial
        self.bagMl = bagMl
        self.drugVolumeCountsInTotal = drugVolumeCountsInTotal
        self.useActualWeightWhenLower = useActualWeightWhenLower
        self.limits = limits
    }
}

/// A treatment protocol: what is given, how it is dosed, and the course of sessions.
///
/// Protocols are versioned. A version, once saved, is never changed: an edit saves the next
/// version, and a signed plan keeps a copy of the version it was signed on.
public struct TreatmentProtocol: Codable, Equatable, Sendable {
    /// Stable identifier shared by all versions, e.g. `iv-ketamine-standard`.
    public var id: String
    /// 1 for the first version.
    public var version: Int
    /// The name shown to users.
    public var name: String
    /// The treatment (and so the route and the screening it needs).
    public var treatment: Treatment
    /// What the protocol is, in a sentence or two.
    public var summary: String
    /// Source keys into shared/reference/clinical.md.
    public var sources: [String]
    /// Weight-based dosing (IV and IM racemic ketamine).
    public var weightBased: WeightBasedDosing?
    /// Device dosing (esketamine nasal spray).
    public var esketamine: EsketamineDoseRules?
    /// The course of sessions.
    public var schedule: CourseSchedule
    /// The rating scales the course asks for and when (nil: ``MeasurementSchedule/standard``).
    public var measurements: MeasurementSchedule?
    /// True for a protocol a clinic wrote, false for one from the built-in library.
    public var isCustom: Bool
    /// A retired protocol stays readable (plans signed on it keep working) but cannot start new plans.
    public var isRetired: Bool

    /// Creates a protocol version.
    public init(id: String, version: Int = 1, name: String, treatment: Treatment, summary: String, sources: [String],
                weightBased: WeightBasedDosing? = nil, esketamine: EsketamineDoseRules? = nil,
                schedule: CourseSchedule, isCustom: Bool = false, isRetired: Bool = false) {
        self.id = id
        self.version = version
        self.name = name
        self.treatment = treatment
        self.summary = summary
        self.sources = sources
        self.weightBased = weightBased
        self.esketamine = esketamine
        self.schedule = schedule
        self.isCustom = isCustom
        self.isRetired = isRetired
    }

    /// The measurement schedule in force.
    public var measurementSchedule: MeasurementSchedule { measurements ?? .standard }

    /// The route racemic ketamine is given by (nil for esketamine).
    public var route: DoseRoute? {
        switch treatment {
        case .ivKetamine: .intravenous
        case .imKetamine: .intramuscular
        case .esketamine: nil
        }
    }

    /// Letters, digits and hyphens, 3 to 60 characters, starting with a letter.
    public static func isValidID(_ id: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        return (3...60).contains(id.count) && id.first.map(\.isLetter) == true && id.allSatisfy(allowed.contains)
    }

    /// The protocol, or every field that is wrong. Field names are the form's and the API's.
    public func validated() throws(FieldErrors) -> TreatmentProtocol {
        var errors = FieldErrors()
        var copy = self
        copy.name = name.trimmed
        copy.summary = summary.trimmed
        if !Self.isValidID(id) {
            errors.add("id", "Use 3 to 60 lower-case letters, digits and hyphens, starting with a letter.")
        }
        if copy.name.isEmpty || copy.name.count > 120 { errors.add("name", "Enter a name of up to 120 characters.") }
        if copy.summary.count > 2000 { errors.add("summary", "Keep the summary under 2000 characters.") }
        switch treatment {
        case .ivKetamine, .imKetamine:
            if let dosing = weightBased {
                if !dosing.mgPerKg.isFinite || dosing.mgPerKg <= 0 || dosing.mgPerKg > WeightBasedDoseRequest.maximumTypedMgPerKg {
                    errors.add("mgPerKg", "Enter a dose between 0 and 10 mg/kg.")
                }
                if treatment == .ivKetamine {
                    if let minutes = dosing.minutes, minutes.isFinite, minutes > 0, minutes <= WeightBasedDoseRequest.maximumMinutes {
                    } else {
                        errors.add("minutes", "Enter an infusion duration greater than 0 and at most 600 minutes.")
                    }
                    if let bag = dosing.bagMl, !bag.isFinite || bag < 0 || bag > WeightBasedDoseRequest.maximumBagMl {
                        errors.add("bagMl", "Enter a bag volume between 0 and 1000 mL.")
                    }
                }
                do { _ = try dosing.limits.validated() } catch { errors = errors.merging(error) }
                if errors.isEmpty {
                    let probe = dosing.limits.check(mgPerKg: MilligramsPerKilogram(dosing.mgPerKg), dose: .zero,
                                                    minutes: treatment == .ivKetamine ? dosing.minutes.map(Minutes.init) : nil)
                    if probe.hasHardLimit { errors.add("mgPerKg", "The default dose must be within the protocol's hard limits.") }
                }
            } else {
                errors.add("mgPerKg", "A ketamine protocol needs weight-based dosing.")
            }
            if esketamine != nil { errors.add("treatment", "Device dosing is for esketamine only.") }
        case .esketamine:
            if let rules = esketamine {
                do { _ = try rules.validated() } catch { errors = errors.merging(error) }
            } else {
                errors.add("startDevices", "An esketamine protocol needs device dosing.")
            }
            if weightBased != nil { errors.add("treatment", "Weight-based dosing is for racemic ketamine only.") }
        }
        do { copy.schedule = try schedule.validated() } catch { errors = errors.merging(error) }
        try errors.throwIfAny()
        return copy
    }
}
