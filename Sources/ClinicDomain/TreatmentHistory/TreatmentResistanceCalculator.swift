import Foundation

/// Derives TRD and the staging methods from a patient's trials (§3.1, §3.2 of the clinical
/// reference). Pure: `today` and the policy are parameters.
///
/// Scope decisions (see docs/treatment-resistance.md):
/// - Only trials marked as in the current episode count, for TRD [R22][R23] and for the staging
///   methods, which stage the current episode [R53][R54].
/// - "Failed" means an adequate trial ended in partial or no response; intolerance is not a
///   failure of efficacy, and ongoing trials have no outcome yet.
/// - ECT and TMS courses are not antidepressant drug trials and never count towards TRD; ECT
///   feeds the MSM (+1 used), MGH-S (+3 failed) and Thase–Rush (stage V, failed bilateral ECT).
///   TMS is scored by none of the methods.
/// - The staging methods count different antidepressants: a second failed trial of the same
///   drug is not a new failed antidepressant.
public enum TreatmentResistanceCalculator {
    /// TRD under `policy` and the MSM, MGH-S and Thase–Rush staging, each with its explanation.
    public static func assess(trials: [AntidepressantTrial], episode: DepressiveEpisode?,
                              policy: TreatmentResistancePolicy = .defaults,
                              today: CalendarDate) -> TreatmentResistanceAssessment {
        let review = TrialReview(trials: trials, policy: policy, today: today)
        let (trd, count, trdExplanation) = treatmentResistance(review, policy: policy)
        return TreatmentResistanceAssessment(
            isTreatmentResistant: trd, countedFailedTrials: count, trdExplanation: trdExplanation,
            maudsley: maudsley(review, episode: episode, today: today),
            mghs: mgh(review), thaseRush: thaseRush(review), policy: policy)
    }

    // MARK: TRD

    static func treatmentResistance(_ review: TrialReview, policy: TreatmentResistancePolicy)
        -> (Bool, Int, RuleExplanation) {
        var counted: [String] = [], notCounted: [String] = []
        var seen: Set<String> = []
        for item in review.items {
            let label = item.trial.summaryLabel
            if let reason = item.excludedAsDrugFailure {
                notCounted.append("\(label): \(reason)")
            } else if policy.requireDifferentDrugs && seen.contains(item.trial.drugKey) {
                notCounted.append("\(label): the same antidepressant as a trial already counted; the definitions need different antidepressants [R22][R23]")
            } else {
                seen.insert(item.trial.drugKey)
                counted.append("\(label): failed (\(item.trial.outcome.displayName.lowercased())), \(item.adequacy.reason)")
            }
        }
        let needed = policy.minimumFailedTrials
        let isTRD = counted.count >= needed
        let drugs = policy.requireDifferentDrugs ? "different antidepressants" : "antidepressants"
        let rule = "TRD: at least \(needed) adequate trial\(needed == 1 ? "" : "s") of \(drugs) without response (partial or none) in the current episode [R22][R23]; adequate = dose marked adequate and at least \(policy.adequateTrialWeeks) weeks [R26-JP][R53]."
        let conclusion = isTRD
            ? "Treatment-resistant: \(counted.count) adequate failed trial\(counted.count == 1 ? "" : "s") counted, \(needed) needed."
            : "Not treatment-resistant: \(counted.count) adequate failed trial\(counted.count == 1 ? "" : "s") counted, \(needed) needed."
        return (isTRD, counted.count, RuleExplanation(rule: rule, conclusion: conclusion, counted: counted,
                                                      notCounted: notCounted, sources: ["R22", "R23", "R26-JP", "R53"]))
    }

    // MARK: Maudsley Staging Method

    /// MSM failed-antidepressant points: 1–2 = 1, 3–4 = 2, 5–6 = 3, 7–10 = 4, >10 = 5 [R53];
    /// nil for 0, which the table does not score.
    static func failedAntidepressantPoints(_ count: Int) -> Int? {
        switch count {
        case ...0: nil
        case 1...2: 1
        case 3...4: 2
        case 5...6: 3
        case 7...10: 4
        default: 5
        }
    }

