import ClinicDomain
import Testing

/// `count` copies of `value`, as answers.
private func all(_ value: Int?, _ count: Int) -> [Int?] { Array(repeating: value, count: count) }

/// `answers` with item `number` (1-based) set to `value`.
private func with(_ answers: [Int?], _ number: Int, _ value: Int?) -> [Int?] {
    var changed = answers
    changed[number - 1] = value
    return changed
}

/// Answers that sum to `total`, filling items from the first with each item's maximum.
private func summing(to total: Int, maxima: [Int]) -> [Int?] {
    var left = total
    return maxima.map { maximum in
        let value = min(maximum, left)
        left -= value
        return value
    }
}

/// The item maxima of an instrument.
private func maxima(_ id: InstrumentID) -> [Int] { Instrument.named(id).items.map(\.valueRange.upperBound) }

@Suite("Instrument library: items, ranges, bands and codes [R42][R43][R44][R45][R46][R48][R49][R51]")
struct InstrumentLibraryTests {
    @Test("Item counts, item maxima and total ranges", arguments: [
        (InstrumentID.phq9, 9, 27),       // [R42]
        (.gad7, 7, 21),                   // [R43]
        (.qidsSR16, 16, 27),              // items 0–3, total of 9 domains 0–27 [R44]
        (.pcl5, 20, 80),                  // [R51]
        (.madrs, 10, 60),                 // [R45]
        (.hamd17, 17, 52),                // [R46]
        (.cadss, 23, 92),                 // derived 23 × 4, not verified [R49]
    ])
    func shape(id: InstrumentID, items: Int, maximum: Int) {
        let instrument = Instrument.named(id)
        #expect(instrument.items.count == items)
        #expect(instrument.items.map(\.number) == Array(1...items))
        #expect(instrument.totalRange == 0...maximum)
        if id != .qidsSR16 { #expect(maxima(id).reduce(0, +) == maximum) }
        if let first = instrument.bands.first, let last = instrument.bands.last {
            #expect(first.range.lowerBound == 0 && last.range.upperBound == maximum)
            for (lower, upper) in zip(instrument.bands, instrument.bands.dropFirst()) {
                #expect(lower.range.upperBound + 1 == upper.range.lowerBound)
            }
        }
        #expect(!instrument.allowsProrating)
    }

    @Test("HAM-D17 item ranges: items 1,2,3,7,8,9,10,11,15 are 0–4, the others 0–2 [R46]")
    func hamdRanges() {
        #expect(maxima(.hamd17) == [4, 4, 4, 2, 2, 2, 4, 4, 4, 4, 4, 2, 2, 2, 4, 2, 2])
    }

    @Test("Wording only for free instruments; self-report flags [R42-USCore][R51-mh][R48-Clario][R47-GPDS]")
    func wording() {
        for instrument in Instrument.all {
            let free = [InstrumentID.phq9, .gad7, .qidsSR16, .pcl5].contains(instrument.id)
            #expect(instrument.isSelfReport == free)
            #expect(instrument.items.allSatisfy { ($0.text != nil) == free && !$0.shortLabel.isEmpty })
            #expect((instrument.instructions != nil) == free)
        }
        #expect(Instrument.all.map(\.id) == InstrumentID.allCases)
        #expect(Instrument.named(.phq9).items[8].text == "Thoughts that you would be better off dead or of hurting yourself in some way")
        #expect(Instrument.named(.pcl5).items[0].options.map(\.label) == ["Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"])
    }

    @Test("LOINC codes per §8.1 [R42-USCore][R57-code][R57-PHR][R48-HL7]")
    func loinc() {
        let phq9 = Instrument.named(.phq9)
        #expect(phq9.panelLOINC == "44249-1" && phq9.totalLOINC == "44261-6")
        #expect(phq9.items.map(\.loinc) == ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5",
                                            "44253-3", "44260-8"])
        let gad7 = Instrument.named(.gad7)
        #expect(gad7.panelLOINC == "69737-5" && gad7.totalLOINC == "70274-6")
        let cssrs = Instrument.named(.cssrs)
        #expect(cssrs.panelLOINC == "93373-9" && cssrs.totalLOINC == "93374-7")
        #expect(cssrs.items.map(\.loinc) == ["93246-7", "93247-5", "93248-3", "93249-1", "93250-9", "93267-3", "93269-9"])
        for id in [InstrumentID.qidsSR16, .pcl5, .madrs, .hamd17, .cadss] {   // NOT FOUND (§8.1)
            #expect(Instrument.named(id).totalLOINC == nil && Instrument.named(id).panelLOINC == nil)
        }
    }

    @Test("Remission and response per §5.2 [R44][R46][R55-ESC][R55-KetECT][R55-ELEKT]", arguments: [
        (InstrumentID.phq9, 4 as Int?, 0.5 as Double?),   // PHQ-9 < 5
        (.gad7, nil, nil),
        (.qidsSR16, 5, 0.5),
        (.pcl5, nil, nil),
        (.madrs, 10, 0.5),                                  // ≤12 alternative [R55-SUS3] documented only
        (.hamd17, 7, nil),
        (.cadss, nil, nil),
        (.cssrs, nil, nil),
    ] as [(InstrumentID, Int?, Double?)])
    func remission(id: InstrumentID, remission: Int?, response: Double?) {
        #expect(Instrument.named(id).remissionAtOrBelow == remission)
        #expect(Instrument.named(id).responseFraction == response)
    }

    @Test("C-SSRS and CADSS have no bands (none defined / NOT FOUND) [R48][R49]")
    func noBands() {
        #expect(Instrument.named(.cssrs).bands.isEmpty && Instrument.named(.cssrs).totalRange == nil)
        #expect(Instrument.named(.cadss).bands.isEmpty)
        #expect(Instrument.named(.pcl5).bands.isEmpty)
    }
}

