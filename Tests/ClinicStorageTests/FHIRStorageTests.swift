import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

/// The FHIR source rows (keyset pages, filters) and the Bulk Data job table, on both engines.
@Suite("FHIR storage")
struct FHIRStorageTests {
    @Test("Keyset pages read every current row once, in key order, and filters narrow in SQL", arguments: TestDatabases.engines)
    func pages(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await DemoClinicLoader(database: database).load(patients: 12, seed: 5, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let reader = FHIRRowReader(database: database)
            let table = FHIRTables.vitals
            let filter = FHIRRowFilter(clinicID: clinic.id)
            let all = try await reader.page(table, filter: filter, from: nil, limit: 100_000)
            #expect(all.count > 20)
            var paged: [String] = []
            var position: FHIRKeyPosition?
            while true {
                let rows = try await reader.page(table, filter: filter, from: position, limit: 7)
                paged += rows.map { FHIRRowReader.key(of: $0, in: table) }
                guard rows.count == 7, let last = paged.last else { break }
                position = FHIRKeyPosition(key: last, inclusive: false)
            }
            #expect(paged == all.map { FHIRRowReader.key(of: $0, in: table) })
            #expect(paged == paged.sorted() && Set(paged).count == paged.count)
            // Corrected readings are replaced by their correction.
            #expect(all.allSatisfy { row in !all.contains { $0.text("amends") == FHIRRowReader.key(of: row, in: table) } })
            // patient narrows.
            let patientText = try #require(all.first?.text("patient_id"))
            var one = filter
            one.patientIDs = [try #require(UUID(uuidString: patientText))]
            let mine = try await reader.page(table, filter: one, from: nil, limit: 100_000)
            #expect(!mine.isEmpty && mine.allSatisfy { $0.text("patient_id") == patientText })
            #expect(mine.count == all.filter { $0.text("patient_id") == patientText }.count)
            // A date bound narrows on taken_at.
            let times = all.compactMap { $0.integer("taken_at") }.sorted()
            let middle = times[times.count / 2]
            var later = filter
            later.dateMilliseconds = [FHIRBound(middle, isLower: true)]
            let after = try await reader.page(table, filter: later, from: nil, limit: 100_000)
            #expect(after.count == times.filter { $0 >= middle }.count)
            // Another clinic sees nothing; the audit trail keeps entries about no patient for every clinic.
            let other = FHIRRowFilter(clinicID: UUID())
            #expect(try await reader.page(table, filter: other, from: nil, limit: 10).isEmpty)
            let audit = try await reader.page(FHIRTables.audit, filter: other, from: nil, limit: 100_000)
            #expect(audit.allSatisfy { $0.text("patient_id") == nil })
            #expect(try await reader.estimatedRows(table) >= all.count)
        }
    }

    @Test("Export jobs: start with an audit entry, progress, finish once, cancel once", arguments: TestDatabases.engines)
    func jobs(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let jobs = FHIRExportJobRepository(database: database)
            let id = UUID()
            try await jobs.start(id: id, clinicID: clinic.id, level: "system", types: ["Patient", "Observation"], since: nil,
                                 requestURL: "http://x/fhir/r4/$export", stamp: Fixtures.stamp)
            var job = try #require(try await jobs.find(id, clinicID: clinic.id))
            #expect(job.state == .running && job.types == ["Patient", "Observation"] && job.output.isEmpty)
            #expect(try await jobs.find(id, clinicID: UUID()) == nil, "another clinic's job is not found")
            try await jobs.progress(id, rowsRead: 10, rowsEstimated: 40, at: Fixtures.now.addingTimeInterval(5))
            job = try #require(try await jobs.find(id, clinicID: clinic.id))
            #expect(job.rowsRead == 10 && job.rowsEstimated == 40 && job.heartbeatAt == Fixtures.now.addingTimeInterval(5))
            let files = [FHIRExportJob.OutputFile(type: "Patient", name: "Patient.ndjson", count: 3)]
            #expect(try await jobs.finish(id, output: files, error: nil, at: Fixtures.now))
            #expect(try await !jobs.finish(id, output: nil, error: "late", at: Fixtures.now), "a finished job stays finished")
            job = try #require(try await jobs.find(id, clinicID: clinic.id))
            #expect(job.state == .completed && job.output == files && job.error == nil)
            #expect(try await jobs.cancel(id, clinicID: clinic.id, stamp: Fixtures.stamp))
            #expect(try await !jobs.cancel(id, clinicID: clinic.id, stamp: Fixtures.stamp))
            let entries = try await AuditTrail(database: database).page(AuditFilter(), limit: 10)
            #expect(entries.filter { $0.event.entityType == "fhir_export" }.map(\.event.action).sorted { $0.rawValue < $1.rawValue } == [.export, .void])
        }
    }
}
