import ClinicStorage
import Foundation
import Logging

/// How the server runs: where it listens, which database it uses, how much it accepts.
///
/// Each value comes from, in order of precedence: a command-line flag, a `KETACLINIC_*`
/// environment variable, the JSON config file, then the default. ``SettingKey`` lists them all
/// once; `serve --help`, the README and the resolver all read that list.
public struct ServerSettings: Sendable, Equatable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// Port to listen on.
    public var port = 8080
    /// The database.
    public var database = DatabaseLocation.default
    /// Load the demo clinic at start when the database has no patients.
    public var demo = false
    /// Patients in the demo clinic.
    public var demoPatients = 200
    /// Seed of the demo clinic; the same seed gives the same clinic.
    public var demoSeed: UInt64 = 1
    /// Largest request body accepted, in bytes.
    public var bodyLimitBytes = 1 << 20
    /// Reader connections to the database.
    public var databasePoolSize = 8
    /// Lowest log level written.
    public var logLevel = Logger.Level.info
    /// `text` for people, `json` for log collectors.
    public var logFormat = LogFormat.text
    /// bcrypt cost (log2 rounds) for new password hashes.
    public var bcryptCost = 12
    /// Fewest characters in a password.
    public var passwordMinimumLength = 12
    /// A session ends after this many minutes without a request.
    public var sessionIdleMinutes = 30
    /// A session ends this many hours after sign-in, whatever the activity.
    public var sessionAbsoluteHours = 12
    /// Failed sign-ins for one account, within the lockout window, before it is refused.
    public var signInAccountFailureLimit = 5
    /// Failed sign-ins from one address, within the lockout window, before it is refused.
    public var signInAddressFailureLimit = 20
    /// The window, in minutes, over which failures count.
    public var signInLockoutMinutes = 15
    /// The app sits behind a TLS-terminating proxy: cookies are Secure and HSTS is sent. The
    /// client address comes from `X-Forwarded-For` only through ``trustedProxies``.
    public var behindTlsProxy = false
    /// The address patients and outside systems reach the clinic at, e.g. `https://clinic.example`:
    /// links sent to patients are built from it, never from the request's `Host` header, which a
    /// sender controls. Unset, it is `http://HOST:PORT` of the listener.
    public var publicBaseURL: String?
    /// Proxies whose `X-Forwarded-For` is believed: the client is the right-most address in that
    /// header that is not one of them. Empty: the header is ignored and the peer address is used.
    public var trustedProxies: [String] = []
    /// The server's secret keys (TOTP encryption, code digests, audit MACs): a file outside the
    /// database. Unset: beside a SQLite database (`PATH.keys`), or `./ketaclinic.keys` for PostgreSQL.
    public var secretsFile: String?
    /// Where signed audit checkpoints are appended. Unset: beside the secrets file (`….checkpoints`).
    public var auditCheckpointFile: String?
    /// Minutes between signed audit checkpoints written by the server (0: only on demand and at shutdown).
    public var auditCheckpointMinutes = 15

    /// The secrets file in use.
    public var resolvedSecretsFile: String {
        if let secretsFile { return secretsFile }
        switch database {
        case .sqlite(let path): return path + ".keys"
        case .postgres: return "ketaclinic.keys"
        }
    }

    /// The checkpoint file in use.
    public var resolvedAuditCheckpointFile: String {
        auditCheckpointFile ?? (resolvedSecretsFile.hasSuffix(".keys")
            ? String(resolvedSecretsFile.dropLast(5)) + ".checkpoints" : resolvedSecretsFile + ".checkpoints")
    }

    /// The base of every absolute link the server writes, without a trailing slash.
    public var linkBase: String {
        publicBaseURL ?? "\(behindTlsProxy ? "https" : "http")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
    /// The MLLP listener for monitor gateways (HL7 v2 PCD-01): off by default; see docs/monitors.md.
    public var monitors = MonitorListenerSettings()
    /// Seconds between scheduled backups; nil (the default) takes none.
    public var backupEverySeconds: Int?
    /// Scheduled backup files kept; older ones are removed after each good backup.
    public var backupKeep = 28
    /// Folder for scheduled backups.
    public var backupDirectory = "./backups"
    /// Folder for FHIR Bulk Data export files (docs/fhir.md).
    public var fhirExportDirectory = "./fhir-exports"

    /// The backup policy, when scheduled backups are on.
    public var backupSchedule: BackupSchedule? {
        backupEverySeconds.map { BackupSchedule(intervalSeconds: $0, keep: backupKeep, directory: backupDirectory) }
    }

    /// Default settings.
    public init() {}
}

/// How log lines are written.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One readable line per event.
    case text
    /// One JSON object per line, for log collectors.
    case json
}

