/// Demo patients with full intake records that, between them, make every screening rule fire
/// and every decision occur for every treatment. Synthetic people; names say what they show.
public enum DemoIntakeScenarios {
    /// One demo patient: identity and the record items to add.
    public struct Scenario: Sendable {
        /// Who the patient is.
        public let registration: PatientRegistration
        /// The items of the record, in the order they are entered.
        public let items: [any RecordValue]
    }

    /// How a demo patient's PHQ-9 scores move over the course, so the outcome pages show each case.
    public enum ScoreStory: Sendable {
        /// Responds during induction and stays well with boosters; the effect wears off in about 5 days.
        case responder
        /// Responds, then relapses during maintenance.
        case relapse
        /// Barely changes, and reports thoughts of self-harm in the latest self-report (an open alert).
        case nonResponderWithSuicidality
    }

    /// A scenario patient whose demo clinic also has a signed screening, a signed treatment plan
    /// started `startDaysAgo` days ago, and a PHQ-9 history.
    public struct PlannedCourse: Sendable {
        /// The scenario's family name.
        public let familyName: String
        /// The protocol.
        public let protocolID: String
        /// The target dose.
        public let target: PlanDoseTarget
        /// Sessions to schedule.
        public let sessions: Int
        /// Days before the demo's first day that the course started.
        public let startDaysAgo: Int
        /// How the scores move.
        public let story: ScoreStory
    }

    /// The demo's planned courses.
    public static let plannedCourses: [PlannedCourse] = [
        PlannedCourse(familyName: "Eligible", protocolID: ProtocolLibrary.ivStandard.id, target: .mgPerKg(0.5), sessions: 10,
                      startDaysAgo: 35, story: .responder),
        PlannedCourse(familyName: "Esketamine", protocolID: ProtocolLibrary.esketamineUS.id, target: .devices(2), sessions: 12,
                      startDaysAgo: 28, story: .nonResponderWithSuicidality),
        PlannedCourse(familyName: "Relapse", protocolID: ProtocolLibrary.ivStandard.id, target: .mgPerKg(0.5), sessions: 10,
                      startDaysAgo: 42, story: .relapse),
        // Courses starting today, so the treatment room shows a session in every state.
        PlannedCourse(familyName: "Arrival", protocolID: ProtocolLibrary.ivStandard.id, target: .mgPerKg(0.5), sessions: 6,
                      startDaysAgo: 0, story: .responder),
        PlannedCourse(familyName: "Checks", protocolID: ProtocolLibrary.esketamineUS.id, target: .devices(2), sessions: 8,
                      startDaysAgo: 0, story: .responder),
        PlannedCourse(familyName: "Infusion", protocolID: ProtocolLibrary.ivStandard.id, target: .mgPerKg(0.5), sessions: 6,
                      startDaysAgo: 0, story: .responder),
        PlannedCourse(familyName: "Observation", protocolID: ProtocolLibrary.esketamineUS.id, target: .devices(2), sessions: 8,
                      startDaysAgo: 0, story: .responder),
        PlannedCourse(familyName: "Discharge", protocolID: ProtocolLibrary.ivStandard.id, target: .mgPerKg(0.5), sessions: 6,
                      startDaysAgo: 0, story: .responder),
        PlannedCourse(familyName: "Waiting", protocolID: ProtocolLibrary.ivStandard.id, target: .mgPerKg(0.5), sessions: 6,
                      startDaysAgo: 0, story: .responder),
    ]

    /// A synthetic patient for load tests of the chair board: Elena Eligible's record under the
    /// name "Bay N, Loadtest", with an IV course starting today.
    public static func loadTestPatient(_ number: Int, today: CalendarDate) -> (scenario: Scenario, course: PlannedCourse) {
        let eligible = all(today: today)[0]
        var registration = eligible.registration
        registration.givenName = "Bay\(number)"
        registration.familyName = "Loadtest"
        return (Scenario(registration: registration, items: eligible.items),
                PlannedCourse(familyName: "Loadtest", protocolID: ProtocolLibrary.ivStandard.id, target: .mgPerKg(0.5), sessions: 6,
                              startDaysAgo: 0, story: .responder))
    }

