import Foundation

/// The result of scoring one administration of an instrument: the total, its band and the flags a
/// clinician must see.
public struct InstrumentScore: Equatable, Sendable, Codable {
    /// Which instrument was scored.
    public let instrument: InstrumentID
    /// The answers as given, one per item; nil = explicitly missing.
    public let answers: [Int?]
    /// The total; nil when it cannot be computed (a missing item, since no instrument here has a
    /// prorating rule, or the C-SSRS, which has no total).
    public let total: Int?
    /// The label of the band the total falls in; for the C-SSRS the triage level ("high risk",
    /// "moderate risk", "low risk") [R48]; nil when there is no total, no band, or nothing endorsed.
    public let severity: String?
    /// Stable flag strings: "suicidal-ideation", "cssrs-high-risk", "cssrs-moderate-risk",
    /// "cssrs-low-risk", "dissociation", "probable-ptsd", "ptsd-dsm5-criteria", "missing-items".
    public let flags: [String]
    /// The 1-based numbers of the items that are missing and were not legitimately skipped.
    public let missingItems: [Int]
    /// QIDS-SR16 only: the nine domain scores [R44], for each domain whose items are all answered; nil
    /// for every other instrument.
    public let domainScores: [String: Int]?

    /// True when the score needs an immediate suicidality follow-up: PHQ-9 item 9 above 0
    /// [R42-calc] or a high-risk C-SSRS screen [R48].
    public var isSuicidalityAlert: Bool {
        flags.contains(InstrumentFlag.suicidalIdeation) || flags.contains(InstrumentFlag.cssrsHighRisk)
    }
}

/// The flag strings of ``InstrumentScore/flags``; stored and sent over the API, so never renamed.
public enum InstrumentFlag {
    /// PHQ-9 item 9 above 0: needs immediate follow-up whatever the total [R42-calc].
    public static let suicidalIdeation = "suicidal-ideation"
    /// C-SSRS screener: Q4 or Q5 yes, or suicidal behaviour within the past 3 months [R48].
    public static let cssrsHighRisk = "cssrs-high-risk"
    /// C-SSRS screener: Q3 yes, or suicidal behaviour more than 3 months ago [R48].
    public static let cssrsModerateRisk = "cssrs-moderate-risk"
    /// C-SSRS screener: Q1 or Q2 yes only [R48].
    public static let cssrsLowRisk = "cssrs-low-risk"
    /// CADSS total above 4 [R27].
    public static let dissociation = "dissociation"
    /// PCL-5 total of 31 or more, the lower end of the provisional 31–33 cut-off [R51].
    public static let probablePTSD = "probable-ptsd"
    /// PCL-5 answers meet the DSM-5 cluster rule [R51].
    public static let ptsdDSM5Criteria = "ptsd-dsm5-criteria"
    /// At least one item is missing; the total (if any) and the band are not computed.
    public static let missingItems = "missing-items"
}

/// Scores instrument answers: pure, with every rule from shared/reference/clinical.md §5.
///
/// Rules every instrument shares:
/// - a wrong number of answers, or a value an item does not allow, is refused;
/// - no instrument here has a prorating rule in the reference, so any missing item leaves the total
///   and the band nil and adds "missing-items";
/// - a flag is raised when the answers given already establish it (a missing answer can only add to
///   a sum or an endorsement count), so a missing item never hides a flag the answered items prove.
public enum InstrumentScoring {
    /// Scores answers (one per item, nil = explicitly missing). Throws FieldErrors keyed "item1"… for
    /// out-of-range values and "answers" for a wrong count.
    public static func score(_ id: InstrumentID, answers: [Int?]) throws(FieldErrors) -> InstrumentScore {
        let instrument = Instrument.named(id)
        var errors = FieldErrors()
        guard answers.count == instrument.items.count else {
            errors.add("answers", "\(instrument.shortName) has \(instrument.items.count) items; "
                       + "\(answers.count) \(answers.count == 1 ? "answer was" : "answers were") given.")
            throw errors
        }
        for (item, answer) in zip(instrument.items, answers) {
            if let answer, !item.allows(answer) {
                let range = item.valueRange
                errors.add("item\(item.number)", "Item \(item.number) (\(item.shortLabel)): \(answer) is not an allowed "
                           + "answer; use \(range.lowerBound)–\(range.upperBound).")
            }
        }
        try errors.throwIfAny()
        if id == .cssrs { return try scoreCSSRS(answers) }
        return scoreSummed(instrument, answers: answers)
    }

