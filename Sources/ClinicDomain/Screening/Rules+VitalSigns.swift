extension ScreeningRuleCatalog {
    /// Baseline vital-sign limits of the ED ketamine trial NCT01892995 [R40] (SBP above the
    /// limit is ``bloodPressure``'s resting rule).
    static let vitalSignRules: [ScreeningRule] = [
        vital("KC-SCR-SPO2-LOW", "Low resting oxygen saturation",
              trigger: "Latest SpO₂ < minimumOxygenSaturation (default 95 %)",
              explanation: "Baseline SpO₂ below 95 % excluded patients from a ketamine trial; esketamine sessions need pulse oximetry.",
              sources: ["R40", "R14"]) { vitals, policy in
            guard let spo2 = vitals.oxygenSaturation, spo2 < policy.minimumOxygenSaturation else { return nil }
            return "SpO₂ \(spo2) % is below \(policy.minimumOxygenSaturation) % [R40]"
        },
        vital("KC-SCR-SBP-LOW", "Low resting systolic pressure",
              trigger: "Latest SBP < minimumSystolic (default 90 mmHg)",
              explanation: "Baseline systolic pressure below 90 mmHg excluded patients from a ketamine trial.",
              sources: ["R40"]) { vitals, policy in
            vitals.systolic < policy.minimumSystolic
                ? "Systolic pressure \(vitals.systolic) mmHg is below \(policy.minimumSystolic) mmHg [R40]" : nil
        },
        vital("KC-SCR-HEART-RATE", "Resting heart rate out of range",
              trigger: "Latest HR < minimumHeartRate or > maximumHeartRate (default 50–120 /min)",
              explanation: "Baseline heart rate below 50 or above 120 excluded patients from a ketamine trial; uncontrolled brady- or tachyarrhythmia is an esketamine precaution.",
              sources: ["R40", "R22"]) { vitals, policy in
            if vitals.heartRate < policy.minimumHeartRate {
                return "Heart rate \(vitals.heartRate)/min is below \(policy.minimumHeartRate)/min [R40]"
            }
            if vitals.heartRate > policy.maximumHeartRate {
                return "Heart rate \(vitals.heartRate)/min is above \(policy.maximumHeartRate)/min [R40]"
            }
            return nil
        },
        vital("KC-SCR-RESPIRATORY-RATE", "Resting respiratory rate out of range",
              trigger: "Latest RR < minimumRespiratoryRate or > maximumRespiratoryRate (default 10–30 /min)",
              explanation: "Baseline respiratory rate below 10 or above 30 excluded patients from a ketamine trial.",
              sources: ["R40"]) { vitals, policy in
            guard let rate = vitals.respiratoryRate else { return nil }
            if rate < policy.minimumRespiratoryRate { return "Respiratory rate \(rate)/min is below \(policy.minimumRespiratoryRate)/min [R40]" }
            if rate > policy.maximumRespiratoryRate { return "Respiratory rate \(rate)/min is above \(policy.maximumRespiratoryRate)/min [R40]" }
            return nil
        },
    ]

    /// A rule on the latest vital signs: contraindication for racemic ketamine (trial
    /// exclusion [R40]), caution for esketamine.
    static func vital(_ id: String, _ title: String, trigger: String, explanation: String, sources: [String],
                      _ detail: @escaping @Sendable (VitalSigns, ScreeningPolicy) -> String?) -> ScreeningRule {
        ScreeningRule(id: id, title: title, categories: categories(racemic: .contraindication, esketamine: .caution),
                      trigger: trigger, explanation: explanation, sources: sources) { context, _ in
            context.vitals.flatMap { detail($0, context.policy) }
        }
    }
}
