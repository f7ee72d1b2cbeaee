import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import Foundation
import Testing

extension CommandLineSuites {
@Suite("dose and course commands")
struct DoseCourseCommandTests {
    private func dose(_ arguments: [String]) throws -> DoseCommand {
        try #require(try KetaClinicCommand.parseAsRoot(["dose"] + arguments) as? DoseCommand)
    }

    private func course(_ arguments: [String]) throws -> CourseCommand {
        try #require(try KetaClinicCommand.parseAsRoot(["course"] + arguments) as? CourseCommand)
    }

    private static let workedExample = ["--weight-kg", "70", "--mg-per-kg", "0.5", "--minutes", "40",
                                        "--vial-mg-per-ml", "50", "--bag-ml", "100"]

    @Test("dose --json prints the §1.4 worked example with the required keys [R35]")
    func doseJSON() async throws {
        let arguments = Self.workedExample + ["--height-cm", "175", "--sex", "male", "--json"]
        try await CommandLineSuites.run(["dose"] + arguments)
        let command = try dose(arguments)
        let text = try command.jsonText(try command.calculate())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["dosingWeightKg"] as? Double == 70)
        #expect(object["bmi"] as? Double == 22.9)
        #expect(object["doseMg"] as? Double == 35)
        #expect(object["drugVolumeMl"] as? Double == 0.7)
        #expect(object["totalVolumeMl"] as? Double == 100.7)
        #expect(object["pumpRateMlPerHour"] as? Double == 151.1)
        #expect(object["doseRateMgPerHour"] as? Double == 52.5)
        #expect((object["warnings"] as? [Any])?.isEmpty == true)
        #expect(object["protocol"] as? String == "iv-ketamine-standard")
    }

    @Test("dose without a height has no bmi key; a BMI caution carries code and message [R2]")
    func doseWarnings() throws {
        let plain = try dose(Self.workedExample + ["--json"])
        let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(try plain.jsonText(try plain.calculate()).utf8)) as? [String: Any])
        #expect(plainObject["bmi"] == nil)
        let heavy = try dose(["--weight-kg", "110", "--height-cm", "170", "--mg-per-kg", "0.5", "--minutes", "40", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try heavy.jsonText(try heavy.calculate()).utf8)) as? [String: Any])
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.contains { $0["code"] as? String == "bmi-actual-weight" && ($0["message"] as? String)?.contains("[R2]") == true })
    }

    @Test("dose: ideal weight, drug volume excluded, text report")
    func doseOptions() throws {
        let command = try dose(["--weight-kg", "120", "--height-cm", "180", "--sex", "male", "--weight-basis", "adjusted",
                                "--mg-per-kg", "0.5", "--minutes", "40", "--exclude-drug-volume"])
        let result = try command.calculate()
        #expect(result.dosingWeight.value == 93)
        #expect(result.totalVolume?.value == 100)
        let text = DoseCommand.report(result)
        #expect(text.contains("0.5 mg/kg × 93 kg = 46.5 mg"))
        #expect(text.contains("drug volume not counted"))
    }

    @Test("dose past a hard limit exits 2 with a clear message [R5]", arguments: [
        ["--weight-kg", "70", "--mg-per-kg", "1.5", "--minutes", "40"],
        ["--weight-kg", "70", "--mg-per-kg", "0.5", "--minutes", "40", "--vial-mg-per-ml", "100", "--bag-ml", "0"],
    ])
    func hardLimit(arguments: [String]) async throws {
        await #expect { try await CommandLineSuites.run(["dose"] + arguments) } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        #expect(try dose(arguments).calculate().warnings.hasHardLimit)
    }

    @Test("dose refuses bad input with exit 2 and names the option", arguments: [
        (["--weight-kg", "5", "--mg-per-kg", "0.5", "--minutes", "40"], "--weight-kg"),
        (["--weight-kg", "70", "--mg-per-kg", "0.5", "--minutes", "40", "--vial-mg-per-ml", "25"], "--vial-mg-per-ml"),
        (["--weight-kg", "70", "--mg-per-kg", "0.5", "--weight-basis", "ideal"], "--height-cm"),
        (["--weight-kg", "70", "--mg-per-kg", "0.5", "--protocol", "nope"], "--protocol"),
    ])
    func doseInvalid(arguments: [String], option: String) async throws {
        await #expect { try await CommandLineSuites.run(["dose"] + arguments) } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        do {
            _ = try dose(arguments).calculate()
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(String(describing: error).contains(option))
        }
    }

    @Test("course --json: the esketamine label schedule with device doses [R14][R15][R22]")
    func courseEsketamine() async throws {
        let arguments = ["--protocol", "esketamine-us", "--start", "2026-12-07", "--sessions", "12", "--devices", "3", "--json"]
        try await CommandLineSuites.run(["course"] + arguments)
        let text = try CourseCommand.jsonText(try course(arguments).propose())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let sessions = try #require(object["sessions"] as? [[String: Any]])
        #expect(sessions.count == 12)
        #expect(sessions.first?["date"] as? String == "2026-12-07")
        #expect(sessions.first?["doseMg"] as? Double == 56)
        #expect(sessions[1]["doseMg"] as? Double == 84)
        #expect(sessions[1]["date"] as? String == "2026-12-10")
        #expect(sessions.last?["phase"] as? String == "Maintenance, weeks 5–8")
    }

    @Test("course for IV ketamine: mg with a weight, mg/kg without")
    func courseKetamine() throws {
        let withWeight = try course(["--protocol", "iv-ketamine-standard", "--start", "2026-12-07", "--weight-kg", "70"]).propose()
        #expect(withWeight.sessions.map(\.doseMg?.value) == Array(repeating: 35, count: 6))
        #expect(CourseCommand.report(withWeight).contains("Mon 2026-12-07"))
        let withoutWeight = try course(["--protocol", "iv-ketamine-standard", "--start", "2026-12-07", "--sessions", "2"]).propose()
        #expect(withoutWeight.sessions.allSatisfy { $0.doseMg == nil && $0.mgPerKg == 0.5 })
    }

    @Test("course refuses bad input with exit 2", arguments: [
        ["--protocol", "nope", "--start", "2026-12-07"],
        ["--protocol", "esketamine-us", "--start", "7/12/2026"],
        ["--protocol", "esketamine-us", "--start", "2026-12-07", "--mg-per-kg", "0.5"],
        ["--protocol", "iv-ketamine-standard", "--start", "2026-12-07", "--frequency", "5/week"],
        ["--protocol", "iv-ketamine-standard", "--start", "2026-12-07", "--working-days", "funday"],
        ["--protocol", "iv-ketamine-standard", "--start", "2026-12-07", "--weight-kg", "70", "--mg-per-kg", "2"],
    ])
    func courseInvalid(arguments: [String]) async throws {
        await #expect { try await CommandLineSuites.run(["course"] + arguments) } throws: { ($0 as? ExitCode)?.rawValue == 2 }
    }
}
}
