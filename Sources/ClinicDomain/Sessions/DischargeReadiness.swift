import Foundation

/// The nurse's assessment before the patient leaves.
public struct DischargeAssessment: Codable, Equatable, Sendable {
    /// When.
    public var at: Date
    /// Modified Aldrete score [R39].
    public var aldrete: ModifiedAldrete
    /// The escort is here to take the patient home [R14][R32].
    public var escortPresent: Bool
    /// Esketamine (REMS question): minutes from the first device at which the patient would have
    /// been ready to leave if there were no 2-hour rule [R19].
    public var readyWithoutMinimumMinutes: Int?

    /// Creates an assessment.
    public init(at: Date, aldrete: ModifiedAldrete, escortPresent: Bool, readyWithoutMinimumMinutes: Int? = nil) {
        self.at = at
        self.aldrete = aldrete
        self.escortPresent = escortPresent
        self.readyWithoutMinimumMinutes = readyWithoutMinimumMinutes
    }

    /// The assessment, or field errors.
    public func validated() throws(FieldErrors) -> DischargeAssessment {
        var errors = FieldErrors()
        do { _ = try aldrete.validated() } catch { errors = error }
        if let minutes = readyWithoutMinimumMinutes, !(0...600).contains(minutes) {
            errors.add("readyWithoutMinimumMinutes", "Enter minutes from 0 to 600.")
        }
        try errors.throwIfAny()
        return self
    }
}

/// One discharge criterion and whether it is met.
public struct DischargeCriterion: Codable, Equatable, Sendable {
    /// Stable key.
    public let key: String
    /// What is required.
    public let label: String
    /// True when met.
    public let met: Bool
    /// What was found.
    public let detail: String
}

/// Whether the patient is ready to leave: Aldrete ≥ the clinic's threshold [R39], vital signs back
/// near baseline (no absolute-limit alert and no rise from baseline at the alert level [R18]), the
/// minimum observation time (≥ 2 h from the first esketamine device [R13][R19]; clinic policy after
/// an IV infusion ends), the escort present, and every vital-sign alert acknowledged.
public struct DischargeReadiness: Codable, Equatable, Sendable {
    /// Each criterion.
    public let criteria: [DischargeCriterion]

    /// True when every criterion is met.
    public var ready: Bool { criteria.allSatisfy(\.met) }

    /// Judges readiness at `now`.
    public init(assessment: DischargeAssessment?, aldreteThreshold: Int, latestReading: VitalReading?, baseline: VitalReading?,
                alertPolicy: VitalSignAlertPolicy, observedSince: Date?, observedSinceLabel: String, minimumObservationMinutes: Int?,
                openAlerts: Int = 0, now: Date) {
        var criteria: [DischargeCriterion] = []
        if let assessment {
            let total = assessment.aldrete.total
            criteria.append(DischargeCriterion(key: "aldrete", label: "Modified Aldrete ≥ \(aldreteThreshold)",
                                               met: assessment.aldrete.isReady(threshold: aldreteThreshold),
                                               detail: "Score \(total) of 10 [R39]."))
            criteria.append(DischargeCriterion(key: "escort", label: "Escort present", met: assessment.escortPresent,
                                               detail: assessment.escortPresent ? "Present." : "The escort is not here yet [R14]."))
        } else {
            criteria.append(DischargeCriterion(key: "aldrete", label: "Modified Aldrete ≥ \(aldreteThreshold)", met: false,
                                               detail: "Score the modified Aldrete [R39]."))
            criteria.append(DischargeCriterion(key: "escort", label: "Escort present", met: false, detail: "Confirm the escort."))
        }
        if let reading = latestReading, reading.systolic != nil {
            let alerts = alertPolicy.alerts(for: reading, baseline: baseline)
            criteria.append(DischargeCriterion(key: "vitals", label: "Vital signs back near baseline", met: alerts.isEmpty,
                                               detail: alerts.isEmpty ? "Latest reading within limits and near the pre-dose baseline."
                                                   : alerts.map(\.message).joined(separator: " ")))
        } else {
            criteria.append(DischargeCriterion(key: "vitals", label: "Vital signs back near baseline", met: false,
                                               detail: "Take a blood-pressure reading after the dose, before discharge."))
        }
        if let minimum = minimumObservationMinutes {
            if let since = observedSince {
                let watched = Int(saturating: now.timeIntervalSince(since) / 60)
                criteria.append(DischargeCriterion(key: "observation", label: "Observed at least \(minimum) min", met: watched >= minimum,
                                                   detail: "Observed \(watched) min \(observedSinceLabel)."))
            } else {
                criteria.append(DischargeCriterion(key: "observation", label: "Observed at least \(minimum) min", met: false,
                                                   detail: "The dose has not started."))
            }
        }
        criteria.append(DischargeCriterion(key: "alerts", label: "Every alert acknowledged", met: openAlerts == 0,
                                           detail: openAlerts == 0 ? "None open." : "\(openAlerts) alert\(openAlerts == 1 ? "" : "s") still open."))
        self.criteria = criteria
    }
}
