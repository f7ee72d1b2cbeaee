import Foundation

/// The clinic's rules for running treatment sessions. Each value names its source; where the
/// clinical reference found no published number (§4: NOT FOUND) the value is clinic policy, with the
/// default and its status documented in docs/treatment-sessions.md.
public struct SessionPolicy: Codable, Equatable, Sendable {
    /// Alert thresholds for readings (absolute limits: clinic policy; rise from baseline [R18]).
    public var alerts: VitalSignAlertPolicy
    /// The pre-dose blood-pressure gate for esketamine (default: the label's general guide [R16]).
    public var esketamineBloodPressureRule: PreDoseBloodPressureRule
    /// The pre-dose blood-pressure gate for IV and IM ketamine: clinic policy (no IV rule published;
    /// default borrows the esketamine trial rule [R17]); nil means no gate.
    public var racemicBloodPressureRule: PreDoseBloodPressureRule?
    /// Modified Aldrete total needed for discharge (default 9 [R39-Miller]).
    public var dischargeAldreteAtOrAbove: Int
    /// Shortest observation after IV or IM ketamine, minutes: clinic policy (NOT FOUND; default unset).
    public var racemicMinimumObservationMinutes: Int?
    /// What the patient must not eat or drink before IV or IM ketamine: clinic policy (NOT FOUND;
    /// default none, so the fasting item does not apply).
    public var racemicFastingInstruction: String?
    /// Minutes before an unacknowledged vital-sign alert escalates: clinic policy (default 5).
    public var escalateAlertsAfterMinutes: Int
    /// Minutes a reading may miss its due time and still count: clinic policy (default 5).
    public var readingToleranceMinutes: Int
    /// The clinic's chairs or rooms, in board order.
    public var chairs: [String]
    /// Minutes between points of the vital-sign chart and the downsampled series (the session page
    /// and the API): clinic policy, 1 to 60; unset means `defaultChartingIntervalMinutes`.
    public var chartingIntervalMinutes: Int? = nil

    /// One point a minute: a 40-minute infusion charts as 40 points whatever the monitor's rate
    /// (clinic policy default, a display choice; the record keeps every reading).
    public static let defaultChartingIntervalMinutes = 1

    /// The charting interval in seconds.
    public var chartingIntervalSeconds: Int { (chartingIntervalMinutes ?? Self.defaultChartingIntervalMinutes) * 60 }

    /// Creates a policy.
    public init(alerts: VitalSignAlertPolicy, esketamineBloodPressureRule: PreDoseBloodPressureRule,
                racemicBloodPressureRule: PreDoseBloodPressureRule?, dischargeAldreteAtOrAbove: Int,
                racemicMinimumObservationMinutes: Int?, racemicFastingInstruction: String?, escalateAlertsAfterMinutes: Int,
                readingToleranceMinutes: Int, chairs: [String]) {
        self.alerts = alerts
        self.esketamineBloodPressureRule = esketamineBloodPressureRule
        self.racemicBloodPressureRule = racemicBloodPressureRule
        self.dischargeAldreteAtOrAbove = dischargeAldreteAtOrAbove
        self.racemicMinimumObservationMinutes = racemicMinimumObservationMinutes
        self.racemicFastingInstruction = racemicFastingInstruction
        self.escalateAlertsAfterMinutes = escalateAlertsAfterMinutes
        self.readingToleranceMinutes = readingToleranceMinutes
        self.chairs = chairs
    }

    /// A new clinic's policy.
    public static let defaults = SessionPolicy(
        alerts: .defaults,
        esketamineBloodPressureRule: .esketamineLabel,              // [R16]
        racemicBloodPressureRule: .trialRule,                        // clinic policy, borrowing [R17]
        dischargeAldreteAtOrAbove: ModifiedAldrete.defaultReadyAtOrAbove,   // [R39-Miller]
        racemicMinimumObservationMinutes: nil,                       // NOT FOUND: clinic policy, unset
        racemicFastingInstruction: nil,                              // NOT FOUND: clinic policy, unset
        escalateAlertsAfterMinutes: 5,                               // clinic policy
        readingToleranceMinutes: 5,                                  // clinic policy
        chairs: ["Chair 1", "Chair 2", "Chair 3", "Chair 4"])        // clinic setting

