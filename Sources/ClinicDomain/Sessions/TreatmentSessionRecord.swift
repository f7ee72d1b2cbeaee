import Foundation

/// Everything recorded about one treatment session, and what follows from it: the phase times,
/// the current checklist and administration, the readings with their baseline, the required
/// points and their status, discharge readiness. Built from the stored session, its transitions,
/// entries, readings and alerts; does no I/O.
public struct TreatmentSessionRecord: Equatable, Sendable {
    /// The session as scheduled, with its current state.
    public let session: ScheduledSession
    /// The treatment (from the signed plan's protocol).
    public let treatment: Treatment
    /// Planned infusion minutes (IV), from the signed plan.
    public let plannedInfusionMinutes: Int?
    /// Every state change, in order.
    public let transitions: [SessionTransition]
    /// Every entry, in order of recording.
    public let entries: [SessionEntry]
    /// Every reading as stored (corrections included), in order taken.
    public let storedReadings: [StoredVitalReading]
    /// Every vital-sign alert, oldest first.
    public let alerts: [SessionVitalAlert]

    /// Creates a record.
    public init(session: ScheduledSession, treatment: Treatment, plannedInfusionMinutes: Int?, transitions: [SessionTransition],
                entries: [SessionEntry], storedReadings: [StoredVitalReading], alerts: [SessionVitalAlert]) {
        self.session = session
        self.treatment = treatment
        self.plannedInfusionMinutes = plannedInfusionMinutes
        self.transitions = transitions
        self.entries = entries.sorted { $0.recordedAt < $1.recordedAt }
        self.storedReadings = storedReadings.sorted { $0.takenAt < $1.takenAt }
        self.alerts = alerts.sorted { $0.raisedAt < $1.raisedAt }
    }

    /// The planned dose in a few words, as the day list, the board and the page show it:
    /// "35 mg IV over 40 min", "56 mg (2 devices)".
    public var plannedDoseSummary: String {
        let planned = session.planned
        if let devices = planned.devices {
            return "\(devices * DeviceUse.milligramsPerDevice) mg (\(devices) device\(devices == 1 ? "" : "s"))"   // 28 mg each [R14]
        }
        let dose = planned.doseMg.map(\.description) ?? planned.mgPerKg.map { "\(Rounding.text($0, places: 2)) mg/kg" } ?? "dose as planned"
        switch treatment {
        case .ivKetamine: return plannedInfusionMinutes.map { "\(dose) IV over \($0) min" } ?? "\(dose) IV"
        case .imKetamine: return "\(dose) IM"
        case .esketamine: return dose
        }
    }

    // MARK: Phase times

    /// When the session first entered `state`.
    public func enteredAt(_ state: TreatmentSessionState) -> Date? { transitions.first { $0.to == state }?.at }

    /// When the patient checked in.
    public var checkedInAt: Date? { enteredAt(.checkedIn) }
    /// When the dose started: the first esketamine device (never recorded before dosing began),
    /// or the infusion's start.
    public var doseStartedAt: Date? {
        guard let started = enteredAt(.dosing) else { return nil }
        if treatment == .esketamine, let first = devices.map(\.at).min() { return max(first, started) }
        return started
    }
    /// When the dose ended.
    public var doseEndedAt: Date? { enteredAt(.observation) }
    /// When the patient was judged ready to leave.
    public var readyAt: Date? { enteredAt(.readyForDischarge) }
    /// When the session closed (discharged, stopped early, cancelled, no-show).
    public var closedAt: Date? { session.state.isFinal ? transitions.last?.at : nil }

    // MARK: Entries

    /// Entries not corrected by a later one.
    public var currentEntries: [SessionEntry] {
        let amended = Set(entries.compactMap(\.amends))
        return entries.filter { !amended.contains($0.id) }
    }

