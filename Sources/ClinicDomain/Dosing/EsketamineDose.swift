import Foundation

/// The esketamine nasal spray label's dosing rules, kept with a protocol so a clinic outside the
/// US can follow its own label (the EU starts patients of 65 or over on 28 mg [R22]).
public struct EsketamineDoseRules: Codable, Equatable, Sendable {
    /// One device delivers 28 mg [R13][R31].
    public var deviceMg: Double
    /// The doses the label allows, as device counts: 28, 56 or 84 mg [R14][R22].
    public var allowedDevices: [Int]
    /// Day-1 dose, devices: 56 mg [R14][R15].
    public var startDevices: Int
    /// Day-1 dose for older adults, devices, where the label has one: EU 28 mg at 65 or over [R22]; nil in the US [R14][R15].
    public var olderAdultStartDevices: Int?
    /// Age from which ``olderAdultStartDevices`` applies [R22].
    public var olderAdultAgeYears: Int
    /// Minutes to wait between devices [R14][R66].
    public var minutesBetweenDevices: Double
    /// 84 mg only after a 56 mg starting dose [R14].
    public var largestDoseOnlyAfterStart: Bool

    /// Creates rules.
    public init(deviceMg: Double, allowedDevices: [Int], startDevices: Int, olderAdultStartDevices: Int?,
                olderAdultAgeYears: Int, minutesBetweenDevices: Double, largestDoseOnlyAfterStart: Bool) {
        self.deviceMg = deviceMg
        self.allowedDevices = allowedDevices
        self.startDevices = startDevices
        self.olderAdultStartDevices = olderAdultStartDevices
        self.olderAdultAgeYears = olderAdultAgeYears
        self.minutesBetweenDevices = minutesBetweenDevices
        self.largestDoseOnlyAfterStart = largestDoseOnlyAfterStart
    }

    /// The US label: 56 mg on day 1 for all adults [R14][R15].
    public static let unitedStates = EsketamineDoseRules(
        deviceMg: 28, allowedDevices: [2, 3], startDevices: 2, olderAdultStartDevices: nil,   // [R13][R14][R15]
        olderAdultAgeYears: 65, minutesBetweenDevices: 5, largestDoseOnlyAfterStart: true)    // [R14]

    /// The EU SmPC: 28 mg on day 1 at 65 or over, and 28 mg allowed for them [R22].
    public static let europeanUnion = EsketamineDoseRules(
        deviceMg: 28, allowedDevices: [1, 2, 3], startDevices: 2, olderAdultStartDevices: 1, // [R22]
        olderAdultAgeYears: 65, minutesBetweenDevices: 5, largestDoseOnlyAfterStart: true)    // [R22][R14]

    /// The day-1 dose in devices for a patient of `ageYears`.
    public func startDevices(ageYears: Int?) -> Int {
        if let older = olderAdultStartDevices, let ageYears, ageYears >= olderAdultAgeYears { return older }
        return startDevices
    }

    /// The rules, or the fields that make no sense.
    public func validated() throws(FieldErrors) -> EsketamineDoseRules {
        var errors = FieldErrors()
        if !deviceMg.isFinite || deviceMg <= 0 { errors.add("deviceMg", "Enter the dose per device in mg, greater than 0.") }
        if allowedDevices.isEmpty || allowedDevices.contains(where: { !(1...3).contains($0) }) {
            errors.add("allowedDevices", "Choose one to three devices per dose (28, 56 or 84 mg) [R14][R22].")
        }
        if !allowedDevices.contains(startDevices) { errors.add("startDevices", "The day-1 dose must be one of the allowed doses.") }
        if largestDoseOnlyAfterStart, startDevices >= 3 {
            errors.add("startDevices", "84 mg is given only after a 56 mg starting dose [R14]; choose a smaller day-1 dose.")
        }
        if let older = olderAdultStartDevices, !(1...3).contains(older) || !allowedDevices.contains(older)
            || (largestDoseOnlyAfterStart && older >= 3) {
            errors.add("olderAdultStartDevices", "Enter an allowed dose below 84 mg (1 or 2 devices), or leave it empty.")
        }
        if !(18...120).contains(olderAdultAgeYears) { errors.add("olderAdultAgeYears", "Enter an age between 18 and 120.") }
        if !minutesBetweenDevices.isFinite || minutesBetweenDevices < 0 {
            errors.add("minutesBetweenDevices", "Enter the minutes between devices, 0 or more.")
        }
        try errors.throwIfAny()
        return self
    }
}

/// One esketamine dose as a number of 28 mg devices, with the minute each device is given and
/// the label checks.
public struct EsketamineDose: Equatable, Sendable {
    /// Devices used.
    public let devices: Int
    /// Total dose.
    public let dose: Milligrams
    /// Minutes after the first spray at which each device is used, 5 minutes apart [R14].
    public let deviceMinutes: [Double]
    /// What the prescriber must see.
    public let warnings: [DoseWarning]

    /// Checks `devices` for a session: `isFirstSession` for the course's day 1, `ageYears` for the
    /// EU older-adult start.
    public init(devices: Int, isFirstSession: Bool, ageYears: Int?, rules: EsketamineDoseRules) {
        self.devices = devices
        dose = Milligrams(Double(devices) * rules.deviceMg).rounded
        deviceMinutes = (0..<max(devices, 0)).map { Double($0) * rules.minutesBetweenDevices }
        var warnings: [DoseWarning] = []
        let allowedText = rules.allowedDevices.map { Rounding.text(Double($0) * rules.deviceMg, places: 1) + " mg" }
            .joined(separator: ", ")
        if !(1...3).contains(devices) {
            warnings.append(DoseWarning("esketamine-dose-not-allowed", .hardLimit,
                "A dose is one to three 28 mg devices (28, 56 or 84 mg) [R14][R22]; \(devices) devices cannot be ordered."))
        } else if isFirstSession && devices >= 3 && rules.largestDoseOnlyAfterStart {
            warnings.append(DoseWarning("esketamine-largest-dose-first", .hardLimit,
                "\(dose) is given only after a starting dose of \(Rounding.text(Double(rules.startDevices(ageYears: ageYears)) * rules.deviceMg, places: 1)) mg [R14]."))
        } else if isFirstSession && devices != rules.startDevices(ageYears: ageYears) {
            let start = Milligrams(Double(rules.startDevices(ageYears: ageYears)) * rules.deviceMg)
            warnings.append(DoseWarning("esketamine-start-dose", .softLimit,
                "The label's day-1 dose is \(start)\(rules.olderAdultStartDevices != nil ? " for this age" : "") [R14][R15][R22]; give a reason for \(dose)."))
        } else if !rules.allowedDevices.contains(devices) {
            warnings.append(DoseWarning("esketamine-dose-off-label", .softLimit,
                "The label's doses here are \(allowedText) [R14][R15][R22]; give a reason for \(dose)."))
        }
        self.warnings = warnings
    }
}
