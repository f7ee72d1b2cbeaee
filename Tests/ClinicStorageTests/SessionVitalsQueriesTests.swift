import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

@Suite("A session's vital signs read by the database: the same summary and series as VitalSeries over every reading")
struct SessionVitalsQueriesTests {
    @Test("vitalsOverview matches VitalSeries over the full record; rawReadings pages through every stored reading",
          arguments: TestDatabases.engines)
    func overviewMatchesTheDomain(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: 5 minutes of a 1 Hz gateway, a nurse's BP, a correction, a struck reading and an alerting heart rate
            let (_, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine)
            let states = TreatmentSessionRepository(database: database)
            let records = SessionRecordRepository(database: database)
            try await states.apply(.checkIn, to: sessionID, stamp: Fixtures.stamp)
            let start = Fixtures.now.addingTimeInterval(-400)
            let stream = (0..<300).map { second in
                (values: VitalReading(heartRate: 70 + second / 60, oxygenSaturation: 97 + second % 2), takenAt: start.addingTimeInterval(Double(second)))
            }
            _ = try await records.recordReadings(stream, source: .gateway, sessionID: sessionID, policy: .defaults, stamp: Fixtures.stamp)
            _ = try await records.recordReading(VitalReading(heartRate: 130), takenAt: start.addingTimeInterval(130.5), source: .gateway,
                                                sessionID: sessionID, policy: .defaults, stamp: Fixtures.stamp)   // above 120: alerts [R40]
            let typo = try await records.recordReading(VitalReading(systolic: 210, diastolic: 80), takenAt: start.addingTimeInterval(200.5),
                                                       source: .nurse, sessionID: sessionID, policy: .defaults, stamp: Fixtures.stamp)
            _ = try await records.recordReading(VitalReading(systolic: 120, diastolic: 80), takenAt: start.addingTimeInterval(200.5),
                                                source: .nurse, sessionID: sessionID, policy: .defaults, amends: typo.reading.id,
                                                reason: "typo", stamp: Fixtures.stamp)
            let wrong = try await records.recordReading(VitalReading(heartRate: 60), takenAt: start.addingTimeInterval(250.5), source: .nurse,
                                                        sessionID: sessionID, policy: .defaults, stamp: Fixtures.stamp)
            _ = try await records.recordReading(VitalReading(), takenAt: start.addingTimeInterval(250.5), source: .nurse, sessionID: sessionID,
                                                policy: .defaults, amends: wrong.reading.id, reason: "wrong patient", stamp: Fixtures.stamp)
            let record = try #require(try await records.record(of: sessionID))

            for interval in [60, 120, 300] {
                // act
                let overview = try await records.vitalsOverview(of: sessionID, intervalSeconds: interval, unlisted: 10)
                // validate: the database's answer is the domain's over every reading
                #expect(overview.summary == VitalSeries.summary(record.vitalSamples), "summary at \(interval) s")
                #expect(overview.series == VitalSeries.downsample(record.vitalSamples, intervalSeconds: interval), "series at \(interval) s")
                #expect(overview.stored == record.storedReadings.count)
                #expect(overview.latestUnlisted.count == 10)
                let listed = Set(record.flowsheetReadings.map(\.id))
                #expect(overview.latestUnlisted.allSatisfy { !listed.contains($0.id) }, "none the flowsheet lists")
                #expect(overview.latestUnlisted.map(\.takenAt) == overview.latestUnlisted.map(\.takenAt).sorted(by: >), "newest first")
            }
            #expect(try await records.vitalsOverview(of: sessionID, intervalSeconds: 60).series.contains { $0.alerted && $0.values.heartRate == 130 })

            let page = try await records.rawReadings(of: sessionID, offset: 295, limit: 100)
            #expect(page.total == 305 && page.readings.count == 10, "300 + alerting + typo + correction + wrong + strike")
            #expect(try await records.rawReadings(of: sessionID, offset: 400, limit: 10).readings.isEmpty)
        }
    }
}
