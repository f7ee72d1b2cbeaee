import ClinicDomain
import Foundation
import Testing

/// A discharged esketamine session built in memory: check-in, pre-dose reading, devices, readings,
/// side effects, discharge; each step `minutes` after the first device.
struct RemsSessionBuilder {
    static let start = Date(timeIntervalSince1970: 1_795_300_000)
    var devices = 2
    var preDose: VitalReading? = VitalReading(systolic: 128, diastolic: 80, heartRate: 72, oxygenSaturation: 98)
    var readings: [(Double, VitalReading)] = [(40, VitalReading(systolic: 142, diastolic: 88, oxygenSaturation: 97)),
                                              (118, VitalReading(systolic: 130, diastolic: 82, oxygenSaturation: 98))]
    var sideEffects: [SideEffectObservation] = [SideEffectObservation(at: start.addingTimeInterval(38 * 60), cadssTotal: 6, moaas: 4,
                                                                      symptoms: [])]
    var adverseEvents: [SessionAdverseEvent] = []
    var dischargedAfter: Double? = 125
    var readyWithout: Int? = 75
    var remsConfirmed: Bool? = true
    var lots = ["ESK-1"]

    func at(_ minutes: Double) -> Date { Self.start.addingTimeInterval(minutes * 60) }

    func record() throws -> TreatmentSessionRecord {
        let planned = try JSONDecoder().decode(CourseProposal.Session.self, from: Data("""
            {"number":1,"date":"2026-11-21","phaseName":"Induction","devices":\(devices),"change":"","warnings":[]}
            """.utf8))
        var states: [(TreatmentSessionState, Double)] = [(.checkedIn, -20), (.preTreatmentChecks, -15), (.dosing, 0),
                                                         (.observation, Double(devices - 1) * 5 + 1)]
        if let end = dischargedAfter { states += [(.readyForDischarge, end - 4), (.discharged, end)] }
        var from = TreatmentSessionState.scheduled
        let transitions = states.enumerated().map { index, step in
            defer { from = step.0 }
            return SessionTransition(sequence: index + 1, event: step.0.rawValue, from: from, to: step.0, at: at(step.1), actorName: "Nurse",
                                     detail: "", override: nil)
        }
        let session = ScheduledSession(id: UUID(), patientID: UUID(), planID: UUID(), number: 1, date: CalendarDate(iso: "2026-11-21")!,
                                       state: states.last!.0, planned: planned)
        var entries: [SessionEntry] = []
        func add(_ content: SessionEntryContent, _ minutes: Double) {
            entries.append(SessionEntry(id: UUID(), content: content, recordedAt: at(minutes), recordedByName: "Nurse", amends: nil, reason: nil))
        }
        if let remsConfirmed {
            add(.checklist(PreTreatmentChecklist(identityConfirmed: true, consentOnFile: true, fastingConfirmed: true,
                                                 escortAndTransportArranged: true, pregnancy: .notApplicable,
                                                 remsEnrolmentConfirmed: remsConfirmed)), -12)
        }
        for lot in lots {
            add(.administration(AdministrationDetails(product: "Spravato", lotNumber: lot, expiry: CalendarDate(iso: "2027-12-01")!,
                                                      concentrationMgPerMl: nil, doseMg: Double(devices * 28), route: "intranasal",
                                                      pumpRateMlPerHour: nil, administeredBy: "Patient", checkedBy: "Nurse")), -11)
        }
        for number in 0..<devices { add(.device(DeviceUse(number: number + 1, at: at(Double(number) * 5))), Double(number) * 5) }
        for observation in sideEffects { add(.sideEffects(observation), observation.at.timeIntervalSince(Self.start) / 60) }
        for event in adverseEvents { add(.adverseEvent(event), event.at.timeIntervalSince(Self.start) / 60) }
        if let end = dischargedAfter {
            add(.discharge(DischargeAssessment(at: at(end - 9), aldrete: ModifiedAldrete(consciousness: 2, circulation: 2, respiration: 2,
                                                                                         oxygenSaturation: 2, activity: 2),
                                               escortPresent: true, readyWithoutMinimumMinutes: readyWithout)), end - 9)
        }
        var stored: [StoredVitalReading] = []
        func reading(_ values: VitalReading, _ minutes: Double) {
            stored.append(StoredVitalReading(id: UUID(), takenAt: at(minutes), recordedAt: at(minutes), source: .nurse, values: values,
                                             recordedByName: "Nurse", amends: nil, reason: nil))
        }
        if let preDose { reading(preDose, -8) }
        for (minutes, values) in readings { reading(values, minutes) }
        return TreatmentSessionRecord(session: session, treatment: .esketamine, plannedInfusionMinutes: nil, transitions: transitions,
                                      entries: entries, storedReadings: stored, alerts: [])
    }
}

