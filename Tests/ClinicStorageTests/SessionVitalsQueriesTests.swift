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
            let (sessionID, records) = try await Self.checkedInSession(database)
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

    @Test("a kept overview and monitor summary give way as soon as a reading, a correction or an alert is added",
          arguments: TestDatabases.engines)
    func keptResultsFollowNewRows(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: a minute of a 1 Hz gateway, viewed twice so the overview and the summary are kept
            let (sessionID, records) = try await Self.checkedInSession(database)
            let start = Fixtures.now.addingTimeInterval(-400)
            let stream = (0..<60).map { second in
                (values: VitalReading(heartRate: 70, oxygenSaturation: 97), takenAt: start.addingTimeInterval(Double(second)))
            }
            _ = try await records.recordReadings(stream, source: .gateway, sessionID: sessionID, policy: .defaults, stamp: Fixtures.stamp)
            let first = try await records.vitalsOverview(of: sessionID, intervalSeconds: 60)
            #expect(try await records.vitalsOverview(of: sessionID, intervalSeconds: 60) == first, "served again unchanged")
            _ = try await records.record(of: sessionID, monitorSummary: true)
            #expect(database.resultCache.count == 2, "the overview and the monitor summary are kept")

            // act and validate: each kind of new row shows at once, as VitalSeries computes it over every reading
            let added = try await records.recordReading(VitalReading(heartRate: 88), takenAt: start.addingTimeInterval(90), source: .gateway,
                                                        sessionID: sessionID, policy: .defaults, stamp: Fixtures.stamp)
            try await expectCurrent(records, sessionID, stored: 61, lastHeartRate: 88, "after a new reading")
            let corrected = try await records.recordReading(VitalReading(heartRate: 86), takenAt: start.addingTimeInterval(90), source: .nurse,
                                                            sessionID: sessionID, policy: .defaults, amends: added.reading.id,
                                                            reason: "artefact", stamp: Fixtures.stamp)
            try await expectCurrent(records, sessionID, stored: 62, lastHeartRate: 86, "after a correction")
            let alerting = try await records.recordReading(VitalReading(heartRate: 130), takenAt: start.addingTimeInterval(150),
                                                           source: .gateway, sessionID: sessionID, policy: .defaults,
                                                           stamp: Fixtures.stamp)   // above 120: alerts [R40]
            try await expectCurrent(records, sessionID, stored: 63, lastHeartRate: 130, "after an alerting reading")
            #expect(try await records.vitalsOverview(of: sessionID, intervalSeconds: 60).series.contains { $0.alerted && $0.values.heartRate == 130 })
            let summary = try #require(try await records.record(of: sessionID, monitorSummary: true))
            #expect(summary.storedReadings.contains { $0.id == alerting.reading.id }, "the kept monitor summary gave way to the alerting reading")
            #expect(summary.storedReadings.contains { $0.id == corrected.reading.id }, "and to the correction")
        }
    }

    @Test("A batch's readings keep a recorder's name with quotes and backslashes exactly as given (they are written as literals)",
          arguments: TestDatabases.engines)
    func namesWithQuotesAndBackslashes(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: a name a person could type, made of what ends or escapes an SQL string
            let (sessionID, records) = try await Self.checkedInSession(database)
            var stamp = Fixtures.stamp
            let name = #"O'Brien \\' ); DROP TABLE session_vitals; -- \n"#
            stamp.actorName = name
            let start = Fixtures.now.addingTimeInterval(-120)
            // act
            let stored = try await records.recordReadings([(VitalReading(heartRate: 70), start), (VitalReading(heartRate: 71), start.addingTimeInterval(1))],
                                                          source: .gateway, sessionID: sessionID, policy: .defaults, stamp: stamp)
            // validate
            let record = try #require(try await records.record(of: sessionID))
            #expect(stored.count == 2)
            #expect(record.storedReadings.map(\.recordedByName) == [name, name])
        }
    }

    /// An IV ketamine session checked in, and the repository of its record.
    private static func checkedInSession(_ database: ClinicDatabase) async throws -> (UUID, SessionRecordRepository) {
        let (_, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine)
        try await TreatmentSessionRepository(database: database).apply(.checkIn, to: sessionID, stamp: Fixtures.stamp)
        return (sessionID, SessionRecordRepository(database: database))
    }

    /// The overview now equals VitalSeries over every stored reading, which number `stored`.
    private func expectCurrent(_ records: SessionRecordRepository, _ sessionID: UUID, stored: Int, lastHeartRate: Int,
                               _ label: String) async throws {
        let record = try #require(try await records.record(of: sessionID))
        let overview = try await records.vitalsOverview(of: sessionID, intervalSeconds: 60)
        #expect(record.storedReadings.count == stored, "\(label): stored")
        #expect(overview.stored == stored, "\(label): counted")
        #expect(overview.summary == VitalSeries.summary(record.vitalSamples), "\(label): summary")
        #expect(overview.series == VitalSeries.downsample(record.vitalSamples, intervalSeconds: 60), "\(label): series")
        #expect(overview.summary.heartRate?.last == lastHeartRate, "\(label): latest heart rate")
    }
}
