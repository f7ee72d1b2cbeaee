import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
@Suite("rems command")
struct RemsCommandTests {
    private func run(_ arguments: [String]) async throws { try await CommandLineSuites.run(arguments) }

    @Test("rems queue and form read the demo clinic's forms; the form view is audited")
    func queueAndForm() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        try await run(["demo", "--database", url, "--patients", "30", "--seed", "4"])
        try await run(["rems", "queue", "--database", url])
        try await run(["rems", "queue", "--database", url, "--json"])
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
        let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
        let queue = try await RemsRepository(database: database).queue(clinic: clinic, today: today)
        await database.shutDown()
        let first = try #require(queue.first)
        try await run(["rems", "form", first.form.sessionID.uuidString, "--database", url])
        try await run(["rems", "form", first.form.sessionID.uuidString, "--database", url, "--json"])
        let reopened = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let views = try await AuditTrail(database: reopened).page(AuditFilter(patientID: first.form.patientID, action: .view), limit: 10)
        await reopened.shutDown()
        #expect(views.contains { $0.event.entityType == "rems_form" })
    }

    @Test("Bad input exits non-zero with a clear message", arguments: [
        (["rems", "setting", "--zip", "12"], Int32(2)),
        (["rems", "setting", "--kind", "daycare"], Int32(2)),
        (["rems", "form", "6c1d7e9a-0000-4000-8000-000000000000"], Int32(1)),
    ])
    func badInput(arguments: [String], code: Int32) async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        await #expect {
            try await run(arguments + ["--database", location.description])
        } throws: { error in
            (error as? ExitCode)?.rawValue == code
        }
    }

    @Test("A session id that is not a UUID is refused before touching the database")
    func notAUUID() {
        #expect(throws: (any Error).self) { try KetaClinicCommand.parseAsRoot(["rems", "form", "42"]) }
    }
}
}
