import Foundation

extension Instrument {
    /// The C-SSRS screener's answers: 0 no, 1 yes [R48].
    static let yesNoOptions: [AnswerOption] = [AnswerOption(value: 0, label: "No"), AnswerOption(value: 1, label: "Yes")]

    /// Screener items asked only when item 2 is yes [R48].
    public static let cssrsItemsAfterSuicidalThoughts: ClosedRange<Int> = 3...5

    /// The item recording that the behaviour of item 6 was within the past 3 months (the form's 6b) [R48].
    public static let cssrsRecentBehaviourItem = 7

    /// Columbia Suicide Severity Rating Scale, screener: 6 yes/no items, with item 6's "within the past
    /// 3 months?" modelled as item 7; no total; triage to high, moderate or low risk [R48]. LOINC panel
    /// 93373-9 [R57-code], items and the risk level 93374-7 [R48-HL7]. Electronic versions are
    /// exclusively licensed via Clario [R48-Clario]: items show a neutral short label only.
    static let cssrs = Instrument(
        id: .cssrs,
        name: "Columbia Suicide Severity Rating Scale (screener)",
        shortName: "C-SSRS",
        isSelfReport: false,
        instructions: nil,
        items: ([
            ("Wish to be dead", "93246-7"),
            ("Suicidal thoughts", "93247-5"),
            ("Thoughts of a method", "93248-3"),
            ("Intent to act", "93249-1"),
            ("Plan with intent", "93250-9"),
            ("Suicidal behaviour (ever)", "93267-3"),
            ("Suicidal behaviour within the past 3 months", "93269-9"),
        ] as [(String, String)]).enumerated().map { index, item in
            InstrumentItem(number: index + 1, text: nil, shortLabel: item.0, options: yesNoOptions, loinc: item.1)
        },
        totalRange: nil,                                      // no total [R48]
        bands: [],
        remissionAtOrBelow: nil,
        responseFraction: nil,
        totalLOINC: "93374-7",                                // risk level [R48-HL7]
        panelLOINC: "93373-9",                                // [R57-code]
        sources: ["R48", "R48-HL7", "R48-Clario", "R57-code"],
        allowsProrating: false)
}
