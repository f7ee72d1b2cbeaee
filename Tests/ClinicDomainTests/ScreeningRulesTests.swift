import ClinicDomain
import Foundation
import Testing

/// One rule, a record that fires it and a near miss that does not. The description cites the source.
struct RuleVector: Sendable, CustomTestStringConvertible {
    let ruleID: String
    let description: String
    let jurisdiction: String
    let expected: [Treatment: RuleCategory]
    let fires: @Sendable (inout PatientRecord) -> Void
    let spares: @Sendable (inout PatientRecord) -> Void

    init(_ ruleID: String, _ description: String, in jurisdiction: String = "US", _ expected: [Treatment: RuleCategory],
         fires: @escaping @Sendable (inout PatientRecord) -> Void, spares: @escaping @Sendable (inout PatientRecord) -> Void = { _ in }) {
        self.ruleID = ruleID
        self.description = description
        self.jurisdiction = jurisdiction
        self.expected = expected
        self.fires = fires
        self.spares = spares
    }

    var testDescription: String { "\(ruleID): \(description)" }
}

private let cC: [Treatment: RuleCategory] = [.ivKetamine: .contraindication, .imKetamine: .contraindication, .esketamine: .contraindication]
private let cW: [Treatment: RuleCategory] = [.ivKetamine: .contraindication, .imKetamine: .contraindication, .esketamine: .caution]
private let wW: [Treatment: RuleCategory] = [.ivKetamine: .caution, .imKetamine: .caution, .esketamine: .caution]
private let eW: [Treatment: RuleCategory] = [.esketamine: .caution]
private let eI: [Treatment: RuleCategory] = [.esketamine: .info]
private let rI: [Treatment: RuleCategory] = [.ivKetamine: .info, .imKetamine: .info]

private func medical(_ change: @escaping @Sendable (inout MedicalHistory) -> Void) -> @Sendable (inout PatientRecord) -> Void {
    { record in change(&record.medicalHistory!) }
}
private func psychiatric(_ change: @escaping @Sendable (inout PsychiatricHistory) -> Void) -> @Sendable (inout PatientRecord) -> Void {
    { record in change(&record.psychiatricHistory!) }
}
private func vitals(_ change: @escaping @Sendable (inout VitalSigns) -> Void) -> @Sendable (inout PatientRecord) -> Void {
    { record in change(&record.vitalSigns[0]) }
}
private func event(_ kind: MedicalHistory.VascularEvent.Kind, daysAgo: Int) -> @Sendable (inout PatientRecord) -> Void {
    medical { $0.vascularEvents = [.init(kind: kind, occurredOn: ScreeningFixtures.today.adding(days: -daysAgo))] }
}
private func taking(_ name: String, _ classes: Set<InteractionClass>, lorazepam: Double? = nil) -> @Sendable (inout PatientRecord) -> Void {
    { record in record.medications.append(Medication(name: name, classes: classes, lorazepamEquivalentMgPerDay: lorazepam)) }
}
private func body(kg: Double, cm: Double, apnoea: Bool = false) -> @Sendable (inout PatientRecord) -> Void {
    { record in
        record.weights = [WeightMeasurement(kilograms: kg, measuredOn: ScreeningFixtures.date("2026-02-20"))]
        record.height = HeightMeasurement(centimetres: cm, measuredOn: ScreeningFixtures.date("2026-02-20"))
        record.medicalHistory!.sleepApnoea = apnoea
    }
}
private func born(_ iso: String) -> @Sendable (inout PatientRecord) -> Void {
    { record in record.registration.dateOfBirth = ScreeningFixtures.date(iso) }
}

