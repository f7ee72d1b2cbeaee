import ClinicDomain
import Foundation
import Testing

private typealias F = TRDFixtures

/// One worked example: the trials, and what a method should make of them.
struct TRDVector<Expected: Sendable & Equatable>: Sendable, CustomTestStringConvertible {
    let name: String
    let trials: [AntidepressantTrial]
    var episode: DepressiveEpisode? = nil
    var policy: TreatmentResistancePolicy = .defaults
    let expected: Expected

    var testDescription: String { name }
}

@Suite("TRD definition [R22][R23] and adequacy [R26-JP][R53]")
struct TreatmentResistanceDefinitionTests {
    static let vectors: [TRDVector<Int>] = [
        TRDVector(name: "[R22][R23] two different antidepressants failed, adequate: TRD",
                  trials: [F.drug("sertraline", .ssri), F.drug("venlafaxine", .snri, outcome: .partialResponse, endedDaysAgo: 90)],
                  expected: 2),
        TRDVector(name: "[R22][R23] one failed trial is not enough",
                  trials: [F.drug("sertraline", .ssri)], expected: 1),
        TRDVector(name: "[R22][R23] the same drug twice counts once",
                  trials: [F.drug("sertraline", .ssri, endedDaysAgo: 100), F.drug("Sertraline ", .ssri)], expected: 1),
        TRDVector(name: "intolerance is not a failure of efficacy",
                  trials: [F.drug("sertraline", .ssri), F.drug("venlafaxine", .snri, outcome: .intolerance, endedDaysAgo: 90)],
                  expected: 1),
        TRDVector(name: "a response is not a failure",
                  trials: [F.drug("sertraline", .ssri), F.drug("venlafaxine", .snri, outcome: .response, endedDaysAgo: 90)],
                  expected: 1),
        TRDVector(name: "an ongoing trial has no outcome yet",
                  trials: [F.drug("sertraline", .ssri), F.ongoing("venlafaxine", .snri, days: 70)], expected: 1),
        TRDVector(name: "[R22][R23] a trial in an earlier episode is ignored",
                  trials: [F.drug("sertraline", .ssri), F.drug("venlafaxine", .snri, inEpisode: false, endedDaysAgo: 900)],
                  expected: 1),
        TRDVector(name: "[R26-JP][R53] a dose not marked adequate does not count",
                  trials: [F.drug("sertraline", .ssri), F.drug("venlafaxine", .snri, adequateDose: false, endedDaysAgo: 90)],
                  expected: 1),
        TRDVector(name: "[R26-JP][R53] a failed trial of 5 weeks 6 days does not count",
                  trials: [F.drug("sertraline", .ssri), F.drug("venlafaxine", .snri, days: 41, endedDaysAgo: 90)],
                  expected: 1),
        TRDVector(name: "[R22][R23] ECT is not an antidepressant trial",
                  trials: [F.drug("sertraline", .ssri), F.ect()], expected: 1),
        TRDVector(name: "TMS is not an antidepressant trial",
                  trials: [F.drug("sertraline", .ssri), F.tms()], expected: 1),
        TRDVector(name: "three different failures: TRD with three counted",
                  trials: F.failures(3), expected: 3),
        TRDVector(name: "policy without different drugs: the same drug twice counts twice",
                  trials: [F.drug("sertraline", .ssri, endedDaysAgo: 100), F.drug("sertraline", .ssri)],
                  policy: TreatmentResistancePolicy(adequateTrialWeeks: 6, minimumFailedTrials: 2, requireDifferentDrugs: false),
                  expected: 2),
    ]

    @Test("Counted adequate failed trials and the TRD answer", arguments: vectors)
    func counts(_ vector: TRDVector<Int>) {
        let result = F.assess(vector.trials, policy: vector.policy)
        #expect(result.countedFailedTrials == vector.expected)
        #expect(result.isTreatmentResistant == (vector.expected >= vector.policy.minimumFailedTrials))
        #expect(result.trdExplanation.counted.count == vector.expected)
        #expect(result.trdExplanation.counted.count + result.trdExplanation.notCounted.count == vector.trials.count)
    }

    @Test("[R26-JP][R53] adequacy boundary: exactly the configured weeks is adequate, one day short is not",
          arguments: [6, 3, 4])
    func adequacyBoundary(weeks: Int) {
        let policy = TreatmentResistancePolicy(adequateTrialWeeks: weeks, minimumFailedTrials: 2, requireDifferentDrugs: true)
        let exact = F.drug("sertraline", .ssri, days: weeks * 7).adequacy(policy: policy, today: F.today)
        let short = F.drug("sertraline", .ssri, days: weeks * 7 - 1).adequacy(policy: policy, today: F.today)
        #expect(exact.isAdequate)
        #expect(exact.durationDays == weeks * 7)
        #expect(exact.requiredDays == weeks * 7)
        #expect(!short.isAdequate)
        #expect(short.reason.contains("short of \(weeks) weeks"))
    }

    @Test("[R26-JP][R53] an ongoing trial counts its days up to today")
    func ongoingAdequacy() {
        #expect(F.ongoing("sertraline", .ssri, days: 42).adequacy(policy: .defaults, today: F.today).isAdequate)
        #expect(!F.ongoing("sertraline", .ssri, days: 41).adequacy(policy: .defaults, today: F.today).isAdequate)
    }

    @Test("ECT and TMS courses are adequate when marked so; the week rule is for drugs")
    func courseAdequacy() {
        #expect(F.ect(adequate: true).adequacy(policy: .defaults, today: F.today).isAdequate)
        #expect(F.ect(adequate: true).adequacy(policy: .defaults, today: F.today).requiredDays == nil)
        #expect(!F.ect(adequate: false).adequacy(policy: .defaults, today: F.today).isAdequate)
    }

