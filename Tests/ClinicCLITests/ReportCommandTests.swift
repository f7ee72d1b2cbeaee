import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
@Suite("report outcomes command: one clinic, the network, and bad input")
struct ReportCommandTests {
    private func run(_ arguments: [String]) async throws { try await CommandLineSuites.run(arguments) }
    static let period = ["--from", Fixtures.today.adding(days: -400).iso, "--to", CalendarDate(instant: Date(), in: .gmt).iso]

    @Test("The network report and one clinic's report run over the demo and are audited as exports")
    func networkAndClinic() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        try await run(["demo", "--database", url, "--patients", "60", "--bcrypt-cost", "4"])
        try await run(["report", "outcomes", "--database", url, "--network"] + Self.period)
        try await run(["report", "outcomes", "--database", url, "--network", "--json"] + Self.period)
        try await run(["report", "outcomes", "--database", url, "--network", "--csv"] + Self.period)
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
        await database.shutDown()
        try await run(["report", "outcomes", "--database", url, "--clinic", clinic.id.uuidString] + Self.period)
        let reopened = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let exports = try await AuditTrail(database: reopened).page(AuditFilter(action: .export), limit: 20)
        await reopened.shutDown()
        #expect(exports.filter { $0.event.summary.hasPrefix("network outcome report, 1 clinics") }.count == 3)
        #expect(exports.contains { $0.event.summary.hasPrefix("outcome report of Demo Ketamine Clinic") })
    }

    @Test("Bad input and an empty cohort exit non-zero with a message naming the problem", arguments: [
        (["report", "outcomes", "--from", "2026-06-30", "--to", "2026-01-01"], "starts after it ends", 2),
        (["report", "outcomes", "--network", "--from", "2026-06-30", "--to", "2026-01-01"], "starts after it ends", 2),
        (["report", "outcomes", "--from", "2026-01-01", "--to", "2026-06-30", "--protocol", "iv-ketamine-turbo"], "Unknown protocol", 2),
        (["report", "outcomes", "--network", "--from", "2026-01-01", "--to", "2026-06-30", "--protocol", "nope"], "Unknown protocol", 2),
        (["report", "outcomes", "--from", "2026-01-01", "--to", "2026-06-30", "--clinic", "00000000-0000-0000-0000-000000000000"],
         "no clinic of this network", 2),
        (["report", "outcomes", "--from", "2001-01-01", "--to", "2001-01-31"], "nothing to report", 3),
        (["report", "outcomes", "--network", "--from", "2001-01-01", "--to", "2001-01-31"], "nothing to report", 3),
        (["clinic", "add", "--name", "Northside", "--time-zone", "UTC", "--jurisdiction", "US", "--mrn-prefix", "NS"], "PostgreSQL", 2),
        (["demo", "--patients", "10", "--network-clinics", "2"], "PostgreSQL", 2),
    ])
    func badInput(arguments: [String], message: String, code: Int32) async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        try await run(["clinic", "show", "--database", location.description])
        var thrown: (any Error)?
        let printed = try await Self.standardError {
            do { try await run(arguments + ["--database", location.description]) } catch { thrown = error }
        }
        let error = try #require(thrown, "the command fails")
        #expect(KetaClinicCommand.exitCode(for: error).rawValue == code)
        #expect((printed + KetaClinicCommand.message(for: error)).contains(message), "printed: \(printed)")
    }

    /// What `body` writes to standard error (the suite runs one test at a time).
    static func standardError(_ body: () async throws -> Void) async throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = open(path, O_WRONLY)
        let saved = dup(STDERR_FILENO)
        dup2(file, STDERR_FILENO)
        do {
            try await body()
        } catch {
            dup2(saved, STDERR_FILENO)
            close(saved)
            close(file)
            throw error
        }
        dup2(saved, STDERR_FILENO)
        close(saved)
        close(file)
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
}