    /// MSM duration points: ≤12 months = 1, 13–24 = 2, >24 = 3 [R53], on whole months.
    static func durationPoints(months: Int) -> Int {
        switch months {
        case ...12: 1
        case 13...24: 2
        default: 3
        }
    }

    /// MSM severity points: subsyndromal 1 … severe with psychosis 5 [R53].
    static func severityPoints(_ severity: DepressiveEpisode.Severity) -> Int {
        switch severity {
        case .subsyndromal: 1
        case .mild: 2
        case .moderate: 3
        case .severe: 4
        case .severeWithPsychosis: 5
        }
    }

    static func maudsley(_ review: TrialReview, episode: DepressiveEpisode?, today: CalendarDate) -> MaudsleyStaging {
        let rule = "MSM: duration (≤12 months 1, 13–24 2, >24 3) + severity (subsyndromal 1 … severe with psychosis 5) + failed antidepressants (1–2 1, 3–4 2, 5–6 3, 7–10 4, >10 5) + augmentation used 1 + ECT used 1; range 3–15, mild 3–6, moderate 7–10, severe 11–15 [R53]."
        let failed = review.failedDrugs
        let augmentation = review.items.first { $0.inEpisode && $0.trial.kind == .medication && $0.trial.augmentation != nil }
        let ect = review.items.first { $0.inEpisode && $0.trial.kind == .ect }
        var counted = failed.map { "\($0.trial.summaryLabel): failed antidepressant, \($0.adequacy.reason)" }
        if let augmentation { counted.append("\(augmentation.trial.summaryLabel): augmentation used (\(augmentation.trial.augmentation!))") }
        if let ect { counted.append("\(ect.trial.summaryLabel): ECT used") }
        let notCounted = review.notCountedAsFailedDrug

        var missing: [String] = []
        if episode == nil { missing.append("the current episode (its start date and severity) is not recorded; enter it to score the MSM") }
        let failedPoints = failedAntidepressantPoints(failed.count)
        if failedPoints == nil {
            missing.append("no adequate failed antidepressant in the current episode; the MSM table starts at 1–2 failed antidepressants [R53], so the MSM is not scored rather than given an invented 0")
        }
        guard let episode, let failedPoints else {
            let reason = "Not scored: " + missing.joined(separator: "; ") + "."
            return MaudsleyStaging(score: nil, band: nil, components: nil, notScoredReason: reason,
                                   explanation: RuleExplanation(rule: rule, conclusion: reason, counted: counted,
                                                                notCounted: notCounted, sources: ["R53"]))
        }
        let months = episode.months(today: today)
        let components = MaudsleyStaging.Components(
            episodeMonths: months, durationPoints: durationPoints(months: months),
            severityPoints: severityPoints(episode.severity), failedAntidepressants: failed.count,
            failedAntidepressantPoints: failedPoints, augmentationPoints: augmentation == nil ? 0 : 1,
            ectPoints: ect == nil ? 0 : 1)
        let score = components.total
        let band = MaudsleyStaging.Band(score: score)
        let conclusion = "MSM \(score) (\(band.rawValue)): duration \(months) months = \(components.durationPoints), severity \(episode.severity.displayName.lowercased()) = \(components.severityPoints), \(failed.count) failed antidepressant\(failed.count == 1 ? "" : "s") = \(failedPoints), augmentation = \(components.augmentationPoints), ECT = \(components.ectPoints)."
        return MaudsleyStaging(score: score, band: band, components: components, notScoredReason: nil,
                               explanation: RuleExplanation(rule: rule, conclusion: conclusion, counted: counted,
                                                            notCounted: notCounted, sources: ["R53"]))
    }

    // MARK: MGH-S

