import Foundation

/// One set of vital signs taken during a session; any may be missing.
public struct VitalReading: Equatable, Sendable, Codable {
    /// Systolic blood pressure, mmHg.
    public var systolic: Int?
    /// Diastolic blood pressure, mmHg.
    public var diastolic: Int?
    /// Heart rate, beats per minute.
    public var heartRate: Int?
    /// Oxygen saturation by pulse oximetry, %.
    public var oxygenSaturation: Int?
    /// Respiratory rate, breaths per minute.
    public var respiratoryRate: Int?
    /// Temperature, °C (optional).
    public var temperatureCelsius: Double?

    /// Creates a reading.
    public init(systolic: Int? = nil, diastolic: Int? = nil, heartRate: Int? = nil, oxygenSaturation: Int? = nil,
                respiratoryRate: Int? = nil, temperatureCelsius: Double? = nil) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.heartRate = heartRate
        self.oxygenSaturation = oxygenSaturation
        self.respiratoryRate = respiratoryRate
        self.temperatureCelsius = temperatureCelsius
    }

    /// True when nothing was measured.
    public var isEmpty: Bool {
        systolic == nil && diastolic == nil && heartRate == nil && oxygenSaturation == nil && respiratoryRate == nil
            && temperatureCelsius == nil
    }

    /// True when both blood-pressure values are present.
    public var hasBloodPressure: Bool { systolic != nil && diastolic != nil }

    /// The reading, or a field error for each value outside what a monitor can show: typing
    /// mistakes are refused here, real extremes pass (and raise alerts).
    public func validated() throws(FieldErrors) -> VitalReading {
        var errors = FieldErrors()
        let ranges: [(String, Int?, ClosedRange<Int>)] = [
            ("systolic", systolic, 40...300), ("diastolic", diastolic, 20...200), ("heartRate", heartRate, 20...250),
            ("oxygenSaturation", oxygenSaturation, 50...100), ("respiratoryRate", respiratoryRate, 2...70),
        ]
        for (field, value, range) in ranges {
            if let value, !range.contains(value) { errors.add(field, "Enter \(range.lowerBound) to \(range.upperBound).") }
        }
        if let temperature = temperatureCelsius, !(30...43).contains(temperature) { errors.add("temperatureCelsius", "Enter 30 to 43 °C.") }
        if (systolic == nil) != (diastolic == nil) { errors.add(systolic == nil ? "systolic" : "diastolic", "Enter both blood-pressure values.") }
        if let systolic, let diastolic, diastolic >= systolic { errors.add("diastolic", "Diastolic must be below systolic.") }
        if isEmpty { errors.add("systolic", "Enter at least one value.") }
        try errors.throwIfAny()
        return self
    }
}

/// Why a reading alerts.
public struct VitalSignAlert: Equatable, Sendable, Codable {
    /// Stable code, e.g. `systolic-high`, `systolic-rise`.
    public let code: String
    /// What fired, with the values and the source or policy.
    public let message: String
}

/// The clinic's alert thresholds for vital signs during a session.
///
/// No published stop/slow rule for ketamine in depression exists (§4: NOT FOUND), so the absolute
/// limits are clinic policy. Their defaults borrow the nearest published values: the exclusions of
/// an emergency-department ketamine trial (SBP > 180, HR < 50 or > 120, RR < 10 or > 30) [R40], the
/// Swiss label's 100 mmHg diastolic at rest [R33], and the Aldrete criterion SpO2 ≥ 92% [R39]. The
/// rise from baseline, ≥ 40 mmHg systolic or ≥ 25 mmHg diastolic, is the esketamine label's
/// measure of a clinically relevant increase [R18].
public struct VitalSignAlertPolicy: Equatable, Sendable, Codable {
    /// Alert above this systolic, mmHg.
    public var systolicAbove: Int
    /// Alert above this diastolic, mmHg.
    public var diastolicAbove: Int
    /// Alert below this heart rate.
    public var heartRateBelow: Int
    /// Alert above this heart rate.
    public var heartRateAbove: Int
    /// Alert below this SpO2, %.
    public var oxygenSaturationBelow: Int
    /// Alert below this respiratory rate.
    public var respiratoryRateBelow: Int
    /// Alert above this respiratory rate.
    public var respiratoryRateAbove: Int
    /// Alert when systolic rises this much or more above the pre-dose baseline, mmHg.
    public var systolicRise: Int
    /// Alert when diastolic rises this much or more above the pre-dose baseline, mmHg.
    public var diastolicRise: Int

    /// The documented defaults (see the type's description for each value's status).
    public static let defaults = VitalSignAlertPolicy(
        systolicAbove: 180, diastolicAbove: 100,                 // [R40], [R33] — clinic policy
        heartRateBelow: 50, heartRateAbove: 120,                 // [R40] — clinic policy
        oxygenSaturationBelow: 92,                               // [R39] — clinic policy
        respiratoryRateBelow: 10, respiratoryRateAbove: 30,      // [R40] — clinic policy
        systolicRise: 40, diastolicRise: 25)                     // [R18]