let ruleVectors: [RuleVector] = [
    RuleVector("KC-SCR-HYPERSENSITIVITY", "hypersensitivity to (es)ketamine contraindicates both [R13][R34-label]", cC,
               fires: { $0.allergies = [Allergy(substance: "Ketamine", reaction: "anaphylaxis", severity: .severe)] },
               spares: { $0.allergies = [Allergy(substance: "penicillin")] }),
    RuleVector("KC-SCR-ANEURYSM", "aneurysmal vascular disease: US PI contraindication, vascular aneurysm [R13][R34]", cC,
               fires: medical { $0.aneurysmalVascularDisease = true }),
    RuleVector("KC-SCR-AVM", "arteriovenous malformation: US PI contraindication [R13]; intracranial vascular lesion [R40]", cC,
               fires: medical { $0.arteriovenousMalformation = true }),
    RuleVector("KC-SCR-ICH", "history of intracerebral haemorrhage: US PI [R13]; prior cerebrovascular insult [R33]", cC,
               fires: medical { $0.intracerebralHaemorrhage = true }),
    RuleVector("KC-SCR-RECENT-CV-EVENT", "MI 30 days ago is within 6 weeks [R22]; US esketamine: caution; 60 days is outside", cW,
               fires: event(.myocardialInfarction, daysAgo: 30), spares: event(.myocardialInfarction, daysAgo: 60)),
    RuleVector("KC-SCR-RECENT-CV-EVENT", "EU SmPC contraindicates esketamine within 6 weeks of a CV event [R22]", in: "EU-DE", cC,
               fires: event(.otherCardiovascular, daysAgo: 42), spares: event(.otherCardiovascular, daysAgo: 43)),
    RuleVector("KC-SCR-PRIOR-MI", "history of MI is an esketamine precaution [R22]", wW,
               fires: event(.myocardialInfarction, daysAgo: 400), spares: event(.stroke, daysAgo: 400)),
    RuleVector("KC-SCR-CEREBROVASCULAR", "prior cerebrovascular insult contraindicates ketamine [R33]", cW,
               fires: event(.transientIschaemicAttack, daysAgo: 400), spares: event(.myocardialInfarction, daysAgo: 400)),
    RuleVector("KC-SCR-IHD", "ischaemic heart disease [R34][R40]", cW, fires: medical { $0.ischaemicHeartDisease = true }),
    RuleVector("KC-SCR-HEART-FAILURE", "heart failure excluded from a ketamine trial [R40]", cW, fires: medical { $0.heartFailure = true }),
    RuleVector("KC-SCR-ARRHYTHMIA", "uncontrolled arrhythmia [R41-tbl][R40][R22]; controlled does not fire", cW,
               fires: medical { $0.arrhythmia = .uncontrolled }, spares: medical { $0.arrhythmia = .controlled }),
    RuleVector("KC-SCR-PROLONGED-QT", "prolonged QT excluded from a ketamine trial [R40]", cW, fires: medical { $0.prolongedQT = true }),
    RuleVector("KC-SCR-RESTING-BP", "190/105 at rest is above 180/100 [R33]; 180/100 itself is not above", cW,
               fires: vitals { $0.systolic = 190; $0.diastolic = 105 }, spares: vitals { $0.systolic = 180; $0.diastolic = 100 }),
    RuleVector("KC-SCR-RESTING-BP", "diastolic alone above 100 fires [R33]", cW,
               fires: vitals { $0.systolic = 170; $0.diastolic = 101 }, spares: vitals { $0.systolic = 170; $0.diastolic = 99 }),
    RuleVector("KC-SCR-ESK-BP-GUIDE", "esketamine pre-dose guide >140/90 [R16]; 140/90 does not fire", eW,
               fires: vitals { $0.systolic = 150; $0.diastolic = 85 }, spares: vitals { $0.systolic = 140; $0.diastolic = 90 }),
    RuleVector("KC-SCR-UNCONTROLLED-HTN", "uncontrolled hypertension [R33][R41-tbl]; controlled does not fire", cW,
               fires: medical { $0.hypertension = .uncontrolled }, spares: medical { $0.hypertension = .controlled }),
    RuleVector("KC-SCR-UNCONTROLLED-HTN", "EU/UK SmPC: raised BP poses serious risk contraindicates esketamine [R22]", in: "GB", cC,
               fires: medical { $0.hypertension = .uncontrolled }, spares: medical { $0.hypertension = .controlled }),
    RuleVector("KC-SCR-RAISED-ICP", "raised ICP or intracranial mass [R34][R40]", cW, fires: medical { $0.raisedIntracranialPressure = true }),
    RuleVector("KC-SCR-RAISED-IOP", "raised IOP or open eye injury [R34][R41]", cW, fires: medical { $0.raisedIntraocularPressure = true }),
    RuleVector("KC-SCR-PSYCHOSIS", "psychosis contraindicates ketamine [R34][R41-tbl][R40]", cW, fires: psychiatric { $0.psychosis = true }),
    RuleVector("KC-SCR-PSYCHOSIS", "current episode severe with psychosis [R34]", cW,
               fires: { $0.currentEpisode?.severity = .severeWithPsychosis }, spares: { $0.currentEpisode?.severity = .severe }),
    RuleVector("KC-SCR-PSYCHOSIS", "diagnosis F32.3 has psychotic features [R59][R34]", cW,
               fires: { $0.diagnoses = [Diagnosis(icd10: "F32.3")] }, spares: { $0.diagnoses = [Diagnosis(icd10: "F32.2")] }),
    RuleVector("KC-SCR-MANIA", "mania excluded from a ketamine trial [R41-tbl]", cW, fires: psychiatric { $0.mania = true }),
    RuleVector("KC-SCR-PREGNANCY", "pregnancy excluded from a ketamine trial [R41-tbl]", cW, fires: medical { $0.pregnancy = .pregnant }),
    RuleVector("KC-SCR-PREGNANCY", "lactation excluded from a ketamine trial [R41-tbl]", cW, fires: medical { $0.breastfeeding = true }),
    RuleVector("KC-SCR-PRE-ECLAMPSIA", "pre-eclampsia contraindicates ketamine [R33]; plain pregnancy does not fire", cW,
               fires: medical { $0.pregnancy = .preEclampsia }, spares: medical { $0.pregnancy = .pregnant }),
    RuleVector("KC-SCR-HYPERTHYROID", "untreated hyperthyroidism [R33]; treated does not fire", cW,
               fires: medical { $0.thyroid = .hyperthyroidUntreated }, spares: medical { $0.thyroid = .hyperthyroidTreated }),
    RuleVector("KC-SCR-HEPATIC-SEVERE", "Child-Pugh C: esketamine not recommended [R22][R25]; cirrhosis [R40]", cC,
               fires: medical { $0.hepaticImpairment = .childPughC }, spares: medical { $0.hepaticImpairment = .childPughB }),
    RuleVector("KC-SCR-HEPATIC-MODERATE", "Child-Pugh B: monitor longer [R25]; A does not fire", wW,
               fires: medical { $0.hepaticImpairment = .childPughB }, spares: medical { $0.hepaticImpairment = .childPughA }),
    RuleVector("KC-SCR-DIALYSIS", "dialysis excluded from a ketamine trial [R40]", cW, fires: medical { $0.dialysis = true }),
    RuleVector("KC-SCR-OXYGEN-DEPENDENT", "O2-dependent lung disease [R40]; COPD alone does not fire", cW,
               fires: medical { $0.pulmonaryDisease = .oxygenDependent }, spares: medical { $0.pulmonaryDisease = .present }),
    RuleVector("KC-SCR-PULMONARY", "significant pulmonary insufficiency incl. COPD: esketamine precaution [R22]", eW,
               fires: medical { $0.pulmonaryDisease = .present }),
    RuleVector("KC-SCR-ESK-SLEEP-APNOEA", "sleep apnoea with BMI ≥35 [R22] (110 kg, 170 cm = 38.1); BMI 24.2 does not fire", eW,
               fires: body(kg: 110, cm: 170, apnoea: true), spares: body(kg: 70, cm: 170, apnoea: true)),
    RuleVector("KC-SCR-ESK-SLEEP-APNOEA", "sleep apnoea with BMI unknown is not silently passed [R22]", eW,
               fires: { $0.medicalHistory!.sleepApnoea = true; $0.height = nil }, spares: { $0.height = nil }),
    RuleVector("KC-SCR-BLADDER", "cystitis: monitor urinary symptoms [R25][R9-ODT]", wW, fires: medical { $0.bladderDisease = true }),
    RuleVector("KC-SCR-SUBSTANCE-USE", "active SUD: esketamine careful consideration [R14]; trial exclusion [R41-tbl]", cW,
               fires: psychiatric { $0.activeSubstanceUseDisorder = true }),
    RuleVector("KC-SCR-KETAMINE-MISUSE", "recreational ketamine/PCP excluded [R41-tbl]", cW, fires: psychiatric { $0.ketamineMisuse = true }),
    RuleVector("KC-SCR-RECENT-HALLUCINOGEN", "hallucinogen/cannabis in the last month excluded [R41]", wW,
               fires: psychiatric { $0.recentHallucinogenOrCannabis = true }),
    RuleVector("KC-SCR-BENZO-CAP", "lorazepam-equivalent above 3 mg/day [R41-tbl]; 3 mg is at the cap", cW,
               fires: taking("clonazepam", [.benzodiazepine], lorazepam: 4), spares: taking("clonazepam", [.benzodiazepine], lorazepam: 3)),
    RuleVector("KC-SCR-BENZODIAZEPINE", "benzodiazepines add sedation; on the REMS form [R13][R19]", wW,
               fires: taking("lorazepam", [.benzodiazepine], lorazepam: 1)),
    RuleVector("KC-SCR-NMDA-ACTIVE", "lamotrigine attenuates ketamine; excluded in trials [R41][R49-Bremner]", wW,
               fires: taking("lamotrigine", [.nmdaActive])),
    RuleVector("KC-SCR-MAOI", "MAOIs raise BP with esketamine [R28]", wW, fires: taking("phenelzine", [.maoi])),
    RuleVector("KC-SCR-PSYCHOSTIMULANT", "psychostimulants raise BP; on the REMS form [R19]", wW, fires: taking("methylphenidate", [.psychostimulant])),
    RuleVector("KC-SCR-OPIOID", "opioids add sedation and respiratory effects [R19-video][R15-goodrx]", wW, fires: taking("oxycodone", [.opioid])),
    RuleVector("KC-SCR-THEOPHYLLINE", "theophylline may lower the seizure threshold [R32]", wW, fires: taking("theophylline", [.theophylline])),
    RuleVector("KC-SCR-SPO2-LOW", "baseline SpO2 <95 % excluded [R40]; 95 does not fire", cW,
               fires: vitals { $0.oxygenSaturation = 94 }, spares: vitals { $0.oxygenSaturation = 95 }),
    RuleVector("KC-SCR-SBP-LOW", "baseline SBP <90 excluded [R40]; 90 does not fire", cW,
               fires: vitals { $0.systolic = 88; $0.diastolic = 60 }, spares: vitals { $0.systolic = 90; $0.diastolic = 60 }),
    RuleVector("KC-SCR-HEART-RATE", "HR <50 excluded [R40]; 50 does not fire", cW,
               fires: vitals { $0.heartRate = 49 }, spares: vitals { $0.heartRate = 50 }),
    RuleVector("KC-SCR-HEART-RATE", "HR >120 excluded [R40]; 120 does not fire", cW,
               fires: vitals { $0.heartRate = 121 }, spares: vitals { $0.heartRate = 120 }),
    RuleVector("KC-SCR-RESPIRATORY-RATE", "RR <10 excluded [R40]; 10 does not fire", cW,
               fires: vitals { $0.respiratoryRate = 9 }, spares: vitals { $0.respiratoryRate = 10 }),
    RuleVector("KC-SCR-RESPIRATORY-RATE", "RR >30 excluded [R40]; 30 does not fire", cW,
               fires: vitals { $0.respiratoryRate = 31 }, spares: vitals { $0.respiratoryRate = 30 }),
    RuleVector("KC-SCR-NO-VITAL-SIGNS", "without vital signs the limits of [R33][R40] cannot be checked", wW,
               fires: { $0.vitalSigns = [] }),
    RuleVector("KC-SCR-VITAL-SIGNS-INCOMPLETE", "SpO2 missing: the [R40] limit cannot be checked", wW,
               fires: vitals { $0.oxygenSaturation = nil }),
    RuleVector("KC-SCR-NO-MEDICAL-HISTORY", "without medical history the §2.2/§3.3 contraindications are unchecked [R13][R33]", wW,
               fires: { $0.medicalHistory = nil }),
    RuleVector("KC-SCR-NO-PSYCHIATRIC-HISTORY", "without psychiatric history psychosis/SUD are unchecked [R34][R14]", wW,
               fires: { $0.psychiatricHistory = nil }),
    RuleVector("KC-SCR-NO-WEIGHT", "racemic dose is weight-based (0.5 mg/kg [R3])",
               [.ivKetamine: .caution, .imKetamine: .caution, .esketamine: .info], fires: { $0.weights = [] }),
    RuleVector("KC-SCR-NO-MEDICATIONS", "interaction checks rely on the medication list [R19][R41]",
               [.ivKetamine: .info, .imKetamine: .info, .esketamine: .info], fires: { $0.medications = [] }),
    RuleVector("KC-SCR-ESK-START-28MG", "EU/UK: 65 or over start at 28 mg [R22]; 64 does not fire", in: "GB", eI,
               fires: born("1960-01-01"), spares: born("1961-06-01")),
    RuleVector("KC-SCR-ESK-HEPATIC-MAX-84", "moderate hepatic impairment: maximum 84 mg [R22]", eI,
               fires: medical { $0.hepaticImpairment = .childPughB }, spares: medical { $0.hepaticImpairment = .childPughA }),
    RuleVector("KC-SCR-BMI-DOSING-WEIGHT", "consensus: ideal body weight at BMI ≥30 [R2] (90 kg/170 cm = 31.1; 85 kg = 29.4)", rI,
               fires: body(kg: 90, cm: 170), spares: body(kg: 85, cm: 170)),
    RuleVector("KC-SCR-WEIGHT-OUTSIDE-STUDIED", "trial excluded >115 kg [R40] (116 kg fires, 115 kg does not)", rI,
               fires: body(kg: 116, cm: 200), spares: body(kg: 115, cm: 200)),
    RuleVector("KC-SCR-WEIGHT-OUTSIDE-STUDIED", "trial excluded <45 kg [R40]", rI,
               fires: body(kg: 44, cm: 150), spares: body(kg: 45, cm: 150)),
    RuleVector("KC-SCR-TRD-CRITERIA", "TRD: ≥2 failed adequate antidepressants in the current episode [R22][R23]",
               [.ivKetamine: .info, .imKetamine: .info, .esketamine: .caution],
               fires: { $0.trials.removeLast() }),
    RuleVector("KC-SCR-TRD-CRITERIA", "a trial shorter than 6 weeks is not adequate [R26-JP][R53]",
               [.ivKetamine: .info, .imKetamine: .info, .esketamine: .caution],
               fires: { $0.trials[1].endedOn = ScreeningFixtures.date("2025-07-10") },
               spares: { $0.trials[1].endedOn = ScreeningFixtures.date("2025-07-12") }),
]

