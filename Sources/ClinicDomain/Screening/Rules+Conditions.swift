extension ScreeningRuleCatalog {
    /// Intracranial, ocular, psychiatric, obstetric, endocrine, hepatic, renal, respiratory and
    /// urological conditions, and substance use (§2.2, §3.3).
    static let conditions: [ScreeningRule] = [
        medical("KC-SCR-RAISED-ICP", "Raised intracranial pressure", racemic: .contraindication, esketamine: .caution,
                regional: euContraindicatesEsketamine,
                trigger: "Medical history: raised intracranial pressure or intracranial mass",
                explanation: "Raised ICP or an intracranial mass contraindicates ketamine; the EU/UK esketamine SmPC contraindicates patients in whom raised ICP poses a serious risk.",
                sources: ["R34", "R40", "R22"]) { $0.raisedIntracranialPressure ? "Raised intracranial pressure or an intracranial mass is recorded" : nil },
        medical("KC-SCR-RAISED-IOP", "Raised intraocular pressure", racemic: .contraindication, esketamine: .caution,
                trigger: "Medical history: raised intraocular pressure or open eye injury",
                explanation: "Open eye injury or raised intraocular pressure contraindicates ketamine and excluded trial patients; the esketamine sources do not list it.",
                sources: ["R34", "R41"]) { $0.raisedIntraocularPressure ? "Raised intraocular pressure or an open eye injury is recorded" : nil },
        ScreeningRule(
            id: "KC-SCR-PSYCHOSIS", title: "Psychosis",
            categories: categories(racemic: .contraindication, esketamine: .caution),
            trigger: "Psychiatric history: psychosis; or the current episode is severe with psychosis; or a diagnosis F32.3/F33.3",
            explanation: "Schizophrenia or psychosis contraindicates ketamine and excluded trial patients; ketamine can worsen psychotic symptoms.",
            sources: ["R34", "R41-tbl", "R40"]) { context, _ in
            if context.psychiatric?.psychosis == true { return "Psychosis is recorded in the psychiatric history" }
            if context.record.currentEpisode?.severity == .severeWithPsychosis { return "The current episode is severe with psychosis" }
            if let code = context.record.diagnoses.first(where: { $0.icd10.hasPrefix("F32.3") || $0.icd10.hasPrefix("F33.3") }) {
                return "Diagnosis \(code.icd10) has psychotic features"
            }
            return nil
        },
        psychiatric("KC-SCR-MANIA", "Mania or hypomania", racemic: .contraindication, esketamine: .caution,
                    trigger: "Psychiatric history: manic or hypomanic episode",
                    explanation: "Psychosis or mania excluded patients from a ketamine trial.",
                    sources: ["R41-tbl"]) { $0.mania ? "A manic or hypomanic episode is recorded" : nil },
        medical("KC-SCR-PREGNANCY", "Pregnancy or breastfeeding", racemic: .contraindication, esketamine: .caution,
                trigger: "Medical history: pregnant (incl. pre-eclampsia) or breastfeeding",
                explanation: "Pregnancy and lactation excluded patients from a ketamine trial; the esketamine sources in the reference do not cover it.",
                sources: ["R41-tbl"]) { history in
            switch (history.pregnancy, history.breastfeeding) {
            case (.notPregnant, false): nil
            case (.notPregnant, true): "The patient is breastfeeding"
            case (_, true): "The patient is pregnant and breastfeeding"
            case (_, false): "The patient is pregnant"
            }
        },
        medical("KC-SCR-PRE-ECLAMPSIA", "Pre-eclampsia or eclampsia", racemic: .contraindication, esketamine: .caution,
                trigger: "Medical history: pregnancy with pre-eclampsia/eclampsia",
                explanation: "Pre-eclampsia and eclampsia contraindicate ketamine (Swiss SmPC).",
                sources: ["R33"]) { $0.pregnancy == .preEclampsia ? "Pre-eclampsia or eclampsia is recorded [R33]" : nil },
        medical("KC-SCR-HYPERTHYROID", "Untreated hyperthyroidism", racemic: .contraindication, esketamine: .caution,
                trigger: "Medical history: hyperthyroidism, untreated",
                explanation: "Untreated hyperthyroidism contraindicates ketamine (Swiss SmPC).",
                sources: ["R33"]) { $0.thyroid == .hyperthyroidUntreated ? "Untreated hyperthyroidism is recorded [R33]" : nil },
        medical("KC-SCR-HEPATIC-SEVERE", "Severe hepatic impairment (Child-Pugh C)", racemic: .contraindication, esketamine: .contraindication,
                trigger: "Medical history: hepatic impairment Child-Pugh C",
                explanation: "Esketamine is not recommended in severe hepatic impairment; cirrhosis excluded patients from a ketamine trial and the ketamine label warns of drug-induced liver injury.",
                sources: ["R22", "R25", "R40", "R32"]) { $0.hepaticImpairment == .childPughC ? "Hepatic impairment Child-Pugh C is recorded" : nil },
        medical("KC-SCR-HEPATIC-MODERATE", "Moderate hepatic impairment (Child-Pugh B)", racemic: .caution, esketamine: .caution,
                trigger: "Medical history: hepatic impairment Child-Pugh B",
                explanation: "Esketamine in moderate hepatic impairment: monitor for longer, maximum 84 mg. Cirrhosis excluded patients from a ketamine trial; the ketamine label warns of drug-induced liver injury.",
                sources: ["R25", "R22", "R40", "R32"]) { $0.hepaticImpairment == .childPughB ? "Hepatic impairment Child-Pugh B is recorded" : nil },
        medical("KC-SCR-DIALYSIS", "Dialysis", racemic: .contraindication, esketamine: .caution,
                trigger: "Medical history: on dialysis",
                explanation: "Dialysis excluded patients from a ketamine trial; esketamine is eliminated ≥ 78 % by the kidneys.",
                sources: ["R40", "R25"]) { $0.dialysis ? "The patient is on dialysis" : nil },
        medical("KC-SCR-OXYGEN-DEPENDENT", "Oxygen-dependent lung disease", racemic: .contraindication, esketamine: .caution,
                trigger: "Medical history: pulmonary disease needing oxygen",
                explanation: "Oxygen-dependent lung disease excluded patients from a ketamine trial; significant pulmonary insufficiency is an esketamine precaution.",
                sources: ["R40", "R22"]) { $0.pulmonaryDisease == .oxygenDependent ? "Oxygen-dependent lung disease is recorded" : nil },
        medical("KC-SCR-PULMONARY", "Pulmonary insufficiency", racemic: nil, esketamine: .caution,
                trigger: "Medical history: pulmonary disease (e.g. COPD), not oxygen-dependent",
                explanation: "Significant pulmonary insufficiency including COPD is an esketamine precaution; monitor respiratory status with pulse oximetry.",
                sources: ["R22", "R14"]) { $0.pulmonaryDisease == .present ? "Pulmonary disease (e.g. COPD) is recorded [R22]" : nil },
        ScreeningRule(
            id: "KC-SCR-ESK-SLEEP-APNOEA", title: "Sleep apnoea with morbid obesity",
            categories: [.esketamine: .caution],
            trigger: "Medical history: sleep apnoea, with BMI ≥ sleepApnoeaBodyMassIndex (default 35) or BMI unknown",
            explanation: "Sleep apnoea with morbid obesity (BMI ≥ 35) is an esketamine precaution.",
            sources: ["R22"]) { context, _ in
            guard context.medical?.sleepApnoea == true else { return nil }
            let threshold = context.policy.sleepApnoeaBodyMassIndex
            guard let bmi = context.record.bodyMassIndex else {
                return "Sleep apnoea is recorded and BMI cannot be calculated (height or weight missing); the precaution applies at BMI ≥ \(BodyMetrics.format(threshold)) [R22]"
            }
            guard bmi >= threshold else { return nil }
            return "Sleep apnoea with BMI \(BodyMetrics.format(bmi)) (≥ \(BodyMetrics.format(threshold))) [R22]"
        },
        medical("KC-SCR-BLADDER", "Bladder disease or cystitis", racemic: .caution, esketamine: .caution,
                trigger: "Medical history: bladder disease or interstitial/ulcerative cystitis",
                explanation: "The esketamine label warns to monitor urinary and bladder symptoms; cystitis is also a long-term ketamine risk.",
                sources: ["R25", "R9-ODT"]) { $0.bladderDisease ? "Bladder disease or cystitis is recorded" : nil },
        psychiatric("KC-SCR-SUBSTANCE-USE", "Active substance use disorder", racemic: .contraindication, esketamine: .caution,
                    trigger: "Psychiatric history: active substance use disorder",
                    explanation: "Esketamine needs careful consideration and monitoring for abuse; trials of ketamine excluded substance use.",
                    sources: ["R14", "R41-tbl"]) { $0.activeSubstanceUseDisorder ? "An active substance use disorder is recorded" : nil },
        psychiatric("KC-SCR-KETAMINE-MISUSE", "Non-medical use of ketamine or PCP", racemic: .contraindication, esketamine: .caution,
                    trigger: "Psychiatric history: ketamine or PCP misuse",
                    explanation: "More than rare recreational ketamine or PCP use excluded trial patients; esketamine needs monitoring for abuse.",
                    sources: ["R41-tbl", "R14"]) { $0.ketamineMisuse ? "Non-medical ketamine or PCP use is recorded" : nil },
        psychiatric("KC-SCR-RECENT-HALLUCINOGEN", "Hallucinogen or cannabis use in the last month", racemic: .caution, esketamine: .caution,
                    trigger: "Psychiatric history: hallucinogen or cannabis use in the last month",
                    explanation: "Hallucinogen or cannabis use in the last month excluded patients from a ketamine trial.",
                    sources: ["R41"]) { $0.recentHallucinogenOrCannabis ? "Hallucinogen or cannabis use in the last month is recorded [R41]" : nil },
    ]
}