    /// Creates a policy.
    public init(systolicAbove: Int, diastolicAbove: Int, heartRateBelow: Int, heartRateAbove: Int, oxygenSaturationBelow: Int,
                respiratoryRateBelow: Int, respiratoryRateAbove: Int, systolicRise: Int, diastolicRise: Int) {
        self.systolicAbove = systolicAbove
        self.diastolicAbove = diastolicAbove
        self.heartRateBelow = heartRateBelow
        self.heartRateAbove = heartRateAbove
        self.oxygenSaturationBelow = oxygenSaturationBelow
        self.respiratoryRateBelow = respiratoryRateBelow
        self.respiratoryRateAbove = respiratoryRateAbove
        self.systolicRise = systolicRise
        self.diastolicRise = diastolicRise
    }

    /// Every alert `reading` raises, compared with the pre-dose `baseline` when there is one.
    public func alerts(for reading: VitalReading, baseline: VitalReading?) -> [VitalSignAlert] {
        var alerts: [VitalSignAlert] = []
        func add(_ code: String, _ message: String) { alerts.append(VitalSignAlert(code: code, message: message)) }
        if let value = reading.systolic, value > systolicAbove { add("systolic-high", "Systolic \(value) mmHg is above \(systolicAbove).") }
        if let value = reading.diastolic, value > diastolicAbove { add("diastolic-high", "Diastolic \(value) mmHg is above \(diastolicAbove).") }
        if let value = reading.heartRate, value < heartRateBelow { add("heart-rate-low", "Heart rate \(value)/min is below \(heartRateBelow).") }
        if let value = reading.heartRate, value > heartRateAbove { add("heart-rate-high", "Heart rate \(value)/min is above \(heartRateAbove).") }
        if let value = reading.oxygenSaturation, value < oxygenSaturationBelow {
            add("oxygen-saturation-low", "SpO2 \(value)% is below \(oxygenSaturationBelow)%.")
        }
        if let value = reading.respiratoryRate, value < respiratoryRateBelow {
            add("respiratory-rate-low", "Respiratory rate \(value)/min is below \(respiratoryRateBelow).")
        }
        if let value = reading.respiratoryRate, value > respiratoryRateAbove {
            add("respiratory-rate-high", "Respiratory rate \(value)/min is above \(respiratoryRateAbove).")
        }
        if let value = reading.systolic, let base = baseline?.systolic, value - base >= systolicRise {
            add("systolic-rise", "Systolic rose \(value - base) mmHg from the pre-dose \(base) (alert at \(systolicRise) [R18]).")
        }
        if let value = reading.diastolic, let base = baseline?.diastolic, value - base >= diastolicRise {
            add("diastolic-rise", "Diastolic rose \(value - base) mmHg from the pre-dose \(base) (alert at \(diastolicRise) [R18]).")
        }
        return alerts
    }
}

/// The pre-dose blood-pressure gate of the pre-treatment checklist.
public enum PreDoseBloodPressureRule: String, CaseIterable, Codable, Sendable {
    /// The esketamine label's general guide: above 140/90 weigh benefit against risk before dosing [R16].
    case esketamineLabel = "esketamine-label"
    /// The phase 3 trial rule: withhold if SBP > 140 (> 150 over 65) or DBP > 90 [R17].
    case trialRule = "trial-rule"

    /// Why the reading fails the gate, or nil when it passes. `ageYears` matters for the trial rule.
    public func refusal(systolic: Int, diastolic: Int, ageYears: Int) -> String? {
        switch self {
        case .esketamineLabel:
            guard systolic > 140 || diastolic > 90 else { return nil }                            // [R16]
            return "Pre-dose BP \(systolic)/\(diastolic) is above 140/90, the label's general guide [R16]."
        case .trialRule:
            let systolicLimit = ageYears > 65 ? 150 : 140                                         // [R17]
            guard systolic > systolicLimit || diastolic > 90 else { return nil }                  // [R17]
            return "Pre-dose BP \(systolic)/\(diastolic) is above the trial rule (SBP > \(systolicLimit), DBP > 90) [R17]."
        }
    }
}

extension VitalReading {
    /// The charted values in a short line ("BP 150/95, HR 88, SpO2 97"), as audit summaries and
    /// the command line show a reading; nil when nothing is charted (a struck reading).
    public var shortText: String? {
        var parts: [String] = []
        if let systolic, let diastolic { parts.append("BP \(systolic)/\(diastolic)") }
        if let heartRate { parts.append("HR \(heartRate)") }
        if let oxygenSaturation { parts.append("SpO2 \(oxygenSaturation)") }
        if let respiratoryRate { parts.append("RR \(respiratoryRate)") }
        if let temperatureCelsius { parts.append("T \(temperatureCelsius)") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
