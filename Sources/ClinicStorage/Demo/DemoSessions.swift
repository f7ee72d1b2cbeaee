import ClinicDomain
import Foundation

/// Moves the demo patients' sessions through their states, so the demo shows a treatment room
/// today and a history behind it: every past session of the courses already under way is closed
/// (discharged with a complete record, or stopped early after an adverse event, cancelled, or a
/// no-show), and today one patient is checked in, one is in pre-treatment checks, one has an IV
/// infusion running (with an unacknowledged high-blood-pressure alert), one is watched after
/// esketamine, and one is ready for discharge. Readings are timed so every required point of a
/// closed session is done: IV every 10 minutes during the infusion and every 15 after [R36][R37];
/// esketamine before the dose, at 40 minutes and before discharge, with pulse oximetry and at least
/// 2 hours of observation [R14][R13]. Past esketamine forms are submitted to the REMS except the
/// latest, which waits in the queue.
struct DemoSessions: Sendable {
    let database: ClinicDatabase
    private let policy = SessionPolicy.defaults
    private var transitions: TreatmentSessionRepository { TreatmentSessionRepository(database: database) }
    private var records: SessionRecordRepository { SessionRecordRepository(database: database) }

    init(database: ClinicDatabase) { self.database = database }

    /// Loads the sessions of the planned demo patients (`patients`: family name → id).
    func load(patients: [String: UUID], today: CalendarDate, now: Date) async throws {
        guard let clinic = try await SQLClinicRepository(database: database).primaryClinic() else { return }
        let zone = clinic.settings.resolvedTimeZone
        let plans = TreatmentPlanRepository(database: database)
        func sessions(_ family: String) async throws -> [ScheduledSession] {
            guard let id = patients[family] else { return [] }
            return try await plans.sessions(patientID: id).filter { $0.state == .scheduled }.sorted { $0.number < $1.number }
        }
        func morning(_ date: CalendarDate, hour: Double) -> Date { date.startInstant(in: zone).addingTimeInterval(hour * 3600) }

        // The history: courses already under way.
        let relapse = try await sessions("Relapse").filter { $0.date < today }
        for (index, session) in relapse.enumerated() {
            let start = morning(session.date, hour: 9)
            switch index {
            case relapse.count - 2: try await stoppedEarly(session, at: start)
            case 1: try await noShow(session, at: start)
            default: try await infusion(session, checkIn: start, until: .discharged)
            }
        }
        let eligible = try await sessions("Eligible").filter { $0.date < today }
        for (index, session) in eligible.enumerated() {
            let start = morning(session.date, hour: 11)
            if index == 2 { try await cancel(session, at: start) } else { try await infusion(session, checkIn: start, until: .discharged) }
        }
        let esketamine = try await sessions("Esketamine").filter { $0.date < today }
        for (index, session) in esketamine.enumerated() {
            let start = morning(session.date, hour: 13)
            let closed = try await spray(session, checkIn: start, until: .discharged)
            if index < esketamine.count - 1, let closed {
                // Submitted online two days later (or today, when that is sooner).
                let day = min(session.date.adding(days: 2), today)
                try await records.append(.remsSubmission(RemsSubmission(submittedOn: day, channel: index % 3 == 2 ? .fax : .online,
                                                                        confirmation: "PMF-\(100_200 + index)")),
                                         to: session.id, stamp: .system("demo loader", at: max(closed, morning(day, hour: 17))))
            }
        }

        // Today's treatment room.
        let minute: TimeInterval = 60
        if let session = try await sessions("Arrival").first(where: { $0.date == today }) {
            try await transitions.apply(.checkIn, to: session.id, stamp: stamp(now - 4 * minute))
        }
        if let session = try await sessions("Checks").first(where: { $0.date == today }) {
            _ = try await spray(session, checkIn: now - 20 * minute, until: .preTreatmentChecks)
        }
        if let session = try await sessions("Infusion").first(where: { $0.date == today }) {
            try await infusion(session, checkIn: now - 50 * minute, until: .dosing)
        }
        if let session = try await sessions("Observation").first(where: { $0.date == today }) {
            _ = try await spray(session, checkIn: now - 70 * minute, until: .observation)
        }
        if let session = try await sessions("Discharge").first(where: { $0.date == today }) {
            try await infusion(session, checkIn: now - 110 * minute, until: .readyForDischarge)
        }
    }

