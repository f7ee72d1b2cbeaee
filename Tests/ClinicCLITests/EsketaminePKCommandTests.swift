import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import Foundation
import Testing

extension CommandLineSuites {
@Suite("pk command, esketamine")
struct EsketaminePKCommandTests {
    private func parse(_ arguments: [String]) throws -> PKCommand {
        try #require(try KetaClinicCommand.parseAsRoot(["pk"] + arguments) as? PKCommand)
    }

    @Test("--model esketamine --dose-mg 56 --json keeps the racemic keys and adds approximate: true")
    func json() async throws {
        let arguments = ["--model", "esketamine", "--dose-mg", "56", "--until-min", "60", "--step-min", "10", "--json"]
        try await CommandLineSuites.run(["pk"] + arguments)
        guard case .esketamine(let preview) = try parse(arguments).outcome() else {
            Issue.record("not an esketamine outcome")
            return
        }
        let text = try PKCommand.jsonText(preview)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["approximate"] as? Bool == true)
        #expect(object["model"] as? String == "esketamine")
        #expect(object["devices"] as? Int == 2 && object["doseMg"] as? Double == 56)
        #expect(object["cmaxNgPerMl"] is Double && object["tmaxMin"] is Double)
        let points = try #require(object["points"] as? [[String: Double]])
        #expect(points.map { $0["minute"] } == [0, 10, 20, 30, 40, 50, 60])
        #expect((object["approximateNotice"] as? String)?.hasPrefix("APPROXIMATE") == true)
        #expect((object["note"] as? String) == EsketaminePreview.disclaimer)
    }

    @Test("--devices gives the same preview as --dose-mg; the text report leads with APPROXIMATE")
    func devices() throws {
        guard case .esketamine(let byDevices) = try parse(["--model", "esketamine", "--devices", "3"]).outcome(),
              case .esketamine(let byDose) = try parse(["--model", "esketamine", "--dose-mg", "84"]).outcome() else {
            Issue.record("not esketamine outcomes")
            return
        }
        #expect(byDevices == byDose)
        let text = PKCommand.report(byDevices)
        #expect(text.contains("84 mg intranasal esketamine (3 devices of 28 mg, 5 min apart)"))
        #expect(text.split(separator: "\n")[1].hasPrefix("APPROXIMATE"))
        #expect(text.contains("min after the last device"))
        #expect(text.contains(EsketaminePreview.disclaimer))
    }

    @Test("Invalid esketamine input exits 2 with a clear message", arguments: [
        (["--model", "esketamine"], "--devices: Give --devices 1, 2 or 3, or --dose-mg 28, 56 or 84."),
        (["--model", "esketamine", "--devices", "4"], "--devices: Choose 1, 2 or 3 devices"),
        (["--model", "esketamine", "--dose-mg", "50"], "--dose-mg: Esketamine is given in 28 mg devices"),
        (["--model", "esketamine", "--devices", "2", "--dose-mg", "84"], "--dose-mg: The dose must be the devices × 28 mg"),
        (["--model", "esketamine", "--devices", "2", "--weight-kg", "70"], "--weight-kg: The esketamine model is not weight-scaled"),
        (["--model", "esketamine", "--devices", "2", "--minutes", "40"], "--minutes: Esketamine devices are given 5 minutes apart"),
        (["--model", "domino", "--devices", "2"], "--devices: only for --model esketamine"),
        (["--model", "domino", "--dose-mg", "35", "--minutes", "40"], "--weight-kg: Enter a body weight"),
    ])
    func invalid(arguments: [String], message: String) async throws {
        await #expect { try await CommandLineSuites.run(["pk"] + arguments) } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        let command = try parse(arguments)
        do {
            _ = try command.outcome()
            Issue.record("pk accepted \(arguments)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }
}
}