    static func mgh(_ review: TrialReview) -> MGHStaging {
        let rule = "MGH-S: 1 point per different antidepressant failed at an adequate trial; +0.5 per failed adequate trial with the dose optimised; +0.5 per failed adequate trial with augmentation; +3 for a failed adequate ECT course; continuous total [R53]."
        let failedTrials = review.items.filter { $0.isFailedAdequateDrugTrial }
        let optimised = failedTrials.filter { $0.trial.optimised }
        let augmented = failedTrials.filter { $0.trial.augmentation != nil }
        let ect = review.items.first { $0.isFailedAdequateCourse(.ect) }
        var counted = review.failedDrugs.map { "\($0.trial.summaryLabel): failed antidepressant, 1 point" }
        counted += optimised.map { "\($0.trial.summaryLabel): dose optimised, 0.5" }
        counted += augmented.map { "\($0.trial.summaryLabel): augmented with \($0.trial.augmentation!), 0.5" }
        if let ect { counted.append("\(ect.trial.summaryLabel): failed ECT course, 3 points") }
        var notCounted = review.notCountedAsFailedDrug
        notCounted += review.items.filter { $0.trial.kind == .ect && $0.inEpisode && !$0.isFailedAdequateCourse(.ect) }
            .map { "\($0.trial.summaryLabel): ECT course not failed at an adequate course (\($0.trial.outcome.displayName.lowercased()); \($0.adequacy.reason)), no points" }
        let components = MGHStaging.Components(failedTrials: review.failedDrugs.count, optimisations: optimised.count,
                                               augmentations: augmented.count, failedECT: ect != nil)
        let score = components.total
        let conclusion = "MGH-S \(TreatmentResistanceAssessment.format(score)): \(components.failedTrials) failed antidepressant\(components.failedTrials == 1 ? "" : "s"), \(components.optimisations) optimisation\(components.optimisations == 1 ? "" : "s"), \(components.augmentations) augmentation\(components.augmentations == 1 ? "" : "s"), ECT \(components.failedECT ? "3" : "0")."
        return MGHStaging(score: score, components: components,
                          explanation: RuleExplanation(rule: rule, conclusion: conclusion, counted: counted,
                                                       notCounted: notCounted, sources: ["R53"]))
    }

    // MARK: Thase–Rush

    static func thaseRush(_ review: TrialReview) -> ThaseRushStaging {
        let rule = "Thase–Rush: 0 responded to an adequate trial; I failed an adequate trial of one major class; II also failed a different class; III also failed a TCA; IV also failed an MAOI; V also failed bilateral ECT. Stages are cumulative: each needs the one below and a new failure [R54]."
        let failed = review.items.filter { $0.isFailedAdequateDrugTrial }
        let classes = Set(failed.compactMap { $0.trial.drugClass })
        let bilateralECT = review.items.first { $0.isFailedAdequateCourse(.ect) && $0.trial.ectPlacement == .bilateral }
        let unilateralECT = review.items.first { $0.isFailedAdequateCourse(.ect) && $0.trial.ectPlacement != .bilateral }
        let responded = review.items.first {
            $0.inEpisode && $0.trial.kind == .medication && $0.trial.outcome == .response && $0.adequacy.isAdequate
        }
        let ordered = AntidepressantTrial.DrugClass.allCases.filter(classes.contains)
        var counted = failed.map { "\($0.trial.summaryLabel): failed, class \($0.trial.drugClass?.rawValue.uppercased() ?? "unknown")" }
        if let bilateralECT { counted.append("\(bilateralECT.trial.summaryLabel): failed bilateral ECT") }
        var notes: [String] = []
        let stage: ThaseRushStage?
        if classes.isEmpty {
            if let responded {
                stage = .stage0
                counted.append("\(responded.trial.summaryLabel): responded, \(responded.adequacy.reason)")
            } else {
                stage = nil
                notes.append("No adequate antidepressant trial with an outcome in the current episode; nothing to stage from.")
            }
        } else {
            // Stage III needs stage II reached without the TCA or MAOI, so that each stage adds a
            // failure of its own; stage IV needs III, and V needs IV [R54].
            let majorOthers = classes.subtracting([.tca, .maoi])
            let tca = classes.contains(.tca), maoi = classes.contains(.maoi)
            var reached: ThaseRushStage = classes.count >= 2 ? .stageII : .stageI
            if majorOthers.count >= 2 && tca {
                reached = .stageIII
                if maoi {
                    reached = .stageIV
                    if bilateralECT != nil { reached = .stageV }
                }
            }
            stage = reached
            if reached < .stageIII && tca {
                notes.append("A TCA failed, but stage III needs stage II reached with two other classes (not TCA or MAOI) first; the TCA counts as a different class for stage II [R54].")
            }
            if reached < .stageIV && maoi {
                notes.append("An MAOI failed, but stage IV needs stage III (two other classes and a failed TCA) first; stages are cumulative [R54].")
            }
            if reached < .stageV && bilateralECT != nil {
                notes.append("Bilateral ECT failed, but stage V needs stage IV (a failed TCA and MAOI) first [R54].")
            }
        }
        if unilateralECT != nil && stage != .stageV {
            notes.append("Unilateral ECT does not count towards stage V, which names bilateral ECT [R54].")
        }
        let classList = ordered.map { $0.rawValue.uppercased() }.joined(separator: ", ")
        let conclusion = stage.map { "Thase–Rush \($0.roman)" + (classes.isEmpty ? ": responded to an adequate trial, none failed." : ": failed class\(classes.count == 1 ? "" : "es") \(classList)\(bilateralECT == nil ? "" : ", and bilateral ECT").") }
            ?? "Not staged: no adequate trial with an outcome in the current episode."
        let notCounted = review.notCountedAsFailedDrug
        if responded != nil && !classes.isEmpty {
            notes.append("A later response does not lower the stage; the stage counts failures [R54].")
        }
        return ThaseRushStaging(stage: stage, explanation: RuleExplanation(
            rule: rule, conclusion: conclusion, counted: counted, notCounted: notCounted, notes: notes,
            sources: ["R54"]))
    }
}

