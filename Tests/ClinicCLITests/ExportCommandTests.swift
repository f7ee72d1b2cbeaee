import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
@Suite("export fhir command")
struct ExportCommandTests {
    private func run(_ arguments: [String]) async throws { try await CommandLineSuites.run(arguments) }

    @Test("export fhir writes one NDJSON file per type, audits the export, and refuses a non-empty folder or an unknown type")
    func exportFHIR() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kc-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try await run(["demo", "--database", url, "--patients", "20", "--bcrypt-cost", "4"])
        try await run(["export", "fhir", "--database", url, "--out", out.path])
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        for type in ["Patient", "Encounter", "Observation", "QuestionnaireResponse", "MedicationRequest", "AuditEvent", "Questionnaire"] {
            #expect(files.contains("\(type).ndjson"), "\(type)")
        }
        let patients = try String(contentsOf: out.appendingPathComponent("Patient.ndjson"), encoding: .utf8)
            .split(separator: "\n")
        #expect(patients.count == 20)
        #expect(patients.allSatisfy { $0.hasPrefix(#"{"resourceType":"Patient","id":"#) })
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let exports = try await AuditTrail(database: database).page(AuditFilter(action: .export), limit: 10)
        await database.shutDown()
        #expect(exports.contains { $0.event.entityType == "fhir_export" && $0.stamp.actorName.hasPrefix("cli: ") })

        await #expect {
            try await run(["export", "fhir", "--database", url, "--out", out.path])
        } throws: { error in
            KetaClinicCommand.message(for: error).contains("not empty") || KetaClinicCommand.exitCode(for: error).rawValue == 2
        }
        await #expect {
            try await run(["export", "fhir", "--database", url, "--out", out.path + "-2", "--types", "Medication"])
        } throws: { error in KetaClinicCommand.exitCode(for: error).rawValue == 2 }
    }
}
}
