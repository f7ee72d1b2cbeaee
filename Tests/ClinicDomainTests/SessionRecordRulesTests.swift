import ClinicDomain
import Foundation
import Testing

@Suite("Session record rules: checklist, devices, infusion pauses, side effects, discharge readiness, required points")
struct SessionRecordRulesTests {
    static let start = Date(timeIntervalSince1970: 1_795_420_800)   // 2026-11-23 08:00 UTC
    static let complete = PreTreatmentChecklist(identityConfirmed: true, consentOnFile: true, fastingConfirmed: true,
                                                escortAndTransportArranged: true, pregnancy: .testNegative, remsEnrolmentConfirmed: true)
    static func facts(_ treatment: Treatment = .esketamine, reading: VitalReading? = VitalReading(systolic: 128, diastolic: 80, heartRate: 70,
                                                                                                     oxygenSaturation: 98),
                      age: Int = 40, screening: String? = nil, scales: [String] = [], rems: Bool = true) -> ChecklistFacts {
        ChecklistFacts(treatment: treatment, fastingInstruction: SessionPolicy.defaults.fastingInstruction(for: treatment), pregnancyRelevant: true,
                       preDoseReading: reading, ageYears: age, bloodPressureRule: SessionPolicy.defaults.bloodPressureRule(for: treatment),
                       screeningProblem: screening, scalesOutstanding: scales, remsRequired: rems)
    }

    /// One fact made to fail, and the item that must fail with it.
    enum Failure: String, CaseIterable, Sendable {
        case identity, consent, fasting, escort, pregnancy, highBloodPressure, noOximetry, noReading, scales, screening, rems

        var key: String {
            switch self {
            case .highBloodPressure, .noOximetry, .noReading: "pre-dose-vitals"
            default: rawValue
            }
        }

        func apply(_ c: inout PreTreatmentChecklist, _ f: inout ChecklistFacts) {
            switch self {
            case .identity: c.identityConfirmed = false
            case .consent: c.consentOnFile = false
            case .fasting: c.fastingConfirmed = false                                                 // esketamine fasting [R15]
            case .escort: c.escortAndTransportArranged = false                                        // no driving [R14]
            case .pregnancy: c.pregnancy = .notChecked
            case .highBloodPressure: f.preDoseReading = VitalReading(systolic: 142, diastolic: 80, heartRate: 70, oxygenSaturation: 98) // > 140 [R16]
            case .noOximetry: f.preDoseReading = VitalReading(systolic: 128, diastolic: 80, heartRate: 70)   // SpO2 each session [R14]
            case .noReading: f.preDoseReading = nil
            case .scales: f.scalesOutstanding = ["PHQ9"]
            case .screening: f.screeningProblem = "stale"
            case .rems: c.remsEnrolmentConfirmed = false                                              // enrol first [R19][R21]
            }
        }
    }

    @Test("Each failing fact fails its item, and only that item", arguments: Failure.allCases)
    func checklistItem(failure: Failure) {
        #expect(ChecklistEvaluation(Self.complete, facts: Self.facts()).passed)
        var checklist = Self.complete
        var facts = Self.facts()
        failure.apply(&checklist, &facts)
        let evaluation = ChecklistEvaluation(checklist, facts: facts)
        #expect(!evaluation.passed)
        #expect(evaluation.failures.map(\.key) == [failure.key])
    }

    @Test("IV: no fasting rule or REMS unless the clinic sets one; the trial rule allows 150 systolic over 65 [R17]")
    func intravenousChecklist() {
        var checklist = Self.complete
        checklist.fastingConfirmed = false
        checklist.remsEnrolmentConfirmed = false
        let older = Self.facts(.ivKetamine, reading: VitalReading(systolic: 148, diastolic: 85, heartRate: 70), age: 70, rems: false)
        let evaluation = ChecklistEvaluation(checklist, facts: older)
        #expect(evaluation.passed)
        #expect(evaluation.items.first { $0.key == "fasting" }?.passed == nil)
        #expect(evaluation.items.first { $0.key == "rems" }?.passed == nil)
        let younger = Self.facts(.ivKetamine, reading: VitalReading(systolic: 148, diastolic: 85, heartRate: 70), age: 50, rems: false)
        #expect(ChecklistEvaluation(checklist, facts: younger).failures.map(\.key) == ["pre-dose-vitals"])
    }