@Suite("Screening rules")
struct ScreeningRulesTests {
    typealias F = ScreeningFixtures

    @Test("The clear patient is eligible for every treatment with no finding")
    func clearPatient() {
        let result = F.screen(F.clear)
        #expect(result.treatments.map(\.treatment) == Treatment.allCases)
        for screening in result.treatments {
            #expect(screening.findings == [], "\(screening.treatment): \(screening.findings.map(\.ruleID))")
            #expect(screening.decision == .eligible)
        }
    }

    @Test("Each rule fires with its category per treatment", arguments: ruleVectors)
    func fires(vector: RuleVector) {
        let result = F.screen(F.record(vector.fires), in: Jurisdiction(code: vector.jurisdiction)!)
        for treatment in Treatment.allCases {
            let finding = result[treatment]?.findings.first { $0.ruleID == vector.ruleID }
            #expect(finding?.category == vector.expected[treatment], "\(treatment.rawValue)")
            if let finding {
                #expect(finding.detail.contains("[R"), "detail cites a source: \(finding.detail)")
                #expect(!finding.sources.isEmpty)
            }
        }
    }

    @Test("The near miss does not fire the rule", arguments: ruleVectors)
    func spares(vector: RuleVector) {
        let result = F.screen(F.record(vector.spares), in: Jurisdiction(code: vector.jurisdiction)!)
        for screening in result.treatments {
            #expect(!screening.findings.contains { $0.ruleID == vector.ruleID }, "\(screening.treatment.rawValue)")
        }
    }

