import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
@Suite("sessions command and demo load-test chairs")
struct SessionsCommandTests {
    private func run(_ arguments: [String]) async throws { try await CommandLineSuites.run(arguments) }

    @Test("demo --load-test-chairs seats patients one per chair; sessions lists the day, each patient an audited view")
    func dayList() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        try await run(["demo", "--database", url, "--patients", "25", "--load-test-chairs", "3", "--bcrypt-cost", "4"])
        try await run(["sessions", "--database", url])
        try await run(["sessions", "--database", url, "--json"])
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let records = SessionRecordRepository(database: database)
        let seated = try await records.activeRecords().filter { $0.chair?.hasPrefix("Bay ") == true }
        #expect(Set(seated.compactMap(\.chair)) == ["Bay 1", "Bay 2", "Bay 3"])
        #expect(seated.allSatisfy { $0.session.state == .checkedIn && $0.preDoseReading != nil })
        let first = try #require(seated.first)
        let views = try await AuditTrail(database: database).page(AuditFilter(patientID: first.session.patientID, action: .view), limit: 10)
        await database.shutDown()
        #expect(views.contains { $0.event.summary == "day list of sessions (command line)" })
    }

    @Test("Bad input is refused with a message naming the option", arguments: [
        (["sessions", "--date", "tomorrow"], "--date"), (["demo", "--load-test-chairs", "0"], "--load-test-chairs"),
    ])
    func badInput(arguments: [String], option: String) async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        await #expect {
            try await run(arguments + ["--database", location.description])
        } throws: { error in
            KetaClinicCommand.message(for: error).contains(option) && KetaClinicCommand.exitCode(for: error).rawValue != 0
        }
    }
}
}