    /// PHQ-9 observations for a story around session dates (those up to `today`): before each
    /// session and the day after, and twice between maintenance sessions. Each is a total and
    /// whether item 9 is above 0.
    public static func phq9History(_ story: ScoreStory, sessions: [(date: CalendarDate, isMaintenance: Bool)],
                                   today: CalendarDate) -> [(date: CalendarDate, total: Int, item9: Int)] {
        var result: [(CalendarDate, Int, Int)] = []
        let induction = sessions.filter { !$0.isMaintenance }.count
        for (index, session) in sessions.enumerated() where session.date <= today {
            let before: Int, after: Int, midway: [Int]
            switch story {
            case .responder:
                before = index < induction ? [21, 16, 13, 10, 8, 7][min(index, 5)] : 11
                after = index < induction ? max(before - 4, 4) : 5
                midway = [8, 12]
            case .relapse:
                let maintenance = index - induction
                before = index < induction ? [22, 17, 14, 11, 9, 8][min(index, 5)] : [12, 15, 17, 18][min(maintenance, 3)]
                after = index < induction ? max(before - 4, 4) : [6, 12, 14, 16][min(maintenance, 3)]
                midway = index < induction ? [] : [after + 3, before + 1]
            case .nonResponderWithSuicidality:
                before = [19, 18, 18, 17, 18, 17, 17, 18][index % 8]
                after = before - 1
                midway = []
            }
            result.append((session.date, before, 0))
            if session.date.adding(days: 1) <= today { result.append((session.date.adding(days: 1), after, 0)) }
            if session.isMaintenance {
                for (offset, total) in zip([4, 6], midway) where session.date.adding(days: offset) <= today {
                    result.append((session.date.adding(days: offset), total, 0))
                }
            }
        }
        if story == .nonResponderWithSuicidality, let last = result.last {
            result[result.count - 1] = (last.0, last.1, 1)
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// PHQ-9 answers (nine items, 0–3) that add up to `total`, with item 9 as given; the other eight
    /// items hold at most 24, so a larger total is capped there.
    public static func phq9Answers(total: Int, item9: Int) -> [Int?] {
        var answers = Array(repeating: 0, count: 9)
        answers[8] = item9
        var left = min(24, max(0, total - item9))
        var index = 0
        while left > 0 {
            if answers[index] < 3 { answers[index] += 1; left -= 1 }
            index = (index + 1) % 8
        }
        return answers.map { Optional($0) }
    }

    /// The scenarios for a clinic whose date is `today`.
    public static func all(today: CalendarDate) -> [Scenario] {
        func date(_ daysAgo: Int) -> CalendarDate { today.adding(days: -daysAgo) }
        func born(_ years: Int) -> CalendarDate { CalendarDate(year: today.year - years, month: 3, day: 14)! }
        func person(_ given: String, _ family: String, age: Int, _ sex: SexAtBirth) -> PatientRegistration {
            PatientRegistration(givenName: given, familyName: family, dateOfBirth: born(age), sexAtBirth: sex)
        }
        let calmVitals = VitalSigns(systolic: 124, diastolic: 78, heartRate: 72, oxygenSaturation: 98, respiratoryRate: 14,
                                    measuredOn: date(2))
        let episode = DepressiveEpisode(startedOn: date(560), severity: .severe)
        let twoFailedTrials: [any RecordValue] = [
            AntidepressantTrial(kind: .medication, treatment: "sertraline", drugClass: .ssri, dose: "150 mg daily",
                                adequateDose: true, startedOn: date(500), endedOn: date(430), outcome: .noResponse),
            AntidepressantTrial(kind: .medication, treatment: "venlafaxine", drugClass: .snri, dose: "225 mg daily",
                                adequateDose: true, startedOn: date(400), endedOn: date(300), outcome: .partialResponse,
                                optimised: true, augmentation: "aripiprazole"),
        ]
        func base(height: Double = 170, weight: Double = 72, vitals: VitalSigns? = nil,
                  medical: MedicalHistory = .none, psychiatric: PsychiatricHistory = .none,
                  medications: [Medication] = [], allergies: [Allergy] = []) -> [any RecordValue] {
            var items: [any RecordValue] = [
                ContactDetails(phone: "+1 212 555 0100", email: nil, address: nil),
                EmergencyContact(name: "Demo Escort", relationship: "partner", phone: "+1 212 555 0199", isEscort: true),
                HeightMeasurement(centimetres: height, measuredOn: date(2)),
                WeightMeasurement(kilograms: weight, measuredOn: date(2)),
                Diagnosis(icd10: "F33.2", diagnosedOn: date(900)),
                psychiatric, medical, vitals ?? calmVitals, episode,
            ]
            items += medications.map { $0 as any RecordValue }
            items += allergies.map { $0 as any RecordValue }
            return items + twoFailedTrials
        }
        return [
            Scenario(registration: person("Elena", "Eligible", age: 44, .female), items: base()),
            Scenario(registration: person("Aaron", "Aneurysm", age: 58, .male), items: base(
                medical: MedicalHistory(aneurysmalVascularDisease: true, arteriovenousMalformation: true,
                                        intracerebralHaemorrhage: true))),
            Scenario(registration: person("Harriet", "Hypertension", age: 61, .female), items: base(
                vitals: VitalSigns(systolic: 188, diastolic: 104, heartRate: 88, oxygenSaturation: 97, respiratoryRate: 16,
                                   measuredOn: date(1)),
                medical: MedicalHistory(hypertension: .uncontrolled))),
            Scenario(registration: person("Carl", "Cardiac", age: 67, .male), items: base(
                vitals: VitalSigns(systolic: 146, diastolic: 92, heartRate: 126, oxygenSaturation: 96, respiratoryRate: 18,
                                   measuredOn: date(1)),
                medical: MedicalHistory(hypertension: .controlled, ischaemicHeartDisease: true, heartFailure: true,
                                        arrhythmia: .uncontrolled, prolongedQT: true,
                                        vascularEvents: [.init(kind: .myocardialInfarction, occurredOn: date(20)),
                                                         .init(kind: .stroke, occurredOn: date(700))]))),
            Scenario(registration: person("Petra", "Psychosis", age: 33, .female), items: base(
                psychiatric: PsychiatricHistory(psychosis: true, mania: true, activeSubstanceUseDisorder: true,
                                                ketamineMisuse: true, recentHallucinogenOrCannabis: true),
                allergies: [Allergy(substance: "ketamine", reaction: "laryngospasm", severity: .severe)])),
            Scenario(registration: person("Mona", "Medications", age: 39, .female), items: base(
                medications: [
                    Medication(name: "lorazepam", dose: "2 mg twice daily", classes: [.benzodiazepine], lorazepamEquivalentMgPerDay: 4),
                    Medication(name: "lamotrigine", dose: "200 mg daily", classes: [.nmdaActive]),
                    Medication(name: "phenelzine", dose: "15 mg three times daily", classes: [.maoi]),
                    Medication(name: "methylphenidate", dose: "20 mg mornings", classes: [.psychostimulant]),
                    Medication(name: "oxycodone", dose: "5 mg as needed", classes: [.opioid]),
                    Medication(name: "theophylline", dose: "300 mg twice daily", classes: [.theophylline]),
                ])),
            Scenario(registration: person("Olive", "Organs", age: 52, .female), items: base(
                medical: MedicalHistory(raisedIntracranialPressure: true, raisedIntraocularPressure: true,
                                        hepaticImpairment: .childPughC, dialysis: true, thyroid: .hyperthyroidUntreated,
                                        bladderDisease: true))),
            Scenario(registration: person("Hana", "Hepatic", age: 70, .female), items: base(
                vitals: VitalSigns(systolic: 132, diastolic: 84, heartRate: 76, measuredOn: date(3)),
                medical: MedicalHistory(hepaticImpairment: .childPughB, thyroid: .hypothyroid, pulmonaryDisease: .present))),
            Scenario(registration: person("Priya", "Pregnancy", age: 31, .female), items: base(
                medical: MedicalHistory(pregnancy: .preEclampsia, breastfeeding: true))),
            Scenario(registration: person("Lars", "Lungs", age: 57, .male), items: base(
                height: 175, weight: 122,
                vitals: VitalSigns(systolic: 86, diastolic: 58, heartRate: 46, oxygenSaturation: 91, respiratoryRate: 32,
                                   measuredOn: date(1)),
                medical: MedicalHistory(sleepApnoea: true, pulmonaryDisease: .oxygenDependent))),
            Scenario(registration: person("Ethan", "Esketamine", age: 46, .male), items: base(height: 182, weight: 88)),
            Scenario(registration: person("Rita", "Relapse", age: 51, .female), items: base(height: 164, weight: 66)),
            Scenario(registration: person("Nina", "Newcomer", age: 28, .female), items: [
                Diagnosis(icd10: "F32.2", diagnosedOn: date(60)),
            ]),
            // Today's treatment room (see `plannedCourses`).
            Scenario(registration: person("Adam", "Arrival", age: 37, .male), items: base(height: 178, weight: 80)),
            Scenario(registration: person("Clara", "Checks", age: 42, .female), items: base(height: 166, weight: 64)),
            Scenario(registration: person("Isaac", "Infusion", age: 49, .male), items: base(height: 180, weight: 84)),
            Scenario(registration: person("Olga", "Observation", age: 35, .female), items: base(
                height: 168, weight: 70, medications: [Medication(name: "zolpidem", dose: "5 mg at night", classes: [.sedativeHypnotic])])),
            Scenario(registration: person("Dora", "Discharge", age: 55, .female), items: base(height: 162, weight: 68)),
            // Booked for today and not yet arrived: the first step of a session is check-in.
            Scenario(registration: person("Walter", "Waiting", age: 44, .male), items: base(height: 176, weight: 76)),
        ]
    }
}
