import ArgumentParser
@testable import ClinicCLI
import ClinicStorage
import Foundation
import Testing
import TestSupport

@Suite("Command line")
struct CommandTests {
    private func run(_ arguments: [String]) async throws {
        var command = try KetaClinicCommand.parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }

    @Test("migrate, demo and clinic set work on a fresh database and are reflected in storage")
    func migrateDemoClinic() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        try await run(["migrate", "--database", url])
        try await run(["demo", "--database", url, "--patients", "120", "--seed", "4"])
        try await run(["clinic", "set", "--database", url, "--name", "Harbour Clinic", "--jurisdiction", "au-vic",
                       "--time-zone", "Australia/Melbourne"])
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
        let count = try await SQLPatientRepository(database: database).count(in: clinic.id)
        await database.shutDown()
        #expect(count == 120)
        #expect(clinic.settings.name == "Harbour Clinic")
        #expect(clinic.settings.jurisdiction.code == "AU-VIC")
    }

    @Test("Invalid input exits non-zero with a clear message", arguments: [
        ["clinic", "set", "--time-zone", "Nowhere/Land"],
        ["clinic", "set", "--jurisdiction", "FR"],
        ["migrate", "--port", "abc"],
    ])
    func invalidInput(arguments: [String]) async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        await #expect {
            try await run(arguments + ["--database", location.description])
        } throws: { error in
            (error as? ExitCode)?.rawValue == 2
        }
    }

    @Test("demo refuses a negative patient count before touching the database")
    func demoValidation() {
        #expect(throws: (any Error).self) { try KetaClinicCommand.parseAsRoot(["demo", "--patients", "-5"]) }
    }
}
