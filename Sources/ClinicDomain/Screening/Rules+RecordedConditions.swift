/// A rule of the commonest shape: one fact of the medical or psychiatric history, recorded or
/// not, with a fixed finding. These rules are data — the fact, the finding, the weight for each
/// treatment, the trigger and explanation in words, the source keys — read by one evaluator,
/// ``rule``; rules with real logic (dates, thresholds, several facts) stay as code beside them.
struct RecordedCondition: Sendable {
    /// The fact the rule reads.
    enum Fact: Sendable {
        case medical(@Sendable (MedicalHistory) -> Bool)
        case psychiatric(@Sendable (PsychiatricHistory) -> Bool)

        /// Whether the fact is recorded; false while the section is not entered (the missing-data
        /// rules say so instead).
        func holds(in context: ScreeningContext) -> Bool {
            switch self {
            case .medical(let fact): context.medical.map(fact) ?? false
            case .psychiatric(let fact): context.psychiatric.map(fact) ?? false
            }
        }
    }

    let id: String, title: String
    let racemic: RuleCategory?, esketamine: RuleCategory?
    /// Whether the EU/UK SmPC turns the esketamine weight into a contraindication [R22].
    let euContraindicatesEsketamine: Bool
    let fact: Fact
    let finding: String, trigger: String, explanation: String
    let sources: [String]

    /// A row of the table.
    init(_ id: String, _ title: String, racemic: RuleCategory?, esketamine: RuleCategory?, euContraindicatesEsketamine: Bool = false,
         when fact: Fact, finding: String, trigger: String, explanation: String, sources: [String]) {
        self.id = id
        self.title = title
        self.racemic = racemic
        self.esketamine = esketamine
        self.euContraindicatesEsketamine = euContraindicatesEsketamine
        self.fact = fact
        self.finding = finding
        self.trigger = trigger
        self.explanation = explanation
        self.sources = sources
    }

    /// The one evaluator: the rule fires with ``finding`` when ``fact`` is recorded.
    var rule: ScreeningRule {
        let fact = fact, finding = finding
        return ScreeningRule(
            id: id, title: title, categories: ScreeningRuleCatalog.categories(racemic: racemic, esketamine: esketamine),
            regionalCategories: euContraindicatesEsketamine ? ScreeningRuleCatalog.euContraindicatesEsketamine : [:],
            trigger: trigger, explanation: explanation, sources: sources) { context, _ in
            fact.holds(in: context) ? finding : nil
        }
    }
}

