import Foundation

/// How a derived value was reached: the rule, its conclusion, which trials counted and why the
/// others did not, and the source keys. Shown next to every value so a prescriber can check it.
public struct RuleExplanation: Codable, Equatable, Sendable {
    /// The rule as applied, e.g. "TRD: at least 2 adequate failed trials of different antidepressants…".
    public var rule: String
    /// The conclusion in one sentence.
    public var conclusion: String
    /// Trials (or components) that counted, each with why.
    public var counted: [String]
    /// Trials that did not count, each with why.
    public var notCounted: [String]
    /// Edge cases met and how they were decided.
    public var notes: [String]
    /// Source keys into the clinical reference, e.g. `R53`.
    public var sources: [String]

    /// Creates an explanation.
    public init(rule: String, conclusion: String, counted: [String] = [], notCounted: [String] = [],
                notes: [String] = [], sources: [String]) {
        self.rule = rule
        self.conclusion = conclusion
        self.counted = counted
        self.notCounted = notCounted
        self.notes = notes
        self.sources = sources
    }
}

/// The Maudsley Staging Method result [R53]: a score 3–15 with its band, or why it was not scored.
public struct MaudsleyStaging: Codable, Equatable, Sendable {
    /// The MSM bands [R53].
    public enum Band: String, CaseIterable, Codable, Equatable, Sendable {
        /// Mild resistance, 3–6 [R53].
        case mild
        /// Moderate resistance, 7–10 [R53].
        case moderate
        /// Severe resistance, 11–15 [R53].
        case severe

        /// The band for a total: mild 3–6, moderate 7–10, severe 11–15 [R53].
        public init(score: Int) {
            switch score {
            case ...6: self = .mild
            case 7...10: self = .moderate
            default: self = .severe
            }
        }
    }

    /// The points of each MSM item [R53].
    public struct Components: Codable, Equatable, Sendable {
        /// Whole months of the current episode.
        public var episodeMonths: Int
        /// ≤12 months = 1, 13–24 = 2, >24 = 3.
        public var durationPoints: Int
        /// Subsyndromal 1, mild 2, moderate 3, severe 4, severe with psychosis 5.
        public var severityPoints: Int
        /// Different antidepressants failed at an adequate trial in the current episode.
        public var failedAntidepressants: Int
        /// 1–2 = 1, 3–4 = 2, 5–6 = 3, 7–10 = 4, >10 = 5.
        public var failedAntidepressantPoints: Int
        /// 1 when augmentation was used in the current episode.
        public var augmentationPoints: Int
        /// 1 when ECT was used in the current episode.
        public var ectPoints: Int

        /// The sum of the items.
        public var total: Int {
            durationPoints + severityPoints + failedAntidepressantPoints + augmentationPoints + ectPoints
        }
    }

    /// The total 3–15; nil when not scored.
    public var score: Int?
    /// The band; nil when not scored.
    public var band: Band?
    /// The item points; nil when not scored.
    public var components: Components?
    /// Why it was not scored (missing episode, no failed antidepressant); nil when scored.
    public var notScoredReason: String?
    /// How it was reached.
    public var explanation: RuleExplanation
}

/// The Massachusetts General Hospital staging score (MGH-S) [R53]: a continuous total.
public struct MGHStaging: Codable, Equatable, Sendable {
    /// The parts of the total [R53].
    public struct Components: Codable, Equatable, Sendable {
        /// Different antidepressants failed at an adequate trial in the current episode: 1 point each.
        public var failedTrials: Int
        /// Failed adequate trials whose dose was optimised: 0.5 each.
        public var optimisations: Int
        /// Failed adequate trials with augmentation: 0.5 each.
        public var augmentations: Int
        /// An adequate ECT course failed in the current episode: 3 points, once.
        public var failedECT: Bool

        /// failed + 0.5 × optimisations + 0.5 × augmentations + 3 for ECT [R53].
        public var total: Double {
            Double(failedTrials) + 0.5 * Double(optimisations) + 0.5 * Double(augmentations) + (failedECT ? 3 : 0)
        }
    }

    /// The total (0 and up, in steps of 0.5).
    public var score: Double
    /// The parts.
    public var components: Components
    /// How it was reached.
    public var explanation: RuleExplanation
}

/// The Thase–Rush stage [R54].
public enum ThaseRushStage: Int, Codable, Comparable, CaseIterable, Sendable {
    /// Responded to an adequate trial; no failure.
    case stage0 = 0
    /// Failed at least one adequate trial of one major class.
    case stageI = 1
    /// Stage I and failed an adequate trial of a different class.
    case stageII = 2
    /// Stage II and failed a tricyclic (TCA).
    case stageIII = 3
    /// Stage III and failed a monoamine-oxidase inhibitor (MAOI).
    case stageIV = 4
    /// Stage IV and failed bilateral ECT.
    case stageV = 5

    /// "0", "I" … "V".
    public var roman: String { ["0", "I", "II", "III", "IV", "V"][rawValue] }

    /// Orders the stages 0 < I < … < V.
    public static func < (lhs: ThaseRushStage, rhs: ThaseRushStage) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The Thase–Rush result: a stage, or why none could be given.
public struct ThaseRushStaging: Codable, Equatable, Sendable {
    /// The stage; nil when there is no adequate trial to stage from.
    public var stage: ThaseRushStage?
    /// How it was reached, including stages that were not reached and why.
    public var explanation: RuleExplanation
}

/// Everything derived from a patient's trials: TRD under the clinic's definition and the three
/// staging methods, each with its explanation.
public struct TreatmentResistanceAssessment: Codable, Equatable, Sendable {
    /// TRD under `policy`.
    public var isTreatmentResistant: Bool
    /// The adequate failed antidepressant trials counted for TRD.
    public var countedFailedTrials: Int
    /// How the TRD answer was reached.
    public var trdExplanation: RuleExplanation
    /// Maudsley Staging Method [R53].
    public var maudsley: MaudsleyStaging
    /// MGH-S [R53].
    public var mghs: MGHStaging
    /// Thase–Rush [R54].
    public var thaseRush: ThaseRushStaging
    /// The policy the assessment used.
    public var policy: TreatmentResistancePolicy

    /// One line for the chart header, e.g. "TRD · MSM 9 (moderate) · MGH-S 3.5 · Thase–Rush II".
    public var headline: String {
        let trd = isTreatmentResistant ? "TRD" : "Not TRD"
        let msm = maudsley.score.map { "MSM \($0) (\(maudsley.band!.rawValue))" } ?? "MSM not scored"
        let mgh = "MGH-S \(Self.format(mghs.score))"
        let thase = thaseRush.stage.map { "Thase–Rush \($0.roman)" } ?? "Thase–Rush not staged"
        return [trd, msm, mgh, thase].joined(separator: " · ")
    }

    static func format(_ score: Double) -> String {
        NumberText.plain(score)
    }
}
