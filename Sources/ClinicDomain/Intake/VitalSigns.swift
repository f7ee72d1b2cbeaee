/// Resting vital signs taken at intake. Screening compares them with the limits in §3.3:
/// resting blood pressure above the clinic's limit (default 180/100 [R33]), SpO₂ below 95 %,
/// heart rate below 50 or above 120, respiratory rate below 10 or above 30 [R40].
public struct VitalSigns: Equatable, Sendable, Codable {
    /// Systolic blood pressure, mmHg.
    public var systolic: Int
    /// Diastolic blood pressure, mmHg.
    public var diastolic: Int
    /// Heart rate, beats per minute.
    public var heartRate: Int
    /// Oxygen saturation by pulse oximetry, %.
    public var oxygenSaturation: Int?
    /// Respiratory rate, breaths per minute.
    public var respiratoryRate: Int?
    /// The day they were taken.
    public var measuredOn: CalendarDate

    /// Creates a set of vital signs; call ``validated(today:)`` on user input.
    public init(systolic: Int, diastolic: Int, heartRate: Int, oxygenSaturation: Int? = nil,
                respiratoryRate: Int? = nil, measuredOn: CalendarDate) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.heartRate = heartRate
        self.oxygenSaturation = oxygenSaturation
        self.respiratoryRate = respiratoryRate
        self.measuredOn = measuredOn
    }

    /// The values, or field errors for readings no living patient could have.
    public func validated(today: CalendarDate) throws(FieldErrors) -> VitalSigns {
        var errors = FieldErrors()
        if !(50...300).contains(systolic) { errors.add("systolic", "Systolic pressure must be between 50 and 300 mmHg.") }
        if !(20...200).contains(diastolic) { errors.add("diastolic", "Diastolic pressure must be between 20 and 200 mmHg.") }
        if errors.isEmpty, diastolic >= systolic { errors.add("diastolic", "Diastolic pressure must be lower than systolic; check the order.") }
        if !(20...250).contains(heartRate) { errors.add("heartRate", "Heart rate must be between 20 and 250 beats per minute.") }
        if let oxygenSaturation, !(50...100).contains(oxygenSaturation) {
            errors.add("oxygenSaturation", "Oxygen saturation must be between 50 and 100 %.")
        }
        if let respiratoryRate, !(4...60).contains(respiratoryRate) {
            errors.add("respiratoryRate", "Respiratory rate must be between 4 and 60 breaths per minute.")
        }
        if measuredOn > today { errors.add("measuredOn", "The measurement date is in the future.") }
        try errors.throwIfAny()
        return self
    }

    /// "142/91 mmHg".
    public var bloodPressureText: String { "\(systolic)/\(diastolic) mmHg" }
}