extension ScreeningRuleCatalog {
    /// The rules that fire on one recorded fact (§2.2, §3.3), as a table.
    static let recordedConditions: [RecordedCondition] = [
        RecordedCondition("KC-SCR-ANEURYSM", "Aneurysmal vascular disease", racemic: .contraindication, esketamine: .contraindication,
                          when: .medical { $0.aneurysmalVascularDisease }, finding: "Aneurysmal vascular disease is recorded",
                          trigger: "Medical history: aneurysmal vascular disease",
                          explanation: "Aneurysmal vascular disease (thoracic or abdominal aorta, intracranial or peripheral arteries) contraindicates esketamine; vascular aneurysm contraindicates ketamine. Both raise blood pressure.",
                          sources: ["R13", "R15", "R34"]),
        RecordedCondition("KC-SCR-AVM", "Arteriovenous malformation", racemic: .contraindication, esketamine: .contraindication,
                          when: .medical { $0.arteriovenousMalformation }, finding: "Arteriovenous malformation is recorded",
                          trigger: "Medical history: arteriovenous malformation",
                          explanation: "An arteriovenous malformation contraindicates esketamine; an intracranial vascular lesion excluded patients from a ketamine trial.",
                          sources: ["R13", "R40"]),
        RecordedCondition("KC-SCR-ICH", "History of intracerebral haemorrhage", racemic: .contraindication, esketamine: .contraindication,
                          when: .medical { $0.intracerebralHaemorrhage }, finding: "History of intracerebral haemorrhage is recorded",
                          trigger: "Medical history: intracerebral haemorrhage",
                          explanation: "A history of intracerebral haemorrhage contraindicates esketamine; a prior cerebrovascular insult contraindicates ketamine.",
                          sources: ["R13", "R33"]),
        RecordedCondition("KC-SCR-IHD", "Ischaemic heart disease", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.ischaemicHeartDisease }, finding: "Ischaemic heart disease is recorded",
                          trigger: "Medical history: ischaemic heart disease",
                          explanation: "Ischaemic heart disease contraindicates ketamine as a sole agent and excluded trial patients; history of MI is an esketamine precaution.",
                          sources: ["R34", "R40", "R22"]),
        RecordedCondition("KC-SCR-HEART-FAILURE", "Heart failure", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.heartFailure }, finding: "Heart failure is recorded",
                          trigger: "Medical history: heart failure",
                          explanation: "Heart failure excluded patients from a ketamine trial; esketamine raises blood pressure for about 4 hours.",
                          sources: ["R40", "R17"]),
        RecordedCondition("KC-SCR-ARRHYTHMIA", "Uncontrolled arrhythmia", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.arrhythmia == .uncontrolled }, finding: "Uncontrolled arrhythmia is recorded",
                          trigger: "Medical history: arrhythmia not controlled",
                          explanation: "Significant or unstable dysrhythmia excluded ketamine trial patients; uncontrolled brady- or tachyarrhythmia is an esketamine precaution.",
                          sources: ["R41-tbl", "R40", "R22"]),
        RecordedCondition("KC-SCR-PROLONGED-QT", "Prolonged QT interval", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.prolongedQT }, finding: "Prolonged QT interval is recorded",
                          trigger: "Medical history: prolonged QT",
                          explanation: "Prolonged QT excluded patients from a ketamine trial; the esketamine sources do not list it.",
                          sources: ["R40"]),
        RecordedCondition("KC-SCR-UNCONTROLLED-HTN", "Uncontrolled hypertension", racemic: .contraindication, esketamine: .caution, euContraindicatesEsketamine: true,
                          when: .medical { $0.hypertension == .uncontrolled }, finding: "Uncontrolled hypertension is recorded [R33]",
                          trigger: "Medical history: hypertension not controlled",
                          explanation: "Uncontrolled or untreated hypertension contraindicates ketamine and excluded trial patients; esketamine raises blood pressure (≥ 40 mmHg systolic in 8–19 %), and the EU/UK SmPC contraindicates it where raised blood pressure poses a serious risk.",
                          sources: ["R33", "R41-tbl", "R18", "R22"]),
        RecordedCondition("KC-SCR-RAISED-ICP", "Raised intracranial pressure", racemic: .contraindication, esketamine: .caution, euContraindicatesEsketamine: true,
                          when: .medical { $0.raisedIntracranialPressure }, finding: "Raised intracranial pressure or an intracranial mass is recorded",
                          trigger: "Medical history: raised intracranial pressure or intracranial mass",
                          explanation: "Raised ICP or an intracranial mass contraindicates ketamine; the EU/UK esketamine SmPC contraindicates patients in whom raised ICP poses a serious risk.",
                          sources: ["R34", "R40", "R22"]),
        RecordedCondition("KC-SCR-RAISED-IOP", "Raised intraocular pressure", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.raisedIntraocularPressure }, finding: "Raised intraocular pressure or an open eye injury is recorded",
                          trigger: "Medical history: raised intraocular pressure or open eye injury",
                          explanation: "Open eye injury or raised intraocular pressure contraindicates ketamine and excluded trial patients; the esketamine sources do not list it.",
                          sources: ["R34", "R41"]),
        RecordedCondition("KC-SCR-MANIA", "Mania or hypomania", racemic: .contraindication, esketamine: .caution,
                          when: .psychiatric { $0.mania }, finding: "A manic or hypomanic episode is recorded",
                          trigger: "Psychiatric history: manic or hypomanic episode",
                          explanation: "Psychosis or mania excluded patients from a ketamine trial.",
                          sources: ["R41-tbl"]),
        RecordedCondition("KC-SCR-PRE-ECLAMPSIA", "Pre-eclampsia or eclampsia", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.pregnancy == .preEclampsia }, finding: "Pre-eclampsia or eclampsia is recorded [R33]",
                          trigger: "Medical history: pregnancy with pre-eclampsia/eclampsia",
                          explanation: "Pre-eclampsia and eclampsia contraindicate ketamine (Swiss SmPC).",
                          sources: ["R33"]),
        RecordedCondition("KC-SCR-HYPERTHYROID", "Untreated hyperthyroidism", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.thyroid == .hyperthyroidUntreated }, finding: "Untreated hyperthyroidism is recorded [R33]",
                          trigger: "Medical history: hyperthyroidism, untreated",
                          explanation: "Untreated hyperthyroidism contraindicates ketamine (Swiss SmPC).",
                          sources: ["R33"]),
        RecordedCondition("KC-SCR-HEPATIC-SEVERE", "Severe hepatic impairment (Child-Pugh C)", racemic: .contraindication, esketamine: .contraindication,
                          when: .medical { $0.hepaticImpairment == .childPughC }, finding: "Hepatic impairment Child-Pugh C is recorded",
                          trigger: "Medical history: hepatic impairment Child-Pugh C",
                          explanation: "Esketamine is not recommended in severe hepatic impairment; cirrhosis excluded patients from a ketamine trial and the ketamine label warns of drug-induced liver injury.",
                          sources: ["R22", "R25", "R40", "R32"]),
        RecordedCondition("KC-SCR-HEPATIC-MODERATE", "Moderate hepatic impairment (Child-Pugh B)", racemic: .caution, esketamine: .caution,
                          when: .medical { $0.hepaticImpairment == .childPughB }, finding: "Hepatic impairment Child-Pugh B is recorded",
                          trigger: "Medical history: hepatic impairment Child-Pugh B",
                          explanation: "Esketamine in moderate hepatic impairment: monitor for longer, maximum 84 mg. Cirrhosis excluded patients from a ketamine trial; the ketamine label warns of drug-induced liver injury.",
                          sources: ["R25", "R22", "R40", "R32"]),
        RecordedCondition("KC-SCR-DIALYSIS", "Dialysis", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.dialysis }, finding: "The patient is on dialysis",
                          trigger: "Medical history: on dialysis",
                          explanation: "Dialysis excluded patients from a ketamine trial; esketamine is eliminated ≥ 78 % by the kidneys.",
                          sources: ["R40", "R25"]),
        RecordedCondition("KC-SCR-OXYGEN-DEPENDENT", "Oxygen-dependent lung disease", racemic: .contraindication, esketamine: .caution,
                          when: .medical { $0.pulmonaryDisease == .oxygenDependent }, finding: "Oxygen-dependent lung disease is recorded",
                          trigger: "Medical history: pulmonary disease needing oxygen",
                          explanation: "Oxygen-dependent lung disease excluded patients from a ketamine trial; significant pulmonary insufficiency is an esketamine precaution.",
                          sources: ["R40", "R22"]),
        RecordedCondition("KC-SCR-PULMONARY", "Pulmonary insufficiency", racemic: nil, esketamine: .caution,
                          when: .medical { $0.pulmonaryDisease == .present }, finding: "Pulmonary disease (e.g. COPD) is recorded [R22]",
                          trigger: "Medical history: pulmonary disease (e.g. COPD), not oxygen-dependent",
                          explanation: "Significant pulmonary insufficiency including COPD is an esketamine precaution; monitor respiratory status with pulse oximetry.",
                          sources: ["R22", "R14"]),
        RecordedCondition("KC-SCR-BLADDER", "Bladder disease or cystitis", racemic: .caution, esketamine: .caution,
                          when: .medical { $0.bladderDisease }, finding: "Bladder disease or cystitis is recorded",
                          trigger: "Medical history: bladder disease or interstitial/ulcerative cystitis",
                          explanation: "The esketamine label warns to monitor urinary and bladder symptoms; cystitis is also a long-term ketamine risk.",
                          sources: ["R25", "R9-ODT"]),
        RecordedCondition("KC-SCR-SUBSTANCE-USE", "Active substance use disorder", racemic: .contraindication, esketamine: .caution,
                          when: .psychiatric { $0.activeSubstanceUseDisorder }, finding: "An active substance use disorder is recorded",
                          trigger: "Psychiatric history: active substance use disorder",
                          explanation: "Esketamine needs careful consideration and monitoring for abuse; trials of ketamine excluded substance use.",
                          sources: ["R14", "R41-tbl"]),
        RecordedCondition("KC-SCR-KETAMINE-MISUSE", "Non-medical use of ketamine or PCP", racemic: .contraindication, esketamine: .caution,
                          when: .psychiatric { $0.ketamineMisuse }, finding: "Non-medical ketamine or PCP use is recorded",
                          trigger: "Psychiatric history: ketamine or PCP misuse",
                          explanation: "More than rare recreational ketamine or PCP use excluded trial patients; esketamine needs monitoring for abuse.",
                          sources: ["R41-tbl", "R14"]),
        RecordedCondition("KC-SCR-RECENT-HALLUCINOGEN", "Hallucinogen or cannabis use in the last month", racemic: .caution, esketamine: .caution,
                          when: .psychiatric { $0.recentHallucinogenOrCannabis }, finding: "Hallucinogen or cannabis use in the last month is recorded [R41]",
                          trigger: "Psychiatric history: hallucinogen or cannabis use in the last month",
                          explanation: "Hallucinogen or cannabis use in the last month excluded patients from a ketamine trial.",
                          sources: ["R41"]),
    ]
}
