import ClinicDomain
import Foundation
import Testing

private typealias F = TRDFixtures

@Suite("Maudsley Staging Method [R53]")
struct MaudsleyStagingTests {
    /// Failed antidepressant count → total with a ≤12-month (1) moderate (3) episode, no augmentation or ECT.
    @Test("[R53] failed antidepressants: 1–2 = 1, 3–4 = 2, 5–6 = 3, 7–10 = 4, >10 = 5", arguments: [
        (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (10, 4), (11, 5), (14, 5),
    ])
    func failedAntidepressantPoints(failed: Int, points: Int) throws {
        let msm = F.assess(F.failures(failed), episode: F.episode(months: 6)).maudsley
        let components = try #require(msm.components)
        #expect(components.failedAntidepressants == failed)
        #expect(components.failedAntidepressantPoints == points)
        #expect(msm.score == 1 + 3 + points)
    }

    @Test("[R53] duration: ≤12 months = 1, 13–24 = 2, >24 = 3 (whole months)", arguments: [
        (0, 1), (12, 1), (13, 2), (24, 2), (25, 3), (60, 3),
    ])
    func durationPoints(months: Int, points: Int) throws {
        let components = try #require(F.assess(F.failures(1), episode: F.episode(months: months)).maudsley.components)
        #expect(components.episodeMonths == months)
        #expect(components.durationPoints == points)
    }

    @Test("[R53] a day short of 13 months is still 12 months")
    func partialMonth() throws {
        var episode = F.episode(months: 13)
        episode.startedOn = episode.startedOn.adding(days: 1)
        let components = try #require(F.assess(F.failures(1), episode: episode).maudsley.components)
        #expect(components.episodeMonths == 12)
        #expect(components.durationPoints == 1)
    }

    @Test("[R53] severity: subsyndromal 1, mild 2, moderate 3, severe 4, severe with psychosis 5", arguments: [
        (DepressiveEpisode.Severity.subsyndromal, 1), (.mild, 2), (.moderate, 3), (.severe, 4), (.severeWithPsychosis, 5),
    ])
    func severityPoints(severity: DepressiveEpisode.Severity, points: Int) throws {
        let components = try #require(F.assess(F.failures(1), episode: F.episode(months: 3, severity)).maudsley.components)
        #expect(components.severityPoints == points)
    }

    static let worked: [TRDVector<Int>] = [
        TRDVector(name: "[R53] minimum 3 (mild): ≤12 months, subsyndromal, 1 failure",
                  trials: F.failures(1), episode: F.episode(months: 2, .subsyndromal), expected: 3),
        TRDVector(name: "[R53] 6 is the top of mild: 12 months, moderate, 3 failures",
                  trials: F.failures(3), episode: F.episode(months: 12, .moderate), expected: 6),
        TRDVector(name: "[R53] 7 is the bottom of moderate: 13 months, moderate, 3 failures",
                  trials: F.failures(3), episode: F.episode(months: 13, .moderate), expected: 7),
        TRDVector(name: "[R53] 9 (moderate): 18 months, severe, 3 failures, augmentation",
                  trials: F.failures(2) + [F.drug("venlafaxine", .snri, augmentation: "aripiprazole", endedDaysAgo: 400)],
                  episode: F.episode(months: 18, .severe), expected: 9),
        TRDVector(name: "[R53] 10 is the top of moderate: 30 months, severe, 2 failures, augmentation, ECT",
                  trials: F.failures(2) + [F.drug("lithium aug", .other, outcome: .response, augmentation: "lithium", endedDaysAgo: 400), F.ect()],
                  episode: F.episode(months: 30, .severe), expected: 10),
        TRDVector(name: "[R53] 11 is the bottom of severe: 30 months, severe, 3 failures, augmentation, ECT",
                  trials: F.failures(3) + [F.drug("lithium aug", .other, outcome: .response, augmentation: "lithium", endedDaysAgo: 400), F.ect()],
                  episode: F.episode(months: 30, .severe), expected: 11),
        TRDVector(name: "[R53] maximum 15 (severe): >24 months, psychotic, 11 failures, augmentation, ECT",
                  trials: F.failures(11) + [F.drug("quetiapine aug", .other, outcome: .intolerance, augmentation: "quetiapine"),
                                            F.ect(.unilateral, outcome: .response)],
                  episode: F.episode(months: 40, .severeWithPsychosis), expected: 15),
    ]

    @Test("Worked examples: total and band [R53]", arguments: worked)
    func workedExamples(_ vector: TRDVector<Int>) throws {
        let msm = F.assess(vector.trials, episode: vector.episode).maudsley
        let score = try #require(msm.score)
        #expect(score == vector.expected)
        #expect(msm.components?.total == score)
        #expect(msm.band == MaudsleyStaging.Band(score: score))
        #expect(msm.notScoredReason == nil)
        #expect(msm.explanation.sources == ["R53"])
        #expect(msm.explanation.conclusion.hasPrefix("MSM \(score) ("))
    }

    @Test("[R53] bands: mild 3–6, moderate 7–10, severe 11–15", arguments: [
        (3, MaudsleyStaging.Band.mild), (6, .mild), (7, .moderate), (10, .moderate), (11, .severe), (15, .severe),
    ])
    func bands(score: Int, band: MaudsleyStaging.Band) {
        #expect(MaudsleyStaging.Band(score: score) == band)
    }

    @Test("Augmentation and ECT score once each, whatever the outcome, and only in the current episode")
    func usedItems() throws {
        let trials = F.failures(1) + [
            F.drug("a", .other, outcome: .response, augmentation: "lithium", endedDaysAgo: 300),
            F.drug("b", .other, outcome: .response, augmentation: "aripiprazole", endedDaysAgo: 500),
            F.ect(outcome: .response), F.ect(outcome: .intolerance),
        ]
        let components = try #require(F.assess(trials, episode: F.episode(months: 1)).maudsley.components)
        #expect(components.augmentationPoints == 1)
        #expect(components.ectPoints == 1)
        let earlier = F.failures(1) + [F.drug("a", .other, outcome: .response, augmentation: "lithium", inEpisode: false),
                                       F.ect(inEpisode: false)]
        let none = try #require(F.assess(earlier, episode: F.episode(months: 1)).maudsley.components)
        #expect(none.augmentationPoints == 0)
        #expect(none.ectPoints == 0)
    }

    @Test("Without the current episode the MSM is not scored, and says what is missing")
    func missingEpisode() {
        let msm = F.assess(F.failures(3)).maudsley
        #expect(msm.score == nil)
        #expect(msm.band == nil)
        #expect(msm.components == nil)
        #expect(msm.notScoredReason?.contains("current episode") == true)
    }

    @Test("[R53] zero failed antidepressants: not scored (the table starts at 1–2), not an invented 0")
    func zeroFailures() {
        let trials = [F.drug("sertraline", .ssri, outcome: .response), F.drug("venlafaxine", .snri, outcome: .intolerance)]
        let msm = F.assess(trials, episode: F.episode(months: 30, .severe)).maudsley
        #expect(msm.score == nil)
        #expect(msm.notScoredReason?.contains("1–2") == true)
        #expect(msm.notScoredReason?.contains("current episode (its start date") == false)
        let both = F.assess([], episode: nil).maudsley
        #expect(both.notScoredReason?.contains("current episode") == true)
        #expect(both.notScoredReason?.contains("1–2") == true)
    }

    @Test("The same drug failed twice is one failed antidepressant")
    func sameDrugOnce() throws {
        let trials = [F.drug("sertraline", .ssri, endedDaysAgo: 300), F.drug("SERTRALINE", .ssri),
                      F.drug("venlafaxine", .snri, endedDaysAgo: 150)]
        let components = try #require(F.assess(trials, episode: F.episode(months: 1)).maudsley.components)
        #expect(components.failedAntidepressants == 2)
    }
}

@Suite("MGH-S [R53]")
struct MGHStagingTests {
    static let vectors: [TRDVector<Double>] = [
        TRDVector(name: "[R53] no failed trial scores 0", trials: [F.drug("sertraline", .ssri, outcome: .response)], expected: 0),
        TRDVector(name: "[R53] 1 point per failed adequate trial", trials: F.failures(2), expected: 2),
        TRDVector(name: "[R53] +0.5 for an optimised failed trial",
                  trials: [F.drug("sertraline", .ssri, optimised: true), F.drug("venlafaxine", .snri, endedDaysAgo: 100)],
                  expected: 2.5),
        TRDVector(name: "[R53] 3 failed, 1 optimisation, 2 augmentations = 4.5",
                  trials: [F.drug("sertraline", .ssri, optimised: true, augmentation: "lithium", endedDaysAgo: 300),
                           F.drug("venlafaxine", .snri, augmentation: "aripiprazole", endedDaysAgo: 150),
                           F.drug("bupropion", .other)],
                  expected: 4.5),
        TRDVector(name: "[R53] +3 for a failed ECT course", trials: F.failures(2) + [F.ect()], expected: 5),
        TRDVector(name: "[R53] ECT scores 3 once, however many failed courses",
                  trials: F.failures(1) + [F.ect(), F.ect(.unilateral)], expected: 4),
        TRDVector(name: "ECT that responded, was stopped for intolerance or was not adequate scores nothing",
                  trials: F.failures(1) + [F.ect(outcome: .response), F.ect(outcome: .intolerance), F.ect(adequate: false)],
                  expected: 1),
        TRDVector(name: "optimisation and augmentation of trials that did not fail score nothing",
                  trials: F.failures(1) + [F.drug("x", .other, outcome: .response, optimised: true, augmentation: "lithium"),
                                           F.drug("y", .other, days: 20, optimised: true, augmentation: "lithium")],
                  expected: 1),
        TRDVector(name: "the same drug twice is 1 point; the optimised retry adds 0.5",
                  trials: [F.drug("sertraline", .ssri, endedDaysAgo: 200), F.drug("sertraline", .ssri, optimised: true)],
                  expected: 1.5),
        TRDVector(name: "trials in an earlier episode score nothing",
                  trials: F.failures(1) + [F.drug("venlafaxine", .snri, optimised: true, inEpisode: false), F.ect(inEpisode: false)],
                  expected: 1),
    ]

