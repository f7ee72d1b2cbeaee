import ArgumentParser
import ClinicDomain
import Foundation

/// `ketaclinic screen FILE.json`: screens a patient described in a JSON file (the
/// ``PatientRecord`` form, documented in docs/screening.md) for IV ketamine, IM ketamine and
/// esketamine, with the default screening policy. Exits 0 whatever the decision; exits 2 with
/// every field error and its path when the file cannot be read or is invalid.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Screen a patient described in a JSON file for ketamine and esketamine.",
        discussion: """
            FILE holds one patient record as JSON (schema and example: docs/screening.md, \
            docs/examples/screening-patient.json). Dates are YYYY-MM-DD; unknown keys are refused. \
            Exits 0 for any decision, 2 for unreadable or invalid input. Supports clinicians; \
            does not replace clinical judgement.
            """)

    @Argument(help: "The patient record, as JSON.") var file: String
    @Option(help: "Screen only this treatment: iv-ketamine, im-ketamine or esketamine.") var treatment: String?
    @Flag(help: "Print the result as JSON.") var json = false
    @Option(help: "Jurisdiction: US, US-NY, CA-ON, AU-WA, GB, EU-DE…") var jurisdiction = "US"
    @Option(help: "The clinic's date, YYYY-MM-DD (default: today).") var today: String?

    /// Why the input was refused; ``run()`` prints it and exits 2.
    struct InputError: Error, CustomStringConvertible {
        /// The message, one field error per line.
        let description: String
    }

    func run() throws {
        let result: ScreeningResult, record: PatientRecord
        do {
            (result, record) = try evaluate()
        } catch {
            throw CommandSupport.fail(error.description, code: 2)
        }
        if json {
            print(try CommandSupport.jsonText(result))
        } else {
            print(Self.report(result, record: record))
        }
    }

    /// Parses the options and the file and screens the patient, or says what is wrong.
    func evaluate() throws(InputError) -> (ScreeningResult, PatientRecord) {
        var treatments = Treatment.allCases
        if let treatment {
            guard let parsed = Treatment(rawValue: treatment.trimmed.lowercased()) else {
                throw InputError(description: "treatment: use iv-ketamine, im-ketamine or esketamine.")
            }
            treatments = [parsed]
        }
        guard let place = Jurisdiction(code: jurisdiction) else {
            throw InputError(description: "jurisdiction: '\(jurisdiction)' is not one KetaClinic has a profile for "
                                      + "(for example US-NY, CA-ON, AU-WA, GB, EU-DE).")
        }
        let date: CalendarDate
        if let today {
            guard let parsed = CalendarDate(iso: today.trimmed) else {
                throw InputError(description: "today: enter a real date as YYYY-MM-DD.")
            }
            date = parsed
        } else {
            date = CalendarDate(instant: Date(), in: .current)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw InputError(description: "\(file): cannot read the file.")
        }
        let record: PatientRecord
        do {
            record = try PatientRecordFile.read(data, today: date)
        } catch {
            throw InputError(description: "\(file) is not a valid patient record:\n"
                                      + error.entries.map { "  \($0.field): \($0.message)" }.joined(separator: "\n"))
        }
        let result = ScreeningEngine.evaluate(record, treatments: treatments, policy: .defaults, jurisdiction: place, today: date)
        return (result, record)
    }

    /// The result as readable text.
    static func report(_ result: ScreeningResult, record: PatientRecord) -> String {
        let patient = record.registration
        var lines = ["Screening of \(patient.givenName) \(patient.familyName), born \(patient.dateOfBirth.iso) "
                     + "(age \(record.age(on: result.evaluatedOn))), on \(result.evaluatedOn.iso), "
                     + "jurisdiction \(result.jurisdiction.code) (\(result.jurisdiction.displayName))"]
        for screening in result.treatments {
            lines.append("")
            lines.append("\(screening.treatment.displayName) [\(screening.treatment.rawValue)]: \(screening.decision.displayName.uppercased())")
            if screening.findings.isEmpty { lines.append("  No rule fired.") }
            for finding in screening.findings {
                lines.append("  \(finding.category.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) \(finding.ruleID)  \(finding.title)")
                lines.append("      \(finding.detail)")
                lines.append("      sources: \(finding.sources.map { "[\($0)]" }.joined())")
            }
            if !screening.statements.isEmpty {
                lines.append("  Jurisdiction \(result.jurisdiction.code):")
                for statement in screening.statements {
                    let sources = statement.sources.isEmpty ? "(no source in the reference)" : statement.sources.map { "[\($0)]" }.joined()
                    lines.append("    \(statement.kind.displayName): \(statement.text) \(sources)")
                }
            }
        }
        lines.append("")
        lines.append("Cautions need a prescriber's acknowledgement; contraindications exclude unless a prescriber overrides them with a written reason.")
        return lines.joined(separator: "\n")
    }
}
