import ClinicServer
import ClinicStorage
import Foundation

/// A migrated database with its clinic, wired into ``ClinicServices`` with a fixed clock.
public enum TestApp {
    /// Runs `body` with services over a fresh database on `engine`.
    public static func withServices<T>(
        _ engine: SQLEngine = .sqlite, settings: ServerSettings = Fixtures.settings,
        _ body: (ClinicServices) async throws -> T
    ) async throws -> T {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            return try await body(ClinicServices(database: database, settings: settings, now: { Fixtures.now }))
        }
    }
}