private func facts(medications: [Medication]? = [], setting: RemsSettingDetails = RemsFormFixtures.setting,
                   provider: RemsMonitoringForm.Provider? = nil, sex: SexAtBirth = .female, first: Bool = false) -> RemsMonitoringForm.Facts {
    RemsMonitoringForm.Facts(
        patient: PatientRegistration(givenName: "Ethan", familyName: "Esketamine", dateOfBirth: CalendarDate(iso: "1980-03-14")!,
                                     sexAtBirth: sex),
        medications: medications, isFirstTreatment: first, clinicName: "Demo Clinic", setting: setting, monitoringProvider: provider,
        policy: .defaults)
}

enum RemsFormFixtures {
    static let setting = RemsSettingDetails(kind: .outpatient, settingName: "", address1: "100 Example Avenue", address2: "",
                                            city: "New York", state: "NY", zip: "10001", telephone: "+1 212 555 0142",
                                            monitoringFirstName: "Grace", monitoringLastName: "Monitor",
                                            monitoringEmail: "grace@example.org")
}

@Suite("REMS Patient Monitoring Form [R19]: every field from the session record, what is missing, when it is due")
struct RemsMonitoringFormTests {
    @Test("A complete discharged session fills every required field")
    func complete() throws {
        let form = RemsMonitoringForm(record: try RemsSessionBuilder().record(), facts: facts())
        #expect(form.missingFields == [])
        #expect(form.isComplete)
        #expect(form.birthdate == "03/14/1980")
        #expect(form.sex == .female)
        #expect(form.dose == .mg56)                               // 2 devices × 28 mg [R14]
        #expect(form.lotNumbers == ["ESK-1"])
        #expect(form.totalDurationMinutes == 125)                 // first device → discharge [R19]
        #expect(!form.durationBelowMinimum)                       // ≥ 120 [R13][R19]
        #expect(form.readyWithoutMinimumMinutes == 75)
        #expect(form.bloodPressureBeforeAdministration?.text == "128/80")
        #expect(form.bloodPressureAt40Minutes?.text == "142/88")  // ~40 min [R14][R17]
        #expect(form.bloodPressureBeforeCompletion?.text == "130/82")
        #expect(form.vitalsAcceptableBeforeAdministration == true)
        #expect(form.vitalsAcceptableBeforeCompletion == true)
        #expect(form.sedation == true)                            // MOAA/S 4 < 5
        #expect(form.dissociation == true)                        // CADSS 6 > 4 [R27]
        #expect(form.respiratoryDepression == false)
        #expect(form.seriousAdverseEvent == false)
        #expect(form.settingName == "Demo Clinic", "the clinic's name when the REMS details give none")
        #expect(form.hcpFirstName == "Grace" && form.hcpTelephone == "+1 212 555 0142")
        #expect(form.dueOn.iso == "2026-11-28")                   // + 7 calendar days [R19][R21]
    }

    @Test("Devices give the dose: 56, 84 or other mg (28 mg per device [R14])", arguments: [
        (1, RemsMonitoringForm.Dose.other(milligrams: 28)), (2, .mg56), (3, .mg84),
    ])
    func dose(devices: Int, dose: RemsMonitoringForm.Dose) throws {
        var builder = RemsSessionBuilder()
        builder.devices = devices
        #expect(RemsMonitoringForm(record: try builder.record(), facts: facts()).dose == dose)
    }

