import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Demo chart history: one patient with two years of sessions and weekly ratings")
struct DemoChartHistoryTests {
    @Test("The history patient has weekly PHQ-9 ratings over two years and closed sessions with a 1 Hz stream and no alert",
          arguments: TestDatabases.engines)
    func twoYears(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup
            let loader = DemoClinicLoader(database: database)
            _ = try await loader.load(patients: 12, seed: 1, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let today = CalendarDate(instant: Fixtures.now, in: clinic.settings.resolvedTimeZone)
            // act
            let history = try await loader.addChartHistoryPatient(sessions: 3, now: Fixtures.now)
            // validate
            #expect(history.sessionIDs.count == 3)
            #expect(history.ratings == 105, "a PHQ-9 each week for 104 weeks, both ends counted")
            let sessions = try await TreatmentPlanRepository(database: database).sessions(patientID: history.patientID)
            #expect(sessions.count == 3 && sessions.allSatisfy { $0.state == .discharged })
            #expect(sessions.map(\.date).min() == today.adding(days: -104 * 7))
            let records = SessionRecordRepository(database: database)
            var streamed = 0
            for id in history.sessionIDs {
                let record = try #require(try await records.record(of: id))
                #expect(record.alerts.isEmpty, "the stream stays inside the alert limits")
                #expect(record.missingPoints(schedule: SessionPolicy.defaults.monitoringSchedule(for: record.treatment), now: Fixtures.now).isEmpty)
                let gateway = record.storedReadings.filter { $0.source == .gateway }
                #expect(gateway.count > 80 * 60, "a reading each second from check-in to the discharge assessment")
                streamed += gateway.count
            }
            #expect(streamed == history.readings)
            let ratings = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM scale_responses WHERE patient_id = \(bind: history.patientID.uuidString)")
                    .first()?.decode(column: "n", as: Int.self)
            }
            #expect(ratings == 105)
        }
    }

    @Test("The chart's session list reads the same records as one session at a time, but for the readings",
          arguments: TestDatabases.engines)
    func recordsWithoutReadings(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup
            let loader = DemoClinicLoader(database: database)
            _ = try await loader.load(patients: 20, seed: 1, now: Fixtures.now)
            let history = try await loader.addChartHistoryPatient(sessions: 2, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let today = CalendarDate(instant: Fixtures.now, in: clinic.settings.resolvedTimeZone)
            let sessions = try await TreatmentPlanRepository(database: database).sessions(from: today.adding(days: -800),
                                                                                         through: today.adding(days: 400))
            let repository = SessionRecordRepository(database: database)
            // act
            let listed = try await repository.recordsWithoutReadings(of: sessions.map(\.id) + [UUID.random()])
            // validate
            #expect(listed.count == sessions.count)
            #expect(sessions.contains { history.sessionIDs.contains($0.id) })
            #expect(Set(sessions.map(\.state)).count >= 5, "sessions in many states, with entries, devices and alerts")
            for session in sessions {
                let own = try #require(try await repository.record(of: session.id))
                let expected = TreatmentSessionRecord(session: own.session, treatment: own.treatment,
                                                      plannedInfusionMinutes: own.plannedInfusionMinutes, transitions: own.transitions,
                                                      entries: own.entries, storedReadings: [], alerts: own.alerts)
                #expect(listed[session.id] == expected, "session \(session.number) of \(session.patientID)")
            }
        }
    }
}
