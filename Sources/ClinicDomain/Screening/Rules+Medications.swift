extension ScreeningRuleCatalog {
    /// Drug interactions relevant to screening (§2.5, §3.4). They read the interaction classes
    /// the prescriber tagged on each current medication.
    static let medicationRules: [ScreeningRule] = [
        ScreeningRule(
            id: "KC-SCR-BENZO-CAP", title: "Benzodiazepine above the lorazepam-equivalent cap",
            categories: categories(racemic: .contraindication, esketamine: .caution),
            trigger: "Total benzodiazepine dose > maximumLorazepamEquivalentMgPerDay (default 3 mg/day)",
            explanation: "Ketamine trials capped benzodiazepines at 3 mg lorazepam-equivalent per day; benzodiazepines add sedation with esketamine.",
            sources: ["R41-tbl", "R13", "R19"]) { context, _ in
            let benzodiazepines = context.medications(.benzodiazepine)
            let total = benzodiazepines.compactMap(\.lorazepamEquivalentMgPerDay).reduce(0, +)
            let cap = context.policy.maximumLorazepamEquivalentMgPerDay
            guard total > cap else { return nil }
            return "Benzodiazepines total \(BodyMetrics.format(total)) mg lorazepam-equivalent per day "
                + "(\(benzodiazepines.map(\.name).joined(separator: ", "))), above the cap of \(BodyMetrics.format(cap)) mg [R41-tbl]"
        },
        interaction("KC-SCR-BENZODIAZEPINE", "Benzodiazepine", .benzodiazepine,
                    explanation: "CNS depressants such as benzodiazepines increase sedation with esketamine (monitor closely) and are on the REMS monitoring form; trials capped them at 3 mg lorazepam-equivalent.",
                    sources: ["R13", "R19", "R41-tbl"]) { medication in
            medication.lorazepamEquivalentMgPerDay.map { "\(BodyMetrics.format($0)) mg lorazepam-equivalent/day" }
                ?? "lorazepam-equivalent dose not recorded, so the cap cannot be checked"
        },
        interaction("KC-SCR-NMDA-ACTIVE", "Lamotrigine or another NMDA-active drug", .nmdaActive,
                    explanation: "Lamotrigine and other NMDA-active drugs (acamprosate, memantine, riluzole, lithium) excluded trial patients; lamotrigine attenuates ketamine's effects.",
                    sources: ["R41", "R49-Bremner"]),
        interaction("KC-SCR-MAOI", "MAOI", .maoi,
                    explanation: "MAOIs can increase blood pressure with esketamine: monitor blood pressure closely (200/99 mmHg at 2 h reported with phenelzine).",
                    sources: ["R28", "R13"]),
        interaction("KC-SCR-PSYCHOSTIMULANT", "Psychostimulant", .psychostimulant,
                    explanation: "Psychostimulants can increase blood pressure: monitor closely; they are on the REMS monitoring form.",
                    sources: ["R19", "R13"]),
        interaction("KC-SCR-OPIOID", "Opioid", .opioid,
                    explanation: "Opioids add sedation and respiratory depression.",
                    sources: ["R19-video", "R15-goodrx"]),
        interaction("KC-SCR-THEOPHYLLINE", "Theophylline or aminophylline", .theophylline,
                    explanation: "Co-administration with ketamine may lower the seizure threshold (Ketalar label).",
                    sources: ["R32"]),
    ]

    /// A caution for every treatment when a current medication carries `interaction`.
    static func interaction(_ id: String, _ title: String, _ interaction: InteractionClass, explanation: String,
                            sources: [String], dose: (@Sendable (Medication) -> String)? = nil) -> ScreeningRule {
        ScreeningRule(id: id, title: title, categories: categories(racemic: .caution, esketamine: .caution),
                      trigger: "A current medication tagged \(interaction.rawValue)", explanation: explanation, sources: sources) { context, _ in
            let medications = context.medications(interaction)
            guard !medications.isEmpty else { return nil }
            let list = medications.map { medication in
                medication.name + (dose.map { " (\($0(medication)))" } ?? medication.dose.map { " (\($0))" } ?? "")
            }
            return "\(interaction.displayName): \(list.joined(separator: ", ")) [\(sources[0])]"
        }
    }
}
