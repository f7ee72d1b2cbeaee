import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

extension ClinicCommand {
    /// `ketaclinic clinic list`: the clinics of the deployment (a network on PostgreSQL), with the
    /// ids the outcome report's `--clinic` option takes.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the clinics of this database (a network on PostgreSQL).")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let (database, _) = try await ClinicCommand.openClinic(options)
                let clinics: [Clinic]
                do {
                    clinics = try await SQLClinicRepository(database: database).all()
                } catch {
                    await database.shutDown()
                    throw error
                }
                await database.shutDown()
                if json {
                    print(try CommandSupport.jsonText(clinics))
                } else {
                    for clinic in clinics {
                        print("\(clinic.id.uuidString)  \(clinic.settings.name)  (\(clinic.settings.timeZone), \(clinic.settings.jurisdiction.code), MRN prefix \(clinic.settings.mrnPrefix))")
                    }
                }
            }
        }
    }

    /// `ketaclinic clinic add`: another clinic of a network sharing this PostgreSQL database.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a clinic to the network (PostgreSQL only: a SQLite database serves one clinic).")
        @OptionGroup var options: ServerOptions
        @Option(help: "The clinic's name.") var name: String
        @Option(help: "IANA time zone, e.g. Europe/London.") var timeZone: String
        @Option(help: "Jurisdiction: US-NY, CA-ON, AU-VIC, GB, EU-DE…") var jurisdiction: String
        @Option(help: "Prefix of its medical record numbers (1–6 letters or digits).") var mrnPrefix: String

        func run() async throws {
            try await CommandSupport.reportingErrors {
                guard let parsed = Jurisdiction(code: jurisdiction) else {
                    throw CommandSupport.fail("jurisdiction: '\(jurisdiction)' is not one KetaClinic has a profile for "
                                              + "(for example US-NY, CA-ON, AU-VIC, GB, EU-DE).", code: 2)
                }
                var settings = ClinicSettings.initial
                settings.name = name
                settings.timeZone = timeZone
                settings.jurisdiction = parsed
                settings.mrnPrefix = mrnPrefix
                let valid: ClinicSettings
                do {
                    valid = try settings.validated()
                } catch let errors as FieldErrors {
                    throw CommandSupport.fail(errors.entries.map { "\($0.field): \($0.message)" }.joined(separator: "\n"), code: 2)
                }
                let (database, _) = try await ClinicCommand.openClinic(options)
                do {
                    let clinic = try await SQLClinicRepository(database: database).addNetworkClinic(
                        valid, stamp: CommandSupport.operatorStamp("clinic add"))
                    await database.shutDown()
                    print("Added \(clinic.settings.name): \(clinic.id.uuidString)")
                } catch let error as ClinicNetworkNeedsPostgresError {
                    await database.shutDown()
                    throw CommandSupport.fail(error.description, code: 2)
                } catch {
                    await database.shutDown()
                    throw error
                }
            }
        }
    }
}
