import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Logging
import Synchronization

/// The settings every command that touches the server or the database accepts.
///
/// Each flag maps to a ``SettingKey``; its help names the environment variable too. Values
/// resolve as flag, then environment variable, then config file, then default.
struct ServerOptions: ParsableArguments {
    @Option(help: .init(SettingKey.helpText("host"))) var host: String?
    @Option(help: .init(SettingKey.helpText("port"))) var port: String?
    @Option(help: .init(SettingKey.helpText("database"))) var database: String?
    @Option(help: .init(SettingKey.helpText("demoPatients"))) var demoPatients: String?
    @Option(help: .init(SettingKey.helpText("demoSeed"))) var demoSeed: String?
    @Option(help: .init(SettingKey.helpText("bodyLimitBytes"))) var bodyLimitBytes: String?
    @Option(help: .init(SettingKey.helpText("databasePoolSize"))) var databasePoolSize: String?
    @Option(help: .init(SettingKey.helpText("logLevel"))) var logLevel: String?
    @Option(help: .init(SettingKey.helpText("logFormat"))) var logFormat: String?
    @Option(help: .init(SettingKey.helpText("bcryptCost"))) var bcryptCost: String?
    @Option(help: .init(SettingKey.helpText("passwordMinimumLength"))) var passwordMinimumLength: String?
    @Option(help: .init(SettingKey.helpText("sessionIdleMinutes"))) var sessionIdleMinutes: String?
    @Option(help: .init(SettingKey.helpText("sessionAbsoluteHours"))) var sessionAbsoluteHours: String?
    @Option(help: .init(SettingKey.helpText("signInAccountFailureLimit"))) var signInAccountFailureLimit: String?
    @Option(help: .init(SettingKey.helpText("signInAddressFailureLimit"))) var signInAddressFailureLimit: String?
    @Option(help: .init(SettingKey.helpText("signInLockoutMinutes"))) var signInLockoutMinutes: String?
    @Option(help: .init(SettingKey.helpText("behindTlsProxy"))) var behindTlsProxy: String?
    @Option(help: .init(SettingKey.helpText("publicBaseUrl"))) var publicBaseUrl: String?
    @Option(help: .init(SettingKey.helpText("trustedProxies"))) var trustedProxies: String?
    @Option(help: .init(SettingKey.helpText("secretsFile"))) var secretsFile: String?
    @Option(help: .init(SettingKey.helpText("auditCheckpointFile"))) var auditCheckpointFile: String?
    @Option(help: .init(SettingKey.helpText("auditCheckpointMinutes"))) var auditCheckpointMinutes: String?
    @Option(help: .init(SettingKey.helpText("mllpPort"))) var mllpPort: String?
    @Option(help: .init(SettingKey.helpText("mllpHost"))) var mllpHost: String?
    @Option(help: .init(SettingKey.helpText("mllpGateways"))) var mllpGateways: String?
    @Option(help: .init(SettingKey.helpText("mllpMaxFrameBytes"))) var mllpMaxFrameBytes: String?
    @Option(help: .init(SettingKey.helpText("mllpFrameSeconds"))) var mllpFrameSeconds: String?
    @Option(help: .init(SettingKey.helpText("mllpIdleSeconds"))) var mllpIdleSeconds: String?
    @Option(help: .init(SettingKey.helpText("mllpTlsCertificate"))) var mllpTlsCertificate: String?
    @Option(help: .init(SettingKey.helpText("mllpTlsKey"))) var mllpTlsKey: String?
    @Option(help: .init(SettingKey.helpText("backupEvery"))) var backupEvery: String?
    @Option(help: .init(SettingKey.helpText("backupKeep"))) var backupKeep: String?
    @Option(help: .init(SettingKey.helpText("backupDirectory"))) var backupDirectory: String?
    @Option(help: .init(SettingKey.helpText("fhirExportDirectory"))) var fhirExportDirectory: String?
    @Option(help: "JSON config file (environment: KETACLINIC_CONFIG; default ./ketaclinic.json when it exists).")
    var config: String?

    /// The resolved settings; `extraFlags` adds flags a command declares itself (`--demo`).
    func resolve(extraFlags: [String: String] = [:]) throws -> ServerSettings {
        var flags = extraFlags
        let given: [(String, String?)] = [
            ("host", host), ("port", port), ("database", database), ("demoPatients", demoPatients),
            ("demoSeed", demoSeed), ("bodyLimitBytes", bodyLimitBytes), ("databasePoolSize", databasePoolSize),
            ("logLevel", logLevel), ("logFormat", logFormat), ("bcryptCost", bcryptCost),
            ("passwordMinimumLength", passwordMinimumLength), ("sessionIdleMinutes", sessionIdleMinutes),
            ("sessionAbsoluteHours", sessionAbsoluteHours), ("signInAccountFailureLimit", signInAccountFailureLimit),
            ("signInAddressFailureLimit", signInAddressFailureLimit), ("signInLockoutMinutes", signInLockoutMinutes),
            ("behindTlsProxy", behindTlsProxy), ("publicBaseUrl", publicBaseUrl), ("trustedProxies", trustedProxies),
            ("secretsFile", secretsFile), ("auditCheckpointFile", auditCheckpointFile),
            ("auditCheckpointMinutes", auditCheckpointMinutes),
            ("mllpPort", mllpPort), ("mllpHost", mllpHost), ("mllpGateways", mllpGateways), ("mllpMaxFrameBytes", mllpMaxFrameBytes),
            ("mllpFrameSeconds", mllpFrameSeconds), ("mllpIdleSeconds", mllpIdleSeconds), ("mllpTlsCertificate", mllpTlsCertificate),
            ("mllpTlsKey", mllpTlsKey),
            ("backupEvery", backupEvery), ("backupKeep", backupKeep), ("backupDirectory", backupDirectory), ("fhirExportDirectory", fhirExportDirectory),
        ]
        for (name, value) in given { if let value { flags[name] = value } }
        let environment = ProcessInfo.processInfo.environment
        let configPath = config ?? environment["KETACLINIC_CONFIG"]
            ?? (FileManager.default.fileExists(atPath: "ketaclinic.json") ? "ketaclinic.json" : nil)
        let file = try configPath.map(ServerSettings.readConfigFile(at:)) ?? [:]
        return try ServerSettings.resolve(flags: flags, environment: environment, configFile: file)
    }
}

