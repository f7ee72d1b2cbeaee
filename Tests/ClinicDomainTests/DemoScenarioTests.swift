import ClinicDomain
import Testing

@Suite("Demo clinic scenarios")
struct DemoScenarioTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 22)!

    static func record(_ scenario: DemoIntakeScenarios.Scenario) -> PatientRecord {
        var record = PatientRecord(registration: scenario.registration)
        for item in scenario.items {
            switch item {
            case let value as ContactDetails: record.contact = value
            case let value as EmergencyContact: record.emergencyContact = value
            case let value as HeightMeasurement: record.height = value
            case let value as WeightMeasurement: record.weights.append(value)
            case let value as Allergy: record.allergies.append(value)
            case let value as Medication: record.medications.append(value)
            case let value as Diagnosis: record.diagnoses.append(value)
            case let value as PsychiatricHistory: record.psychiatricHistory = value
            case let value as MedicalHistory: record.medicalHistory = value
            case let value as VitalSigns: record.vitalSigns.append(value)
            case let value as AntidepressantTrial: record.trials.append(value)
            case let value as DepressiveEpisode: record.currentEpisode = value
            default: Issue.record("unexpected item \(type(of: item))")
            }
        }
        return record
    }

    @Test("Every scenario record is valid")
    func valid() throws {
        for scenario in DemoIntakeScenarios.all(today: Self.today) {
            _ = try Self.record(scenario).validated(today: Self.today)
        }
    }

    @Test("Between them the demo patients fire every screening rule (in some jurisdiction) and every decision for every treatment")
    func coverage() {
        let records = DemoIntakeScenarios.all(today: Self.today).map(Self.record)
        var fired = Set<String>()
        var decisions: [Treatment: Set<ScreeningDecision>] = [:]
        for code in ["US-NY", "CA-ON", "AU-WA", "GB", "EU-DE"] {
            let jurisdiction = Jurisdiction(code: code)!
            for record in records {
                let result = ScreeningEngine.evaluate(record, policy: .defaults, jurisdiction: jurisdiction, today: Self.today)
                for screening in result.treatments {
                    fired.formUnion(screening.findings.map(\.ruleID))
                    decisions[screening.treatment, default: []].insert(screening.decision)
                }
            }
        }
        let missing = ScreeningRuleCatalog.all.map(\.id).filter { !fired.contains($0) }
        #expect(missing.isEmpty, "rules no demo patient fires: \(missing)")
        for treatment in Treatment.allCases {
            #expect(decisions[treatment] == Set(ScreeningDecision.allCases), "\(treatment): \(decisions[treatment] ?? [])")
        }
    }

    @Test("The US demo clinic shows treatment resistance for the patients with two failed trials [R22][R23]")
    func resistance() {
        let eligible = Self.record(DemoIntakeScenarios.all(today: Self.today)[0])
        let assessment = TreatmentResistanceCalculator.assess(trials: eligible.trials, episode: eligible.currentEpisode,
                                                              policy: .defaults, today: Self.today)
        #expect(assessment.isTreatmentResistant)
        #expect(ScreeningEngine.evaluate(eligible, policy: .defaults, jurisdiction: Jurisdiction(code: "US-NY")!,
                                         today: Self.today)[.ivKetamine]?.decision != .notEligible)
    }
}
