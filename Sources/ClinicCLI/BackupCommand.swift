import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic backup --out FILE`: a consistent copy of the live database, taken while the
/// server keeps running, with its SHA-256 beside it and an entry in the backup log.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a backup file while the server keeps running.",
        discussion: """
            SQLite: VACUUM INTO copies one consistent snapshot (every write committed before the backup \
            began) into a self-contained file, which is checked with PRAGMA integrity_check. PostgreSQL: \
            pg_dump --format=custom (the PostgreSQL client tools must be installed). The file is written \
            as FILE.partial and renamed only when complete; its SHA-256 is written to FILE.sha256 \
            (sha256sum -c reads it). Restore with `ketaclinic restore FILE --database …`.
            """)

    @OptionGroup var options: ServerOptions
    @Option(help: "The backup file to write; it must not exist yet.") var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await CommandSupport.reportingErrors {
            let progress = ProgressBar(label: "Backing up")
            let result: DatabaseBackup.Result = try await CommandSupport.withDatabase(options) { database, settings in
                let logger = CommandSupport.bootstrapLogging(settings)
                let log = BackupLog(database: database)
                let started = Date()
                let stamp = CommandSupport.operatorStamp("backup")
                let host = ProcessInfo.processInfo.hostName
                do {
                    let result = try await DatabaseBackup(database: database, logger: logger).write(to: out, progress: progress.update)
                    try await log.record(BackupRun(startedAt: result.startedAt, finishedAt: result.finishedAt, trigger: .command,
                                                   succeeded: true, file: Self.absolute(result.file), bytes: result.bytes,
                                                   sha256: result.sha256, message: "written and checked", host: host),
                                         stamp: stamp)
                    return result
                } catch {
                    try? await log.record(BackupRun(startedAt: started, finishedAt: Date(), trigger: .command, succeeded: false,
                                                    file: Self.absolute(out), bytes: 0, sha256: "",
                                                    message: String(describing: error), host: host),
                                          stamp: stamp)
                    throw error
                }
            }
            if json {
                print(try CommandSupport.jsonText(Report(result)))
            } else {
                let seconds = String(format: "%.2f", result.finishedAt.timeIntervalSince(result.startedAt))
                print("Backup written and checked: \(result.file) (\(result.bytes) bytes, \(result.kind.rawValue), \(seconds) s)")
                print("SHA-256: \(result.sha256)  (also in \(BackupFile.checksumPath(for: result.file)))")
                print("It holds every write committed before \(ISO8601DateFormatter().string(from: result.startedAt)).")
            }
        }
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `--json` output.
    struct Report: Encodable {
        var file: String
        var kind: String
        var bytes: Int64
        var sha256: String
        var startedAt: String
        var finishedAt: String

        init(_ result: DatabaseBackup.Result) {
            let format = ISO8601DateFormatter()
            format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            file = result.file
            kind = result.kind.rawValue
            bytes = result.bytes
            sha256 = result.sha256
            startedAt = format.string(from: result.startedAt)
            finishedAt = format.string(from: result.finishedAt)
        }
    }
}

/// `ketaclinic restore FILE --database …`: puts a backup in place and proves it before
/// reporting success.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a database, then check it.",
        discussion: """
            The backup's SHA-256 must match FILE.sha256 when that file exists. A database that already \
            holds tables is refused unless --replace-existing is given (SQLite: the old file is moved aside \
            as NAME.replaced-<time>, never deleted; PostgreSQL: always restore into a new, empty database). \
            Stop the server that uses an SQLite target first. The restored database must pass PRAGMA \
            integrity_check (PostgreSQL: every table read through), have a schema this KetaClinic can \
            serve, and an intact audit chain before success is reported; an SQLite copy that fails is \
            not put in place. Exit status: 0 restored and verified, 1 refused or failed.
            """)

    @OptionGroup var options: ServerOptions
    @Argument(help: "The backup file (an SQLite backup or a pg_dump custom-format archive).") var file: String
    @Flag(help: "Replace an SQLite database that already holds data (it is moved aside, not deleted).")
    var replaceExisting = false

    func run() async throws {
        try await CommandSupport.reportingErrors {
            let settings = try options.resolve()
            let logger = CommandSupport.bootstrapLogging(settings)
            let outcome: DatabaseRestore.Outcome
            do {
                outcome = try await CommandSupport.explainingStartupFaults(settings.database) {
                    try await DatabaseRestore(logger: logger).restore(file, into: settings.database, replaceExisting: replaceExisting)
                }
            } catch let error as BackupError {
                throw CommandSupport.fail(error.description)
            } catch let error as RestoreCheckFailed {
                throw CommandSupport.fail(error.description)
            }
            print("Backup \(file): SHA-256 \(outcome.sha256) "
                  + (outcome.checksumVerified ? "(matches \(BackupFile.checksumPath(for: file)))" : "(no .sha256 file beside it to compare)"))
            if let moved = outcome.previousDatabaseMovedTo { print("The database it replaced was kept at \(moved)") }
            for line in outcome.checks.lines { print("  " + line) }
            guard outcome.checks.passed else {
                throw CommandSupport.fail("the restored database \(settings.database) did not pass its checks (see above)")
            }
            print("Restored into \(settings.database) and verified.")
        }
    }
}
