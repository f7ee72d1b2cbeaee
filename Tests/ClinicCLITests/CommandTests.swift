import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import ClinicServer
import ClinicStorage
import SQLKit
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
@Suite("Command line")
struct CommandTests {
    private func run(_ arguments: [String]) async throws { try await CommandLineSuites.run(arguments) }

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

    /// Runs `arguments` with `input` as standard input (the way scripts pipe a password in).
    private func run(_ arguments: [String], stdin input: String) async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        _ = input.withCString { write(fds[1], $0, strlen($0)) }
        close(fds[1])
        let saved = dup(STDIN_FILENO)
        dup2(fds[0], STDIN_FILENO)
        close(fds[0])
        defer { dup2(saved, STDIN_FILENO); close(saved) }
        try await run(arguments)
    }

    @Test("user add reads the password from standard input, applies the policy, and audit verify checks the trail")
    func userAddAndAuditVerify() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        await #expect {
            try await run(["user", "add", "--database", url, "--email", "ada@clinic.org", "--role", "administrator",
                           "--password-stdin", "--bcrypt-cost", "4"], stdin: "password1234\n")
        } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        try await run(["user", "add", "--database", url, "--email", "ada@clinic.org", "--role", "administrator",
                       "--password-stdin", "--bcrypt-cost", "4"], stdin: "quiet infusion room\n")
        try await run(["token", "create", "--database", url, "--email", "ada@clinic.org", "--name", "gateway",
                       "--scope", "audit.read"])
        await #expect {
            try await run(["token", "create", "--database", url, "--email", "ada@clinic.org", "--name", "x", "--scope", "patients.register"])
        } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        try await run(["audit", "verify", "--database", url])

        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let stored = try #require(try await SQLUserRepository(database: database).find(email: EmailAddress("ada@clinic.org")!))
        let hasher = PasswordHasher(cost: 4, policy: PasswordPolicy())
        #expect(try await hasher.verify("quiet infusion room", against: stored.passwordHash))
        #expect(stored.account.role == .administrator && !stored.account.mustChangePassword)
        let created = try await AuditTrail(database: database).page(AuditFilter(action: .create), limit: 10)
        #expect(created.contains { $0.event.entityType == "user" && $0.stamp.actorName.hasPrefix("cli: ") })
        for statement in ["DROP TRIGGER audit_entries_refuse_update", "UPDATE audit_entries SET summary = 'nothing to see' WHERE sequence = 2"] {
            _ = try await database.write { db in try await db.raw(SQLQueryString(statement)).run() }
        }
        await database.shutDown()
        await #expect {
            try await run(["audit", "verify", "--database", url])
        } throws: { ($0 as? ExitCode)?.rawValue == 1 }
    }
}}
