import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic clinic show|set`: reads and changes the clinic's settings, which live in the database.
struct ClinicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clinic", abstract: "Show or change the clinic's settings.",
        subcommands: [Show.self, Set.self, ClinicPolicyCommand.self, MedicationCodesCommand.self, List.self, Add.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the clinic's settings.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let (database, clinic) = try await ClinicCommand.openClinic(options)
                await database.shutDown()
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                    print(String(decoding: try encoder.encode(clinic), as: UTF8.self))
                } else {
                    let s = clinic.settings
                    print("Name:         \(s.name)\nTime zone:    \(s.timeZone)\n"
                          + "Jurisdiction: \(s.jurisdiction.code) (\(s.jurisdiction.displayName))\nMRN prefix:   \(s.mrnPrefix)\n"
                          + "Administrators need two-factor: \(s.requireAdministratorTwoFactor ? "yes" : "no")\n"
                          + "Working days: \(ClinicSettings.workingDaysCode(s.workingDays))")
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change the clinic's settings.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The clinic's name.") var name: String?
        @Option(help: "IANA time zone, e.g. Europe/London.") var timeZone: String?
        @Option(help: "Jurisdiction: US-NY, CA-ON, AU-VIC, GB, EU-DE…") var jurisdiction: String?
        @Option(help: "Prefix of new medical record numbers (1–6 letters or digits).") var mrnPrefix: String?
        @Option(help: "Require administrators to use two-factor sign-in: true or false.") var requireAdminTwoFactor: Bool?
        @Option(help: "Working days, e.g. mon,tue,wed,thu,fri.") var workingDays: String?

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let (database, clinic) = try await ClinicCommand.openClinic(options)
                var settings = clinic.settings
                if let name { settings.name = name }
                if let timeZone { settings.timeZone = timeZone }
                if let mrnPrefix { settings.mrnPrefix = mrnPrefix }
                if let requireAdminTwoFactor { settings.requireAdministratorTwoFactor = requireAdminTwoFactor }
                if let workingDays {
                    guard let days = ClinicSettings.workingDays(code: workingDays) else {
                        await database.shutDown()
                        throw CommandSupport.fail("working-days: use day names such as mon,tue,wed,thu,fri.", code: 2)
                    }
                    settings.workingDays = days
                }
                if let jurisdiction {
                    guard let parsed = Jurisdiction(code: jurisdiction) else {
                        await database.shutDown()
                        throw CommandSupport.fail("jurisdiction: '\(jurisdiction)' is not one KetaClinic has a profile for "
                                                  + "(for example US-NY, CA-ON, AU-VIC, GB, EU-DE).", code: 2)
                    }
                    settings.jurisdiction = parsed
                }
                do {
                    let valid = try settings.validated()
                    _ = try await SQLClinicRepository(database: database).updateSettings(
                        of: clinic.id, to: valid, stamp: CommandSupport.operatorStamp("clinic set"))
                    await database.shutDown()
                    print("Saved.")
                } catch let errors as FieldErrors {
                    await database.shutDown()
                    throw CommandSupport.fail(errors.entries.map { "\($0.field): \($0.message)" }.joined(separator: "\n"), code: 2)
                }
            }
        }
    }

    static func openClinic(_ options: ServerOptions) async throws -> (ClinicDatabase, Clinic) {
        let settings = try options.resolve()
        let logger = CommandSupport.bootstrapLogging(settings)
        let database = try CommandSupport.openDatabase(settings, logger: logger)
        do {
            try await Migrator().migrate(database)
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
            return (database, clinic)
        } catch {
            await database.shutDown()
            throw error
        }
    }
}
