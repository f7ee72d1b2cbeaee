import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
@Suite("clinic medication-codes command")
struct MedicationCodesCommandTests {
    private func run(_ arguments: [String]) async throws { try await CommandLineSuites.run(arguments) }

    /// The stored codes and the number of audited changes to them.
    private func stored(_ location: DatabaseLocation) async throws -> (MedicationCodes, Int) {
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
        let codes = try await MedicationCodeRepository(database: database).policy(of: clinic.id)
        let changes = try await AuditTrail(database: database).page(AuditFilter(action: .update), limit: 50)
            .filter { $0.event.entityType == "medication_codes" }.count
        await database.shutDown()
        return (codes, changes)
    }

    @Test("set stores and audits; an empty value clears; show prints them; bad input exits 2 and stores nothing")
    func setShowRefuse() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        try await run(["clinic", "medication-codes", "set", "--database", url, "ketamineRxCUI=1234567", "esketamineRxCUI=7654321"])
        try await run(["clinic", "medication-codes", "show", "--database", url])
        #expect(try await stored(location) == (MedicationCodes(ketamineRxCUI: "1234567", esketamineRxCUI: "7654321"), 1))
        for bad in [["ketamineRxCUI=ketamine"], ["rxcui=1"], ["ketamineRxCUI"], ["esketamineRxCUI=1234567890"]] {
            await #expect { try await run(["clinic", "medication-codes", "set", "--database", url] + bad) } throws: {
                ($0 as? ExitCode)?.rawValue == 2
            }
        }
        #expect(try await stored(location) == (MedicationCodes(ketamineRxCUI: "1234567", esketamineRxCUI: "7654321"), 1), "nothing stored")
        try await run(["clinic", "medication-codes", "set", "--database", url, "esketamineRxCUI="])
        #expect(try await stored(location) == (MedicationCodes(ketamineRxCUI: "1234567"), 2))
    }
}
}
