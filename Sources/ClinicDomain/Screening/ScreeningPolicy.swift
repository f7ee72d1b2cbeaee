/// The thresholds screening reads. Each has a documented default: either a value the clinical
/// reference sources (a clinic may tighten it), or clinic policy where the reference says
/// NOT FOUND. ``descriptors`` lists every setting with its label, help text, status and sources
/// for the administrator page; docs/screening.md repeats the table.
public struct ScreeningPolicy: Codable, Equatable, Sendable {
    /// Resting systolic limit, mmHg; above it racemic ketamine is contraindicated.
    /// Policy default 180, from the Swiss ketamine SmPC's ">180/100 mmHg at rest" [R33].
    public var restingSystolicLimit: Int
    /// Resting diastolic limit, mmHg. Policy default 100 [R33].
    public var restingDiastolicLimit: Int
    /// Esketamine pre-dose guide, systolic, mmHg: above it weigh benefit and risk [R16]. Default 140.
    public var esketamineSystolicGuide: Int
    /// Esketamine pre-dose guide, diastolic, mmHg [R16]. Default 90.
    public var esketamineDiastolicGuide: Int
    /// Lowest resting systolic pressure, mmHg: trial exclusion below 90 [R40].
    public var minimumSystolic: Int
    /// Lowest resting SpO₂, %: trial exclusion below 95 [R40].
    public var minimumOxygenSaturation: Int
    /// Lowest resting heart rate, /min: trial exclusion below 50 [R40].
    public var minimumHeartRate: Int
    /// Highest resting heart rate, /min: trial exclusion above 120 [R40].
    public var maximumHeartRate: Int
    /// Lowest resting respiratory rate, /min: trial exclusion below 10 [R40].
    public var minimumRespiratoryRate: Int
    /// Highest resting respiratory rate, /min: trial exclusion above 30 [R40].
    public var maximumRespiratoryRate: Int
    /// Highest benzodiazepine dose, mg lorazepam-equivalent per day: trials capped at 3 [R41-tbl].
    public var maximumLorazepamEquivalentMgPerDay: Double
    /// Days after a cardiovascular or cerebrovascular event during which racemic ketamine is
    /// contraindicated. NOT FOUND for IV ketamine (§3.3): policy default 42, borrowing the
    /// esketamine EU SmPC's 6 weeks [R22].
    public var recentCardiovascularEventDays: Int
    /// Days after a cardiovascular event during which esketamine is contraindicated under the
    /// EU/UK SmPC: 6 weeks = 42 days [R22]. A clinic may lengthen it, not shorten it.
    public var esketamineRecentCardiovascularEventDays: Int
    /// BMI from which sleep apnoea is an esketamine precaution: 35 [R22].
    public var sleepApnoeaBodyMassIndex: Double
    /// BMI from which the 2017 consensus suggested ideal-body-weight dosing: 30 [R2].
    public var idealWeightDosingBodyMassIndex: Double
    /// Lightest weight studied in a ketamine trial, kg: 45 [R40] (information only).
    public var minimumStudiedWeightKg: Double
    /// Heaviest weight studied in a ketamine trial, kg: 115 [R40] (information only).
    public var maximumStudiedWeightKg: Double
    /// Age from which the EU/UK esketamine start dose is 28 mg: 65 [R22].
    public var esketamineReducedStartAge: Int

    /// The defaults documented in ``descriptors`` and docs/screening.md.
    public static let defaults = ScreeningPolicy(
        restingSystolicLimit: 180, restingDiastolicLimit: 100,                // [R33] policy
        esketamineSystolicGuide: 140, esketamineDiastolicGuide: 90,            // [R16]
        minimumSystolic: 90, minimumOxygenSaturation: 95,                      // [R40]
        minimumHeartRate: 50, maximumHeartRate: 120,                           // [R40]
        minimumRespiratoryRate: 10, maximumRespiratoryRate: 30,                // [R40]
        maximumLorazepamEquivalentMgPerDay: 3,                                 // [R41-tbl]
        recentCardiovascularEventDays: 42,                                     // NOT FOUND → policy, borrows [R22]
        esketamineRecentCardiovascularEventDays: 42,                           // [R22]
        sleepApnoeaBodyMassIndex: 35,                                          // [R22]
        idealWeightDosingBodyMassIndex: 30,                                    // [R2]
        minimumStudiedWeightKg: 45, maximumStudiedWeightKg: 115,               // [R40]
        esketamineReducedStartAge: 65)                                         // [R22]