    /// Instruments with a total: the sum of the items (QIDS-SR16: of its nine domains).
    private static func scoreSummed(_ instrument: Instrument, answers: [Int?]) -> InstrumentScore {
        let missing = answers.indices.filter { answers[$0] == nil }.map { $0 + 1 }
        let answeredSum = answers.reduce(0) { $0 + ($1 ?? 0) }
        var domainScores: [String: Int]?
        var total: Int?
        if instrument.id == .qidsSR16 {
            let domains = qidsDomainScores(answers)
            domainScores = domains
            if missing.isEmpty { total = domains.values.reduce(0, +) }      // sum of the 9 domains [R44]
        } else if missing.isEmpty {
            total = answeredSum
        }
        var flags: [String] = []
        switch instrument.id {
        case .phq9:
            if let item9 = answers[Instrument.phq9SuicidalIdeationItem - 1], item9 > 0 {
                flags.append(InstrumentFlag.suicidalIdeation)            // [R42-calc]
            }
        case .pcl5:
            // A missing item only adds to the sum, so the answered sum is a lower bound of the total.
            if answeredSum >= Instrument.pclProbablePTSDAtOrAbove { flags.append(InstrumentFlag.probablePTSD) }   // [R51]
            if meetsPCL5Clusters(answers) { flags.append(InstrumentFlag.ptsdDSM5Criteria) }                      // [R51]
        case .cadss:
            if answeredSum > Instrument.cadssDissociationAbove { flags.append(InstrumentFlag.dissociation) }    // [R27]
        default:
            break
        }
        if !missing.isEmpty { flags.append(InstrumentFlag.missingItems) }
        return InstrumentScore(instrument: instrument.id, answers: answers, total: total,
                               severity: total.flatMap { instrument.band(for: $0)?.label }, flags: flags,
                               missingItems: missing, domainScores: domainScores)
    }

    /// The QIDS-SR16 domain scores [R44]: each domain is the highest of its items, for each domain
    /// whose items are all answered.
    static func qidsDomainScores(_ answers: [Int?]) -> [String: Int] {
        var scores: [String: Int] = [:]
        for domain in Instrument.qidsDomains {
            let values = domain.items.map { answers[$0 - 1] }
            guard !values.contains(nil), let highest = values.compactMap({ $0 }).max() else { continue }
            scores[domain.key] = highest
        }
        return scores
    }

    /// The DSM-5 rule on the PCL-5: an item at 2 or more is endorsed; at least 1 of B, 1 of C, 2 of D
    /// and 2 of E [R51]. Counted on the answered items: a missing item can only add endorsements.
    static func meetsPCL5Clusters(_ answers: [Int?]) -> Bool {
        Instrument.pclClusters.allSatisfy { cluster in
            cluster.items.filter { (answers[$0 - 1] ?? 0) >= Instrument.pclEndorsedAtOrAbove }.count >= cluster.needed
        }
    }

    /// The C-SSRS screener triage [R48]: Q4 or Q5 yes, or Q6 yes within 3 months → high; Q3 yes, or Q6
    /// yes more than 3 months ago → moderate; Q1 or Q2 yes only → low; all no → no flag. Q3–5 may be
    /// left out when Q2 is no and item 7 when Q6 is no; a yes to them then is refused as contradictory.
    static func scoreCSSRS(_ answers: [Int?]) throws(FieldErrors) -> InstrumentScore {
        func answer(_ item: Int) -> Int? { answers[item - 1] }
        func yes(_ item: Int) -> Bool { answer(item) == 1 }
        var errors = FieldErrors()
        let suicidalThoughtsNo = answer(2) == 0
        let behaviourNo = answer(6) == 0
        if suicidalThoughtsNo {
            for item in Instrument.cssrsItemsAfterSuicidalThoughts where yes(item) {
                errors.add("item\(item)", "Item \(item) is asked only when item 2 (suicidal thoughts) is yes; "
                           + "item 2 is no. Correct item 2 or item \(item).")
            }
        }
        let recent = Instrument.cssrsRecentBehaviourItem
        if behaviourNo, yes(recent) {
            errors.add("item\(recent)", "Item \(recent) (within the past 3 months) applies only when item 6 "
                       + "(suicidal behaviour) is yes; item 6 is no. Correct item 6 or item \(recent).")
        }
        try errors.throwIfAny()
        let missing = (1...answers.count).filter { item in
            guard answer(item) == nil else { return false }
            if suicidalThoughtsNo, Instrument.cssrsItemsAfterSuicidalThoughts.contains(item) { return false }
            if behaviourNo, item == recent { return false }
            return true
        }
        // Q6 yes with its timing missing is triaged high: recent behaviour (high [R48]) cannot be ruled
        // out, and a missing answer must never hide a flag.
        let level: (flag: String, label: String)? =
            if yes(4) || yes(5) || (yes(6) && (yes(recent) || answer(recent) == nil)) { (InstrumentFlag.cssrsHighRisk, "high risk") }
            else if yes(3) || yes(6) { (InstrumentFlag.cssrsModerateRisk, "moderate risk") }
            else if yes(1) || yes(2) { (InstrumentFlag.cssrsLowRisk, "low risk") }
            else { nil }
        var flags = level.map { [$0.flag] } ?? []
        if !missing.isEmpty { flags.append(InstrumentFlag.missingItems) }
        return InstrumentScore(instrument: .cssrs, answers: answers, total: nil, severity: level?.label, flags: flags,
                               missingItems: missing, domainScores: nil)
    }
}
