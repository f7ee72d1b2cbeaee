import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import Foundation
import Testing

extension CommandLineSuites {
@Suite("score command")
struct ScoreCommandTests {
    private func score(_ arguments: [String]) throws -> ScoreCommand {
        try #require(try KetaClinicCommand.parseAsRoot(["score"] + arguments) as? ScoreCommand)
    }

    private func object(_ arguments: [String]) throws -> [String: Any] {
        let command = try score(arguments)
        let text = try ScoreCommand.jsonText(try command.score())
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("score phq9 --json: total, band and the item 9 flag [R42][R42-calc]")
    func phq9JSON() async throws {
        let arguments = ["phq9", "1", "2", "3", "0", "1", "2", "1", "0", "1", "--json"]
        try await CommandLineSuites.run(["score"] + arguments)
        let object = try object(arguments)
        #expect(object["instrument"] as? String == "phq9")
        #expect(object["total"] as? Int == 11)
        #expect(object["severity"] as? String == "moderate")
        #expect(object["flags"] as? [String] == ["suicidal-ideation"])
        #expect(object["suicidalityAlert"] as? Bool == true)
        #expect(object["missingItems"] == nil && object["domainScores"] == nil)
    }

    @Test("score qids-sr16 --json prints the domain scores [R44]")
    func qidsJSON() throws {
        let object = try object(["qids-sr16", "3", "0", "0", "0", "1", "0", "2", "0", "0", "1", "1", "0", "1", "1", "0", "2", "--json"])
        let domains = try #require(object["domainScores"] as? [String: Int])
        #expect(domains["sleep"] == 3 && domains["appetite-weight"] == 2 && domains["psychomotor"] == 2)
        #expect(object["total"] as? Int == 12)
        #expect(object["severity"] as? String == "moderate")
    }

    @Test("A missing answer written - or missing: total null and missingItems listed")
    func missing() throws {
        let object = try object(["gad7", "1", "-", "1", "missing", "1", "1", "1", "--json"])
        #expect(object["total"] is NSNull)
        #expect(object["severity"] is NSNull)
        #expect(object["missingItems"] as? [Int] == [2, 4])
        #expect(object["flags"] as? [String] == ["missing-items"])
    }

    @Test("score cssrs: triage level with the Q2 = no skip logic [R48]")
    func cssrs() throws {
        let object = try object(["cssrs", "1", "0", "-", "-", "-", "1", "1", "--json"])
        #expect(object["flags"] as? [String] == ["cssrs-high-risk"])
        #expect(object["severity"] as? String == "high risk")
        #expect(object["total"] is NSNull)
        let text = ScoreCommand.report(try score(["cssrs", "1", "0", "-", "-", "-", "0", "-"]).score())
        #expect(text.contains("low risk"))
    }

    @Test("Text report: total, band and flags with their sources [R27]")
    func textReport() async throws {
        let text = ScoreCommand.report(try score(["cadss"] + Array(repeating: "0", count: 21) + ["4", "1"]).score())
        #expect(text.contains("Total      5 (range 0-92)"))
        #expect(text.contains("dissociation: CADSS total above 4 [R27]"))
        try await CommandLineSuites.run(["score", "hamd17"] + Array(repeating: "0", count: 17))
    }

    @Test("Invalid input exits 2 and names the item or the instrument", arguments: [
        (["phq9", "1", "2", "4", "0", "1", "2", "1", "0", "1"], "item3"),
        (["phq9", "1", "2"], "answers"),
        (["phq9", "1", "x", "3", "0", "1", "2", "1", "0", "1"], "item2"),
        (["phq-nine", "1"], "instrument"),
        (["hamd17", "0", "0", "0", "3"] + Array(repeating: "0", count: 13), "item4"),
        (["cssrs", "0", "0", "1", "-", "-", "0", "-"], "item3"),
    ])
    func invalid(arguments: [String], field: String) async throws {
        await #expect { try await CommandLineSuites.run(["score"] + arguments) } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        let command = try score(arguments)
        do {
            _ = try command.score()
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.description.contains(field))
        }
    }
}
}