    /// Creates a policy; call ``validated()`` on values an administrator typed.
    public init(restingSystolicLimit: Int, restingDiastolicLimit: Int, esketamineSystolicGuide: Int,
                esketamineDiastolicGuide: Int, minimumSystolic: Int, minimumOxygenSaturation: Int,
                minimumHeartRate: Int, maximumHeartRate: Int, minimumRespiratoryRate: Int, maximumRespiratoryRate: Int,
                maximumLorazepamEquivalentMgPerDay: Double, recentCardiovascularEventDays: Int,
                esketamineRecentCardiovascularEventDays: Int, sleepApnoeaBodyMassIndex: Double,
                idealWeightDosingBodyMassIndex: Double, minimumStudiedWeightKg: Double, maximumStudiedWeightKg: Double,
                esketamineReducedStartAge: Int) {
        self.restingSystolicLimit = restingSystolicLimit
        self.restingDiastolicLimit = restingDiastolicLimit
        self.esketamineSystolicGuide = esketamineSystolicGuide
        self.esketamineDiastolicGuide = esketamineDiastolicGuide
        self.minimumSystolic = minimumSystolic
        self.minimumOxygenSaturation = minimumOxygenSaturation
        self.minimumHeartRate = minimumHeartRate
        self.maximumHeartRate = maximumHeartRate
        self.minimumRespiratoryRate = minimumRespiratoryRate
        self.maximumRespiratoryRate = maximumRespiratoryRate
        self.maximumLorazepamEquivalentMgPerDay = maximumLorazepamEquivalentMgPerDay
        self.recentCardiovascularEventDays = recentCardiovascularEventDays
        self.esketamineRecentCardiovascularEventDays = esketamineRecentCardiovascularEventDays
        self.sleepApnoeaBodyMassIndex = sleepApnoeaBodyMassIndex
        self.idealWeightDosingBodyMassIndex = idealWeightDosingBodyMassIndex
        self.minimumStudiedWeightKg = minimumStudiedWeightKg
        self.maximumStudiedWeightKg = maximumStudiedWeightKg
        self.esketamineReducedStartAge = esketamineReducedStartAge
    }

    /// The policy, or field errors keyed by the setting's field name: each value within the
    /// range in its descriptor, minimums below maximums, and the esketamine cardiovascular
    /// window no shorter than the label's 6 weeks [R22].
    public func validated() throws(FieldErrors) -> ScreeningPolicy {
        var errors = FieldErrors()
        for setting in Self.descriptors {
            let value = self[setting.field]!
            if !value.isFinite || !setting.allowedRange.contains(value) {
                errors.add(setting.field, "\(setting.label) must be between \(BodyMetrics.format(setting.allowedRange.lowerBound)) "
                           + "and \(BodyMetrics.format(setting.allowedRange.upperBound)) \(setting.unit).")
            } else if setting.isWholeNumber, value != value.rounded() {
                errors.add(setting.field, "\(setting.label) must be a whole number.")
            }
        }
        func order(_ low: String, _ high: String, _ message: String) {
            if errors[low] == nil, errors[high] == nil, self[low]! >= self[high]! { errors.add(high, message) }
        }
        order("restingDiastolicLimit", "restingSystolicLimit", "The systolic limit must be above the diastolic limit.")
        order("esketamineDiastolicGuide", "esketamineSystolicGuide", "The systolic guide must be above the diastolic guide.")
        order("minimumSystolic", "restingSystolicLimit", "The systolic limit must be above the lowest systolic pressure.")
        order("minimumHeartRate", "maximumHeartRate", "The highest heart rate must be above the lowest.")
        order("minimumRespiratoryRate", "maximumRespiratoryRate", "The highest respiratory rate must be above the lowest.")
        order("minimumStudiedWeightKg", "maximumStudiedWeightKg", "The heaviest studied weight must be above the lightest.")
        if errors["esketamineRecentCardiovascularEventDays"] == nil, esketamineRecentCardiovascularEventDays < 42 {
            errors.add("esketamineRecentCardiovascularEventDays",
                       "The EU/UK label contraindicates esketamine for 6 weeks (42 days) after a cardiovascular event [R22]; the window cannot be shorter.")
        }
        try errors.throwIfAny()
        return self
    }