    @Test("Changing the policy to 3 weeks and 3 trials changes the answer")
    func policyChange() {
        let fourWeeks = F.drug("citalopram", .ssri, days: 28, endedDaysAgo: 200)
        let two = [fourWeeks, F.drug("sertraline", .ssri, endedDaysAgo: 100)]
        let three = two + [F.drug("venlafaxine", .snri)]
        let threeWeeksTwoTrials = TreatmentResistancePolicy(adequateTrialWeeks: 3, minimumFailedTrials: 2, requireDifferentDrugs: true)
        let threeWeeksThreeTrials = TreatmentResistancePolicy(adequateTrialWeeks: 3, minimumFailedTrials: 3, requireDifferentDrugs: true)
        let sixWeeksThreeTrials = TreatmentResistancePolicy(adequateTrialWeeks: 6, minimumFailedTrials: 3, requireDifferentDrugs: true)
        // The 4-week trial is too short by default [R26-JP][R53] …
        #expect(!F.assess(two).isTreatmentResistant)
        // … and counts once adequacy is 3 weeks.
        #expect(F.assess(two, policy: threeWeeksTwoTrials).isTreatmentResistant)
        #expect(!F.assess(two, policy: threeWeeksThreeTrials).isTreatmentResistant)
        #expect(F.assess(three).isTreatmentResistant)
        #expect(F.assess(three, policy: threeWeeksThreeTrials).countedFailedTrials == 3)
        #expect(F.assess(three, policy: threeWeeksThreeTrials).isTreatmentResistant)
        #expect(!F.assess(three, policy: sixWeeksThreeTrials).isTreatmentResistant)
        #expect(F.assess(three, policy: sixWeeksThreeTrials).trdExplanation.rule.contains("at least 3 adequate trials"))
    }

    @Test("The explanation says why each trial did or did not count, with sources")
    func explanation() {
        let result = F.assess([
            F.drug("sertraline", .ssri, endedDaysAgo: 300),
            F.drug("sertraline", .ssri, endedDaysAgo: 200),
            F.drug("venlafaxine", .snri, outcome: .intolerance, endedDaysAgo: 100),
            F.drug("fluoxetine", .ssri, inEpisode: false, endedDaysAgo: 1000),
            F.drug("mirtazapine", .other, days: 30),
            F.ect(),
        ])
        let notCounted = result.trdExplanation.notCounted.joined(separator: "\n")
        #expect(!result.isTreatmentResistant)
        #expect(result.trdExplanation.counted.count == 1)
        #expect(result.trdExplanation.counted[0].hasPrefix("sertraline (SSRI)"))
        #expect(notCounted.contains("same antidepressant"))
        #expect(notCounted.contains("intolerance"))
        #expect(notCounted.contains("earlier episode"))
        #expect(notCounted.contains("short of 6 weeks"))
        #expect(notCounted.contains("ECT is not an antidepressant drug trial"))
        #expect(result.trdExplanation.sources == ["R22", "R23", "R26-JP", "R53"])
        #expect(result.trdExplanation.conclusion.hasPrefix("Not treatment-resistant: 1"))
    }
}

@Suite("Treatment-resistance policy")
struct TreatmentResistancePolicyTests {
    @Test("Defaults are 6 weeks [R26-JP][R53], 2 trials and different drugs [R22][R23]")
    func defaults() throws {
        let policy = TreatmentResistancePolicy.defaults
        #expect(policy.adequateTrialWeeks == 6)
        #expect(policy.adequateTrialDays == 42)
        #expect(policy.minimumFailedTrials == 2)
        #expect(policy.requireDifferentDrugs)
        #expect(try policy.validated() == policy)
    }

    @Test("Out-of-range settings are refused field by field", arguments: [
        (0, 2, ["adequateTrialWeeks"]), (53, 2, ["adequateTrialWeeks"]), (6, 0, ["minimumFailedTrials"]),
        (6, 11, ["minimumFailedTrials"]), (0, 0, ["adequateTrialWeeks", "minimumFailedTrials"]),
    ] as [(Int, Int, [String])])
    func validation(weeks: Int, trials: Int, fields: [String]) {
        let policy = TreatmentResistancePolicy(adequateTrialWeeks: weeks, minimumFailedTrials: trials, requireDifferentDrugs: true)
        #expect(throws: FieldErrors.self) { try policy.validated() }
        do {
            _ = try policy.validated()
        } catch {
            #expect(error.entries.map(\.field) == fields)
        }
    }

    @Test("The admin descriptors name every stored field, show the defaults and cite sources")
    func descriptors() throws {
        let data = try JSONEncoder().encode(TreatmentResistancePolicy.defaults)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let settings = TreatmentResistancePolicy.settings
        #expect(Set(settings.map(\.field)) == Set(object.keys))
        #expect(settings.map(\.defaultValue) == ["6", "2", "on"])
        #expect(settings.map(\.sources) == [["R26-JP", "R53"], ["R22", "R23"], ["R22", "R23"]])
        #expect(settings.allSatisfy { !$0.label.isEmpty && !$0.help.isEmpty && $0.status == .sourced })
    }

    @Test("A policy survives a JSON round trip")
    func codable() throws {
        let policy = TreatmentResistancePolicy(adequateTrialWeeks: 4, minimumFailedTrials: 3, requireDifferentDrugs: false)
        let decoded = try JSONDecoder().decode(TreatmentResistancePolicy.self, from: JSONEncoder().encode(policy))
        #expect(decoded == policy)
    }
}