    @Test("Every catalogue rule has a vector, a unique id, sources and at least one treatment")
    func catalogue() {
        let ids = ScreeningRuleCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids) == Set(ruleVectors.map(\.ruleID)))
        for rule in ScreeningRuleCatalog.all {
            #expect(rule.id.hasPrefix("KC-SCR-"))
            #expect(!rule.treatments.isEmpty, "\(rule.id)")
            #expect(!rule.sources.isEmpty && rule.sources.allSatisfy { $0.hasPrefix("R") }, "\(rule.id)")
            #expect(!rule.explanation.isEmpty && !rule.trigger.isEmpty)
        }
    }

    @Test("A finding gives the specific values: resting BP 190/105 against 180/100 [R33]")
    func specificDetail() throws {
        let result = F.screen(F.record { $0.vitalSigns[0].systolic = 190; $0.vitalSigns[0].diastolic = 105 })
        let finding = try #require(result[.ivKetamine]?.findings.first { $0.ruleID == "KC-SCR-RESTING-BP" })
        #expect(finding.detail == "Resting BP 190/105 mmHg on 2026-02-20 is above the clinic limit 180/100 [R33]")
        #expect(finding.sources == ["R33", "R22"])
    }

    @Test("The esketamine 28 mg start applies only under the EU/UK SmPC [R22]; US sources give none [R14][R15]")
    func startDoseRegional() {
        let older = F.record(born("1955-01-01"))
        #expect(!F.screen(older)[.esketamine]!.findings.contains { $0.ruleID == "KC-SCR-ESK-START-28MG" })
        #expect(F.screen(older, in: Jurisdiction(code: "EU-FR")!)[.esketamine]!.findings.contains { $0.ruleID == "KC-SCR-ESK-START-28MG" })
    }

    @Test("Decisions: a contraindication excludes, a caution allows with cautions, information alone stays eligible")
    func decisions() {
        let result = F.screen(F.record { $0.medicalHistory!.aneurysmalVascularDisease = true; $0.medications = [] })
        #expect(result[.ivKetamine]?.decision == .notEligible)
        #expect(result[.esketamine]?.decision == .notEligible)
        let cautions = F.screen(F.record { $0.medicalHistory!.ischaemicHeartDisease = true })
        #expect(cautions[.ivKetamine]?.decision == .notEligible)
        #expect(cautions[.esketamine]?.decision == .eligibleWithCautions)
        let info = F.screen(F.record { $0.medications = [] })
        #expect(info.treatments.allSatisfy { $0.decision == .eligible && $0.findings.count == 1 })
    }

    @Test("Contraindications are listed before cautions and information")
    func ordering() {
        let result = F.screen(F.record { $0.medications = []; $0.medicalHistory!.ischaemicHeartDisease = true; $0.vitalSigns = [] })
        let categories = result[.ivKetamine]!.findings.map(\.category)
        #expect(categories == categories.sorted())
        #expect(categories.first == .contraindication && categories.last == .info)
    }

    @Test("Only the requested treatments are screened")
    func onlyRequested() {
        let result = ScreeningEngine.evaluate(F.clear, treatments: [.esketamine], policy: .defaults, jurisdiction: F.us, today: F.today)
        #expect(result.treatments.map(\.treatment) == [.esketamine])
        #expect(result[.ivKetamine] == nil)
    }

    @Test("Policy changes move thresholds: BP limit, cardiovascular window, benzodiazepine cap, SpO₂")
    func policyMovesThresholds() throws {
        let bp = F.record { $0.vitalSigns[0].systolic = 175; $0.vitalSigns[0].diastolic = 95 }
        #expect(!F.screen(bp)[.ivKetamine]!.findings.contains { $0.ruleID == "KC-SCR-RESTING-BP" })
        var strict = ScreeningPolicy.defaults
        strict.restingSystolicLimit = 170
        strict.restingDiastolicLimit = 90
        let finding = try #require(F.screen(bp, policy: strict)[.ivKetamine]!.findings.first { $0.ruleID == "KC-SCR-RESTING-BP" })
        #expect(finding.detail.contains("above the clinic limit 170/90"))

        let mi = F.record(event(.myocardialInfarction, daysAgo: 60))
        #expect(!F.screen(mi)[.ivKetamine]!.findings.contains { $0.ruleID == "KC-SCR-RECENT-CV-EVENT" })
        var longer = ScreeningPolicy.defaults
        longer.recentCardiovascularEventDays = 90
        #expect(F.screen(mi, policy: longer)[.ivKetamine]!.findings.contains { $0.ruleID == "KC-SCR-RECENT-CV-EVENT" })
        #expect(!F.screen(mi, policy: longer)[.esketamine]!.findings.contains { $0.ruleID == "KC-SCR-RECENT-CV-EVENT" })

        let benzo = F.record(taking("diazepam", [.benzodiazepine], lorazepam: 2))
        var tighter = ScreeningPolicy.defaults
        tighter.maximumLorazepamEquivalentMgPerDay = 1.5
        #expect(!F.screen(benzo)[.ivKetamine]!.findings.contains { $0.ruleID == "KC-SCR-BENZO-CAP" })
        #expect(F.screen(benzo, policy: tighter)[.ivKetamine]!.findings.contains { $0.ruleID == "KC-SCR-BENZO-CAP" })

        var spo2 = ScreeningPolicy.defaults
        spo2.minimumOxygenSaturation = 99
        #expect(F.screen(F.clear, policy: spo2)[.ivKetamine]?.decision == .notEligible)
    }

    @Test("Results round-trip through JSON, as signed snapshots are stored")
    func codable() throws {
        let result = F.screen(F.record { $0.medicalHistory!.heartFailure = true; $0.vitalSigns = [] })
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(ScreeningResult.self, from: data) == result)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"not-eligible\"") && text.contains("\"iv-ketamine\"") && text.contains("KC-SCR-HEART-FAILURE"))
    }
}