extension SettingKey {
    /// The help line for the setting called `name`: what it does and its environment variable.
    static func helpText(_ name: String) -> String {
        guard let key = all.first(where: { $0.name == name }) else { return "" }
        return "\(key.help) Environment: \(key.environmentVariable)."
    }
}

/// Shared start-up steps of the commands.
enum CommandSupport {
    /// `value` as the pretty, key-sorted JSON every `--json` option prints.
    static func jsonText(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The logging system can be bootstrapped once per process; commands run in tests share one.
    private static let loggingBootstrapped = Mutex(false)

    /// Sends logs to standard error, as text or JSON lines, once per process.
    static func bootstrapLogging(_ settings: ServerSettings) -> Logger {
        let format = settings.logFormat
        let level = settings.logLevel
        loggingBootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = format == .json
                    ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "ketaclinic")
        logger.logLevel = level
        return logger
    }

    /// Opens the configured database.
    /// Opens the configured database with the server's secret keys, creating the secrets file on
    /// first use unless `createKeys` is false (then a missing file leaves MACs unchecked).
    static func openDatabase(_ settings: ServerSettings, logger: Logger, createKeys: Bool = true) throws -> ClinicDatabase {
        let path = settings.resolvedSecretsFile
        let keys: ServerKeys? = createKeys || FileManager.default.fileExists(atPath: path)
            ? try ServerKeys.loadOrCreate(at: path) : nil
        return try ClinicDatabase(location: settings.database, poolSize: settings.databasePoolSize, logger: logger, keys: keys)
    }

    /// The audit stamp of a change made from the command line: the operating-system user, the
    /// command, and the host.
    static func operatorStamp(_ command: String) -> AuditStamp {
        let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        return AuditStamp(at: Date(), userID: nil, actorName: "cli: \(user)", role: nil,
                          requestID: "ketaclinic \(command)", ipAddress: "local")
    }

    /// Opens, migrates and hands over the database, closing it afterwards whatever happens.
    static func withDatabase<T>(_ options: ServerOptions, createKeys: Bool = true,
                                _ body: (ClinicDatabase, ServerSettings) async throws -> T) async throws -> T {
        let settings = try options.resolve()
        let logger = bootstrapLogging(settings)
        let database = try openDatabase(settings, logger: logger, createKeys: createKeys)
        do {
            try await explainingStartupFaults(settings.database) { try await Migrator().migrate(database) }
            let result = try await body(database, settings)
            await database.shutDown()
            return result
        } catch {
            await database.shutDown()
            throw error
        }
    }

    /// What most commands that touch the database run: ``withDatabase(_:createKeys:_:)`` inside
    /// ``reportingErrors(_:)``, so that a failure to open it and the command's own refusals both end
    /// in a clear message and exit code.
    static func withDatabaseReportingErrors<T>(_ options: ServerOptions,
                                               _ body: (ClinicDatabase, ServerSettings) async throws -> T) async throws -> T {
        try await reportingErrors { try await withDatabase(options, body) }
    }

    /// Runs the first database step of a command, turning a locked file, an unreachable server or
    /// a full disk into a message naming the database and what to do.
    static func explainingStartupFaults<T>(_ location: DatabaseLocation, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            guard let fault = DatabaseFault(classifying: error) else { throw error }
            throw fail(fault.startupMessage(location))
        }
    }

    /// The database's clinic, or a refusal (exit 2) that says to set one up first.
    static func primaryClinic(_ database: ClinicDatabase) async throws -> Clinic {
        guard let clinic = try await SQLClinicRepository(database: database).primaryClinic() else {
            throw fail("no clinic in this database yet: run `ketaclinic migrate` and set one up first.", code: 2)
        }
        return clinic
    }

    /// Prints `message` to standard error and exits with `code`: the CLI's way to refuse.
    static func fail(_ message: String, code: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(code)
    }

    /// Runs `body`, turning settings and database errors into a clear message and a non-zero exit.
    static func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as SettingsError {
            throw fail(error.description, code: 2)
        } catch let error as DatabaseLocationError {
            throw fail(error.description, code: 2)
        } catch let error as SchemaTooNewError {
            throw fail(error.description)
        } catch let errors as FieldErrors {
            throw fail(errors.entries.map { "\($0.field): \($0.message)" }.joined(separator: "\n"), code: 2)
        } catch {
            throw fail(String(describing: error))
        }
    }
}