@Suite("Instrument scoring: totals and bands on each side of every boundary")
struct InstrumentBandTests {
    @Test("All zeros and all maxima", arguments: [
        (InstrumentID.phq9, "minimal", "severe"),           // [R42]
        (.gad7, "minimal", "severe"),                        // [R43]
        (.qidsSR16, "none", "very severe"),                  // [R44]
        (.pcl5, nil, nil),                                   // no bands [R51]
        (.madrs, "absent", "severe"),                        // [R45]
        (.hamd17, "normal", "severe"),                       // [R46]
        (.cadss, nil, nil),                                  // NOT FOUND [R49]
    ] as [(InstrumentID, String?, String?)])
    func extremes(id: InstrumentID, lowest: String?, highest: String?) throws {
        let zero = try InstrumentScoring.score(id, answers: all(0, maxima(id).count))
        #expect(zero.total == 0 && zero.severity == lowest && zero.flags.isEmpty && zero.missingItems.isEmpty)
        let top = try InstrumentScoring.score(id, answers: maxima(id).map { $0 })
        #expect(top.total == Instrument.named(id).totalRange?.upperBound)
        #expect(top.severity == highest)
    }

    @Test("Band boundaries, one point either side", arguments: [
        (InstrumentID.phq9, 4, "minimal"), (.phq9, 5, "mild"), (.phq9, 9, "mild"), (.phq9, 10, "moderate"),
        (.phq9, 14, "moderate"), (.phq9, 15, "moderately severe"), (.phq9, 19, "moderately severe"), (.phq9, 20, "severe"),  // [R42]
        (.gad7, 4, "minimal"), (.gad7, 5, "mild"), (.gad7, 9, "mild"), (.gad7, 10, "moderate"),
        (.gad7, 14, "moderate"), (.gad7, 15, "severe"),                                                                      // [R43]
        (.madrs, 6, "absent"), (.madrs, 7, "mild"), (.madrs, 19, "mild"), (.madrs, 20, "moderate"),
        (.madrs, 34, "moderate"), (.madrs, 35, "severe"),                                                                    // Snaith [R45]
        (.hamd17, 7, "normal"), (.hamd17, 8, "mild"), (.hamd17, 16, "mild"), (.hamd17, 17, "moderate"),
        (.hamd17, 23, "moderate"), (.hamd17, 24, "severe"),                                                                  // [R46]
    ] as [(InstrumentID, Int, String)])
    func boundaries(id: InstrumentID, total: Int, band: String) throws {
        let answers = summing(to: total, maxima: maxima(id))
        let score = try InstrumentScoring.score(id, answers: answers)
        #expect(score.total == total)
        #expect(score.severity == band)
    }

