import Foundation

extension Instrument {
    /// The PCL-5 answers, 0–4 [R51].
    static let pclOptions: [AnswerOption] = [
        AnswerOption(value: 0, label: "Not at all"),
        AnswerOption(value: 1, label: "A little bit"),
        AnswerOption(value: 2, label: "Moderately"),
        AnswerOption(value: 3, label: "Quite a bit"),
        AnswerOption(value: 4, label: "Extremely"),
    ]

    /// The lowest PCL-5 total flagged "probable-ptsd": the lower end of the provisional 31–33 range
    /// [R51] (older guidance proposed 38).
    public static let pclProbablePTSDAtOrAbove = 31

    /// The lowest PCL-5 item score that counts a symptom as endorsed for the DSM-5 rule [R51].
    public static let pclEndorsedAtOrAbove = 2

    /// The DSM-5 symptom clusters of the PCL-5 and how many endorsed items each needs: ≥1 of B (1–5),
    /// ≥1 of C (6–7), ≥2 of D (8–14), ≥2 of E (15–20) [R51].
    public static let pclClusters: [(cluster: String, items: ClosedRange<Int>, needed: Int)] = [
        ("B", 1...5, 1), ("C", 6...7, 1), ("D", 8...14, 2), ("E", 15...20, 2),
    ]

    /// PTSD Checklist for DSM-5: 20 items 0–4 over the past month, total 0–80, provisional PTSD at
    /// 31–33 and the DSM-5 cluster rule [R51]; public domain, so the published wording is shown
    /// [R51-mh]. No bands, remission or response in the reference; no LOINC verified (§8.1).
    static let pcl5 = Instrument(
        id: .pcl5,
        name: "PTSD Checklist for DSM-5",
        shortName: "PCL-5",
        isSelfReport: true,
        instructions: "Below is a list of problems that people sometimes have in response to a very stressful experience. "
            + "Please read each problem carefully and then choose one of the answers to indicate how much you have been "
            + "bothered by that problem in the past month. In the past month, how much were you bothered by:",
        items: ([
            ("Repeated, disturbing, and unwanted memories of the stressful experience?", "Unwanted memories"),
            ("Repeated, disturbing dreams of the stressful experience?", "Disturbing dreams"),
            ("Suddenly feeling or acting as if the stressful experience were actually happening again (as if you were "
             + "actually back there reliving it)?", "Reliving the experience"),
            ("Feeling very upset when something reminded you of the stressful experience?", "Upset by reminders"),
            ("Having strong physical reactions when something reminded you of the stressful experience (for example, "
             + "heart pounding, trouble breathing, sweating)?", "Physical reactions to reminders"),
            ("Avoiding memories, thoughts, or feelings related to the stressful experience?", "Avoiding memories"),
            ("Avoiding external reminders of the stressful experience (for example, people, places, conversations, "
             + "activities, objects, or situations)?", "Avoiding reminders"),
            ("Trouble remembering important parts of the stressful experience?", "Trouble remembering"),
            ("Having strong negative beliefs about yourself, other people, or the world (for example, having thoughts "
             + "such as: I am bad, there is something seriously wrong with me, no one can be trusted, the world is "
             + "completely dangerous)?", "Negative beliefs"),
            ("Blaming yourself or someone else for the stressful experience or what happened after it?", "Blame"),
            ("Having strong negative feelings such as fear, horror, anger, guilt, or shame?", "Negative feelings"),
            ("Loss of interest in activities that you used to enjoy?", "Loss of interest"),
            ("Feeling distant or cut off from other people?", "Feeling distant"),
            ("Trouble experiencing positive feelings (for example, being unable to feel happiness or have loving "
             + "feelings for people close to you)?", "Trouble with positive feelings"),
            ("Irritable behavior, angry outbursts, or acting aggressively?", "Irritability or anger"),
            ("Taking too many risks or doing things that could cause you harm?", "Risk taking"),
            ("Being \"superalert\" or watchful or on guard?", "On guard"),
            ("Feeling jumpy or easily startled?", "Easily startled"),
            ("Having difficulty concentrating?", "Difficulty concentrating"),
            ("Trouble falling or staying asleep?", "Sleep problems"),
        ] as [(String, String)]).enumerated().map { index, item in
            InstrumentItem(number: index + 1, text: item.0, shortLabel: item.1, options: pclOptions)
        },
        totalRange: 0...80,                                   // [R51]
        bands: [],                                            // no severity bands in the reference
        remissionAtOrBelow: nil,
        responseFraction: nil,
        totalLOINC: nil,                                      // NOT FOUND (§8.1)
        panelLOINC: nil,
        sources: ["R51", "R51-mh"],
        allowsProrating: false)
}