    /// The esketamine fasting instruction: no food for 2 hours and no liquids for 30 minutes [R15].
    public static let esketamineFastingInstruction = "No food for 2 hours and no liquids for 30 minutes before dosing [R15]."

    /// The fasting instruction for `treatment`, nil when none applies.
    public func fastingInstruction(for treatment: Treatment) -> String? {
        treatment == .esketamine ? Self.esketamineFastingInstruction : racemicFastingInstruction
    }

    /// The pre-dose blood-pressure gate for `treatment`, nil when none applies.
    public func bloodPressureRule(for treatment: Treatment) -> PreDoseBloodPressureRule? {
        treatment == .esketamine ? esketamineBloodPressureRule : racemicBloodPressureRule
    }

    /// The monitoring schedule for `treatment`, with this policy's tolerance and observation minimum.
    public func monitoringSchedule(for treatment: Treatment) -> MonitoringSchedule {
        var schedule: MonitoringSchedule = treatment == .esketamine ? .esketamine : .intravenous
        schedule.toleranceMinutes = readingToleranceMinutes
        if treatment != .esketamine { schedule.minimumObservationMinutes = racemicMinimumObservationMinutes }
        return schedule
    }

    /// The policy, or a field error for each value out of range.
    public func validated() throws(FieldErrors) -> SessionPolicy {
        var errors = FieldErrors()
        let alertValues: [(String, Int, ClosedRange<Int>)] = [
            ("systolicAbove", alerts.systolicAbove, 90...260), ("diastolicAbove", alerts.diastolicAbove, 50...160),
            ("heartRateBelow", alerts.heartRateBelow, 20...100), ("heartRateAbove", alerts.heartRateAbove, 60...220),
            ("oxygenSaturationBelow", alerts.oxygenSaturationBelow, 70...100),
            ("respiratoryRateBelow", alerts.respiratoryRateBelow, 4...20), ("respiratoryRateAbove", alerts.respiratoryRateAbove, 12...60),
            ("systolicRise", alerts.systolicRise, 5...100), ("diastolicRise", alerts.diastolicRise, 5...80),
        ]
        for (field, value, range) in alertValues where !range.contains(value) {
            errors.add(field, "Enter a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        if alerts.heartRateBelow >= alerts.heartRateAbove { errors.add("heartRateBelow", "The low limit must be below the high limit.") }
        if alerts.respiratoryRateBelow >= alerts.respiratoryRateAbove {
            errors.add("respiratoryRateBelow", "The low limit must be below the high limit.")
        }
        if !(5...10).contains(dischargeAldreteAtOrAbove) { errors.add("dischargeAldreteAtOrAbove", "Enter 5 to 10.") }
        if let minutes = chartingIntervalMinutes, !(1...60).contains(minutes) {
            errors.add("chartingIntervalMinutes", "Enter 1 to 60 minutes, or leave empty for one point a minute.")
        }
        if let minutes = racemicMinimumObservationMinutes, !(0...480).contains(minutes) {
            errors.add("racemicMinimumObservationMinutes", "Enter 0 to 480 minutes, or leave empty.")
        }
        if !(1...120).contains(escalateAlertsAfterMinutes) { errors.add("escalateAlertsAfterMinutes", "Enter 1 to 120 minutes.") }
        if !(1...15).contains(readingToleranceMinutes) { errors.add("readingToleranceMinutes", "Enter 1 to 15 minutes.") }
        let names = chairs.map(\.trimmed).filter { !$0.isEmpty }
        if names.isEmpty { errors.add("chairs", "Name at least one chair or room.") }
        if Set(names).count != names.count { errors.add("chairs", "Each chair needs its own name.") }
        if names.contains(where: { $0.count > 40 }) { errors.add("chairs", "Keep chair names to 40 characters.") }
        try errors.throwIfAny()
        var clean = self
        clean.chairs = names
        clean.racemicFastingInstruction = racemicFastingInstruction?.trimmed.nilIfEmpty
        return clean
    }
}
