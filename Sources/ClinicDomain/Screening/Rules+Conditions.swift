extension ScreeningRuleCatalog {
    /// Intracranial, ocular, psychiatric, obstetric, endocrine, hepatic, renal, respiratory and
    /// urological conditions, and substance use (§2.2, §3.3).
    static let conditions: [ScreeningRule] = [
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
    ]
}