    @Test("Worked examples [R53]", arguments: vectors)
    func workedExamples(_ vector: TRDVector<Double>) {
        let mghs = F.assess(vector.trials).mghs
        #expect(mghs.score == vector.expected)
        #expect(mghs.components.total == mghs.score)
        #expect(mghs.explanation.sources == ["R53"])
    }
}

@Suite("Thase–Rush [R54]")
struct ThaseRushTests {
    static let ssri = F.drug("sertraline", .ssri, endedDaysAgo: 700)
    static let ssri2 = F.drug("fluoxetine", .ssri, endedDaysAgo: 600)
    static let snri = F.drug("venlafaxine", .snri, endedDaysAgo: 500)
    static let tca = F.drug("nortriptyline", .tca, endedDaysAgo: 400)
    static let maoi = F.drug("phenelzine", .maoi, endedDaysAgo: 300)
    static let other = F.drug("bupropion", .other, endedDaysAgo: 200)

    static let vectors: [TRDVector<ThaseRushStage?>] = [
        TRDVector(name: "[R54] stage 0: responded to an adequate trial, none failed",
                  trials: [F.drug("sertraline", .ssri, outcome: .response)], expected: .stage0),
        TRDVector(name: "no adequate trial with an outcome: not staged", trials: [], expected: nil),
        TRDVector(name: "intolerance and a short response only: not staged",
                  trials: [F.drug("sertraline", .ssri, outcome: .intolerance), F.drug("venlafaxine", .snri, days: 20, outcome: .response)],
                  expected: nil),
        TRDVector(name: "[R54] stage I: failed one SSRI", trials: [ssri], expected: .stageI),
        TRDVector(name: "[R54] stage I: two SSRIs are one class", trials: [ssri, ssri2], expected: .stageI),
        TRDVector(name: "[R54] stage I stays I after a later response", trials: [ssri, F.drug("bupropion", .other, outcome: .response)],
                  expected: .stageI),
        TRDVector(name: "[R54] stage II: SSRI and SNRI", trials: [ssri, snri], expected: .stageII),
        TRDVector(name: "[R54] stage II: SSRI and bupropion (other)", trials: [ssri, other], expected: .stageII),
        TRDVector(name: "[R54] edge: SSRI and TCA is stage II (the TCA is the different class), not III",
                  trials: [ssri, tca], expected: .stageII),
        TRDVector(name: "[R54] stage III: SSRI, SNRI, then TCA", trials: [ssri, snri, tca], expected: .stageIII),
        TRDVector(name: "[R54] stage IV: III and an MAOI", trials: [ssri, snri, tca, maoi], expected: .stageIV),
        TRDVector(name: "[R54] stage V: IV and failed bilateral ECT", trials: [ssri, snri, tca, maoi, F.ect()], expected: .stageV),
        TRDVector(name: "[R54] edge: unilateral ECT does not make stage V", trials: [ssri, snri, tca, maoi, F.ect(.unilateral)],
                  expected: .stageIV),
        TRDVector(name: "[R54] edge: responding ECT does not make stage V",
                  trials: [ssri, snri, tca, maoi, F.ect(outcome: .response)], expected: .stageIV),
        TRDVector(name: "[R54] edge: MAOI failed but never a TCA stays at II",
                  trials: [ssri, snri, maoi], expected: .stageII),
        TRDVector(name: "[R54] edge: bilateral ECT without TCA and MAOI stays at II",
                  trials: [ssri, snri, F.ect()], expected: .stageII),
        TRDVector(name: "[R54] edge: SSRI, TCA and MAOI is II (III needs two classes besides TCA and MAOI)",
                  trials: [ssri, tca, maoi], expected: .stageII),
        TRDVector(name: "[R54] a TCA not taken long enough does not count",
                  trials: [ssri, snri, F.drug("nortriptyline", .tca, days: 30)], expected: .stageII),
        TRDVector(name: "[R54] a TCA in an earlier episode does not count",
                  trials: [ssri, snri, F.drug("nortriptyline", .tca, inEpisode: false)], expected: .stageII),
    ]