    @Test("Concomitant medications by class [R19][R19-video]", arguments: [
        ([InteractionClass.benzodiazepine], \RemsMonitoringForm.benzodiazepines),
        ([.sedativeHypnotic], \RemsMonitoringForm.nonBenzodiazepineSedativeHypnotics),
        ([.psychostimulant], \RemsMonitoringForm.psychostimulants), ([.maoi], \RemsMonitoringForm.maois),
        ([.opioid], \RemsMonitoringForm.opioids),
    ])
    func medications(classes: [InteractionClass], field: KeyPath<RemsMonitoringForm, Bool?> & Sendable) throws {
        let form = RemsMonitoringForm(record: try RemsSessionBuilder().record(),
                                      facts: facts(medications: [Medication(name: "x", classes: Set(classes))]))
        #expect(form[keyPath: field] == true)
        let yes = [form.benzodiazepines, form.nonBenzodiazepineSedativeHypnotics, form.psychostimulants, form.maois, form.opioids]
        #expect(yes.filter { $0 == true }.count == 1)
    }

    /// A gap in the record or the facts, and the fields it leaves missing.
    enum Gap: String, CaseIterable, Sendable {
        case noIntakeRecord, noRemsDetails, noChecklist, noRemsAnswer, noSideEffects, no40MinuteReading, notDischarged, noPreDose

        var expected: [String] {
            switch self {
            case .noIntakeRecord: ["Benzodiazepines", "Non-benzodiazepine sedative-hypnotics", "Psychostimulants", "MAOIs", "Opioids"]
            case .noRemsDetails: ["Monitoring HCP first name", "Monitoring HCP last name", "Monitoring HCP telephone", "Monitoring HCP email",
                                  "Address 1", "City", "State", "ZIP"]
            case .noChecklist: ["Enrolled in the REMS"]
            case .noRemsAnswer: ["REMS evaluation question"]
            case .noSideEffects: ["Sedation", "Dissociation", "Respiratory depression"]
            case .no40MinuteReading: ["Blood pressure at 40 minutes"]   // 50 min is outside the 5-min tolerance
            case .notDischarged: ["Total treatment duration", "REMS evaluation question", "Vital signs acceptable before session completion",
                                  "Blood pressure before session completion"]
            case .noPreDose: ["Vital signs acceptable before administration", "Blood pressure before administration"]
            }
        }
    }

    @Test("What staff must complete is named", arguments: Gap.allCases)
    func missing(_ gap: Gap) throws {
        var builder = RemsSessionBuilder()
        var given = facts()
        switch gap {
        case .noIntakeRecord: given = facts(medications: nil)
        case .noRemsDetails: given = facts(setting: .empty)
        case .noChecklist: builder.remsConfirmed = nil
        case .noRemsAnswer: builder.readyWithout = nil
        case .noSideEffects: builder.sideEffects = []
        case .no40MinuteReading: builder.readings[0].0 = 50
        case .notDischarged: builder.dischargedAfter = nil; builder.readyWithout = nil
        case .noPreDose: builder.preDose = nil
        }
        #expect(RemsMonitoringForm(record: try builder.record(), facts: given).missingFields == gap.expected)
    }

    @Test("Vital signs out of range: pre-dose above 140/90 [R16]; a last reading that alerts [R18]")
    func vitals() throws {
        var builder = RemsSessionBuilder()
        builder.preDose = VitalReading(systolic: 150, diastolic: 92, oxygenSaturation: 98)
        builder.readings[1].1 = VitalReading(systolic: 192, diastolic: 96)
        let form = RemsMonitoringForm(record: try builder.record(), facts: facts())
        #expect(form.vitalsAcceptableBeforeAdministration == false)
        #expect(form.vitalsAcceptableBeforeCompletion == false)
        #expect(form.isComplete, "a No is an answer")
    }

