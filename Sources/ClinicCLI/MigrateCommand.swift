import ArgumentParser
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic migrate`: applies pending schema migrations and reports the version.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (serve also does this at start).")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        try await CommandSupport.reportingErrors {
            let settings = try options.resolve()
            let logger = CommandSupport.bootstrapLogging(settings)
            let database = try CommandSupport.openDatabase(settings, logger: logger)
            defer { Task { await database.shutDown() } }
            let applied = try await Migrator().migrate(database)
            let status = try await Migrator().status(database)
            await database.shutDown()
            print(applied.isEmpty
                  ? "Schema already current at version \(status.databaseVersion)."
                  : "Applied migrations \(applied.map(String.init).joined(separator: ", ")); schema at version \(status.databaseVersion).")
        }
    }
}
