import ArgumentParser
import ClinicDomain
import Foundation

/// `ketaclinic score`: scores one administration of a rating scale from its item answers
/// (docs/rating-scales.md). Exits 2 for an unknown instrument or an invalid answer.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a rating scale (PHQ-9, GAD-7, QIDS-SR16, PCL-5, MADRS, HAM-D17, CADSS, C-SSRS screener).",
        discussion: """
            Give the instrument and one answer per item, in item order; write a missing answer as - or \
            missing. Example: ketaclinic score phq9 1 2 3 0 1 2 1 0 1 --json → total 11, moderate, \
            suicidal-ideation (item 9 above 0). Instruments: \(InstrumentID.allCases.map(\.rawValue).joined(separator: ", ")). \
            The C-SSRS screener takes 7 answers (0 no, 1 yes): items 1-6 and item 7 = "item 6 within the \
            past 3 months"; items 3-5 may be - when item 2 is 0, item 7 when item 6 is 0. A missing item \
            leaves the total uncomputed (no prorating rule is defined). Exits 2 for invalid input.
            """)

    @Argument(help: "The instrument: \(InstrumentID.allCases.map(\.rawValue).joined(separator: ", ")).") var instrument: String
    @Argument(parsing: .allUnrecognized, help: "One answer per item, in order; - or missing for a missing answer.")
    var answers: [String] = []
    @Flag(help: "Print the result as JSON.") var json = false

    /// Why the input was refused; ``run()`` prints it and exits 2.
    struct InputError: Error, CustomStringConvertible {
        /// The message, one problem per line.
        let description: String
    }

    /// The JSON output: `total` and `severity` always present (null when not computed), `missingItems`
    /// and `domainScores` only when there are any.
    struct Output: Encodable {
        let score: InstrumentScore

        private enum Keys: String, CodingKey {
            case instrument, name, answers, total, totalRange, severity, flags, suicidalityAlert, missingItems, domainScores
        }

        func encode(to encoder: any Encoder) throws {
            let instrument = Instrument.named(score.instrument)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(score.instrument, forKey: .instrument)
            try container.encode(instrument.shortName, forKey: .name)
            try container.encode(score.answers, forKey: .answers)
            try container.encode(score.total, forKey: .total)
            if let range = instrument.totalRange { try container.encode([range.lowerBound, range.upperBound], forKey: .totalRange) }
            try container.encode(score.severity, forKey: .severity)
            try container.encode(score.flags, forKey: .flags)
            try container.encode(score.isSuicidalityAlert, forKey: .suicidalityAlert)
            if !score.missingItems.isEmpty { try container.encode(score.missingItems, forKey: .missingItems) }
            if let domains = score.domainScores, !domains.isEmpty { try container.encode(domains, forKey: .domainScores) }
        }
    }

    func run() throws {
        let result: InstrumentScore
        do { result = try score() } catch { throw CommandSupport.fail(error.description, code: 2) }
        print(json ? try Self.jsonText(result) : Self.report(result))
    }

    /// Parses the instrument and the answers and scores them, or says every thing that is wrong.
    func score() throws(InputError) -> InstrumentScore {
        let names = InstrumentID.allCases.map(\.rawValue).joined(separator: ", ")
        guard let id = InstrumentID(rawValue: instrument.trimmed.lowercased()) else {
            throw InputError(description: "instrument: unknown \"\(instrument)\"; use one of \(names).")
        }
        var problems: [String] = []
        var parsed: [Int?] = []
        for (index, text) in answers.enumerated() {
            let value = text.trimmed.lowercased()
            if value == "-" || value == "missing" {
                parsed.append(nil)
            } else if let number = Int(value) {
                parsed.append(number)
            } else {
                problems.append("item\(index + 1): \"\(text)\" is not a number; write - or missing for a missing answer.")
                parsed.append(nil)
            }
        }
        guard problems.isEmpty else { throw InputError(description: problems.joined(separator: "\n")) }
        do {
            return try InstrumentScoring.score(id, answers: parsed)
        } catch {
            throw InputError(description: "the \(Instrument.named(id).shortName) answers cannot be scored:\n"
                             + error.entries.map { "  \($0.field): \($0.message)" }.joined(separator: "\n"))
        }
    }

    /// The JSON text `--json` prints.
    static func jsonText(_ score: InstrumentScore) throws -> String {
        try CommandSupport.jsonText(Output(score: score))
    }

    /// What each flag means, with its source, for the text report.
    static func explanation(_ flag: String) -> String {
        switch flag {
        case InstrumentFlag.suicidalIdeation: "PHQ-9 item 9 above 0: needs immediate follow-up whatever the total [R42-calc]"
        case InstrumentFlag.cssrsHighRisk: "C-SSRS high risk: Q4 or Q5 yes, or suicidal behaviour within 3 months [R48]"
        case InstrumentFlag.cssrsModerateRisk: "C-SSRS moderate risk: Q3 yes, or suicidal behaviour more than 3 months ago [R48]"
        case InstrumentFlag.cssrsLowRisk: "C-SSRS low risk: Q1 or Q2 yes only [R48]"
        case InstrumentFlag.dissociation: "CADSS total above 4 [R27]"
        case InstrumentFlag.probablePTSD: "PCL-5 total 31 or more (provisional PTSD 31-33) [R51]"
        case InstrumentFlag.ptsdDSM5Criteria: "PCL-5 answers meet the DSM-5 cluster rule [R51]"
        case InstrumentFlag.missingItems: "items missing: no total (no prorating rule)"
        default: flag
        }
    }

    /// The score as a short readable summary.
    static func report(_ score: InstrumentScore) -> String {
        let instrument = Instrument.named(score.instrument)
        var lines = ["\(instrument.shortName): \(instrument.name)"]
        if let range = instrument.totalRange {
            if let total = score.total {
                lines.append("  Total      \(total) (range \(range.lowerBound)-\(range.upperBound))"
                             + (score.severity.map { ", \($0)" } ?? ""))
            } else {
                lines.append("  Total      not computed")
            }
        } else {
            lines.append("  Triage     \(score.severity ?? (score.missingItems.isEmpty ? "nothing endorsed" : "incomplete"))")
        }
        if !score.missingItems.isEmpty {
            lines.append("  Missing    item\(score.missingItems.count == 1 ? "" : "s") "
                         + score.missingItems.map(String.init).joined(separator: ", "))
        }
        if let domains = score.domainScores, !domains.isEmpty {
            let text = Instrument.qidsDomains.compactMap { domain in domains[domain.key].map { "\(domain.key) \($0)" } }
            lines.append("  Domains    " + text.joined(separator: ", "))
        }
        if score.isSuicidalityAlert { lines.append("ALERT: suicidality, follow up now.") }
        if score.flags.isEmpty {
            lines.append("No flags.")
        } else {
            lines.append("Flags:")
            lines += score.flags.map { "  \($0): \(explanation($0))" }
        }
        return lines.joined(separator: "\n")
    }
}
