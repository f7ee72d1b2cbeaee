import ClinicStorage
import Foundation
import Logging
import PostgresKit

/// Databases for tests: a temporary SQLite file always, and a fresh PostgreSQL database per test
/// when `KETACLINIC_TEST_POSTGRES_URL` is set (CI sets it; see `.ci/run`).
public enum TestDatabases {
    /// The engines the storage suites run on here.
    public static var engines: [SQLEngine] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// The PostgreSQL server for tests, if configured.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["KETACLINIC_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when CI demands the PostgreSQL suite (so a skipped suite is a failure).
    public static var postgresRequired: Bool {
        ProcessInfo.processInfo.environment["KETACLINIC_REQUIRE_POSTGRES"] == "1"
    }

    /// Runs `body` with a new, empty database on `engine` (migrated unless `migrated` is false),
    /// and removes it afterwards.
    public static func withDatabase<T>(
        _ engine: SQLEngine, migrated: Bool = true, _ body: (ClinicDatabase) async throws -> T
    ) async throws -> T {
        try await withSlot(for: engine) { try await openDatabase(engine, migrated: migrated, body) }
    }

    /// Runs `body` while holding one of the PostgreSQL test slots. swift-testing starts every
    /// test at once, whatever the cores, and each PostgreSQL test opens several connections: without
    /// this bound a full run asks for more connections than the server allows (`too many clients`).
    /// Tests that open a PostgreSQL database without ``withDatabase(_:migrated:_:)`` call this.
    public static func withPostgresSlot<T>(_ body: () async throws -> T) async throws -> T {
        await postgresSlots.acquire()
        do {
            let result = try await body()
            await postgresSlots.release()
            return result
        } catch {
            await postgresSlots.release()
            throw error
        }
    }

    /// ``withPostgresSlot(_:)`` on PostgreSQL; on SQLite, `body` at once.
    public static func withSlot<T>(for engine: SQLEngine, _ body: () async throws -> T) async throws -> T {
        engine == .postgres ? try await withPostgresSlot(body) : try await body()
    }

    /// At most this many PostgreSQL tests hold a database at once; each uses up to about ten
    /// connections (pool, writer, a second instance, the board listener), so the default stays
    /// well inside CI's `max_connections`. `KETACLINIC_TEST_POSTGRES_SLOTS` overrides it.
    private static let postgresSlots = TestSlots(
        count: ProcessInfo.processInfo.environment["KETACLINIC_TEST_POSTGRES_SLOTS"].flatMap { Int($0) }.map { max(1, $0) } ?? 8)

    private static func openDatabase<T>(
        _ engine: SQLEngine, migrated: Bool, _ body: (ClinicDatabase) async throws -> T
    ) async throws -> T {
        let (location, cleanup) = try await makeLocation(engine)
        let database = try ClinicDatabase(location: location, poolSize: 4, logger: quietLogger)
        do {
            if migrated { try await Migrator().migrate(database) }
            let result = try await body(database)
            await database.shutDown()
            try await cleanup()
            return result
        } catch {
            await database.shutDown()
            try? await cleanup()
            if let error = error as? PSQLError {
                throw DetailedPostgresError(statement: "during the test", details: String(reflecting: error))
            }
            throw error
        }
    }

    /// A location for a fresh database, and how to remove it.
    public static func makeLocation(_ engine: SQLEngine) async throws -> (DatabaseLocation, @Sendable () async throws -> Void) {
        switch engine {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("ketaclinic-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("test.sqlite").path
            return (.sqlite(path: path), { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            guard let url = postgresURL, var components = URLComponents(string: url) else {
                throw MissingPostgresError()
            }
            let name = "kc_test_\(UUID().uuidString.prefix(8).lowercased())"
            try await administer(url, "CREATE DATABASE \(name)")
            components.path = "/\(name)"
            let location = DatabaseLocation.postgres(url: components.string!)
            return (location, { try await administer(url, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") })
        }
    }

    /// Runs one statement on the administrative database named by `url`.
    public static func administer(_ url: String, _ statement: String) async throws {
        do {
            let configuration = try SQLPostgresConfiguration(url: url)
            let connection = try await PostgresConnection.connect(
                configuration: configuration.coreConfiguration, id: 1, logger: quietLogger)
            defer { Task { try? await connection.close() } }
            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: quietLogger)
            try await connection.close()
        } catch let error as PSQLError {
            throw DetailedPostgresError(statement: statement, details: String(reflecting: error))
        }
    }

    /// A logger that stays quiet unless something is wrong.
    public static let quietLogger: Logger = {
        var logger = Logger(label: "ketaclinic-tests")
        logger.logLevel = .error
        return logger
    }()
}

/// A counting semaphore for tests: waiters are served in arrival order.
actor TestSlots {
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
    }
}

/// The PostgreSQL suite was asked for but no server was configured.
public struct MissingPostgresError: Error, CustomStringConvertible {
    public var description: String { "KETACLINIC_TEST_POSTGRES_URL is not set" }
}

/// A PostgreSQL failure with the driver's full details, which its default description hides.
public struct DetailedPostgresError: Error, CustomStringConvertible {
    public let statement: String
    public let details: String
    public var description: String { "\(statement): \(details)" }
}
