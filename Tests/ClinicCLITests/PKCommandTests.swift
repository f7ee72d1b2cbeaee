import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import Foundation
import Testing

extension CommandLineSuites {
@Suite("pk command")
struct PKCommandTests {
    private func parse(_ arguments: [String]) throws -> PKCommand {
        try #require(try KetaClinicCommand.parseAsRoot(["pk"] + arguments) as? PKCommand)
    }

    /// The message `pk` refuses `arguments` with; also checks that running it exits 2.
    private func failure(_ arguments: [String]) async throws -> String {
        await #expect { try await CommandLineSuites.run(["pk"] + arguments) } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        let command = try parse(arguments)
        do {
            _ = try command.evaluate()
            Issue.record("pk accepted \(arguments)")
            return ""
        } catch {
            return error.description
        }
    }

    @Test("The worked example in text: summary, table and the population-model note")
    func text() async throws {
        let arguments = ["--model", "clements", "--weight-kg", "70", "--dose-mg", "35", "--minutes", "40"]
        try await CommandLineSuites.run(["pk"] + arguments)
        let preview = try parse(arguments).evaluate()
        let text = PKCommand.report(preview)
        #expect(text.contains("35 mg racemic ketamine over 40 min, 70 kg"))
        #expect(text.contains("Cmax 177.3 ng/mL at 40 min"))
        #expect(text.contains("at or above 100 ng/mL"))
        #expect(text.contains("\n      40  177.3\n"), "minute and concentration right-aligned under their headings")
        #expect(text.contains("Population-model preview"))
        #expect(text.contains("not a measurement"))
        // Default curve: every 5 minutes to 2 hours after the infusion ends.
        #expect(preview.curve.points.count == 33)
    }

    @Test("--json prints cmaxNgPerMl, tmaxMin, minutesAboveThreshold, model and points")
    func json() async throws {
        let arguments = ["--model", "domino", "--weight-kg", "70", "--dose-mg", "35", "--minutes", "40",
                         "--until-min", "60", "--step-min", "10", "--threshold-ng-per-ml", "150", "--json"]
        try await CommandLineSuites.run(["pk"] + arguments)
        let text = try PKCommand.jsonText(try parse(arguments).evaluate())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "domino")
        #expect(object["cmaxNgPerMl"] as? Double == 240.33)
        #expect(object["tmaxMin"] as? Double == 40)
        #expect(object["thresholdNgPerMl"] as? Double == 150)
        let above = try #require(object["minutesAboveThreshold"] as? Double)
        #expect(above > 10 && above < 40)
        let points = try #require(object["points"] as? [[String: Double]])
        #expect(points.map { $0["minute"] } == [0, 10, 20, 30, 40, 50, 60])
        #expect(points.first?["ngPerMl"] == 0)
        #expect(points[4]["ngPerMl"] == 240.33)
        #expect((object["note"] as? String)?.contains("not a measurement") == true)
    }

    @Test("A bolus (--minutes 0) peaks at minute 0")
    func bolus() throws {
        let preview = try parse(["--model", "domino", "--weight-kg", "70", "--dose-mg", "35", "--minutes", "0"]).evaluate()
        #expect(preview.curve.tmaxMin == 0)
        #expect(PKCommand.report(preview).contains("as a bolus"))
    }

    @Test("Invalid input exits 2 and names the option", arguments: [
        (["--model", "marsh", "--weight-kg", "70", "--dose-mg", "35", "--minutes", "40"], "model: use domino, clements or esketamine"),
        (["--model", "domino", "--weight-kg", "12", "--dose-mg", "35", "--minutes", "40"], "--weight-kg: Enter a body weight between 25 and 350 kg"),
        (["--model", "domino", "--weight-kg", "70", "--dose-mg", "0", "--minutes", "40"], "--dose-mg: Enter a dose in mg greater than 0"),
        (["--model", "domino", "--weight-kg", "70", "--dose-mg", "3500", "--minutes", "40"], "plausibility cap"),
        (["--model", "domino", "--weight-kg", "70", "--dose-mg", "35", "--minutes", "700"], "--minutes:"),
        (["--model", "domino", "--weight-kg", "70", "--dose-mg", "35", "--minutes", "40", "--until-min", "20"], "--until-min: The curve must run at least to the end of the infusion"),
        (["--model", "domino", "--weight-kg", "70", "--dose-mg", "35", "--minutes", "40", "--step-min", "0"], "--step-min:"),
    ])
    func invalid(arguments: [String], message: String) async throws {
        let text = try await failure(arguments)
        #expect(text.contains(message), "\(text)")
    }
}
}
