import ClinicServer
import ClinicStorage
import Foundation

/// A migrated database with its clinic, wired into ``ClinicServices`` with a fixed clock.
public enum TestApp {
    /// Runs `body` with services over a fresh database on `engine`.
    public static func withServices<T>(
        _ engine: SQLEngine = .sqlite, settings: ServerSettings = Fixtures.settings, outbox: any Outbox = LoggingOutbox(),
        now: @escaping @Sendable () -> Date = { Fixtures.now },
        _ body: (ClinicServices) async throws -> T
    ) async throws -> T {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            var services = ClinicServices(database: database, settings: settings, outbox: outbox, now: now)
            // Board event streams end quickly, so a test that reads one as a whole body finishes.
            services.boardStreamLimit = .milliseconds(200)
            return try await body(services)
        }
    }
}

/// An outbox that keeps every message, so tests can check who was told what.
public final class RecordingOutbox: Outbox, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [OutboxMessage] = []

    /// An empty outbox.
    public init() {}

    public func send(_ message: OutboxMessage) async { lock.withLock { stored.append(message) } }

    /// The messages so far.
    public var messages: [OutboxMessage] { lock.withLock { stored } }
}