    @Test("Stages and edge cases [R54]", arguments: vectors)
    func stages(_ vector: TRDVector<ThaseRushStage?>) {
        let staging = F.assess(vector.trials).thaseRush
        #expect(staging.stage == vector.expected)
        #expect(staging.explanation.sources == ["R54"])
    }

    @Test("Edge cases are explained")
    func notes() {
        let maoiOnly = F.assess([Self.ssri, Self.snri, Self.maoi]).thaseRush.explanation
        #expect(maoiOnly.notes.contains { $0.contains("MAOI failed") })
        let unilateral = F.assess([Self.ssri, Self.snri, Self.tca, Self.maoi, F.ect(.unilateral)]).thaseRush.explanation
        #expect(unilateral.notes.contains { $0.contains("Unilateral ECT") })
        let tcaEarly = F.assess([Self.ssri, Self.tca]).thaseRush.explanation
        #expect(tcaEarly.notes.contains { $0.contains("A TCA failed") })
        #expect(F.assess([]).thaseRush.explanation.conclusion.hasPrefix("Not staged"))
        #expect(ThaseRushStage.allCases.map(\.roman) == ["0", "I", "II", "III", "IV", "V"])
    }
}

@Suite("Treatment-resistance assessment")
struct TreatmentResistanceAssessmentTests {
    static let patient = [
        F.drug("sertraline", .ssri, endedDaysAgo: 400),
        F.drug("venlafaxine", .snri, outcome: .partialResponse, augmentation: "aripiprazole", endedDaysAgo: 250),
        F.drug("escitalopram", .ssri, endedDaysAgo: 100),
        F.drug("mirtazapine", .other, outcome: .intolerance),
    ]

    @Test("The chart headline: TRD [R22][R23] · MSM 9 (moderate) [R53] · MGH-S 3.5 [R53] · Thase–Rush II [R54]")
    func headline() {
        let result = F.assess(Self.patient, episode: F.episode(months: 18, .severe))
        #expect(result.headline == "TRD · MSM 9 (moderate) · MGH-S 3.5 · Thase–Rush II")
    }

    @Test("A record with nothing entered says so instead of guessing")
    func emptyHeadline() {
        #expect(F.assess([]).headline == "Not TRD · MSM not scored · MGH-S 0 · Thase–Rush not staged")
    }

    @Test("The assessment survives a JSON round trip")
    func codable() throws {
        let result = F.assess(Self.patient + [F.ect()], episode: F.episode(months: 30, .severeWithPsychosis))
        let decoded = try JSONDecoder().decode(TreatmentResistanceAssessment.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
        #expect(decoded.headline == result.headline)
    }

    @Test("The policy used is kept with the result")
    func keepsPolicy() {
        let policy = TreatmentResistancePolicy(adequateTrialWeeks: 4, minimumFailedTrials: 3, requireDifferentDrugs: true)
        #expect(F.assess(Self.patient, policy: policy).policy == policy)
    }
}
