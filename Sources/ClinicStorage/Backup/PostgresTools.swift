import Foundation

/// Runs PostgreSQL's own `pg_dump` and `pg_restore` for a `postgres://` location.
///
/// The password travels in `PGPASSWORD`, never on the command line where `ps` would show it.
/// The tools are looked up on `PATH`, then in the newest `/usr/lib/postgresql/*/bin` (Debian's
/// layout), or taken from `KETACLINIC_PG_BIN`.
enum PostgresTools {
    /// The path of `tool`, or an error saying how to install or name it.
    static func locate(_ tool: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        var candidates: [String] = []
        if let bin = environment["KETACLINIC_PG_BIN"] { candidates.append(bin + "/" + tool) }
        for directory in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(directory)/\(tool)") }
        let debian = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in debian.sorted(by: { $0.compare($1, options: .numeric) == .orderedDescending }) {
            candidates.append("/usr/lib/postgresql/\(version)/bin/\(tool)")
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BackupError("\(tool) was not found: install the PostgreSQL client tools (Debian: apt install postgresql-client) "
                              + "or set KETACLINIC_PG_BIN to the folder that holds \(tool)")
        }
        return found
    }

    /// The `PG*` variables that point the tools at `url` (host, port, user, password, database).
    static func environment(for url: String) throws -> [String: String] {
        guard let parts = URLComponents(string: url), let host = parts.host, parts.path.count > 1 else {
            throw BackupError("not a PostgreSQL URL")
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["PGHOST"] = host
        environment["PGPORT"] = String(parts.port ?? 5432)
        environment["PGDATABASE"] = String(parts.path.dropFirst()).removingPercentEncoding
        if let user = parts.user { environment["PGUSER"] = user.removingPercentEncoding ?? user }
        if let password = parts.password { environment["PGPASSWORD"] = password.removingPercentEncoding ?? password }
        if let mode = parts.queryItems?.first(where: { $0.name == "sslmode" })?.value { environment["PGSSLMODE"] = mode }
        return environment
    }

    /// Runs `tool` with `arguments`, handing each line it writes to standard error to `onLine`;
    /// throws with the last lines of that output when it exits non-zero.
    static func run(_ tool: String, _ arguments: [String], environment: [String: String],
                    onLine: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let collected = LineCollector(onLine: onLine)
        errors.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: BackupError("cannot start \(tool): \(error)"))
            }
        }
        errors.fileHandleForReading.readabilityHandler = nil
        collected.append(errors.fileHandleForReading.readDataToEndOfFile())
        guard status == 0 else {
            let name = URL(fileURLWithPath: tool).lastPathComponent
            throw BackupError("\(name) failed (exit \(status)): " + collected.lastLines(5).joined(separator: " | "))
        }
    }
}

/// Splits a tool's standard error into lines as it arrives; keeps the last ones for a message.
private final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = Data()
    private var recent: [String] = []
    private let onLine: @Sendable (String) -> Void

    init(onLine: @escaping @Sendable (String) -> Void) { self.onLine = onLine }

    func append(_ data: Data) {
        guard !data.isEmpty else { return }
        let lines: [String] = lock.withLock {
            pending.append(data)
            var complete: [String] = []
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                complete.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                pending.removeSubrange(pending.startIndex...newline)
            }
            recent = Array((recent + complete).suffix(20))
            return complete
        }
        for line in lines { onLine(line) }
    }

    func lastLines(_ count: Int) -> [String] {
        lock.withLock { Array(recent.filter { !$0.contains("dumping contents") && !$0.contains("processing") }.suffix(count)) }
    }
}