    // MARK: Stories

    /// A discharged IV infusion (``infusion(_:checkIn:until:streamed:pastChair:)``) in `chair`, whose
    /// monitor sent a reading every second from check-in to the discharge assessment, posted by its
    /// gateway before the assessment; returns how many readings the stream stored. `chair` must not
    /// hold a session under care (today's demo sessions sit in the first four of the demo's chairs).
    func streamedInfusion(_ session: ScheduledSession, checkIn: Date, chair: String) async throws -> Int {
        try await infusion(session, checkIn: checkIn, until: .discharged, streamed: true, pastChair: chair)
    }

    /// An IV infusion of 40 minutes checked in at `checkIn`, carried as far as `until`: dosing
    /// stops 32 minutes in with a high-BP alert open; ready for discharge 73 minutes after the start;
    /// discharged 2 minutes later. When `streamed`, a monitor's 1 Hz readings are added too (the
    /// return value counts them). A closed session sits in `pastChair`, or one of the first four.
    @discardableResult
    private func infusion(_ session: ScheduledSession, checkIn: Date, until: TreatmentSessionState, streamed: Bool = false,
                          pastChair: String? = nil) async throws -> Int {
        let id = session.id
        let t = { (minutes: Double) in checkIn.addingTimeInterval(minutes * 60) }
        let live = until != .discharged
        let dose = try await startInfusion(session, at: checkIn, chair: live ? chair(for: until) : pastChair ?? "Chair \(session.number % 4 + 1)",
                                baseline: (136, 84, 76, 98, 14), plannedDoseOtherwise: 40, lotNumber: "KET-24\(session.number)7A")
        let start = 15.0
        // Every 10 min during the infusion [R36][R37].
        try await reading(140, 86, 80, 97, 14, at: t(start + 10), id)
        try await reading(146, 88, 82, 97, 15, at: t(start + 20), id)
        if until == .dosing {
            // Diastolic above the clinic's 100 mmHg limit, a rise under 25 from baseline: one alert, open.
            try await reading(158, 102, 88, 97, 16, at: t(start + 30), id)
            return 0
        }
        try await reading(148, 90, 84, 97, 15, at: t(start + 30), id)
        try await reading(144, 88, 80, 98, 14, at: t(start + 40), id)
        try await transitions.apply(.endDosing, to: id, stamp: stamp(t(start + 40)))
        try await records.append(.sideEffects(SideEffectObservation(at: t(start + 42), cadssTotal: 8, moaas: 4, symptoms: [.dizziness],
                                                                    note: "Perceptual changes, settling.")), to: id, stamp: stamp(t(start + 42)))
        // Every 15 min after it [R36].
        try await reading(134, 84, 76, 98, 14, at: t(start + 55), id)
        try await reading(130, 82, 74, 98, 14, at: t(start + 70), id)
        let streamedReadings = if streamed { try await monitorStream(id, from: t(0), to: t(start + 71)) } else { 0 }
        try await records.append(.discharge(DischargeAssessment(at: t(start + 72), aldrete: fullAldrete, escortPresent: true)),
                                 to: id, stamp: stamp(t(start + 72)))
        try await markReady(id, at: t(start + 73))
        if until == .readyForDischarge {
            try await reading(128, 80, 72, 98, 14, at: t(start + 85), id)
            return streamedReadings
        }
        try await discharge(id, at: t(start + 75), note: "IV ketamine \(Int(saturating: dose)) mg over 40 min; transient rise in BP, no intervention; "
                            + "discharged to escort, Aldrete 10.")
        return streamedReadings
    }