    @Test("QIDS-SR16 band boundaries: the total is the sum of the 9 domains [R44]", arguments: [
        (5, "none"), (6, "mild"), (10, "mild"), (11, "moderate"), (15, "moderate"), (16, "severe"), (20, "severe"),
        (21, "very severe"),
    ])
    func qidsBoundaries(total: Int, band: String) throws {
        // Fill the single-item domains and the first item of each multi-item domain.
        let domainItems = Instrument.qidsDomains.map { $0.items[0] }
        let perDomain = summing(to: total, maxima: Array(repeating: 3, count: domainItems.count))
        var answers = all(0, 16)
        for (item, value) in zip(domainItems, perDomain) { answers[item - 1] = value }
        let score = try InstrumentScoring.score(.qidsSR16, answers: answers)
        #expect(score.total == total)
        #expect(score.severity == band)
    }

    @Test("QIDS-SR16 domains take the highest item, not the sum [R44]")
    func qidsDomains() throws {
        var answers = all(0, 16)
        answers[0] = 3                 // sleep items 1–4: 3, 0, 0, 0 → sleep 3
        answers[5] = 1; answers[6] = 2; answers[7] = 2; answers[8] = 1   // appetite/weight items 6–9 → 2
        answers[14] = 1; answers[15] = 3   // psychomotor items 15–16 → 3
        answers[11] = 1                // suicidal ideation item 12
        let score = try InstrumentScoring.score(.qidsSR16, answers: answers)
        let domains = try #require(score.domainScores)
        #expect(domains.count == 9)
        #expect(domains["sleep"] == 3 && domains["appetite-weight"] == 2 && domains["psychomotor"] == 3)
        #expect(domains["suicidal-ideation"] == 1 && domains["sad-mood"] == 0)
        #expect(score.total == 9)      // 3 + 2 + 3 + 1, not the item sum 14
        #expect(score.severity == "mild")
        #expect(score.flags.isEmpty)   // the reference defines no QIDS item flag
    }

    @Test("Only QIDS-SR16 reports domain scores")
    func onlyQIDSDomains() throws {
        #expect(try InstrumentScoring.score(.phq9, answers: all(0, 9)).domainScores == nil)
        #expect(try InstrumentScoring.score(.qidsSR16, answers: all(1, 16)).domainScores?.values.allSatisfy { $0 == 1 } == true)
    }
}

@Suite("Instrument scoring: flags [R42-calc][R27][R51][R48]")
struct InstrumentFlagTests {
    @Test("PHQ-9 item 9 at 1 flags suicidal ideation, at 0 does not, whatever the total [R42-calc]", arguments: [
        (0, false), (1, true), (2, true), (3, true),
    ])
    func phq9Item9(value: Int, flagged: Bool) throws {
        let score = try InstrumentScoring.score(.phq9, answers: with(all(0, 9), 9, value))
        #expect(score.flags.contains("suicidal-ideation") == flagged)
        #expect(score.isSuicidalityAlert == flagged)
        #expect(score.total == value && score.severity == "minimal")
    }

    @Test("PHQ-9 item 9 flags even when other items are missing [R42-calc]")
    func phq9Item9WithMissing() throws {
        let score = try InstrumentScoring.score(.phq9, answers: with(all(nil, 9), 9, 1))
        #expect(score.flags == ["suicidal-ideation", "missing-items"])
        #expect(score.total == nil)
    }

    @Test("CADSS flags dissociation above 4: at 5, not at 4 [R27]", arguments: [(4, false), (5, true), (92, true), (0, false)])
    func cadss(total: Int, flagged: Bool) throws {
        let score = try InstrumentScoring.score(.cadss, answers: summing(to: total, maxima: maxima(.cadss)))
        #expect(score.total == total)
        #expect(score.flags.contains("dissociation") == flagged)
        #expect(score.severity == nil)
    }