@Suite("Screening review")
struct ScreeningReviewTests {
    typealias F = ScreeningFixtures
    /// IHD: contraindication for racemic ketamine, caution for esketamine [R34][R40][R22]; plus a benzodiazepine caution.
    static let result = F.screen(F.record { record in
        record.medicalHistory!.ischaemicHeartDisease = true
        record.medications.append(Medication(name: "lorazepam", classes: [.benzodiazepine], lorazepamEquivalentMgPerDay: 1))
    }, policy: .defaults)

    static var complete: ScreeningReview {
        var review = ScreeningReview()
        for screening in result.treatments {
            for finding in screening.findings(.caution) {
                review.acknowledgements.append(.init(treatment: screening.treatment, ruleID: finding.ruleID))
            }
        }
        review.overrides = [.init(treatment: .ivKetamine, ruleID: "KC-SCR-IHD", reason: "  Cardiology cleared, stable angina only  ")]
        return review
    }

    @Test("A complete review passes, trims reasons and changes only the overridden treatment's decision")
    func complete() throws {
        let review = try Self.complete.validated(against: Self.result)
        #expect(review.overrides[0].reason == "Cardiology cleared, stable angina only")
        let decisions = Self.result.decisions(applying: review)
        #expect(decisions[.ivKetamine] == .eligibleWithCautions)
        #expect(decisions[.imKetamine] == .notEligible)
        #expect(decisions[.esketamine] == .eligibleWithCautions)
        #expect(Self.result.decisions(applying: ScreeningReview())[.ivKetamine] == .notEligible)
    }