    /// A chair monitor's readings every second from `from` up to `to`, as its gateway posts them (in
    /// batches of 600): pulse and oxygen saturation each second, a blood pressure every 5 minutes.
    /// The values stay inside the default alert limits, so the stream raises no alert.
    private func monitorStream(_ id: UUID, from: Date, to: Date) async throws -> Int {
        let seconds = max(0, Int(saturating: to.timeIntervalSince(from)))
        let readings = (0..<seconds).map { second -> (values: VitalReading, takenAt: Date) in
            let pressure = second % 300 == 0
            return (VitalReading(systolic: pressure ? 124 + (second / 300) % 8 : nil, diastolic: pressure ? 78 + (second / 300) % 4 : nil,
                                 heartRate: 70 + (second / 60) % 12, oxygenSaturation: 97 + second % 2,
                                 respiratoryRate: pressure ? 14 : nil),
                    from.addingTimeInterval(TimeInterval(second)))
        }
        for start in stride(from: 0, to: readings.count, by: 600) {
            let batch = Array(readings[start..<min(start + 600, readings.count)])
            _ = try await records.recordReadings(batch, source: .gateway, sessionID: id, policy: policy.alerts,
                                                 stamp: .system("monitor gateway", at: to))
        }
        return readings.count
    }

    /// An esketamine session checked in at `checkIn`, carried as far as `until`: two devices
    /// 5 minutes apart [R14], BP at 40 minutes [R14][R17], at least 2 hours of observation [R13][R19].
    /// Returns when it closed, if it did.
    private func spray(_ session: ScheduledSession, checkIn: Date, until: TreatmentSessionState) async throws -> Date? {
        let id = session.id
        let t = { (minutes: Double) in checkIn.addingTimeInterval(minutes * 60) }
        try await transitions.apply(.checkIn, to: id, stamp: stamp(t(0)))
        try await records.append(.chair(until == .discharged ? "Chair \(session.number % 4 + 1)" : chair(for: until)), to: id,
                                 stamp: stamp(t(2)))
        try await transitions.apply(.beginChecks, to: id, stamp: stamp(t(5)))
        try await reading(128, 80, 72, 98, 14, at: t(8), id)
        if until == .preTreatmentChecks { return nil }
        try await records.append(.checklist(checklist), to: id, stamp: stamp(t(10)))
        let devices = session.planned.devices ?? 2
        try await records.append(.administration(AdministrationDetails(
            product: "Spravato 28 mg nasal spray device", lotNumber: "ESK-\(23_410 + session.number)", expiry: session.date.adding(days: 400),
            concentrationMgPerMl: nil, doseMg: Double(devices * DeviceUse.milligramsPerDevice), route: "intranasal",   // [R14]
            pumpRateMlPerHour: nil, administeredBy: "Self-administered under observation", checkedBy: "Nurse Nadia Demo")),
            to: id, stamp: stamp(t(11)))
        let start = 15.0
        try await transitions.apply(.startDosing(checklistPassed: true, override: nil), to: id, stamp: stamp(t(start)))
        for number in 1...devices {
            let at = t(start + Double((number - 1) * DeviceUse.minimumMinutesApart))   // 5 min apart [R14]
            try await records.append(.device(DeviceUse(number: number, at: at)), to: id, stamp: stamp(at))
        }
        try await transitions.apply(.endDosing, to: id, stamp: stamp(t(start + Double((devices - 1) * DeviceUse.minimumMinutesApart) + 1)))
        try await records.append(.sideEffects(SideEffectObservation(at: t(start + 38), cadssTotal: 6, moaas: 4, symptoms: [.nausea],
                                                                    respiratoryDepression: false)), to: id, stamp: stamp(t(start + 38)))
        try await reading(142, 88, 80, 97, 15, at: t(start + 40), id)   // ~40 min [R14][R17]
        if until == .observation { return nil }
        try await reading(134, 84, 76, 98, 14, at: t(start + 90), id)
        try await records.append(.sideEffects(SideEffectObservation(at: t(start + 90), cadssTotal: 0, moaas: 5, symptoms: [])), to: id,
                                 stamp: stamp(t(start + 90)))
        try await records.append(.discharge(DischargeAssessment(at: t(start + 116), aldrete: fullAldrete, escortPresent: true,
                                                                readyWithoutMinimumMinutes: 75)), to: id, stamp: stamp(t(start + 116)))
        try await reading(130, 82, 74, 98, 14, at: t(start + 118), id)
        try await markReady(id, at: t(start + 121))   // ≥ 2 h from the first device [R13][R19]
        let closed = t(start + 125)
        try await discharge(id, at: closed, note: "Esketamine \(devices * DeviceUse.milligramsPerDevice) mg (\(devices) devices); "
                            + "mild dissociation and nausea resolved by 90 min; discharged to escort after 2 h, Aldrete 10.")
        return closed
    }