    @Test("Devices at least 5 minutes apart [R14], no more than planned", arguments: [
        (4.9, 2, false), (5.0, 2, true), (12.0, 2, true), (6.0, 1, false),
    ])
    func devices(minutesAfter: Double, planned: Int, allowed: Bool) {
        let first = DeviceUse(number: 1, at: Self.start)
        let refusal = DeviceUse.refusal(at: Self.start.addingTimeInterval(minutesAfter * 60), after: [first], planned: planned)
        #expect((refusal == nil) == allowed, "\(refusal ?? "")")
    }

    @Test("Pauses: paused time is counted until resumed, and a pause cannot follow a pause")
    func pauses() throws {
        let changes = [InfusionChange(kind: .paused, at: Self.start.addingTimeInterval(600), reason: "BP"),
                       InfusionChange(kind: .resumed, at: Self.start.addingTimeInterval(900), reason: "BP settled"),
                       InfusionChange(kind: .paused, at: Self.start.addingTimeInterval(1200), reason: "nausea")]
        #expect(InfusionChange.pausedSeconds(changes, until: Self.start.addingTimeInterval(1500)) == 600)
        #expect(InfusionChange.isPaused(changes))
        #expect(throws: FieldErrors.self) { try InfusionChange(kind: .paused, at: Self.start, reason: "again").validated(paused: true) }
        #expect(throws: FieldErrors.self) { try InfusionChange(kind: .rateChanged, at: Self.start, reason: "").validated(paused: false) }
    }

    @Test("Dissociation is a CADSS total above 4 [R27]; sedation is MOAA/S below 5", arguments: [
        (4, 5, false, false), (5, 5, true, false), (0, 4, false, true), (30, 0, true, true),
    ])
    func sideEffects(cadss: Int, moaas: Int, dissociation: Bool, sedation: Bool) throws {
        let observation = try SideEffectObservation(at: Self.start, cadssTotal: cadss, moaas: moaas, symptoms: []).validated()
        #expect(observation.dissociation == dissociation)
        #expect(observation.sedation == sedation)
        #expect(throws: FieldErrors.self) { try SideEffectObservation(at: Self.start, cadssTotal: 93, moaas: nil, symptoms: []).validated() }
    }

    @Test("Discharge readiness: Aldrete ≥ 9 [R39-Miller], vitals near baseline [R18], 2 h for esketamine [R13], escort", arguments: [
        (10, true, 130, 125, true),    // all met
        (8, true, 130, 125, false),    // Aldrete 8 < 9
        (10, false, 130, 125, false),  // no escort
        (10, true, 170, 125, false),   // +40 from baseline 130 [R18]
        (10, true, 130, 119, false),   // 119 min < 120 [R13]
    ])
    func readiness(aldrete: Int, escort: Bool, systolic: Int, minutes: Double, ready: Bool) {
        let score = ModifiedAldrete(consciousness: 2, circulation: 2, respiration: 2, oxygenSaturation: 2, activity: aldrete - 8)
        let readiness = DischargeReadiness(
            assessment: DischargeAssessment(at: Self.start, aldrete: score, escortPresent: escort), aldreteThreshold: 9,
            latestReading: VitalReading(systolic: systolic, diastolic: 80), baseline: VitalReading(systolic: 130, diastolic: 80),
            alertPolicy: .defaults, observedSince: Self.start, observedSinceLabel: "since the first device", minimumObservationMinutes: 120,
            now: Self.start.addingTimeInterval(minutes * 60))
        #expect(readiness.ready == ready, "\(readiness.criteria.filter { !$0.met })")
    }

    @Test("An open alert keeps the patient from being ready to leave")
    func openAlertBlocksDischarge() {
        let score = ModifiedAldrete(consciousness: 2, circulation: 2, respiration: 2, oxygenSaturation: 2, activity: 2)
        func readiness(openAlerts: Int) -> DischargeReadiness {
            DischargeReadiness(assessment: DischargeAssessment(at: Self.start, aldrete: score, escortPresent: true), aldreteThreshold: 9,
                               latestReading: VitalReading(systolic: 125, diastolic: 80), baseline: VitalReading(systolic: 125, diastolic: 80),
                               alertPolicy: .defaults, observedSince: Self.start, observedSinceLabel: "", minimumObservationMinutes: nil,
                               openAlerts: openAlerts, now: Self.start)
        }
        #expect(readiness(openAlerts: 0).ready)
        #expect(!readiness(openAlerts: 1).ready)
        #expect(readiness(openAlerts: 2).criteria.first { !$0.met }?.key == "alerts")
    }