/// Each trial with its adequacy and where it stands, computed once for all the methods.
struct TrialReview {
    struct Item {
        let trial: AntidepressantTrial
        let adequacy: TrialAdequacy

        var inEpisode: Bool { trial.inCurrentEpisode }

        /// An adequate antidepressant trial in the current episode that failed.
        var isFailedAdequateDrugTrial: Bool { excludedAsDrugFailure == nil }

        /// An adequate course of `kind` in the current episode that failed.
        func isFailedAdequateCourse(_ kind: AntidepressantTrial.Kind) -> Bool {
            trial.kind == kind && inEpisode && trial.outcome.isFailure && adequacy.isAdequate
        }

        /// Why the trial is not an adequate failed antidepressant trial in the current episode; nil when it is.
        var excludedAsDrugFailure: String? {
            switch trial.kind {
            case .ect:
                return "ECT is not an antidepressant drug trial; the TRD definitions count antidepressants [R22][R23]. It is scored by the MSM, MGH-S and Thase–Rush [R53][R54]."
            case .tms:
                return "TMS is not an antidepressant drug trial [R22][R23], and none of the staging methods scores it [R53][R54]."
            case .medication:
                break
            }
            if !inEpisode { return "an earlier episode; only the current episode counts [R22][R23]" }
            switch trial.outcome {
            case .response: return "responded, not a failure"
            case .intolerance: return "stopped for intolerance, which is not a failure of efficacy"
            case .ongoing: return "ongoing, no outcome yet (\(adequacy.reason))"
            case .partialResponse, .noResponse: break
            }
            if !adequacy.isAdequate { return "failed but \(adequacy.reason)" }
            return nil
        }
    }

    let items: [Item]
    /// Failed adequate antidepressant trials in the current episode, one per drug (the first).
    let failedDrugs: [Item]
    /// Why each other trial did not count as a failed antidepressant, for the explanations.
    let notCountedAsFailedDrug: [String]

    init(trials: [AntidepressantTrial], policy: TreatmentResistancePolicy, today: CalendarDate) {
        let items = trials.sorted { $0.startedOn < $1.startedOn }
            .map { Item(trial: $0, adequacy: $0.adequacy(policy: policy, today: today)) }
        var seen: Set<String> = [], failed: [Item] = [], notCounted: [String] = []
        for item in items {
            if let reason = item.excludedAsDrugFailure {
                notCounted.append("\(item.trial.summaryLabel): \(reason)")
            } else if seen.contains(item.trial.drugKey) {
                notCounted.append("\(item.trial.summaryLabel): the same antidepressant as a trial already counted, counted once")
            } else {
                seen.insert(item.trial.drugKey)
                failed.append(item)
            }
        }
        self.items = items
        self.failedDrugs = failed
        self.notCountedAsFailedDrug = notCounted
    }
}
