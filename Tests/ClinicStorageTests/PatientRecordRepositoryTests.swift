import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Intake record and patient search in storage")
struct PatientRecordRepositoryTests {
    private func patient(_ database: ClinicDatabase, given: String = "Ada", family: String = "Testwood")
        async throws -> (Clinic, PatientSummary) {
        let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
        let patient = try await SQLPatientRepository(database: database)
            .register(Fixtures.registration(given: given, family: family), in: clinic.id, stamp: Fixtures.stamp)
        return (clinic, patient)
    }

    @Test("Items read back as the current version; amendments keep every version with who and why",
          arguments: TestDatabases.engines)
    func amendKeepsHistory(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, patient) = try await patient(database)
            let records = SQLPatientRecordRepository(database: database)
            let allergy = try await records.add(Allergy(substance: "penicilin", severity: .severe), to: patient.id, stamp: Fixtures.stamp)
            _ = try await records.add(WeightMeasurement(kilograms: 70, measuredOn: Fixtures.today.adding(days: -30)),
                                      to: patient.id, stamp: Fixtures.stamp)
            _ = try await records.add(WeightMeasurement(kilograms: 72.5, measuredOn: Fixtures.today), to: patient.id, stamp: Fixtures.stamp)
            try await records.amend(allergy, of: patient.id, with: Allergy(substance: "penicillin", severity: .severe),
                                    reason: "spelling", stamp: Fixtures.stamp)

            let chart = try #require(try await records.chart(patient.id, in: clinic.id))
            #expect(chart.revision == 4)
            #expect(chart.allergies.map(\.value.substance) == ["penicillin"])
            #expect(chart.allergies.first?.latest.version == 2)
            #expect(chart.allergies.first?.latest.reason == "spelling")
            #expect(chart.weights.map(\.value.kilograms) == [72.5, 70], "newest weighing first")
            #expect(chart.record.latestWeight?.kilograms == 72.5)