    /// How every demo IV infusion begins: check-in in `chair`, pre-treatment checks with the
    /// `baseline` vitals (systolic, diastolic, heart rate, saturation, respiratory rate) and the
    /// checklist, the administration of the planned dose (`plannedDoseOtherwise` mg when the plan
    /// names none) over 40 minutes, and dosing started 15 minutes after check-in. Returns the dose, mg.
    @discardableResult
    private func startInfusion(_ session: ScheduledSession, at checkIn: Date, chair: String, baseline: (Int, Int, Int, Int, Int),
                               plannedDoseOtherwise: Double, lotNumber: String) async throws -> Double {
        let id = session.id
        let t = { (minutes: Double) in checkIn.addingTimeInterval(minutes * 60) }
        try await transitions.apply(.checkIn, to: id, stamp: stamp(t(0)))
        try await records.append(.chair(chair), to: id, stamp: stamp(t(2)))
        try await transitions.apply(.beginChecks, to: id, stamp: stamp(t(5)))
        try await reading(baseline.0, baseline.1, baseline.2, baseline.3, baseline.4, at: t(10), id)
        try await records.append(.checklist(checklist), to: id, stamp: stamp(t(12)))
        let dose = session.planned.doseMg?.value ?? plannedDoseOtherwise
        try await records.append(.administration(AdministrationDetails(
            product: "Ketamine hydrochloride 10 mg/mL", lotNumber: lotNumber, expiry: session.date.adding(days: 300),
            concentrationMgPerMl: 10, doseMg: dose, route: "intravenous", pumpRateMlPerHour: dose / 10 * 60 / 40,   // 40-min infusion
            administeredBy: "Nurse Nadia Demo", checkedBy: "Dr Priya Demo")), to: id, stamp: stamp(t(13)))
        try await transitions.apply(.startDosing(checklistPassed: true, override: nil), to: id, stamp: stamp(t(15)))
        return dose
    }

    /// Stopped during the infusion for a hypertensive reaction, the alert acknowledged.
    private func stoppedEarly(_ session: ScheduledSession, at checkIn: Date) async throws {
        let id = session.id
        let t = { (minutes: Double) in checkIn.addingTimeInterval(minutes * 60) }
        try await startInfusion(session, at: checkIn, chair: "Chair 2", baseline: (132, 82, 74, 98, 14), plannedDoseOtherwise: 33,
                                lotNumber: "KET-2407B")
        try await reading(150, 92, 90, 97, 16, at: t(25), id)
        let high = try await reading(186, 108, 104, 96, 18, at: t(35), id)
        for alert in high.alerts {
            _ = try await records.acknowledge(alert: alert.id, of: id, action: .stoppedInfusion, note: "Infusion stopped; physician informed.",
                                              stamp: stamp(t(37)))
        }
        try await records.append(.adverseEvent(SessionAdverseEvent(
            at: t(35), description: "Hypertensive response (186/108) with headache and nausea during the infusion.", severity: .moderate,
            serious: false, interventions: "Infusion stopped; observed; BP rechecked every 5 minutes.", outcome: .resolved)),
            to: id, stamp: stamp(t(40)))
        try await reading(148, 90, 86, 97, 16, at: t(45), id)
        try await transitions.apply(.stopEarly(reason: "Hypertensive response during the infusion; resolved after stopping."), to: id,
                                    stamp: stamp(t(75)))
    }

