import ClinicDomain
@testable import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Network outcome report: clinics side by side with the network total")
struct NetworkOutcomeReportTests {
    static let period = (from: Fixtures.today.adding(days: -400), to: Fixtures.today)

    /// The network of the test database: three demo clinics on PostgreSQL, the one clinic on SQLite.
    static func network(_ database: ClinicDatabase) async throws -> [CourseOutcomeRepository.NetworkClinic] {
        try await SQLClinicRepository(database: database).all().map { .init(clinic: $0, policy: .defaults) }
    }

    @Test("Each column equals the clinic's own report and the total is their sum", arguments: TestDatabases.engines)
    func columnsAndTotal(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup
            let clinicCount = engine == .postgres ? 3 : 1
            _ = try await DemoClinicLoader(database: database).load(patients: 300, seed: 11, now: Fixtures.now, networkClinics: clinicCount)
            let clinics = try await Self.network(database)
            let repository = CourseOutcomeRepository(database: database)
            let filter = OutcomeCohortFilter(from: Self.period.from, to: Self.period.to)
            // act
            let network = try await repository.networkReport(filter, clinics: clinics, now: Fixtures.now)
            // validate
            #expect(clinics.count == clinicCount)
            #expect(network.clinics.count == clinicCount)
            #expect(network.clinics.map(\.name) == network.clinics.map(\.name).sorted(), "columns in name order")
            var sum = OutcomeTally()
            var sessions = 0
            for column in network.clinics {
                let clinic = try #require(clinics.first { $0.clinic.id == column.clinicID }?.clinic)
                let own = try await repository.report(filter, clinicID: clinic.id, timeZone: clinic.settings.resolvedTimeZone,
                                                      policy: .defaults, now: Fixtures.now)
                #expect(column.report.overall == own.overall)
                #expect(column.report.timeToRelapse.curve == own.timeToRelapse.curve)
                #expect(column.report.durationOfEffect.curve == own.durationOfEffect.curve)
                #expect(column.report.safety.sessions == own.safety.sessions)
                #expect(column.report.overall.courses > (engine == .postgres ? 50 : 250), "every clinic has its share of the demo")
                sum.add(column.report.overall)
                sessions += column.report.safety.sessions
            }
            #expect(network.network.overall == sum)
            #expect(network.network.safety.sessions == sessions)
            #expect(network.network.timeToRelapse.curve.subjects == network.clinics.map(\.report.timeToRelapse.curve.subjects).reduce(0, +))
            #expect(network.network.overall.responses > 0 && network.network.overall.relapsed > 0)
            let clinicBreakdown = try #require(network.network.breakdowns.first { $0.dimension == .clinic })
            #expect(clinicBreakdown.rows.count == clinicCount)
            #expect(Set(clinicBreakdown.rows.map(\.label)) == Set(clinics.map(\.clinic.settings.name)), "clinic rows carry names")
        }
    }

    @Test("A clinic filter keeps one column; an empty period is empty, not zeros", arguments: TestDatabases.engines)
    func clinicFilterAndEmpty(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await DemoClinicLoader(database: database).load(patients: 120, seed: 12, now: Fixtures.now,
                                                                   networkClinics: engine == .postgres ? 2 : 1)
            let clinics = try await Self.network(database)
            let repository = CourseOutcomeRepository(database: database)
            let chosen = try #require(clinics.last)
            var filter = OutcomeCohortFilter(from: Self.period.from, to: Self.period.to, clinicID: chosen.clinic.id)
            let one = try await repository.networkReport(filter, clinics: clinics, now: Fixtures.now)
            #expect(one.clinics.map(\.clinicID) == [chosen.clinic.id])
            #expect(one.network.overall == one.clinics[0].report.overall)
            filter = OutcomeCohortFilter(from: CalendarDate(year: 2001, month: 1, day: 1)!, to: CalendarDate(year: 2001, month: 12, day: 31)!)
            let empty = try await repository.networkReport(filter, clinics: clinics, now: Fixtures.now)
            #expect(empty.isEmpty)
        }
    }

    @Test("A second clinic needs PostgreSQL: SQLite refuses it with the reason", arguments: TestDatabases.engines)
    func secondClinic(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let repository = SQLClinicRepository(database: database)
            _ = try await repository.ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            var settings = ClinicSettings.initial
            settings.name = "Northside"
            settings.mrnPrefix = "NS"
            if engine == .postgres {
                let added = try await repository.addNetworkClinic(settings, stamp: .system("test", at: Fixtures.now))
                #expect(try await repository.all().map(\.id).contains(added.id))
                #expect(try await repository.primaryClinic()?.id != added.id, "the first clinic stays the primary")
            } else {
                await #expect(throws: ClinicNetworkNeedsPostgresError.self) {
                    _ = try await repository.addNetworkClinic(settings, stamp: .system("test", at: Fixtures.now))
                }
                #expect(try await repository.all().count == 1)
            }
        }
    }

    @Test("Bulk inserts keep every value: quotes, NULLs, fractions, large numbers", arguments: TestDatabases.engines)
    func bulkInsertRoundTrip(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let rows: [[any Encodable & Sendable]] = [
                ["O'Brien's \"quoted\" text; DROP TABLE x;--", 42, Int64(1_795_359_600_123), -55.125, nil as String?],
                ["back\\slash", -1, Int64(0), 1e-5, "present" as String?],
            ]
            try await database.write { db in
                try await db.raw("CREATE TABLE bulk_check (t TEXT, i INTEGER, b BIGINT, d DOUBLE PRECISION, o TEXT)").run()
                try await BulkInsert.insert(into: "bulk_check", ["t", "i", "b", "d", "o"], rows, db)
            }
            let read = try await database.read { db in try await db.raw("SELECT t, i, b, d, o FROM bulk_check ORDER BY i DESC").all() }
            #expect(read.count == 2)
            #expect(try read[0].decode(column: "t", as: String.self) == "O'Brien's \"quoted\" text; DROP TABLE x;--")
            #expect(try read[0].decode(column: "b", as: Int64.self) == 1_795_359_600_123)
            #expect(try read[0].decode(column: "d", as: Double.self) == -55.125)
            #expect(try read[0].decode(column: "o", as: String?.self) == nil)
            #expect(try read[1].decode(column: "t", as: String.self) == "back\\slash")
            #expect(try read[1].decode(column: "d", as: Double.self) == 1e-5)
            #expect(try read[1].decode(column: "o", as: String?.self) == "present")
        }
    }
}