    /// The current chair.
    public var chair: String? {
        currentEntries.reversed().lazy.compactMap { if case .chair(let chair) = $0.content { chair } else { nil } }.first
    }
    /// The current checklist, if one was recorded.
    public var checklist: PreTreatmentChecklist? {
        currentEntries.reversed().lazy.compactMap { if case .checklist(let value) = $0.content { value } else { nil } }.first
    }
    /// The current administration details and their entry.
    public var administration: (entry: SessionEntry, details: AdministrationDetails)? {
        currentEntries.reversed().lazy.compactMap { entry in
            if case .administration(let value) = entry.content { (entry, value) } else { nil }
        }.first
    }
    /// Rate changes, pauses and resumes, in order.
    public var infusionChanges: [InfusionChange] {
        currentEntries.compactMap { if case .infusionChange(let value) = $0.content { value } else { nil } }.sorted { $0.at < $1.at }
    }
    /// Esketamine devices used, in order.
    public var devices: [DeviceUse] {
        currentEntries.compactMap { if case .device(let value) = $0.content { value } else { nil } }.sorted { $0.at < $1.at }
    }
    /// Side-effect observations, in order.
    public var sideEffects: [SideEffectObservation] {
        currentEntries.compactMap { if case .sideEffects(let value) = $0.content { value } else { nil } }.sorted { $0.at < $1.at }
    }
    /// Adverse events, in order.
    public var adverseEvents: [SessionAdverseEvent] {
        currentEntries.compactMap { if case .adverseEvent(let value) = $0.content { value } else { nil } }.sorted { $0.at < $1.at }
    }
    /// The latest discharge assessment.
    public var dischargeAssessment: DischargeAssessment? {
        currentEntries.reversed().lazy.compactMap { if case .discharge(let value) = $0.content { value } else { nil } }.first
    }
    /// The signed note and its entry.
    public var note: (entry: SessionEntry, text: String)? {
        entries.lazy.compactMap { entry in if case .note(let value) = entry.content { (entry, value.text) } else { nil } }.first
    }
    /// Amendments appended to the note, in order.
    public var noteAmendments: [(entry: SessionEntry, text: String)] {
        entries.compactMap { entry in if case .noteAmendment(let value) = entry.content { (entry, value.text) } else { nil } }
    }
    /// The REMS form's submission, once recorded.
    public var remsSubmission: (entry: SessionEntry, submission: RemsSubmission)? {
        currentEntries.reversed().lazy.compactMap { entry in
            if case .remsSubmission(let value) = entry.content { (entry, value) } else { nil }
        }.first
    }
    /// True while the infusion is paused.
    public var isPaused: Bool { session.state == .dosing && InfusionChange.isPaused(infusionChanges) }

    // MARK: Readings

    /// Readings in force: corrections replace what they amend; a struck reading (no values) drops out.
    public var readings: [StoredVitalReading] {
        let amended = Set(storedReadings.compactMap(\.amends))
        return storedReadings.filter { !amended.contains($0.id) && !$0.values.isEmpty }
    }
    /// The pre-dose baseline: the last reading with blood pressure taken and recorded before dosing
    /// began (a reading entered later and backdated cannot move it). The alert check in storage
    /// picks the same reading.
    public var baseline: StoredVitalReading? {
        guard let start = enteredAt(.dosing) else { return nil }
        return readings.last { $0.takenAt <= start && $0.recordedAt <= start && $0.values.hasBloodPressure }
    }
    /// The reading the pre-treatment checklist judges: the baseline, or the latest while the dose waits.
    public var preDoseReading: StoredVitalReading? {
        doseStartedAt == nil ? readings.last { $0.values.hasBloodPressure } : baseline
    }
    /// The latest reading.
    public var latestReading: StoredVitalReading? { readings.last }
    /// The latest reading with blood pressure taken after the dose ended: what discharge judges.
    public var postDoseReading: StoredVitalReading? {
        guard let end = doseEndedAt else { return nil }
        return readings.last { $0.takenAt > end && $0.values.hasBloodPressure }
    }
    /// Alerts not yet acknowledged.
    public var openAlerts: [SessionVitalAlert] { alerts.filter { $0.acknowledgement == nil } }

