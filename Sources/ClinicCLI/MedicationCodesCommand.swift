import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic clinic medication-codes show|set`: the RxCUIs the clinic's exported medications
/// carry (none by default: the reference has no verified code), validated as the page validates them.
struct MedicationCodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "medication-codes", abstract: "Show or change the RxNorm codes written on exported medications.",
        subcommands: [Show.self, Set.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the codes (none until the clinic enters them).")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let (database, clinic) = try await ClinicCommand.openClinic(options)
                let codes: MedicationCodes
                do { codes = try await MedicationCodeRepository(database: database).policy(of: clinic.id) } catch {
                    await database.shutDown()
                    throw error
                }
                await database.shutDown()
                print(MedicationCodesCommand.lines(codes))
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the codes; an empty value clears one.",
            discussion: "Example: ketaclinic clinic medication-codes set ketamineRxCUI=1234567 esketamineRxCUI=")
        @OptionGroup var options: ServerOptions
        @Argument(help: ArgumentHelp("Codes to change: ketamineRxCUI, esketamineRxCUI.", valueName: "FIELD=VALUE")) var assignments: [String]

        func validate() throws {
            if assignments.isEmpty { throw ValidationError("Give at least one FIELD=VALUE.") }
        }

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let values = try ClinicPolicyCommand.parse(assignments)
                if let unknown = values.keys.sorted().first(where: { !MedicationCodes.fieldNames.contains($0) }) {
                    throw CommandSupport.fail("'\(unknown)' is not a medication code. Codes: esketamineRxCUI, ketamineRxCUI.", code: 2)
                }
                let (database, clinic) = try await ClinicCommand.openClinic(options)
                do {
                    let repository = MedicationCodeRepository(database: database)
                    let current = try await repository.policy(of: clinic.id)
                    let updated: MedicationCodes
                    do {
                        updated = try current.applying(values)
                    } catch let errors as FieldErrors {
                        throw CommandSupport.fail(errors.entries.map { "\($0.field): \($0.message)" }.joined(separator: "\n"), code: 2)
                    }
                    if updated != current {
                        try await repository.update(updated, of: clinic.id, stamp: CommandSupport.operatorStamp("clinic medication-codes set"))
                    }
                    await database.shutDown()
                    print(updated == current ? "No changes." : MedicationCodesCommand.lines(updated) + "\nSaved.")
                } catch {
                    await database.shutDown()
                    throw error
                }
            }
        }
    }

    /// One line per code, `none` where the clinic entered none.
    static func lines(_ codes: MedicationCodes) -> String {
        "ketamineRxCUI: \(codes.ketamineRxCUI ?? "none")\nesketamineRxCUI: \(codes.esketamineRxCUI ?? "none")"
    }
}