    @Test("PCL-5 probable PTSD at 31 and above, not at 30 [R51]", arguments: [(30, false), (31, true), (33, true)])
    func pclProbable(total: Int, flagged: Bool) throws {
        // Items 1–20 at 1 (20 points) then the rest on item 1 onwards: a total without the cluster rule.
        var answers = all(1, 20)
        var left = total - 20
        for index in answers.indices where left > 0 {
            answers[index] = 1 + min(3, left)
            left -= min(3, left)
        }
        let score = try InstrumentScoring.score(.pcl5, answers: answers)
        #expect(score.total == total)
        #expect(score.flags.contains("probable-ptsd") == flagged)
    }

    /// PCL-5 answers with each cluster's endorsed item count as given (endorsed = 2, others 1).
    private func pcl(b: Int, c: Int, d: Int, e: Int) -> [Int?] {
        var answers = all(1, 20)
        for (range, count) in [(0..<5, b), (5..<7, c), (7..<14, d), (14..<20, e)] {
            for index in range.prefix(count) { answers[index] = 2 }
        }
        return answers
    }

    @Test("PCL-5 DSM-5 rule: ≥1 B, ≥1 C, ≥2 D, ≥2 E with items ≥2 endorsed [R51]", arguments: [
        (1, 1, 2, 2, true),
        (0, 1, 2, 2, false),   // no B
        (1, 0, 2, 2, false),   // no C
        (1, 1, 1, 2, false),   // one D
        (1, 1, 2, 1, false),   // one E
        (5, 2, 7, 6, true),
    ])
    func pclClusters(b: Int, c: Int, d: Int, e: Int, met: Bool) throws {
        let score = try InstrumentScoring.score(.pcl5, answers: pcl(b: b, c: c, d: d, e: e))
        #expect(score.flags.contains("ptsd-dsm5-criteria") == met)
    }

    @Test("PCL-5 item at 1 is not endorsed for the DSM-5 rule [R51]")
    func pclNotEndorsed() throws {
        let score = try InstrumentScoring.score(.pcl5, answers: all(1, 20))
        #expect(score.total == 20 && score.flags.isEmpty)
    }

    @Test("C-SSRS triage levels [R48]", arguments: [
        ([0, 0, nil, nil, nil, 0, nil], nil as String?, []),                                   // all no, Q3–5 skipped
        ([1, 0, nil, nil, nil, 0, nil], "low risk", ["cssrs-low-risk"]),                      // Q1 only
        ([1, 1, 0, 0, 0, 0, nil], "low risk", ["cssrs-low-risk"]),                            // Q1–2 only
        ([1, 1, 1, 0, 0, 0, nil], "moderate risk", ["cssrs-moderate-risk"]),                  // Q3
        ([0, 0, nil, nil, nil, 1, 0], "moderate risk", ["cssrs-moderate-risk"]),              // Q6 > 3 months
        ([1, 1, 1, 1, 0, 0, nil], "high risk", ["cssrs-high-risk"]),                          // Q4
        ([1, 1, 1, 0, 1, 0, nil], "high risk", ["cssrs-high-risk"]),                          // Q5
        ([0, 0, nil, nil, nil, 1, 1], "high risk", ["cssrs-high-risk"]),                      // Q6 within 3 months
        ([0, 0, 0, 0, 0, 0, 0], nil, []),                                                     // skipped items answered no
    ] as [([Int?], String?, [String])])
    func cssrs(answers: [Int?], level: String?, flags: [String]) throws {
        let score = try InstrumentScoring.score(.cssrs, answers: answers)
        #expect(score.severity == level)
        #expect(score.flags == flags)
        #expect(score.total == nil && score.missingItems.isEmpty)
        #expect(score.isSuicidalityAlert == (level == "high risk"))
    }

    @Test("C-SSRS: Q3–5 left out after Q2 = yes are missing; Q6 yes with unknown timing is triaged high (recent behaviour not ruled out) [R48]")
    func cssrsMissing() throws {
        let afterYes = try InstrumentScoring.score(.cssrs, answers: [1, 1, nil, nil, nil, 0, nil])
        #expect(afterYes.missingItems == [3, 4, 5])
        #expect(afterYes.flags == ["cssrs-low-risk", "missing-items"])
        let unknownTiming = try InstrumentScoring.score(.cssrs, answers: [0, 0, nil, nil, nil, 1, nil])
        #expect(unknownTiming.missingItems == [7])
        #expect(unknownTiming.flags == ["cssrs-high-risk", "missing-items"])
        #expect(unknownTiming.isSuicidalityAlert)
        let unknownQ2 = try InstrumentScoring.score(.cssrs, answers: [0, nil, nil, nil, nil, 0, nil])
        #expect(unknownQ2.missingItems == [2, 3, 4, 5])
    }