/// One configurable setting, with its three spellings and what it does.
public struct SettingKey: Sendable {
    /// Name in the config file, e.g. `port`.
    public let name: String
    /// The command-line flag, e.g. `--port`.
    public var flag: String { "--" + name.replacingOccurrences(of: "([a-z])([A-Z])", with: "$1-$2", options: .regularExpression).lowercased() }
    /// The environment variable, e.g. `KETACLINIC_PORT`.
    public var environmentVariable: String {
        "KETACLINIC_" + name.replacingOccurrences(of: "([a-z])([A-Z])", with: "$1_$2", options: .regularExpression).uppercased()
    }
    /// What it does and its default, for help and docs.
    public let help: String
    fileprivate let apply: @Sendable (inout ServerSettings, String) throws -> Void

    /// Every setting, in the order the help lists them.
    public static let all: [SettingKey] = [
        SettingKey(name: "host", help: "Address to listen on (default 127.0.0.1).") { $0.host = $1 },
        SettingKey(name: "port", help: "Port to listen on (default 8080).") {
            $0.port = try parse($1, as: "port", in: 0...65_535)
        },
        SettingKey(name: "database", help: "A file path (or sqlite:PATH, or a file: URL) for SQLite, or postgres://user:pass@host:port/db (default ./ketaclinic.sqlite).") {
            $0.database = try DatabaseLocation(parsing: $1)
        },
        SettingKey(name: "demo", help: "Load the demo clinic at start if the database has no patients (default false).") {
            $0.demo = try parseBool($1, as: "demo")
        },
        SettingKey(name: "demoPatients", help: "Patients in the demo clinic (default 200).") {
            $0.demoPatients = try parse($1, as: "demo-patients", in: 0...10_000_000)
        },
        SettingKey(name: "demoSeed", help: "Seed of the demo clinic (default 1).") {
            guard let seed = UInt64($1) else { throw SettingsError("demo-seed must be a whole number, got '\($1)'") }
            $0.demoSeed = seed
        },
        SettingKey(name: "bodyLimitBytes", help: "Largest request body accepted, in bytes (default 1048576).") {
            $0.bodyLimitBytes = try parse($1, as: "body-limit-bytes", in: 1_024...(256 << 20))
        },
        SettingKey(name: "databasePoolSize", help: "Database reader connections (default 8).") {
            $0.databasePoolSize = try parse($1, as: "database-pool-size", in: 1...256)
        },
        SettingKey(name: "logLevel", help: "trace, debug, info, notice, warning, error or critical (default info).") {
            guard let level = Logger.Level(rawValue: $1.lowercased()) else {
                throw SettingsError("log-level must be one of trace, debug, info, notice, warning, error, critical; got '\($1)'")
            }
            $0.logLevel = level
        },
        SettingKey(name: "logFormat", help: "text or json (default text).") {
            guard let format = LogFormat(rawValue: $1.lowercased()) else {
                throw SettingsError("log-format must be text or json; got '\($1)'")
            }
            $0.logFormat = format
        },
        SettingKey(name: "bcryptCost", help: "bcrypt cost for password hashes, 4 to 16 (default 12).") {
            $0.bcryptCost = try parse($1, as: "bcrypt-cost", in: 4...16)
        },
        SettingKey(name: "passwordMinimumLength", help: "Fewest characters in a password, 8 to 64 (default 12).") {
            $0.passwordMinimumLength = try parse($1, as: "password-minimum-length", in: 8...64)
        },
        SettingKey(name: "sessionIdleMinutes", help: "Minutes without a request before a session ends (default 30).") {
            $0.sessionIdleMinutes = try parse($1, as: "session-idle-minutes", in: 1...1_440)
        },
        SettingKey(name: "sessionAbsoluteHours", help: "Hours after sign-in before a session ends regardless (default 12).") {
            $0.sessionAbsoluteHours = try parse($1, as: "session-absolute-hours", in: 1...168)
        },
        SettingKey(name: "signInAccountFailureLimit", help: "Failed sign-ins per account within the window before refusal (default 5).") {
            $0.signInAccountFailureLimit = try parse($1, as: "sign-in-account-failure-limit", in: 1...1_000)
        },
        SettingKey(name: "signInAddressFailureLimit", help: "Failed sign-ins per IP address within the window before refusal (default 20).") {
            $0.signInAddressFailureLimit = try parse($1, as: "sign-in-address-failure-limit", in: 1...100_000)
        },
        SettingKey(name: "signInLockoutMinutes", help: "Window, in minutes, over which failed sign-ins count (default 15).") {
            $0.signInLockoutMinutes = try parse($1, as: "sign-in-lockout-minutes", in: 1...1_440)
        },
        SettingKey(name: "behindTlsProxy", help: "Behind a TLS-terminating proxy: Secure cookies and HSTS; list the proxy in trusted-proxies for client addresses (default false).") {
            $0.behindTlsProxy = try parseBool($1, as: "behind-tls-proxy")
        },
        SettingKey(name: "publicBaseUrl", help: "Address patients reach the clinic at, e.g. https://clinic.example; links to patients use it (default http://HOST:PORT).") {
            $0.publicBaseURL = try parseBaseURL($1)
        },
        SettingKey(name: "secretsFile", help: "File of the server's secret keys, created on first start (default beside a SQLite database, PATH.keys; ./ketaclinic.keys for PostgreSQL). Keep it out of database backups' reach and give every instance the same file.") {
            $0.secretsFile = $1
        },
        SettingKey(name: "auditCheckpointFile", help: "File that signed audit checkpoints are appended to (default beside the secrets file, .checkpoints).") {
            $0.auditCheckpointFile = $1
        },
        SettingKey(name: "auditCheckpointMinutes", help: "Minutes between signed audit checkpoints; 0 writes them only at shutdown and on demand (default 15).") {
            $0.auditCheckpointMinutes = try parse($1, as: "audit-checkpoint-minutes", in: 0...10_080)
        },
        SettingKey(name: "trustedProxies", help: "Comma-separated proxy addresses whose X-Forwarded-For is believed (default none).") {
            $0.trustedProxies = try parseAddresses($1)
        },
        SettingKey(name: "backupEvery", help: "Take a backup this often while serving, e.g. 6h, 30m, 1d (5s to 30d; default off).") {
            let text = $1.trimmingCharacters(in: .whitespaces).lowercased()
            if ["off", "none", "0"].contains(text) { $0.backupEverySeconds = nil; return }
            guard let seconds = DurationText.seconds(text), (5...(30 * 86_400)).contains(seconds) else {
                throw SettingsError("backup-every must be a duration from 5s to 30d such as 6h, 30m or 1d (or off); got '\($1)'")
            }
            $0.backupEverySeconds = seconds
        },
        SettingKey(name: "backupKeep", help: "Scheduled backups kept; older ones are removed (1 to 10000, default 28).") {
            $0.backupKeep = try parse($1, as: "backup-keep", in: 1...10_000)
        },
        SettingKey(name: "backupDirectory", help: "Folder for scheduled backups (default ./backups).") {
            let path = $1.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { throw SettingsError("backup-directory must name a folder") }
            $0.backupDirectory = path
        },
        SettingKey(name: "fhirExportDirectory", help: "Folder for FHIR Bulk Data export files (default ./fhir-exports).") {
            let path = $1.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { throw SettingsError("fhir-export-directory must name a folder") }
            $0.fhirExportDirectory = path
        },
    ] + MonitorListenerSettings.keys