    /// The value of the setting named `field` (see ``descriptors``), or nil for an unknown name.
    public subscript(field: String) -> Double? {
        switch field {
        case "restingSystolicLimit": Double(restingSystolicLimit)
        case "restingDiastolicLimit": Double(restingDiastolicLimit)
        case "esketamineSystolicGuide": Double(esketamineSystolicGuide)
        case "esketamineDiastolicGuide": Double(esketamineDiastolicGuide)
        case "minimumSystolic": Double(minimumSystolic)
        case "minimumOxygenSaturation": Double(minimumOxygenSaturation)
        case "minimumHeartRate": Double(minimumHeartRate)
        case "maximumHeartRate": Double(maximumHeartRate)
        case "minimumRespiratoryRate": Double(minimumRespiratoryRate)
        case "maximumRespiratoryRate": Double(maximumRespiratoryRate)
        case "maximumLorazepamEquivalentMgPerDay": maximumLorazepamEquivalentMgPerDay
        case "recentCardiovascularEventDays": Double(recentCardiovascularEventDays)
        case "esketamineRecentCardiovascularEventDays": Double(esketamineRecentCardiovascularEventDays)
        case "sleepApnoeaBodyMassIndex": sleepApnoeaBodyMassIndex
        case "idealWeightDosingBodyMassIndex": idealWeightDosingBodyMassIndex
        case "minimumStudiedWeightKg": minimumStudiedWeightKg
        case "maximumStudiedWeightKg": maximumStudiedWeightKg
        case "esketamineReducedStartAge": Double(esketamineReducedStartAge)
        default: nil
        }
    }
}

extension ScreeningPolicy {
    /// Sets the setting named `field` (see ``descriptors``); false for an unknown name or a
    /// value a whole-number setting cannot hold.
    public mutating func set(_ field: String, to value: Double) -> Bool {
        func whole(_ apply: (inout ScreeningPolicy, Int) -> Void) -> Bool {
            guard let number = Int(exactly: value) else { return false }
            apply(&self, number)
            return true
        }
        switch field {
        case "restingSystolicLimit": return whole { $0.restingSystolicLimit = $1 }
        case "restingDiastolicLimit": return whole { $0.restingDiastolicLimit = $1 }
        case "esketamineSystolicGuide": return whole { $0.esketamineSystolicGuide = $1 }
        case "esketamineDiastolicGuide": return whole { $0.esketamineDiastolicGuide = $1 }
        case "minimumSystolic": return whole { $0.minimumSystolic = $1 }
        case "minimumOxygenSaturation": return whole { $0.minimumOxygenSaturation = $1 }
        case "minimumHeartRate": return whole { $0.minimumHeartRate = $1 }
        case "maximumHeartRate": return whole { $0.maximumHeartRate = $1 }
        case "minimumRespiratoryRate": return whole { $0.minimumRespiratoryRate = $1 }
        case "maximumRespiratoryRate": return whole { $0.maximumRespiratoryRate = $1 }
        case "maximumLorazepamEquivalentMgPerDay": maximumLorazepamEquivalentMgPerDay = value
        case "recentCardiovascularEventDays": return whole { $0.recentCardiovascularEventDays = $1 }
        case "esketamineRecentCardiovascularEventDays": return whole { $0.esketamineRecentCardiovascularEventDays = $1 }
        case "sleepApnoeaBodyMassIndex": sleepApnoeaBodyMassIndex = value
        case "idealWeightDosingBodyMassIndex": idealWeightDosingBodyMassIndex = value
        case "minimumStudiedWeightKg": minimumStudiedWeightKg = value
        case "maximumStudiedWeightKg": maximumStudiedWeightKg = value
        case "esketamineReducedStartAge": return whole { $0.esketamineReducedStartAge = $1 }
        default: return false
        }
        return true
    }
}
