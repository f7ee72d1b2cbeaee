import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Audit trail: append-only, hash-chained, verified")
struct AuditTrailTests {
    /// Someone with direct database access removes the append-only guard first; the chain must still tell.
    static func dropGuard(_ database: ClinicDatabase) async throws {
        let statements: [String] = switch database.engine {
        case .sqlite: ["DROP TRIGGER audit_entries_refuse_update", "DROP TRIGGER audit_entries_refuse_delete"]
        case .postgres: ["DROP TRIGGER audit_entries_refuse_change ON audit_entries"]
        }
        for statement in statements { _ = try await database.write { db in try await db.raw(SQLQueryString(statement)).run() } }
    }

    static func fill(_ database: ClinicDatabase, count: Int) async throws -> AuditTrail {
        let trail = AuditTrail(database: database)
        let events = (1...count).map { AuditEvent(.view, entityType: "patient", entityID: "p\($0)", patientID: UUID(), summary: "chart \($0)") }
        try await trail.record(Array(events.prefix(count / 2)), stamp: Fixtures.stamp)
        for event in events.dropFirst(count / 2) { try await trail.record(event, stamp: Fixtures.stamp) }
        return trail
    }

    static func run(_ database: ClinicDatabase, _ sql: String) async throws {
        _ = try await database.write { db in try await db.raw(SQLQueryString(sql)).run() }
    }