    @Test("C-SSRS refuses a yes to an item that does not apply [R48]", arguments: [
        ([0, 0, 1, nil, nil, 0, nil], "item3"),
        ([0, 0, nil, nil, 1, 0, nil], "item5"),
        ([0, 0, nil, nil, nil, 0, 1], "item7"),
    ] as [([Int?], String)])
    func cssrsContradiction(answers: [Int?], field: String) {
        #expect(throws: FieldErrors.self) { try InstrumentScoring.score(.cssrs, answers: answers) }
        do {
            _ = try InstrumentScoring.score(.cssrs, answers: answers)
        } catch {
            #expect(error[field] != nil)
        }
    }
}

@Suite("Instrument scoring: missing items and refused answers")
struct InstrumentInputTests {
    @Test("A missing item leaves no total and no band (no prorating rule) and is reported", arguments: [
        InstrumentID.phq9, .gad7, .qidsSR16, .pcl5, .madrs, .hamd17, .cadss,
    ])
    func missing(id: InstrumentID) throws {
        let count = maxima(id).count
        let answers = with(with(all(0, count), 2, nil), count, nil)
        let score = try InstrumentScoring.score(id, answers: answers)
        #expect(score.total == nil && score.severity == nil)
        #expect(score.missingItems == [2, count])
        #expect(score.flags == ["missing-items"])
        #expect(score.answers == answers)
    }

    @Test("QIDS-SR16 with a missing item: domains with every item answered are still reported [R44]")
    func qidsMissing() throws {
        let score = try InstrumentScoring.score(.qidsSR16, answers: with(all(2, 16), 3, nil))
        #expect(score.total == nil)
        #expect(score.domainScores?["sleep"] == nil && score.domainScores?["sad-mood"] == 2 && score.domainScores?.count == 8)
    }

    @Test("Answers the answered items already prove still flag: CADSS > 4, PCL-5 ≥ 31 [R27][R51]")
    func flagsWithMissing() throws {
        let cadss = try InstrumentScoring.score(.cadss, answers: with(with(with(all(0, 23), 1, 4), 2, 1), 23, nil))
        #expect(cadss.total == nil && cadss.flags == ["dissociation", "missing-items"])
        let pcl = try InstrumentScoring.score(.pcl5, answers: with(all(2, 20), 20, nil))
        #expect(pcl.flags == ["probable-ptsd", "ptsd-dsm5-criteria", "missing-items"])
    }

    @Test("An out-of-range answer is refused, keyed by its item", arguments: [
        (InstrumentID.phq9, 4, 3), (.phq9, -1, 1), (.gad7, 4, 7), (.qidsSR16, 4, 16), (.pcl5, 5, 20),
        (.madrs, 7, 10), (.hamd17, 3, 4), (.hamd17, 5, 1), (.cadss, 5, 23), (.cssrs, 2, 1),
    ] as [(InstrumentID, Int, Int)])
    func outOfRange(id: InstrumentID, value: Int, item: Int) {
        let answers = with(all(0, Instrument.named(id).items.count), item, value)
        do {
            _ = try InstrumentScoring.score(id, answers: answers)
            Issue.record("\(id) item \(item) = \(value) was accepted")
        } catch {
            #expect(error.entries.map(\.field) == ["item\(item)"])
            #expect(error["item\(item)"]?.contains("Item \(item)") == true)
        }
    }

    @Test("A wrong number of answers is refused", arguments: InstrumentID.allCases)
    func wrongCount(id: InstrumentID) {
        let count = Instrument.named(id).items.count
        for answers in [all(0, count - 1), all(0, count + 1), []] {
            do {
                _ = try InstrumentScoring.score(id, answers: answers)
                Issue.record("\(id) accepted \(answers.count) answers")
            } catch {
                #expect(error.entries.map(\.field) == ["answers"])
            }
        }
    }
}