    @Test("A duration under 2 hours is flagged [R13][R19]; a serious adverse event is a Yes")
    func shortAndSerious() throws {
        var builder = RemsSessionBuilder()
        builder.dischargedAfter = 110
        builder.readings[1].0 = 100
        builder.adverseEvents = [SessionAdverseEvent(at: builder.at(30), description: "Syncope", severity: .severe, serious: true,
                                                     interventions: "Transferred", outcome: .transferred)]
        let form = RemsMonitoringForm(record: try builder.record(), facts: facts())
        #expect(form.totalDurationMinutes == 110)
        #expect(form.durationBelowMinimum)
        #expect(form.seriousAdverseEvent)
    }

    @Test("Sex on the form: Male, Female, Other")
    func sex() throws {
        let record = try RemsSessionBuilder().record()
        #expect(RemsMonitoringForm(record: record, facts: facts(sex: .male)).sex == .male)
        #expect(RemsMonitoringForm(record: record, facts: facts(sex: .unknown)).sex == .other)
    }

    @Test("A staff member who monitored replaces the designated provider; the telephone stays the setting's")
    func provider() throws {
        let form = RemsMonitoringForm(record: try RemsSessionBuilder().record(),
                                      facts: facts(provider: .init(displayName: "Nadia van Nurse", email: "nadia@example.org")))
        #expect(form.hcpFirstName == "Nadia" && form.hcpLastName == "van Nurse" && form.hcpEmail == "nadia@example.org")
        #expect(form.hcpTelephone == "+1 212 555 0142")
    }

    @Test("Only US outpatient settings submit forms [R20][R21]", arguments: [
        ("US-NY", RemsSettingDetails.SettingKind.outpatient, true), ("US", .inpatient, false), ("GB", .outpatient, false),
        ("CA-ON", .outpatient, false),
    ])
    func applies(code: String, kind: RemsSettingDetails.SettingKind, expected: Bool) {
        #expect(RemsMonitoringForm.applies(to: Jurisdiction(code: code)!, setting: RemsSettingDetails(kind: kind)) == expected)
    }
}

@Suite("REMS queue and submissions: 7 calendar days [R19][R21]")
struct RemsQueueTests {
    static let today = CalendarDate(iso: "2026-11-22")!

    @Test("Listed: treated on or after today − 7, or not yet submitted", arguments: [
        ("2026-11-15", true, true), ("2026-11-14", true, false), ("2026-11-14", false, true), ("2026-11-22", false, true),
    ])
    func includes(date: String, submitted: Bool, listed: Bool) {
        #expect(RemsQueue.includes(treatmentDate: CalendarDate(iso: date)!, submitted: submitted, today: Self.today) == listed)
    }

    @Test("Days left and the status text")
    func status() throws {
        let form = RemsMonitoringForm(record: try RemsSessionBuilder().record(), facts: facts())   // treated 2026-11-21, due 11-28
        #expect(RemsQueueItem(form: form, patientName: "E", submitted: nil, today: Self.today).statusText == "Due in 6 days")
        let late = RemsQueueItem(form: form, patientName: "E", submitted: nil, today: CalendarDate(iso: "2026-11-30")!)
        #expect(late.isOverdue && late.statusText == "2 days overdue")
        #expect(RemsQueueItem(form: form, patientName: "E", submitted: nil, today: CalendarDate(iso: "2026-11-28")!).statusText == "Due today")
    }

    @Test("Submission fields are checked", arguments: [
        ("2026-11-22", "online", "A1", nil as String?), ("2026-11-23", "online", "", "submittedOn"), ("2026-11-20", "fax", "", "submittedOn"),
        ("22/11/2026", "fax", "", "submittedOn"), ("2026-11-22", "email", "", "channel"),
        ("2026-11-22", "fax", String(repeating: "9", count: 61), "confirmation"),
    ])
    func parse(day: String, channel: String, confirmation: String, field: String?) {
        do {
            let submission = try RemsSubmission.parse(submittedOn: day, channel: channel, confirmation: confirmation,
                                                      treatmentDate: CalendarDate(iso: "2026-11-21")!, today: Self.today)
            #expect(field == nil)
            #expect(submission.confirmation == "A1")
        } catch {
            #expect(field != nil && error[field!] != nil, "\(error)")
        }
    }
}
