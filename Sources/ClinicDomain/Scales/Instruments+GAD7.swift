import Foundation

extension Instrument {
    /// Generalized Anxiety Disorder-7: 7 items 0–3, total 0–21, bands 0–4/5–9/10–14/15–21 [R43]; free
    /// to reproduce, so the standard English wording is shown [R42-USCore]; LOINC panel 69737-5
    /// [R57-code] and total 70274-6 [R57-PHR]. §5.2 defines neither remission nor response for it.
    static let gad7 = Instrument(
        id: .gad7,
        name: "Generalized Anxiety Disorder-7",
        shortName: "GAD-7",
        isSelfReport: true,
        instructions: "Over the last 2 weeks, how often have you been bothered by the following problems?",
        items: ([
            ("Feeling nervous, anxious, or on edge", "Nervous or on edge"),
            ("Not being able to stop or control worrying", "Uncontrollable worry"),
            ("Worrying too much about different things", "Worrying too much"),
            ("Trouble relaxing", "Trouble relaxing"),
            ("Being so restless that it is hard to sit still", "Restlessness"),
            ("Becoming easily annoyed or irritable", "Irritability"),
            ("Feeling afraid, as if something awful might happen", "Feeling afraid"),
        ] as [(String, String)]).enumerated().map { index, item in
            InstrumentItem(number: index + 1, text: item.0, shortLabel: item.1, options: phqFrequencyOptions)
        },
        totalRange: 0...21,                                   // [R43]
        bands: [                                              // [R43]
            SeverityBand(range: 0...4, label: "minimal"),
            SeverityBand(range: 5...9, label: "mild"),
            SeverityBand(range: 10...14, label: "moderate"),
            SeverityBand(range: 15...21, label: "severe"),
        ],
        remissionAtOrBelow: nil,                              // not defined in §5.2
        responseFraction: nil,                                // not defined in §5.2
        totalLOINC: "70274-6",                                // [R57-PHR]
        panelLOINC: "69737-5",                                // [R57-code]
        sources: ["R43", "R42-USCore", "R57-code", "R57-PHR"],
        allowsProrating: false)
}
