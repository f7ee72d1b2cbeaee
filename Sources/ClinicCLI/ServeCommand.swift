import ArgumentParser
import ClinicServer
import Foundation
import Hummingbird

/// `ketaclinic serve`: migrates the database, optionally loads the demo clinic, and serves.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the KetaClinic web server.",
        discussion: """
            Settings resolve in this order: command-line flag, KETACLINIC_* environment variable, \
            config file, default. The server stops gracefully on SIGTERM or SIGINT.
            """)

    @OptionGroup var options: ServerOptions
    @Flag(help: .init(SettingKey.helpText("demo"))) var demo = false

    func run() async throws {
        // A write past the file-size limit (RLIMIT_FSIZE) then fails with EFBIG, which the
        // database reports and the server answers with 503, instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        try await CommandSupport.reportingErrors {
            let settings = try options.resolve(extraFlags: demo ? ["demo": "true"] : [:])
            let logger = CommandSupport.bootstrapLogging(settings)
            let database = try CommandSupport.openDatabase(settings, logger: logger)
            let progress = ProgressBar(label: "Loading demo clinic")
            let report: ServerStartup.Report
            do {
                report = try await CommandSupport.explainingStartupFaults(settings.database) {
                    try await ServerStartup.prepare(database: database, settings: settings, now: Date(),
                                                    progress: progress.update)
                }
            } catch {
                await database.shutDown()
                throw error
            }
            logger.info("database ready", metadata: [
                "database": .string(settings.database.description),
                "migrations_applied": .string(report.migrationsApplied.map(String.init).joined(separator: ",")),
                "demo_patients_loaded": .stringConvertible(report.demoPatientsLoaded),
            ])
            if !report.demoCredentials.isEmpty {
                FileHandle.standardOutput.write(Data(DemoAccounts.announcement(report.demoCredentials).utf8))
            }
            let services = ClinicServices(database: database, settings: settings)
            let app = buildApplication(services: services, logger: logger)
            // Written unbuffered so scripts reading a pipe see it at once.
            FileHandle.standardOutput.write(Data("KetaClinic listening on http://\(settings.host):\(settings.port)\n".utf8))
            try await app.runService()
        }
    }
}
