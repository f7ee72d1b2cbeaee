import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import Foundation
import Testing

extension CommandLineSuites {
@Suite("screen command")
struct ScreenCommandTests {
    /// docs/examples/screening-patient.json, found from this file's location.
    static let exampleURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/examples/screening-patient.json")

    private func parse(_ arguments: [String]) throws -> ScreenCommand {
        try #require(try KetaClinicCommand.parseAsRoot(["screen"] + arguments) as? ScreenCommand)
    }

    /// A temporary file holding `text`, removed by the caller.
    private func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("screen-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// The example file as a JSON object, changed by `change`.
    private func example(_ change: (inout [String: Any]) -> Void) throws -> URL {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.exampleURL)) as! [String: Any]
        change(&object)
        return try file(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    /// The message `screen` refuses `arguments` with; also checks that running it exits 2.
    private func failure(_ arguments: [String]) throws -> String {
        let command = try parse(arguments)
        #expect { try command.run() } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        do {
            _ = try command.evaluate()
            Issue.record("screen accepted \(arguments)")
            return ""
        } catch {
            return error.description
        }
    }

    @Test("The documented example parses and screens: decision per treatment with rule ids and sources")
    func example() throws {
        let command = try parse([Self.exampleURL.path, "--today", "2026-03-01"])
        let (result, record) = try command.evaluate()
        #expect(record.registration.familyName == "Testwood")
        #expect(result[.esketamine]?.decision == .eligibleWithCautions)
        #expect(result[.esketamine]?.findings.map(\.ruleID).contains("KC-SCR-ESK-SLEEP-APNOEA") == true)
        let text = ScreenCommand.report(result, record: record)
        #expect(text.contains("IV ketamine [iv-ketamine]: ELIGIBLE WITH CAUTIONS"))
        #expect(text.contains("KC-SCR-BENZODIAZEPINE"))
        #expect(text.contains("sources: [R22]"))
        #expect(text.contains("Outpatient settings: enrol the patient in the Spravato REMS"))
        try command.run()
    }

    @Test("--treatment, --jurisdiction and --json: the JSON parses back into a result")
    func jsonOutput() throws {
        let command = try parse([Self.exampleURL.path, "--treatment", "esketamine", "--jurisdiction", "GB", "--today", "2026-03-01", "--json"])
        let (result, _) = try command.evaluate()
        #expect(result.treatments.map(\.treatment) == [.esketamine])
        #expect(result.jurisdiction.code == "GB")
        #expect(result[.esketamine]?.findings.contains { $0.ruleID == "KC-SCR-ESK-START-28MG" } == true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let decoded = try JSONDecoder().decode(ScreeningResult.self, from: encoder.encode(result))
        #expect(decoded == result)
        #expect(command.json)
    }

    @Test("A contraindication still exits 0 and names the rule")
    func notEligibleIsNotAnError() throws {
        let url = try example { object in
            var history = object["medicalHistory"] as! [String: Any]
            history["aneurysmalVascularDisease"] = true
            object["medicalHistory"] = history
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let command = try parse([url.path, "--today", "2026-03-01"])
        let (result, record) = try command.evaluate()
        #expect(result.treatments.allSatisfy { $0.decision == .notEligible })
        #expect(ScreenCommand.report(result, record: record).contains("contraindication  KC-SCR-ANEURYSM"))
        try command.run()
    }

    @Test("Impossible values exit 2 with the field path", arguments: [
        ("birth date in the future", "registration.dateOfBirth: The date of birth is in the future."),
        ("weight 0", "weights[0].kilograms:"),
        ("weight 700", "weights[0].kilograms: A weight of 700 kg"),
        ("height in metres", "height.centimetres: That looks like metres"),
        ("trial ends before it starts", "trials[1].endedOn: The trial ends before it starts"),
        ("unknown key", "medicalHistory.aneurysm: Unknown key"),
        ("date not ISO", "vitalSigns[0].measuredOn: expected a date as YYYY-MM-DD"),
        ("missing key", "psychiatricHistory.mania: Required key is missing."),
        ("wrong type", "weights[0].kilograms: Expected a number."),
    ])
    func invalid(change: String, expected: String) throws {
        let url = try example { object in
            func edit(_ key: String, _ index: Int? = nil, _ body: (inout [String: Any]) -> Void) {
                if let index {
                    var list = object[key] as! [[String: Any]]
                    body(&list[index])
                    object[key] = list
                } else {
                    var section = object[key] as! [String: Any]
                    body(&section)
                    object[key] = section
                }
            }
            switch change {
            case "birth date in the future": edit("registration") { $0["dateOfBirth"] = "2030-01-01" }
            case "weight 0": edit("weights", 0) { $0["kilograms"] = 0 }
            case "weight 700": edit("weights", 0) { $0["kilograms"] = 700 }
            case "height in metres": edit("height") { $0["centimetres"] = 1.65 }
            case "trial ends before it starts": edit("trials", 1) { $0["endedOn"] = "2025-05-01" }
            case "unknown key": edit("medicalHistory") { $0["aneurysm"] = true }
            case "date not ISO": edit("vitalSigns", 0) { $0["measuredOn"] = "20/02/2026" }
            case "missing key": edit("psychiatricHistory") { $0["mania"] = nil }
            default: edit("weights", 0) { $0["kilograms"] = "heavy" }
            }
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let message = try failure([url.path, "--today", "2026-03-01"])
        #expect(message.contains(expected), "\(message)")
        #expect(message.hasPrefix("\(url.path) is not a valid patient record:"))
    }

    @Test("An unreadable file, malformed JSON and bad options exit 2 with a clear message")
    func unreadable() throws {
        #expect(try failure(["/nonexistent/patient.json"]) == "/nonexistent/patient.json: cannot read the file.")
        let malformed = try file("{\"registration\": ")
        defer { try? FileManager.default.removeItem(at: malformed) }
        #expect(try failure([malformed.path]).contains("file: The file is not valid JSON"))
        let list = try file("[]")
        defer { try? FileManager.default.removeItem(at: list) }
        #expect(try failure([list.path]).contains("file: The file must hold one JSON object"))
        #expect(try failure([Self.exampleURL.path, "--treatment", "oral-ketamine"]).hasPrefix("treatment:"))
        #expect(try failure([Self.exampleURL.path, "--jurisdiction", "FR"]).hasPrefix("jurisdiction:"))
        #expect(try failure([Self.exampleURL.path, "--today", "2026-02-30"]).hasPrefix("today:"))
    }

    @Test("docs/screening.md lists every rule and every policy setting")
    func documentation() throws {
        let docs = try String(contentsOf: Self.exampleURL.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("screening.md"), encoding: .utf8)
        for rule in ScreeningRuleCatalog.all { #expect(docs.contains("| `\(rule.id)` |"), "\(rule.id)") }
        for setting in ScreeningPolicy.descriptors {
            #expect(docs.contains("| `\(setting.field)` | \(BodyMetrics.format(setting.defaultValue)) "), "\(setting.field)")
            #expect(docs.contains("| \(setting.status.rawValue) |"))
        }
    }
}}