            let history = try await records.history(of: allergy, patientID: patient.id)
            #expect(history.map(\.version.version) == [1, 2])
            #expect(history.map(\.summary) == ["penicilin (severe)", "penicillin (severe)"])
            #expect(try await records.chart(patient.id, in: UUID()) == nil, "another clinic cannot read the chart")
        }
    }

    @Test("A retraction hides the item but keeps it; it cannot be amended afterwards", arguments: TestDatabases.engines)
    func retraction(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, patient) = try await patient(database)
            let records = SQLPatientRecordRepository(database: database)
            let medication = try await records.add(Medication(name: "lamotrigine", classes: [.nmdaActive]),
                                                   to: patient.id, stamp: Fixtures.stamp)
            try await records.retract(medication, of: patient.id, reason: "stopped in October", stamp: Fixtures.stamp)
            let chart = try #require(try await records.chart(patient.id, in: clinic.id))
            #expect(chart.medications.isEmpty)
            let history = try await records.history(of: medication, patientID: patient.id)
            #expect(history.map(\.version.isRetraction) == [false, true])
            #expect(history.last?.version.reason == "stopped in October")
            await #expect(throws: UnknownRecordItemError.self) {
                try await records.amend(medication, of: patient.id, with: Medication(name: "x"), reason: "again", stamp: Fixtures.stamp)
            }
            await #expect(throws: UnknownRecordItemError.self) {
                try await records.retract(medication, of: patient.id, reason: "twice", stamp: Fixtures.stamp)
            }
            await #expect(throws: UnknownRecordItemError.self, "an item of another section cannot be amended as this one") {
                let allergy = try await records.add(Allergy(substance: "latex"), to: patient.id, stamp: Fixtures.stamp)
                try await records.amend(allergy, of: patient.id, with: Medication(name: "x"), reason: "wrong type", stamp: Fixtures.stamp)
            }
        }
    }

    @Test("Stored record items cannot be updated or deleted, even by hand", arguments: TestDatabases.engines)
    func appendOnly(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, patient) = try await patient(database)
            let records = SQLPatientRecordRepository(database: database)
            _ = try await records.add(Allergy(substance: "latex"), to: patient.id, stamp: Fixtures.stamp)
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("UPDATE patient_record_items SET payload = NULL").run() }
            }
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("DELETE FROM patient_record_items").run() }
            }
        }
    }

    @Test("Every change writes an audit entry on the patient", arguments: TestDatabases.engines)
    func audited(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, patient) = try await patient(database)
            let records = SQLPatientRecordRepository(database: database)
            let key = try await records.add(Diagnosis(icd10: "F33.2"), to: patient.id, stamp: Fixtures.stamp)
            try await records.amend(key, of: patient.id, with: Diagnosis(icd10: "F33.1"), reason: "reassessed", stamp: Fixtures.stamp)
            try await records.retract(key, of: patient.id, reason: "entered in error", stamp: Fixtures.stamp)
            let entries = try await AuditTrail(database: database).page(
                AuditFilter(patientID: patient.id), before: nil, limit: 10)
            let summaries = entries.map(\.event.summary)
            #expect(summaries.contains { $0.hasPrefix("added diagnosis: F33.2") })
            #expect(summaries.contains { $0.contains("amended diagnosis (version 2)") && $0.contains("reason: reassessed") })
            #expect(summaries.contains { $0.contains("withdrew diagnosis (version 3)") && $0.contains("entered in error") })
            #expect(try await AuditTrail(database: database).verify(chunkSize: 100).isIntact)
        }
    }

    @Test("Search by name prefix, MRN and date of birth pages in name order", arguments: TestDatabases.engines)
    func search(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let patients = SQLPatientRepository(database: database)
            let names = [("Ada", "Smith"), ("Bea", "smithers"), ("Cy", "Smyth"), ("Dee", "O'Brien"), ("Eve", "Müller"),
                         ("Ann", "Smith")]
            var stored: [PatientSummary] = []
            for (given, family) in names {
                stored.append(try await patients.register(Fixtures.registration(given: given, family: family),
                                                          in: clinic.id, stamp: Fixtures.stamp))
            }
            func search(_ text: String, limit: Int = 10) async throws -> [String] {
                try await patients.page(in: clinic.id, matching: PatientSearch(text), after: nil, limit: limit)
                    .map(\.listName)
            }
            #expect(try await search("smi") == ["Smith, Ada", "Smith, Ann", "smithers, Bea"])
            #expect(try await search("Smith, An") == ["Smith, Ann"])
            #expect(try await search("obri") == ["O'Brien, Dee"])
            #expect(try await search("muller") == ["Müller, Eve"])
            #expect(try await search(stored[2].mrn.text.lowercased()) == ["Smyth, Cy"])
            #expect(try await search("zzz").isEmpty)

            // Paging through a search continues after the last row shown.
            let first = try await patients.page(in: clinic.id, matching: PatientSearch("sm"), after: nil, limit: 2)
            let second = try await patients.page(in: clinic.id, matching: PatientSearch("sm"),
                                                 after: PatientCursor(after: first.last!), limit: 2)
            #expect(first.map(\.listName) + second.map(\.listName) == ["Smith, Ada", "Smith, Ann", "smithers, Bea", "Smyth, Cy"])
        }
    }

    @Test("Two server instances amending the same item concurrently both land, as consecutive versions",
          arguments: TestDatabases.engines)
    func concurrentInstances(engine: SQLEngine) async throws {
        try await TestDatabases.withSlot(for: engine) {
            let (location, cleanup) = try await TestDatabases.makeLocation(engine)
            let first = try ClinicDatabase(location: location, poolSize: 2, logger: TestDatabases.quietLogger)
            try await Migrator().migrate(first)
            let second = try ClinicDatabase(location: location, poolSize: 2, logger: TestDatabases.quietLogger)
            do {
                let (clinic, patient) = try await patient(first)
                let key = try await SQLPatientRecordRepository(database: first).add(Allergy(substance: "latex"), to: patient.id,
                                                                                     stamp: Fixtures.stamp)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, database) in [first, second, first, second, first, second].enumerated() {
                        group.addTask {
                            try await SQLPatientRecordRepository(database: database).amend(
                                key, of: patient.id, with: Allergy(substance: "latex \(index)"), reason: "instance \(index)",
                                stamp: Fixtures.stamp)
                        }
                    }
                    try await group.waitForAll()
                }
                let history = try await SQLPatientRecordRepository(database: first).history(of: key, patientID: patient.id)
                #expect(history.map(\.version.version) == Array(1...7))
                let chart = try #require(try await SQLPatientRecordRepository(database: second).chart(patient.id, in: clinic.id))
                #expect(chart.revision == 7)
            } catch {
                await first.shutDown()
                await second.shutDown()
                try? await cleanup()
                throw error
            }
            await first.shutDown()
            await second.shutDown()
            try await cleanup()
        }
    }
}