    @Test("An untouched trail verifies, entries numbered without gaps", arguments: TestDatabases.engines)
    func intact(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let trail = try await Self.fill(database, count: 40)
            let result = try await trail.verify(chunkSize: 7)
            #expect(result.isIntact)
            #expect(result.entriesChecked == 40)
            #expect(try await trail.count() == 40)
            let newest = try await trail.page(AuditFilter(), limit: 1)
            #expect(newest.first?.sequence == 40 && newest.first?.hash == result.lastHash)
        }
    }

    @Test("Texts of every kind verify: empty beside missing, accents, emoji, line breaks, long summaries", arguments: TestDatabases.engines)
    func everyKindOfText(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: on SQLite the engine encodes each entry's hashed bytes itself; they must be the bytes the writer hashed
            let trail = AuditTrail(database: database)
            let summaries = ["", "Zoë Ångström signed", "chart 🙂 viewed", "line one\nline two\ttabbed", String(repeating: "é", count: 5_000)]
            for summary in summaries {
                try await trail.record(AuditEvent(.view, entityType: "patient", entityID: summary.isEmpty ? "" : "p-ü", patientID: nil,
                                                  summary: summary), stamp: Fixtures.stamp)
            }
            // act
            let result = try await trail.verify(chunkSize: 2)
            // validate
            #expect(result.isIntact)
            #expect(result.entriesChecked == summaries.count)
            try await Self.dropGuard(database)
            try await Self.run(database, "UPDATE audit_entries SET summary = 'Zoe Ångström signed' WHERE sequence = 2")
            #expect(try await trail.verify(chunkSize: 2).firstBreak?.sequence == 2, "one letter's accent removed is caught")
        }
    }

    @Test("UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit entries are refused by the database", arguments: TestDatabases.engines)
    func appendOnly(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await Self.fill(database, count: 3)
            await #expect(throws: (any Error).self) { try await Self.run(database, "UPDATE audit_entries SET summary = 'x' WHERE sequence = 2") }
            await #expect(throws: (any Error).self) { try await Self.run(database, "DELETE FROM audit_entries WHERE sequence = 3") }
            if engine == .postgres {
                await #expect(throws: (any Error).self) { try await Self.run(database, "TRUNCATE audit_entries") }
            }
            #expect(try await AuditTrail(database: database).verify().entriesChecked == 3)
        }
    }

    @Test("verify names the first broken link", arguments: TestDatabases.engines.flatMap { engine in
        ["edited", "deleted", "reordered", "inserted", "tail cut"].map { (engine, $0) }
    })
    func tampering(engine: SQLEngine, tampering: String) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await Self.fill(database, count: 30)
            try await Self.dropGuard(database)
            let expected: Int64
            switch tampering {
            case "edited":
                try await Self.run(database, "UPDATE audit_entries SET actor_name = 'someone else' WHERE sequence = 17")
                expected = 17
            case "deleted":
                try await Self.run(database, "DELETE FROM audit_entries WHERE sequence = 12")
                expected = 12
            case "reordered":
                try await Self.run(database, "UPDATE audit_entries SET sequence = -1 WHERE sequence = 8")
                try await Self.run(database, "UPDATE audit_entries SET sequence = 8 WHERE sequence = 9")
                try await Self.run(database, "UPDATE audit_entries SET sequence = 9 WHERE sequence = -1")
                expected = 8
            case "inserted":
                // A forged entry slipped in as number 21, and every later number moved up by one.
                for sequence in stride(from: 30, through: 21, by: -1) {
                    try await Self.run(database, "UPDATE audit_entries SET sequence = \(sequence + 1) WHERE sequence = \(sequence)")
                }
                try await Self.run(database, """
                    INSERT INTO audit_entries SELECT 21, occurred_at, user_id, actor_name, role, request_id, ip_address, action,
                    entity_type, entity_id, patient_id, 'forged', previous_hash, hash, mac FROM audit_entries WHERE sequence = 20
                    """)
                expected = 21
            default:
                try await Self.run(database, "DELETE FROM audit_entries WHERE sequence >= 29")
                expected = 29
            }
            let result = try await AuditTrail(database: database).verify(chunkSize: 5)
            let broken = try #require(result.firstBreak, "\(tampering) went unnoticed")
            #expect(broken.sequence == expected, "\(tampering): \(broken)")
            #expect(result.entriesChecked == Int(expected) - 1)
        }
    }

    @Test("A write that fails leaves neither its change nor its audit entry", arguments: TestDatabases.engines)
    func sameTransaction(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await database.write { db in
                    try await AuditLog.append(AuditEvent(.create, entityType: "patient", entityID: "x"), stamp: Fixtures.stamp, in: db)
                    throw Refused()
                }
            }
            let trail = AuditTrail(database: database)
            #expect(try await trail.count() == 0)
            _ = try await Self.fill(database, count: 2)
            #expect(try await trail.verify().isIntact)
        }
    }

    @Test("Concurrent writers still produce one unbroken chain", arguments: TestDatabases.engines)
    func concurrent(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let trail = AuditTrail(database: database)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        try await trail.record(AuditEvent(.view, entityType: "patient", entityID: "p\(index)"), stamp: Fixtures.stamp)
                    }
                }
                try await group.waitForAll()
            }
            let result = try await trail.verify()
            #expect(result.isIntact && result.entriesChecked == 64)
        }
    }

    @Test("Registering a patient and changing clinic settings each leave their audit entry", arguments: TestDatabases.engines)
    func domainWritesAreAudited(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinics = SQLClinicRepository(database: database)
            let clinic = try await clinics.ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let patient = try await SQLPatientRepository(database: database).register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            var settings = clinic.settings
            settings.name = "North Clinic"
            _ = try await clinics.updateSettings(of: clinic.id, to: settings, stamp: Fixtures.stamp)
            let trail = AuditTrail(database: database)
            let forPatient = try await trail.page(AuditFilter(patientID: patient.id), limit: 10)
            #expect(forPatient.map(\.event.action) == [.create])
            let updates = try await trail.page(AuditFilter(action: .update), limit: 10)
            #expect(updates.first?.event.summary == "name: KetaClinic → North Clinic")
            #expect(try await trail.verify().isIntact)
        }
    }

    @Test("Filters combine: user, patient, action and time range", arguments: TestDatabases.engines)
    func filters(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let trail = AuditTrail(database: database)
            let alice = UUID(), patient = UUID()
            var stamp = Fixtures.stamp
            stamp.userID = alice
            try await trail.record(AuditEvent(.view, entityType: "patient", entityID: "1", patientID: patient), stamp: stamp)
            stamp.at = Fixtures.now.addingTimeInterval(3600)
            try await trail.record(AuditEvent(.update, entityType: "patient", entityID: "1", patientID: patient), stamp: stamp)
            try await trail.record(AuditEvent(.view, entityType: "patient", entityID: "2"), stamp: Fixtures.stamp)
            #expect(try await trail.page(AuditFilter(userID: alice), limit: 10).count == 2)
            #expect(try await trail.page(AuditFilter(userID: alice, action: .view), limit: 10).count == 1)
            #expect(try await trail.page(AuditFilter(patientID: patient, from: Fixtures.now.addingTimeInterval(60)), limit: 10).map(\.sequence) == [2])
            #expect(try await trail.page(AuditFilter(until: Fixtures.now.addingTimeInterval(60)), limit: 10).map(\.sequence) == [3, 1])
            #expect(try await trail.page(AuditFilter(), before: 3, limit: 1).map(\.sequence) == [2])
        }
    }

    @Test("The demo clinic's trail verifies: one create entry per demo patient, chained", arguments: TestDatabases.engines)
    func demoTrail(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let summary = try await DemoClinicLoader(database: database).load(patients: 2_100, seed: 3, now: Fixtures.now)
            let trail = AuditTrail(database: database)
            let result = try await trail.verify(chunkSize: 1_000)
            #expect(result.isIntact)
            #expect(result.entriesChecked >= summary.patientsAdded)
            let creates = try await trail.page(AuditFilter(action: .create), limit: 3)
            #expect(creates.allSatisfy { $0.stamp.actorName == "system: demo loader" && $0.event.patientID != nil })
        }
    }
}