    private func cancel(_ session: ScheduledSession, at: Date) async throws {
        try await transitions.apply(.cancel(reason: "Patient unwell with a viral illness; rebooked."), to: session.id,
                                    stamp: stamp(at.addingTimeInterval(-86_400)))
    }

    private func noShow(_ session: ScheduledSession, at: Date) async throws {
        try await transitions.apply(.markNoShow, to: session.id, stamp: stamp(at.addingTimeInterval(2 * 3600)))
    }

    // MARK: Steps

    private func markReady(_ id: UUID, at: Date) async throws {
        guard let record = try await records.record(of: id) else { throw StoredDataError(what: "demo session \(id)") }
        let readiness = record.dischargeReadiness(policy: policy, now: at)
        guard readiness.ready else {
            throw StoredDataError(what: "demo session ready for discharge: " + readiness.criteria.filter { !$0.met }.map(\.detail).joined(separator: " "))
        }
        try await transitions.apply(.markReadyForDischarge(criteriaMet: true, override: nil), to: id, stamp: stamp(at))
    }

    private func discharge(_ id: UUID, at: Date, note: String) async throws {
        guard let record = try await records.record(of: id) else { throw StoredDataError(what: "demo session \(id)") }
        let missing = record.missingPoints(schedule: policy.monitoringSchedule(for: record.treatment), now: at)
        guard missing.isEmpty else {
            throw StoredDataError(what: "demo session readings: missing " + missing.map(\.label).joined(separator: ", "))
        }
        try await transitions.apply(.discharge(requiredPointsComplete: true, override: nil), to: id, stamp: stamp(at))
        try await records.append(.note(SessionNoteText(text: note)), to: id, stamp: stamp(at.addingTimeInterval(120)))
    }

    @discardableResult
    private func reading(_ systolic: Int, _ diastolic: Int, _ heartRate: Int, _ saturation: Int, _ respiratoryRate: Int, at: Date,
                         _ id: UUID) async throws -> StoredReadingResult {
        try await records.recordReading(VitalReading(systolic: systolic, diastolic: diastolic, heartRate: heartRate,
                                                     oxygenSaturation: saturation, respiratoryRate: respiratoryRate),
                                        takenAt: at, source: .nurse, sessionID: id, policy: policy.alerts, stamp: stamp(at))
    }

    /// The chair of today's patient in `state`, from the clinic's default chairs.
    private func chair(for state: TreatmentSessionState) -> String {
        let chairs = policy.chairs
        let index: Int = switch state {
        case .preTreatmentChecks: 0
        case .dosing: 1
        case .observation: 2
        default: 3
        }
        return chairs[index % chairs.count]
    }

    private var checklist: PreTreatmentChecklist {
        PreTreatmentChecklist(identityConfirmed: true, consentOnFile: true, fastingConfirmed: true, escortAndTransportArranged: true,
                              pregnancy: .notPregnantConfirmed, remsEnrolmentConfirmed: true)
    }

    private var fullAldrete: ModifiedAldrete {
        ModifiedAldrete(consciousness: 2, circulation: 2, respiration: 2, oxygenSaturation: 2, activity: 2)
    }

    private func stamp(_ at: Date) -> AuditStamp { .system("demo loader", at: at) }
}