    /// Share of the infusion given at `now`, 0…1, allowing for pauses (IV only).
    public func infusionProgress(now: Date) -> Double? {
        guard treatment == .ivKetamine, let minutes = plannedInfusionMinutes, minutes > 0, let start = doseStartedAt else { return nil }
        let end = doseEndedAt ?? now
        let running = end.timeIntervalSince(start) - InfusionChange.pausedSeconds(infusionChanges, until: end)
        return min(1, max(0, running / (Double(minutes) * 60)))
    }

    // MARK: Required points

    /// One required reading and where it stands.
    public struct PointStatus: Equatable, Sendable {
        /// The point.
        public let label: String
        /// When it is due (nil for pre-dose, pre-discharge and pulse oximetry).
        public let dueAt: Date?
        /// Where it stands.
        public let status: MonitoringSchedule.Status
    }

    /// The required readings of `schedule` and their status at `now`.
    public func requiredPoints(schedule: MonitoringSchedule, now: Date) -> [PointStatus] {
        let charted = readings.filter(\.values.hasBloodPressure)
        var result: [PointStatus] = []
        if schedule.requiresPreDose {
            let before = doseStartedAt ?? now
            result.append(PointStatus(label: "pre-dose", dueAt: nil,
                                      status: charted.contains { $0.takenAt <= before } ? .done : (doseStartedAt == nil ? .due : .overdue)))
        }
        if let start = doseStartedAt {
            let until = closedAt ?? now
            let tolerance = Double(schedule.toleranceMinutes) * 60
            for point in schedule.points(doseStartedAt: start, doseEndedAt: doseEndedAt, until: until) {
                guard let due = point.dueAt else { continue }
                let times = charted.map(\.takenAt).filter { abs($0.timeIntervalSince(due)) <= tolerance }
                result.append(PointStatus(label: point.label, dueAt: due, status: schedule.status(of: point, readings: times, now: now)))
            }
        }
        if schedule.requiresPulseOximetry {
            // Pulse oximetry during or after the dose: the pre-dose reading does not count.
            let done = doseStartedAt.map { start in readings.contains { $0.values.oxygenSaturation != nil && $0.takenAt >= start } } ?? false
            result.append(PointStatus(label: "pulse oximetry", dueAt: nil, status: done ? .done : (doseStartedAt == nil ? .upcoming : .due)))
        }
        if schedule.requiresPreDischarge {
            let tolerance = Double(schedule.toleranceMinutes) * 60
            if let ready = readyAt ?? dischargeAssessment?.at {
                let done = charted.contains { $0.takenAt >= ready.addingTimeInterval(-tolerance) }
                result.append(PointStatus(label: "pre-discharge", dueAt: nil, status: done ? .done : .due))
            } else {
                result.append(PointStatus(label: "pre-discharge", dueAt: nil, status: .upcoming))
            }
        }
        return result
    }

    /// Required readings still missing at `now`: every point due or overdue. Discharge is a hard
    /// stop while any is missing.
    public func missingPoints(schedule: MonitoringSchedule, now: Date) -> [PointStatus] {
        requiredPoints(schedule: schedule, now: now).filter { $0.status == .due || $0.status == .overdue }
    }

    /// Discharge readiness under `policy` at `now`.
    public func dischargeReadiness(policy: SessionPolicy, now: Date) -> DischargeReadiness {
        let clock = observationClock(policy: policy)
        return DischargeReadiness(
            assessment: dischargeAssessment, aldreteThreshold: policy.dischargeAldreteAtOrAbove,
            latestReading: postDoseReading?.values, baseline: baseline?.values,
            alertPolicy: policy.alerts, observedSince: clock.since, observedSinceLabel: clock.basis.sinceLabel,
            minimumObservationMinutes: clock.minimumMinutes, openAlerts: openAlerts.count, now: now)
    }
}
