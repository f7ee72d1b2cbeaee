extension ScreeningRuleCatalog {
    /// Missing data: never a silent "eligible". Each names what is missing and what it stops
    /// screening from checking.
    static let missingData: [ScreeningRule] = [
        ScreeningRule(
            id: "KC-SCR-NO-VITAL-SIGNS", title: "No baseline vital signs",
            categories: categories(racemic: .caution, esketamine: .caution),
            trigger: "No vital signs recorded",
            explanation: "Without resting vital signs the blood-pressure, SpO₂, heart-rate and respiratory-rate limits cannot be checked.",
            sources: ["R33", "R40", "R16"]) { context, _ in
            context.vitals == nil
                ? "No vital signs are recorded: resting BP (limit 180/100 [R33]), SpO₂, heart rate and respiratory rate [R40] are unchecked" : nil
        },
        ScreeningRule(
            id: "KC-SCR-VITAL-SIGNS-INCOMPLETE", title: "Baseline vital signs incomplete",
            categories: categories(racemic: .caution, esketamine: .caution),
            trigger: "Latest vital signs lack SpO₂ or respiratory rate",
            explanation: "SpO₂ and respiratory rate have trial limits; esketamine sessions monitor pulse oximetry.",
            sources: ["R40", "R14"]) { context, _ in
            guard let vitals = context.vitals else { return nil }
            let missing = [vitals.oxygenSaturation == nil ? "SpO₂" : nil, vitals.respiratoryRate == nil ? "respiratory rate" : nil]
                .compactMap { $0 }
            return missing.isEmpty ? nil : "The vital signs of \(vitals.measuredOn.iso) lack \(missing.joined(separator: " and ")) [R40]"
        },
        ScreeningRule(
            id: "KC-SCR-NO-MEDICAL-HISTORY", title: "Medical history not entered",
            categories: categories(racemic: .caution, esketamine: .caution),
            trigger: "No medical history section",
            explanation: "The label contraindications (aneurysm, AVM, intracerebral haemorrhage, recent cardiovascular event) and the ketamine contraindications cannot be checked until the medical history is entered.",
            sources: ["R13", "R22", "R33", "R34"]) { context, _ in
            context.medical == nil ? "No medical history is entered: cardiovascular, intracranial, hepatic and other contraindications are unchecked" : nil
        },
        ScreeningRule(
            id: "KC-SCR-NO-PSYCHIATRIC-HISTORY", title: "Psychiatric history not entered",
            categories: categories(racemic: .caution, esketamine: .caution),
            trigger: "No psychiatric history section",
            explanation: "Psychosis, mania and substance use cannot be checked until the psychiatric history is entered.",
            sources: ["R34", "R41-tbl", "R14"]) { context, _ in
            context.psychiatric == nil ? "No psychiatric history is entered: psychosis, mania and substance use are unchecked" : nil
        },
        ScreeningRule(
            id: "KC-SCR-NO-WEIGHT", title: "No weight recorded",
            categories: categories(racemic: .caution, esketamine: .info),
            trigger: "No weighing recorded",
            explanation: "Racemic ketamine is dosed by weight (0.5 mg/kg); esketamine doses are fixed, but BMI (sleep apnoea precaution) needs the weight.",
            sources: ["R3", "R22"]) { context, treatment in
            guard context.record.weights.isEmpty else { return nil }
            return treatment.isRacemicKetamine
                ? "No weight is recorded; the weight-based dose (0.5 mg/kg [R3]) cannot be planned"
                : "No weight is recorded; BMI cannot be calculated [R22]"
        },
        ScreeningRule(
            id: "KC-SCR-NO-MEDICATIONS", title: "No current medications recorded",
            categories: categories(racemic: .info, esketamine: .info),
            trigger: "The medication list is empty",
            explanation: "Interaction checks (benzodiazepines, NMDA-active drugs, MAOIs, psychostimulants, opioids, theophylline) rely on the medication list.",
            sources: ["R19", "R41"]) { context, _ in
            context.record.medications.isEmpty ? "No current medications are recorded; confirm the patient takes none" : nil
        },
    ]

    /// Information for the prescriber: dosing consequences and the TRD indication.
    static let information: [ScreeningRule] = [
        ScreeningRule(
            id: "KC-SCR-ESK-START-28MG", title: "Esketamine start dose 28 mg at 65 or over",
            categories: [.esketamine: .info], regions: [.europeanUnion, .unitedKingdom],
            trigger: "Age ≥ esketamineReducedStartAge (default 65), EU/UK",
            explanation: "Under the EU/UK SmPC patients of 65 or over start at 28 mg on day 1, then 28, 56 or 84 mg. US sources give no separate geriatric start dose.",
            sources: ["R22", "R14", "R15"]) { context, _ in
            context.age >= context.policy.esketamineReducedStartAge
                ? "Age \(context.age): day-1 dose 28 mg, then 28, 56 or 84 mg [R22]" : nil
        },
        ScreeningRule(
            id: "KC-SCR-ESK-HEPATIC-MAX-84", title: "Esketamine maximum 84 mg in moderate hepatic impairment",
            categories: [.esketamine: .info],
            trigger: "Medical history: hepatic impairment Child-Pugh B",
            explanation: "In moderate hepatic impairment the maximum esketamine dose is 84 mg; monitor for longer.",
            sources: ["R22", "R25"]) { context, _ in
            context.medical?.hepaticImpairment == .childPughB ? "Child-Pugh B: maximum 84 mg, monitor for longer [R22][R25]" : nil
        },
        ScreeningRule(
            id: "KC-SCR-BMI-DOSING-WEIGHT", title: "BMI at which ideal-body-weight dosing was suggested",
            categories: categories(racemic: .info, esketamine: nil),
            trigger: "BMI ≥ idealWeightDosingBodyMassIndex (default 30)",
            explanation: "The 2017 consensus suggested dosing on ideal body weight especially at BMI ≥ 30; landmark trials used actual weight, and the evidence on BMI and response conflicts.",
            sources: ["R2", "R67"]) { context, _ in
            guard let bmi = context.record.bodyMassIndex, bmi >= context.policy.idealWeightDosingBodyMassIndex else { return nil }
            return "BMI \(BodyMetrics.format(bmi)): choose the dosing weight (actual vs ideal) deliberately [R2]"
        },
        ScreeningRule(
            id: "KC-SCR-WEIGHT-OUTSIDE-STUDIED", title: "Weight outside the range studied",
            categories: categories(racemic: .info, esketamine: nil),
            trigger: "Latest weight < minimumStudiedWeightKg or > maximumStudiedWeightKg (default 45–115 kg)",
            explanation: "An ED ketamine trial excluded patients under 45 kg or over 115 kg.",
            sources: ["R40"]) { context, _ in
            guard let weight = context.record.latestWeight?.kilograms else { return nil }
            let policy = context.policy
            guard weight < policy.minimumStudiedWeightKg || weight > policy.maximumStudiedWeightKg else { return nil }
            return "Weight \(BodyMetrics.format(weight)) kg is outside the \(BodyMetrics.format(policy.minimumStudiedWeightKg))–"
                + "\(BodyMetrics.format(policy.maximumStudiedWeightKg)) kg studied [R40]"
        },
        ScreeningRule(
            id: "KC-SCR-TRD-CRITERIA", title: "Treatment-resistance criteria not met",
            categories: categories(racemic: .info, esketamine: .caution),
            trigger: "Not treatment-resistant under the clinic's treatment-resistance policy (default: 2 different antidepressants failed in the current episode at an adequate dose for ≥ 6 weeks; docs/treatment-resistance.md)",
            explanation: "Esketamine is indicated for depression that has not responded to at least 2 different antidepressants of adequate dose and duration in the current episode; IV ketamine is a third-line option (CANMAT).",
            sources: ["R22", "R23", "R26-JP", "R53", "R6"]) { context, _ in
            // One definition of TRD for the whole product: the treatment-resistance calculator's.
            let assessment = TreatmentResistanceCalculator.assess(
                trials: context.record.trials, episode: context.record.currentEpisode, policy: context.resistancePolicy,
                today: context.today)
            guard !assessment.isTreatmentResistant else { return nil }
            return assessment.trdExplanation.conclusion + " [R22][R23]"
        },
    ]
}
