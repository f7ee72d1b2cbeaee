import Foundation

extension Instrument {
    /// Montgomery–Åsberg Depression Rating Scale: 10 items 0–6, total 0–60, Snaith bands [R45];
    /// remission ≤10 as in ESCAPE-TRD and KetECT [R55-ESC][R55-KetECT] (≤12 in SUSTAIN-3 [R55-SUS3],
    /// documented, not coded); response ≥50% [R55-ELEKT][R55-SUS3]. Licence required [R47-GPDS]:
    /// items show a domain name only, with no wording or anchor descriptions.
    static let madrs = Instrument(
        id: .madrs,
        name: "Montgomery–Åsberg Depression Rating Scale",
        shortName: "MADRS",
        isSelfReport: false,
        instructions: nil,
        items: licensedItems([
            "Apparent sadness", "Reported sadness", "Inner tension", "Reduced sleep", "Reduced appetite",
            "Concentration difficulties", "Lassitude", "Inability to feel", "Pessimistic thoughts", "Suicidal thoughts",
        ], maximum: { _ in 6 }),                              // 0–6 each [R45]
        totalRange: 0...60,                                   // [R45]
        bands: [                                              // Snaith [R45]
            SeverityBand(range: 0...6, label: "absent"),
            SeverityBand(range: 7...19, label: "mild"),
            SeverityBand(range: 20...34, label: "moderate"),
            SeverityBand(range: 35...60, label: "severe"),
        ],
        remissionAtOrBelow: 10,                               // [R55-ESC][R55-KetECT]
        responseFraction: 0.5,                                // [R55-ELEKT][R55-SUS3]
        totalLOINC: nil,                                      // NOT FOUND (§8.1)
        panelLOINC: nil,
        sources: ["R45", "R45-Hawley", "R55-ESC", "R55-KetECT", "R55-SUS3", "R55-ELEKT", "R47-GPDS"],
        allowsProrating: false)

    /// HAM-D17 items scored 0–4; the others are 0–2 (standard item ranges; total 0–52 [R46]).
    static let hamd17FivePointItems: Set<Int> = [1, 2, 3, 7, 8, 9, 10, 11, 15]

    /// Hamilton Depression Rating Scale, 17 items: mixed 0–4 and 0–2 items, total 0–52, bands
    /// 0–7 normal, 8–16 mild, 17–23 moderate, ≥24 severe and remission ≤7 [R46] (the alternative table
    /// [R46-alt] is documented, not coded). Licence status NOT FOUND (§5.3): treated as licensed, so
    /// items show a domain name only.
    static let hamd17 = Instrument(
        id: .hamd17,
        name: "Hamilton Depression Rating Scale (17 items)",
        shortName: "HAM-D17",
        isSelfReport: false,
        instructions: nil,
        items: licensedItems([
            "Depressed mood", "Feelings of guilt", "Suicidal thoughts", "Insomnia: early", "Insomnia: middle",
            "Insomnia: late", "Work and activities", "Retardation", "Agitation", "Anxiety: psychic",
            "Anxiety: somatic", "Somatic symptoms: gastro-intestinal", "Somatic symptoms: general", "Genital symptoms",
            "Hypochondriasis", "Loss of weight", "Insight",
        ], maximum: { hamd17FivePointItems.contains($0) ? 4 : 2 }),
        totalRange: 0...52,                                   // [R46]
        bands: [                                              // [R46]
            SeverityBand(range: 0...7, label: "normal"),
            SeverityBand(range: 8...16, label: "mild"),
            SeverityBand(range: 17...23, label: "moderate"),
            SeverityBand(range: 24...52, label: "severe"),
        ],
        remissionAtOrBelow: 7,                                // [R46]
        responseFraction: nil,                                // §5.2 defines response for MADRS, QIDS-SR16, PHQ-9 only
        totalLOINC: nil,                                      // NOT FOUND (§8.1)
        panelLOINC: nil,
        sources: ["R46", "R46-alt"],
        allowsProrating: false)

    /// A CADSS total above this is "dissociation", as in the esketamine trials [R27].
    public static let cadssDissociationAbove = 4

    /// Clinician-Administered Dissociative States Scale, the 23-item version used in ketamine and
    /// esketamine trials [R49]. The per-item 0–4 range is NOT verified in the reference, and the
    /// 0–92 total is derived (23 × 4), not published [R49]. Severity bands: NOT FOUND, so none.
    /// A total above 4 is flagged "dissociation" [R27]. Licence status NOT FOUND (§5.3): items show
    /// "Item N" only, with no wording.
    static let cadss = Instrument(
        id: .cadss,
        name: "Clinician-Administered Dissociative States Scale (23 items)",
        shortName: "CADSS",
        isSelfReport: false,
        instructions: nil,
        items: licensedItems((1...23).map { "Dissociation item \($0)" }, maximum: { _ in 4 }),   // 0–4 NOT verified [R49]
        totalRange: 0...92,                                   // derived 23 × 4, not verified [R49]
        bands: [],                                            // NOT FOUND
        remissionAtOrBelow: nil,
        responseFraction: nil,
        totalLOINC: nil,                                      // NOT FOUND (§8.1)
        panelLOINC: nil,
        sources: ["R49", "R27"],
        allowsProrating: false)
}