    /// A setting parsed as a whole number within `range` (for settings declared elsewhere).
    static func parseNumber(_ text: String, as name: String, in range: ClosedRange<Int>) throws -> Int {
        try parse(text, as: name, in: range)
    }

    /// A key of a setting declared beside its feature.
    init(name: String, help: String, apply: @escaping @Sendable (inout ServerSettings, String) throws -> Void) {
        self.name = name
        self.help = help
        self.apply = apply
    }

    private static func parseBaseURL(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil else {
            throw SettingsError("public-base-url must be an http(s) address such as https://clinic.example; got '\(text)'")
        }
        return trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed
    }

    private static func parseAddresses(_ text: String) throws -> [String] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for part in parts where ClientAddress.normalized(part) == nil {
            throw SettingsError("trusted-proxies must list IP addresses separated by commas; '\(part)' is not one")
        }
        return parts.compactMap(ClientAddress.normalized)
    }

    private static func parse(_ text: String, as name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw SettingsError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound); got '\(text)'")
        }
        return value
    }

    private static func parseBool(_ text: String, as name: String) throws -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw SettingsError("\(name) must be true or false; got '\(text)'")
        }
    }
}

/// A setting had a value it cannot take; the message names the setting and the accepted values.
public struct SettingsError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}

extension ServerSettings {
    /// Resolves the settings from their three sources. `flags` and `configFile` are keyed by the
    /// setting's `name`; the environment by its variable. Unknown config-file keys are refused,
    /// so a typo does not silently leave a default in place.
    public static func resolve(flags: [String: String], environment: [String: String],
                               configFile: [String: String]) throws -> ServerSettings {
        let known = Set(SettingKey.all.map(\.name))
        if let unknown = configFile.keys.sorted().first(where: { !known.contains($0) }) {
            throw SettingsError("the config file has an unknown setting '\(unknown)'; known: \(known.sorted().joined(separator: ", "))")
        }
        var settings = ServerSettings()
        for key in SettingKey.all {
            if let value = flags[key.name] ?? environment[key.environmentVariable] ?? configFile[key.name] {
                try key.apply(&settings, value)
            }
        }
        return settings
    }

    /// Reads a JSON config file: one object whose values are strings, numbers or booleans.
    public static func readConfigFile(at path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError("cannot read the config file at \(path)")
        }
        guard let object = try? JSONDecoder().decode([String: ConfigValue].self, from: data) else {
            throw SettingsError("the config file at \(path) must be one JSON object of strings, numbers and booleans")
        }
        return object.mapValues(\.text)
    }
}

/// A config-file value; every setting is parsed from its text form, like flags and variables.
private struct ConfigValue: Decodable {
    let text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { text = flag ? "true" : "false" }
        else if let number = try? container.decode(Int.self) { text = String(number) }
        else { text = try container.decode(String.self) }
    }
}
