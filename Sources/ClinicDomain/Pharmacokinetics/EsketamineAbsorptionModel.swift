import Foundation

/// An APPROXIMATE model of plasma esketamine after intranasal devices: one compartment with
/// first-order absorption and first-order elimination, built only from the US label values
/// (shared/reference/clinical.md §7.2).
///
/// - Bioavailability F ≈ 48% [R25], volume Vss 709 L [R25], clearance ≈ 89 L/h [R25], so the
///   elimination rate constant is k = CL/V ≈ 0.00209 min⁻¹ (half-life ≈ 5.5 h).
/// - The absorption rate constant ka is chosen so that one device peaks 30 minutes after it is
///   given, the middle of the label's 20–40 minutes after the last spray [R25]: the Bateman
///   peak time tmax = ln(ka/k)/(ka − k) is solved for ka by bisection (ka ≈ 0.143 min⁻¹).
/// - One device, 28 mg [R13][R31], at minute 0; further devices 5 minutes apart [R14][R66].
///   Each device contributes a Bateman function, C(t) = F·D·ka / (V·(ka − k))·(e^(−k·t) − e^(−ka·t)),
///   and the devices are superposed exactly.
///
/// It is approximate: the population model has three esketamine compartments and a hepato-portal
/// compartment [R26], so this one-compartment curve lacks the rapid decline over the first 2–4 h
/// and its terminal half-life (≈ 5.5 h) is shorter than the label's 7–12 h [R25]; and it is not scaled
/// to body weight (+30 kg is reported to lower exposure by about 20% [R26-JP]).
public struct EsketamineAbsorptionModel: Equatable, Sendable {
    /// Absolute bioavailability of intranasal esketamine, ≈ 48% (US label) [R25].
    public static let bioavailability = 0.48              // [R25]
    /// Volume of distribution at steady state, litres (US label) [R25].
    public static let volumeLitres = 709.0                // [R25]
    /// Clearance, litres per hour (US label) [R25].
    public static let clearanceLitresPerHour = 89.0       // [R25]
    /// The single-device peak time the absorption rate is fitted to, minutes: the middle of the
    /// label's "20–40 min after the last spray" [R25].
    public static let targetTmaxMin = 30.0                // midpoint of 20–40 min [R25]
    /// Esketamine per nasal spray device, mg [R13][R31].
    public static let milligramsPerDevice = 28.0          // [R13][R31]
    /// Minutes between one device and the next [R14][R66].
    public static let minutesBetweenDevices = 5.0         // [R14][R66]
    /// Devices per session: 1, 2 or 3 (28, 56 or 84 mg) [R14].
    public static let deviceCounts = 1...3                // 28/56/84 mg [R14]

    /// The model as built from the label values.
    public static let label = EsketamineAbsorptionModel()

    /// Where the model comes from, in one line.
    public static let citation = "One-compartment first-order absorption model from US label values "
        + "(F 48%, Vss 709 L, CL 89 L/h, Tmax 20–40 min) [R25]; devices of 28 mg 5 minutes apart [R14]"
    /// The statement every view of the model shows, with why it is only approximate.
    public static let approximateNotice = "APPROXIMATE: a one-compartment model built from the esketamine label's "
        + "summary values [R25]. It ignores the 3-compartment population model with a hepato-portal compartment [R26], "
        + "gives a shorter terminal half-life (about 5.5 h) than the label's 7–12 h [R25], and is not weight-scaled."

    /// Elimination rate constant k = CL/V, min⁻¹.
    public let eliminationPerMin: Double
    /// Absorption rate constant ka, min⁻¹, fitted so one device peaks at ``targetTmaxMin``.
    public let absorptionPerMin: Double

    /// Builds the model from the label values [R25].
    public init() {
        let k = Self.clearanceLitresPerHour / 60 / Self.volumeLitres
        eliminationPerMin = k
        absorptionPerMin = Self.absorptionRate(tmaxMin: Self.targetTmaxMin, eliminationPerMin: k)
    }

    /// The absorption rate constant ka (min⁻¹) for which a Bateman curve with elimination rate
    /// `eliminationPerMin` peaks at `tmaxMin`: the root of ln(ka/k)/(ka − k) = tmax, found by
    /// bisection on ln(ka). The peak time falls from 1/k (as ka → k) towards 0 as ka grows, so
    /// the root is unique for any tmax below 1/k.
    public static func absorptionRate(tmaxMin: Double, eliminationPerMin k: Double) -> Double {
        var low = log(k) + 1e-9, high = log(k) + 30       // ka from just above k to e³⁰·k
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if peakMinute(absorptionPerMin: exp(middle), eliminationPerMin: k) > tmaxMin { low = middle } else { high = middle }
        }
        return exp((low + high) / 2)
    }

    /// The Bateman peak time ln(ka/k)/(ka − k), minutes.
    public static func peakMinute(absorptionPerMin ka: Double, eliminationPerMin k: Double) -> Double {
        log(ka / k) / (ka - k)
    }

    /// Terminal half-life of this model, hours: ln 2 / k.
    public var halfLifeHours: Double { log(2) / eliminationPerMin / 60 }

    /// Plasma concentration, ng/mL, `minute` minutes after `doseMg` is given intranasally at once
    /// (0 before it is given).
    public func singleDoseNgPerMl(atMinute minute: Double, doseMg: Double) -> Double {
        guard minute > 0 else { return 0 }
        let ka = absorptionPerMin, k = eliminationPerMin
        let scale = Self.bioavailability * doseMg * ka / (Self.volumeLitres * (ka - k))   // mg/L
        // e^(−kt) − e^(−ka·t) written as e^(−kt)·(1 − e^(−(ka−k)t)) to keep precision near t = 0.
        let mgPerLitre = scale * exp(-k * minute) * -expm1(-(ka - k) * minute)
        return mgPerLitre * 1000   // 1 mg/L = 1000 ng/mL
    }

    /// The minutes the devices are given: 0, 5, 10… [R14].
    public static func deviceMinutes(devices: Int) -> [Double] {
        (0..<max(0, devices)).map { Double($0) * minutesBetweenDevices }
    }

    /// Plasma concentration, ng/mL, at `minute` after the first of `devices` 28 mg devices given
    /// 5 minutes apart: the single-device curves superposed exactly.
    public func concentrationNgPerMl(atMinute minute: Double, devices: Int) -> Double {
        Self.deviceMinutes(devices: devices).reduce(0) { sum, given in
            sum + singleDoseNgPerMl(atMinute: minute - given, doseMg: Self.milligramsPerDevice)
        }
    }
}