    @Test("Every unacknowledged caution is keyed next to its rule")
    func missingAcknowledgements() {
        var review = Self.complete
        review.acknowledgements.removeAll { $0.treatment == .esketamine }
        #expect {
            try review.validated(against: Self.result)
        } throws: { error in
            let errors = error as! FieldErrors
            return errors["acknowledgement.esketamine.KC-SCR-IHD"] == "Acknowledge this caution before signing."
                && errors["acknowledgement.esketamine.KC-SCR-BENZODIAZEPINE"] != nil && errors.entries.count == 2
        }
    }

    @Test("Override reasons are required and meaningful (≥ 10 characters)", arguments: ["", "   ", "ok", "fine now"])
    func shortReason(reason: String) {
        var review = Self.complete
        review.overrides[0].reason = reason
        #expect {
            try review.validated(against: Self.result)
        } throws: { error in
            let message = (error as! FieldErrors)["override.iv-ketamine.KC-SCR-IHD"] ?? ""
            return message.hasPrefix("Write")
        }
        #expect(Self.result.decisions(applying: review)[.ivKetamine] == .notEligible)
    }

    @Test("Only triggered contraindications can be overridden and only triggered cautions acknowledged")
    func onlyTriggered() {
        var review = Self.complete
        review.overrides.append(.init(treatment: .esketamine, ruleID: "KC-SCR-IHD", reason: "It is only a caution here"))
        review.overrides.append(.init(treatment: .ivKetamine, ruleID: "KC-SCR-ANEURYSM", reason: "Not triggered at all"))
        review.acknowledgements.append(.init(treatment: .ivKetamine, ruleID: "KC-SCR-IHD"))
        review.acknowledgements.append(.init(treatment: .esketamine, ruleID: "KC-SCR-MAOI"))
        do {
            _ = try review.validated(against: Self.result)
            Issue.record("accepted an override of a rule that is not a triggered contraindication")
        } catch {
            #expect(error.entries.map(\.field) == ["override.esketamine.KC-SCR-IHD", "override.iv-ketamine.KC-SCR-ANEURYSM",
                                                   "acknowledgement.iv-ketamine.KC-SCR-IHD", "acknowledgement.esketamine.KC-SCR-MAOI"])
        }
    }

    @Test("Reviews round-trip through JSON")
    func codable() throws {
        let data = try JSONEncoder().encode(Self.complete)
        #expect(try JSONDecoder().decode(ScreeningReview.self, from: data) == Self.complete)
    }
}

