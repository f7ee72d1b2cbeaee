import Foundation

extension Instrument {
    /// The PHQ answers, 0–3 over the last 2 weeks [R42]; LOINC answer codes LA6568-5…LA6571-9 [R42-USCore].
    static let phqFrequencyOptions: [AnswerOption] = [
        AnswerOption(value: 0, label: "Not at all"),
        AnswerOption(value: 1, label: "Several days"),
        AnswerOption(value: 2, label: "More than half the days"),
        AnswerOption(value: 3, label: "Nearly every day"),
    ]

    /// Patient Health Questionnaire-9: 9 items 0–3, total 0–27, bands [R42]; item 9 > 0 needs
    /// immediate follow-up [R42-calc]; free to reproduce, so the standard English wording is shown
    /// [R42-USCore]; LOINC panel, total and item codes per §8.1 [R42-USCore][R57-code].
    static let phq9 = Instrument(
        id: .phq9,
        name: "Patient Health Questionnaire-9",
        shortName: "PHQ-9",
        isSelfReport: true,
        instructions: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
        items: ([
            ("Little interest or pleasure in doing things", "Little interest or pleasure", "44250-9"),
            ("Feeling down, depressed, or hopeless", "Feeling down", "44255-8"),
            ("Trouble falling or staying asleep, or sleeping too much", "Sleep problems", "44259-0"),
            ("Feeling tired or having little energy", "Tiredness", "44254-1"),
            ("Poor appetite or overeating", "Appetite", "44251-7"),
            ("Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
             "Feeling bad about yourself", "44258-2"),
            ("Trouble concentrating on things, such as reading the newspaper or watching television",
             "Concentration", "44252-5"),
            ("Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety "
             + "or restless that you have been moving around a lot more than usual", "Slowed down or restless", "44253-3"),
            ("Thoughts that you would be better off dead or of hurting yourself in some way",
             "Thoughts of self-harm", "44260-8"),
        ] as [(String, String, String)]).enumerated().map { index, item in
            InstrumentItem(number: index + 1, text: item.0, shortLabel: item.1, options: phqFrequencyOptions, loinc: item.2)
        },
        totalRange: 0...27,                                   // [R42]
        bands: [                                              // [R42]
            SeverityBand(range: 0...4, label: "minimal"),
            SeverityBand(range: 5...9, label: "mild"),
            SeverityBand(range: 10...14, label: "moderate"),
            SeverityBand(range: 15...19, label: "moderately severe"),
            SeverityBand(range: 20...27, label: "severe"),
        ],
        remissionAtOrBelow: 4,                                // PHQ-9 < 5: §5.2 remission row [R55-ESC][R55-KetECT][R55-SUS3][R44][R46]
        responseFraction: 0.5,                                // ≥50% reduction [R55-ELEKT][R55-SUS3] (§5.2)
        totalLOINC: "44261-6",                                // [R42-USCore]
        panelLOINC: "44249-1",                                // [R57-code]
        sources: ["R42", "R42-calc", "R42-USCore", "R57-code", "R55-ELEKT", "R55-SUS3"],
        allowsProrating: false)                               // no prorating rule in the reference

    /// The PHQ-9 item whose any positive answer raises "suicidal-ideation" [R42-calc].
    static let phq9SuicidalIdeationItem = 9
}
