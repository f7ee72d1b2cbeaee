import Foundation

extension Instrument {
    /// Neutral labels for the QIDS-SR16 0–3 anchors. They describe the scale's steps; they are NOT the
    /// published item-by-item anchor sentences, which are not reproduced here (docs/rating-scales.md).
    static let qidsOptions: [AnswerOption] = [
        AnswerOption(value: 0, label: "None, or no change from usual"),
        AnswerOption(value: 1, label: "Slight"),
        AnswerOption(value: 2, label: "Moderate"),
        AnswerOption(value: 3, label: "Severe"),
    ]

    /// The nine QIDS-SR16 symptom domains and their items: sleep = max of items 1–4, weight/appetite =
    /// max of items 6–9, psychomotor = max of items 15–16, the others single items; the total is the
    /// sum of the domains [R44]. Keys are the stable names of ``InstrumentScore/domainScores``.
    public static let qidsDomains: [(key: String, items: [Int])] = [
        ("sleep", [1, 2, 3, 4]),
        ("sad-mood", [5]),
        ("appetite-weight", [6, 7, 8, 9]),
        ("concentration", [10]),
        ("self-view", [11]),
        ("suicidal-ideation", [12]),
        ("interest", [13]),
        ("energy", [14]),
        ("psychomotor", [15, 16]),
    ]

    /// Quick Inventory of Depressive Symptomatology, self-report, 16 items: 16 items 0–3 scored as
    /// 9 domains, total 0–27, bands and remission ≤5 [R44]; response ≥50% [R55-ELEKT] (§5.2).
    /// Described as free for clinical use [R44-hiboop]; the items are shown as neutral paraphrases, not
    /// the published wording. No LOINC code was verified (§8.1: NOT FOUND).
    static let qidsSR16 = Instrument(
        id: .qidsSR16,
        name: "Quick Inventory of Depressive Symptomatology (Self-Report, 16 items)",
        shortName: "QIDS-SR16",
        isSelfReport: true,
        instructions: "For each item, choose the answer that best describes you over the past seven days.",
        items: ([
            ("How much trouble have you had falling asleep?", "Falling asleep"),
            ("How much trouble have you had with waking during the night?", "Sleep during the night"),
            ("How much have you been waking earlier than you wanted to?", "Waking up too early"),
            ("How much have you been sleeping more than usual?", "Sleeping too much"),
            ("How sad have you felt?", "Feeling sad"),
            ("How much has your appetite decreased?", "Decreased appetite"),
            ("How much has your appetite increased?", "Increased appetite"),
            ("How much weight have you lost (within the last two weeks)?", "Decreased weight"),
            ("How much weight have you gained (within the last two weeks)?", "Increased weight"),
            ("How much trouble have you had concentrating or making decisions?", "Concentration and decisions"),
            ("How negatively have you viewed yourself?", "View of myself"),
            ("How much have you had thoughts of death or suicide?", "Thoughts of death or suicide"),
            ("How much has your interest in other people or activities dropped?", "General interest"),
            ("How much has your energy dropped?", "Energy level"),
            ("How much have you felt slowed down?", "Feeling slowed down"),
            ("How much have you felt restless?", "Feeling restless"),
        ] as [(String, String)]).enumerated().map { index, item in
            InstrumentItem(number: index + 1, text: item.0, shortLabel: item.1, options: qidsOptions)
        },
        totalRange: 0...27,                                   // [R44]
        bands: [                                              // [R44]
            SeverityBand(range: 0...5, label: "none"),
            SeverityBand(range: 6...10, label: "mild"),
            SeverityBand(range: 11...15, label: "moderate"),
            SeverityBand(range: 16...20, label: "severe"),
            SeverityBand(range: 21...27, label: "very severe"),
        ],
        remissionAtOrBelow: 5,                                // STAR*D [R44]
        responseFraction: 0.5,                                // [R55-ELEKT] (§5.2)
        totalLOINC: nil,                                      // NOT FOUND (§8.1)
        panelLOINC: nil,                                      // NOT FOUND (§8.1)
        sources: ["R44", "R44-hiboop", "R55-ELEKT"],
        allowsProrating: false)                               // no rule in the reference; any missing item → no total
}