@Suite("Screening policy")
struct ScreeningPolicyTests {
    @Test("The defaults are valid and match their descriptors")
    func defaults() throws {
        #expect(try ScreeningPolicy.defaults.validated() == .defaults)
        for setting in ScreeningPolicy.descriptors {
            #expect(ScreeningPolicy.defaults[setting.field] == setting.defaultValue, "\(setting.field)")
            #expect(!setting.label.isEmpty && !setting.help.isEmpty && !setting.sources.isEmpty)
        }
    }

    @Test("Every stored setting has a descriptor, and the NOT FOUND values are marked policy")
    func descriptorsCoverCodingKeys() throws {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ScreeningPolicy.defaults)) as! [String: Any]
        #expect(Set(object.keys) == Set(ScreeningPolicy.descriptors.map(\.field)))
        let policy = Set(ScreeningPolicy.descriptors.filter { $0.status == .policy }.map(\.field))
        #expect(policy == ["restingSystolicLimit", "restingDiastolicLimit", "recentCardiovascularEventDays"])
    }

    @Test("Invalid settings are keyed by field", arguments: [
        ("restingSystolicLimit", 400.0, "Resting systolic limit must be between 120 and 220 mmHg."),
        ("maximumHeartRate", 40.0, "Highest resting heart rate must be between 90 and 150 /min."),
        ("maximumLorazepamEquivalentMgPerDay", -1.0, "Benzodiazepine cap must be between 0 and 10 mg/day."),
    ])
    func invalid(field: String, value: Double, message: String) {
        var policy = ScreeningPolicy.defaults
        switch field {
        case "restingSystolicLimit": policy.restingSystolicLimit = Int(value)
        case "maximumHeartRate": policy.maximumHeartRate = Int(value)
        default: policy.maximumLorazepamEquivalentMgPerDay = value
        }
        #expect { try policy.validated() } throws: { ($0 as! FieldErrors)[field] == message }
    }

    @Test("The esketamine cardiovascular window cannot be shorter than the label's 6 weeks [R22]; ranges must be ordered")
    func crossChecks() {
        var policy = ScreeningPolicy.defaults
        policy.esketamineRecentCardiovascularEventDays = 41
        policy.minimumRespiratoryRate = 14
        policy.maximumRespiratoryRate = 20
        policy.esketamineDiastolicGuide = 110
        policy.esketamineSystolicGuide = 110
        do {
            _ = try policy.validated()
            Issue.record("accepted an invalid policy")
        } catch {
            #expect(error["esketamineRecentCardiovascularEventDays"] != nil)
            #expect(error["esketamineSystolicGuide"] == "The systolic guide must be above the diastolic guide.")
            #expect(error["maximumRespiratoryRate"] == nil)
        }
    }
}
