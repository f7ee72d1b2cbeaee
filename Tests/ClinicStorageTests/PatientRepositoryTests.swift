import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Patients and clinics in storage")
struct PatientRepositoryTests {
    private func clinic(_ database: ClinicDatabase) async throws -> Clinic {
        try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
    }

    @Test("A registered patient reads back exactly, with the clinic's first MRN", arguments: TestDatabases.engines)
    func registerAndFind(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinic = try await clinic(database)
            let repository = SQLPatientRepository(database: database)
            var registration = Fixtures.registration()
            registration.genderIdentity = "Non-binary"
            let stored = try await repository.register(registration, in: clinic.id, stamp: Fixtures.stamp)
            #expect(stored.mrn.text == "KC-000001-8")
            let found = try #require(try await repository.find(stored.id, in: clinic.id))
            #expect(found == stored)
            #expect(found.registeredAt == Fixtures.now)
            #expect(try await repository.find(UUID(), in: clinic.id) == nil)
        }
    }

    @Test("Concurrent registrations get distinct, gapless MRNs and are batched", arguments: TestDatabases.engines)
    func concurrentWrites(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinic = try await clinic(database)
            let repository = SQLPatientRepository(database: database)
            let patients = try await withThrowingTaskGroup(of: PatientSummary.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await repository.register(Fixtures.registration(given: "P\(index)"), in: clinic.id, stamp: Fixtures.stamp)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(patients.map(\.mrn.text)).count == 200)
            #expect(Set(patients.map(\.mrn.text)) == Set((1...200).map { MedicalRecordNumber(prefix: "KC", sequence: $0).text }))
            #expect(try await repository.count(in: clinic.id) == 200)
            // The count is read from the MRN sequence; it must equal the rows actually stored.
            let stored = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM patients WHERE clinic_id = \(bind: clinic.id.uuidString)").first()?
                    .decode(column: "n", as: Int.self)
            }
            #expect(stored == 200)
            let figures = await database.figures()
            #expect(figures.writesCommitted >= 200)
            #expect(figures.batchesCommitted < figures.writesCommitted, "concurrent writes should share transactions")
        }
    }

    @Test("A failing write in a batch is rolled back alone", arguments: TestDatabases.engines)
    func failureIsolation(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinic = try await clinic(database)
            let repository = SQLPatientRepository(database: database)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        if index % 4 == 0 {
                            // A write that inserts a row and then fails: its row must not survive.
                            return (try? await database.write { db in
                                try await db.raw("INSERT INTO patients (id, clinic_id, mrn, given_name, family_name, date_of_birth, sex_at_birth, registered_at) VALUES ('x\(unsafeRaw: String(index))', \(bind: clinic.id.uuidString), 'BAD-\(unsafeRaw: String(index))', 'X', 'X', '1980-01-01', 'female', 0)").run()
                                throw CancellationError()
                            }) != nil
                        }
                        return (try? await repository.register(Fixtures.registration(given: "Q\(index)"), in: clinic.id, stamp: Fixtures.stamp)) != nil
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 30)
            #expect(try await repository.count(in: clinic.id) == 30)
        }
    }

    @Test("Keyset paging walks every patient once, in name order", arguments: TestDatabases.engines)
    func paging(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinic = try await clinic(database)
            let repository = SQLPatientRepository(database: database)
            var people = DemoPatients(seed: 3, today: Fixtures.today)
            _ = try await repository.registerAll((0..<123).map { _ in people.next() }, in: clinic.id, stamp: Fixtures.stamp)
            var seen: [PatientSummary] = []
            var cursor: PatientCursor?
            repeat {
                let page = try await repository.page(in: clinic.id, after: cursor, limit: 50)
                seen += page
                cursor = page.count == 50 ? PatientCursor(after: page.last!) : nil
            } while cursor != nil
            #expect(seen.count == 123)
            #expect(Set(seen.map(\.id)).count == 123)
            let keys = seen.map { [$0.registration.familyName, $0.registration.givenName, $0.id.uuidString] }
            #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    @Test("The primary clinic is created once and its settings persist", arguments: TestDatabases.engines)
    func clinicSettings(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let repository = SQLClinicRepository(database: database)
            let first = try await repository.ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let second = try await repository.ensurePrimaryClinic(initial: DemoClinicLoader.settings, now: Fixtures.now)
            #expect(first == second)
            let changed = ClinicSettings(name: "North", timeZone: "Australia/Melbourne",
                                         jurisdiction: Jurisdiction(code: "AU-VIC")!, mrnPrefix: "NTH")
            _ = try await repository.updateSettings(of: first.id, to: changed, stamp: Fixtures.stamp)
            #expect(try await repository.primaryClinic()?.settings == changed)
        }
    }

    @Test("The demo clinic is deterministic and fills an empty database", arguments: TestDatabases.engines)
    func demoClinic(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let loader = DemoClinicLoader(database: database)
            #expect(try await loader.isEmpty())
            let progress = ProgressRecorder()
            let summary = try await loader.load(patients: 2_500, seed: 1, now: Fixtures.now) { done, total in
                progress.record(done, total)
            }
            #expect(summary.patientsAdded == 2_500)
            #expect(progress.values.last == 2_500)
            #expect(!(try await loader.isEmpty()))
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            #expect(clinic.settings == DemoClinicLoader.settings)
            let today = CalendarDate(instant: Fixtures.now, in: clinic.settings.resolvedTimeZone)
            let scenarios = DemoIntakeScenarios.all(today: today).map(\.registration)
            let all = try await SQLPatientRepository(database: database).page(in: clinic.id, after: nil, limit: 3_000)
            var expected = DemoPatients(seed: 1, today: today)
            let generated = (0..<(2_500 - scenarios.count)).map { _ in expected.next() }
            #expect(all.count == 2_500)
            #expect(scenarios.allSatisfy { scenario in all.contains { $0.registration == scenario } },
                    "every scenario patient is loaded")
            #expect(all.allSatisfy { scenarios.contains($0.registration) || generated.contains($0.registration) })
        }
    }
}

/// Collects progress callbacks from the demo loader.
final class ProgressRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Int] = []
    func record(_ done: Int, _ total: Int) { lock.withLock { recorded.append(done) } }
    var values: [Int] { lock.withLock { recorded } }
}