    @Test("Readings: typing mistakes are refused, extremes pass", arguments: [
        (VitalReading(systolic: 1200, diastolic: 80), false), (VitalReading(systolic: 80, diastolic: 90), false),
        (VitalReading(systolic: 120), false), (VitalReading(), false), (VitalReading(oxygenSaturation: 101), false),
        (VitalReading(systolic: 230, diastolic: 130, heartRate: 180, oxygenSaturation: 70, respiratoryRate: 4), true),
    ])
    func readingValidation(reading: VitalReading, valid: Bool) {
        #expect(((try? reading.validated()) != nil) == valid)
    }

    @Test("Required points of an IV session: every 10 min during, 15 after [R36][R37]; baseline is the last pre-dose reading")
    func requiredPoints() throws {
        let scheduled = ScheduledSession(id: UUID(), patientID: UUID(), planID: UUID(), number: 1, date: CalendarDate(year: 2026, month: 11, day: 23)!,
                                         state: .observation, planned: CourseProposal.Session(
                                            number: 1, date: CalendarDate(year: 2026, month: 11, day: 23)!, phaseName: "Induction", mgPerKg: 0.5,
                                            devices: nil, doseMg: Milligrams(35), change: "", courseTotalMg: nil, rollingSevenDayMg: nil, warnings: []))
        func at(_ minutes: Double) -> Date { Self.start.addingTimeInterval(minutes * 60) }
        func transition(_ n: Int, _ to: TreatmentSessionState, _ minute: Double) -> SessionTransition {
            SessionTransition(sequence: n, event: "", from: .scheduled, to: to, at: at(minute), actorName: "nurse", detail: "", override: nil)
        }
        func reading(_ minute: Double, _ systolic: Int) -> StoredVitalReading {
            StoredVitalReading(id: UUID(), takenAt: at(minute), recordedAt: at(minute), source: .nurse,
                               values: VitalReading(systolic: systolic, diastolic: 80), recordedByName: "nurse", amends: nil, reason: nil)
        }
        let readings = [reading(-10, 118), reading(-2, 122), reading(10, 130), reading(21, 140), reading(40, 128)]
        let record = TreatmentSessionRecord(
            session: scheduled, treatment: .ivKetamine, plannedInfusionMinutes: 40,
            transitions: [transition(1, .checkedIn, -30), transition(2, .preTreatmentChecks, -20), transition(3, .dosing, 0), transition(4, .observation, 40)],
            entries: [], storedReadings: readings, alerts: [])
        #expect(record.baseline?.values.systolic == 122)
        let points = record.requiredPoints(schedule: SessionPolicy.defaults.monitoringSchedule(for: .ivKetamine), now: at(62))
        let status = Dictionary(uniqueKeysWithValues: points.map { ($0.label, $0.status) })
        #expect(status["pre-dose"] == .done && status["10 min"] == .done && status["20 min"] == .done && status["40 min"] == .done)
        #expect(status["30 min"] == .overdue)
        #expect(status["55 min"] == .overdue, "15 min after the infusion ended at 40")
        #expect(status["pre-discharge"] == .upcoming)
        #expect(record.missingPoints(schedule: SessionPolicy.defaults.monitoringSchedule(for: .ivKetamine), now: at(62)).map(\.label) == ["30 min", "55 min"])
        #expect(record.infusionProgress(now: at(62)) == 1)
    }

    @Test("Session policy: out-of-range values are field errors; chairs are trimmed and unique")
    func policyValidation() throws {
        var policy = SessionPolicy.defaults
        policy.chairs = [" Chair A ", "Chair B"]
        #expect(try policy.validated().chairs == ["Chair A", "Chair B"])
        policy.chairs = ["A", "A"]
        policy.alerts.heartRateBelow = 130
        policy.dischargeAldreteAtOrAbove = 11
        do {
            _ = try policy.validated()
            Issue.record("accepted an invalid policy")
        } catch {
            #expect(Set(error.entries.map(\.field)) == ["chairs", "heartRateBelow", "dischargeAldreteAtOrAbove"])
        }
    }
}
