import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic clinic policy show|set`: reads and changes the clinic's screening thresholds and
/// treatment-resistance definition, validated as the administrator page validates them.
///
/// Field names are those of the page: screening settings by descriptor field
/// (`restingSystolicLimit`), treatment-resistance settings with a `resistance.` prefix
/// (`resistance.adequateTrialWeeks`).
struct ClinicPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Show or change the clinic's screening policy.",
        subcommands: [Show.self, Set.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every policy setting with its default and status.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON (the body GET /api/v1/clinic/policy returns).") var json = false

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let (database, clinic) = try await ClinicCommand.openClinic(options)
                let policies: ClinicPolicies
                do {
                    policies = try await ClinicPolicyRepository(database: database).policies(of: clinic.id)
                } catch {
                    await database.shutDown()
                    throw error
                }
                await database.shutDown()
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                    print(String(decoding: try encoder.encode(policies), as: UTF8.self))
                } else {
                    print(ClinicPolicyCommand.table(policies))
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change policy settings.",
            discussion: "Example: ketaclinic clinic policy set restingSystolicLimit=170 resistance.adequateTrialWeeks=4\n"
                + "Run 'ketaclinic clinic policy show' for the field names.")
        @OptionGroup var options: ServerOptions
        @Argument(help: ArgumentHelp("Settings to change.", valueName: "FIELD=VALUE")) var assignments: [String]

        func validate() throws {
            if assignments.isEmpty { throw ValidationError("Give at least one FIELD=VALUE.") }
        }

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let values = try ClinicPolicyCommand.parse(assignments)
                // Unknown names fail before the database is opened.
                let unknown = values.keys.filter { !ClinicPolicies.fieldNames.contains($0) }.sorted()
                if !unknown.isEmpty {
                    var errors = FieldErrors()
                    for field in unknown { errors.add(field, "'\(field)' is not a policy setting.") }
                    throw CommandSupport.fail(ClinicPolicyCommand.errorText(errors), code: 2)
                }
                let (database, clinic) = try await ClinicCommand.openClinic(options)
                do {
                    let repository = ClinicPolicyRepository(database: database)
                    let current = try await repository.policies(of: clinic.id)
                    let updated: ClinicPolicies
                    do { updated = try current.applying(values) } catch let errors as FieldErrors {
                        throw CommandSupport.fail(ClinicPolicyCommand.errorText(errors), code: 2)
                    }
                    if updated == current {
                        await database.shutDown()
                        print("No changes.")
                        return
                    }
                    try await repository.update(updated, of: clinic.id, stamp: CommandSupport.operatorStamp("clinic policy set"))
                    await database.shutDown()
                    let before = current.fieldValues, after = updated.fieldValues
                    for field in ClinicPolicies.fieldNames where before[field] != after[field] {
                        print("\(field): \(before[field] ?? "") → \(after[field] ?? "")")
                    }
                    print("Saved.")
                } catch {
                    await database.shutDown()
                    throw error
                }
            }
        }
    }

    /// `FIELD=VALUE` arguments as a dictionary; a `screening.` prefix is accepted and dropped.
    static func parse(_ assignments: [String]) throws -> [String: String] {
        var values: [String: String] = [:]
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CommandSupport.fail("'\(assignment)' is not FIELD=VALUE, e.g. restingSystolicLimit=170.", code: 2)
            }
            var field = parts[0].trimmingCharacters(in: .whitespaces)
            if field.hasPrefix("screening.") { field.removeFirst("screening.".count) }
            guard values[field] == nil else { throw CommandSupport.fail("\(field) is given twice.", code: 2) }
            values[field] = String(parts[1])
        }
        return values
    }

    /// One line per field error; unknown names also list the valid ones.
    static func errorText(_ errors: FieldErrors) -> String {
        var lines = errors.entries.map { "\($0.field): \($0.message)" }
        if errors.entries.contains(where: { !ClinicPolicies.fieldNames.contains($0.field) }) {
            lines.append("Settings: " + ClinicPolicies.fieldNames.joined(separator: ", ") + ".")
        }
        return lines.joined(separator: "\n")
    }

    /// The settings as a text table: field, value, default and status.
    static func table(_ policies: ClinicPolicies) -> String {
        let values = policies.fieldValues
        var table = TextTable([.text("FIELD"), .text("VALUE"), .text("DEFAULT"), .text("STATUS"), .text("SETTING")])
        for setting in ScreeningPolicy.descriptors {
            table.add([setting.field, "\(values[setting.field] ?? "") \(setting.unit)",
                         "\(ClinicPolicies.format(setting.defaultValue)) \(setting.unit)",
                         status(sourced: setting.status == .sourced, sources: setting.sources), setting.label])
        }
        for setting in TreatmentResistancePolicy.settings {
            let name = ClinicPolicies.resistancePrefix + setting.field
            table.add([name, values[name] ?? "", setting.defaultValue,
                         status(sourced: setting.status == .sourced, sources: setting.sources), setting.label])
        }
        return table.text()
    }

    private static func status(sourced: Bool, sources: [String]) -> String {
        (sourced ? "sourced " : "clinic policy ") + sources.map { "[\($0)]" }.joined()
    }
}
