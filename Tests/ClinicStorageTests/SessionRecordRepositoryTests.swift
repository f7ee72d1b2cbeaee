import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Session record in storage: entries, readings with alerts, acknowledgements, escalation")
struct SessionRecordRepositoryTests {
    static let stamp = Fixtures.stamp

    @Test("Readings raise alerts in the same transaction; the baseline is the last pre-dose reading; acknowledged once",
          arguments: TestDatabases.engines)
    func readingsAndAlerts(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (patient, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine)
            let states = TreatmentSessionRepository(database: database)
            let records = SessionRecordRepository(database: database)
            await #expect(throws: SessionRefusal.self, "not checked in") {
                try await records.recordReading(VitalReading(systolic: 120, diastolic: 80), takenAt: Fixtures.now, source: .nurse,
                                                sessionID: sessionID, policy: .defaults, stamp: Self.stamp)
            }
            try await states.apply(.checkIn, to: sessionID, stamp: Self.stamp)
            try await states.apply(.beginChecks, to: sessionID, stamp: Self.stamp)
            let preDose = try await records.recordReading(VitalReading(systolic: 175, diastolic: 80), takenAt: Fixtures.now, source: .nurse,
                                                          sessionID: sessionID, policy: .defaults, stamp: Self.stamp)
            #expect(preDose.alerts.isEmpty, "no baseline before the dose: absolute limits only")
            let later = Fixtures.now.addingTimeInterval(60)
            try await states.apply(.startDosing(checklistPassed: true, override: nil), to: sessionID,
                                   stamp: AuditStamp.system("test", at: later, requestID: "test"))
            let high = try await records.recordReading(VitalReading(systolic: 182, diastolic: 101), takenAt: later.addingTimeInterval(600),
                                                       source: .gateway, sessionID: sessionID, policy: .defaults, stamp: Self.stamp)
            #expect(high.alerts.map(\.code) == ["systolic-high", "diastolic-high"], "182 > 180 and 101 > 100; rises +7/+21 stay under 40/25 [R18]")
            let record = try #require(try await records.record(of: sessionID))
            #expect(record.baseline?.values.systolic == 175)
            #expect(record.openAlerts.count == high.alerts.count)
            let first = try #require(high.alerts.first)
            let acknowledged = try await records.acknowledge(alert: first.id, of: sessionID, action: .pausedInfusion, note: "paused 5 min",
                                                             stamp: Self.stamp)
            #expect(acknowledged.acknowledgement?.action == .pausedInfusion)
            await #expect(throws: SessionRefusal.self) {
                try await records.acknowledge(alert: first.id, of: sessionID, action: .observed, note: nil, stamp: Self.stamp)
            }
            let escalated = try await records.escalate(raisedBefore: Fixtures.now.addingTimeInterval(3600), stamp: Self.stamp)
            #expect(Set(escalated.map(\.id)) == Set(high.alerts.dropFirst().map(\.id)), "only open alerts escalate")
            #expect(try await records.escalate(raisedBefore: Fixtures.now.addingTimeInterval(3600), stamp: Self.stamp).isEmpty, "once")
            let audit = try await AuditTrail(database: database).page(AuditFilter(patientID: patient.id), limit: 100)
            #expect(audit.contains { $0.event.entityType == "session_vital" && $0.event.summary.contains("diastolic-high") })
            #expect(audit.contains { $0.event.entityType == "session_alert" && $0.event.summary.contains("escalated") })
            await #expect(throws: (any Error).self, "readings are never changed") {
                try await database.write { db in try await db.raw("UPDATE session_vitals SET systolic = 120").run() }
            }
            await #expect(throws: (any Error).self, "readings are never deleted") {
                try await database.write { db in try await db.raw("DELETE FROM session_vitals").run() }
            }
        }
    }

    @Test("Entries are appended: corrections amend once with a reason, the note is signed once, the chair follows", arguments: TestDatabases.engines)
    func entries(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .esketamine)
            let records = SessionRecordRepository(database: database)
            try await records.append(.chair("Chair 3"), to: sessionID, stamp: Self.stamp)
            let details = AdministrationDetails(product: "Spravato 28 mg", lotNumber: "L1", expiry: CalendarDate(year: 2027, month: 1, day: 1)!,
                                                concentrationMgPerMl: nil, doseMg: 56, route: "intranasal", pumpRateMlPerHour: nil,
                                                administeredBy: "Kim", checkedBy: "Lee")
            let original = try await records.append(.administration(details), to: sessionID, stamp: Self.stamp)
            var corrected = details
            corrected.lotNumber = "L2"
            try await records.append(.administration(corrected), to: sessionID, amends: original.id, reason: "Wrong lot typed", stamp: Self.stamp)
            await #expect(throws: SessionRefusal.self, "a second correction of the same entry") {
                try await records.append(.administration(corrected), to: sessionID, amends: original.id, reason: "again", stamp: Self.stamp)
            }
            await #expect(throws: SessionRefusal.self, "an amendment before a note") {
                try await records.append(.noteAmendment(SessionNoteText(text: "x")), to: sessionID, reason: "late", stamp: Self.stamp)
            }
            try await records.append(.note(SessionNoteText(text: "Signed")), to: sessionID, stamp: Self.stamp)
            await #expect(throws: SessionRefusal.self, "the signed note is immutable") {
                try await records.append(.note(SessionNoteText(text: "Replaced")), to: sessionID, stamp: Self.stamp)
            }
            try await records.append(.noteAmendment(SessionNoteText(text: "Addendum")), to: sessionID, reason: "late entry", stamp: Self.stamp)
            let record = try #require(try await records.record(of: sessionID))
            #expect(record.chair == "Chair 3")
            #expect(record.administration?.details.lotNumber == "L2")
            #expect(record.entries.count == 5, "the corrected entry stays in the record")
            #expect(record.note?.text == "Signed" && record.noteAmendments.map(\.text) == ["Addendum"])
            #expect(record.treatment == .esketamine)
            // A list's dose column reads the dose entries only, corrections included.
            let session = try #require(try await TreatmentPlanRepository(database: database).sessions(patientID: record.session.patientID)
                .first { $0.id == sessionID })
            let listed = try #require(try await records.recordsWithoutReadings(of: [session], entryKinds: SessionRecordRepository.doseEntryKinds)[sessionID])
            #expect(listed.administration?.details.lotNumber == "L2")
            #expect(listed.entries.count == 2 && listed.chair == nil && listed.note == nil, "the chair and the note are not read")
            #expect(try await records.recordsWithoutReadings(of: [sessionID])[sessionID]?.entries.count == 5)
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("UPDATE session_entries SET body = '{}'").run() }
            }
        }
    }

    @Test("The board's records summarise a gateway's 1 Hz monitor readings: BP, alerts, the latest and the latest SpO2 stay",
          arguments: TestDatabases.engines)
    func monitorSummary(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .esketamine)
            let states = TreatmentSessionRepository(database: database)
            let records = SessionRecordRepository(database: database)
            try await states.apply(.checkIn, to: sessionID, stamp: Self.stamp)
            func at(_ seconds: Double) -> Date { Fixtures.now.addingTimeInterval(seconds) }
            try await records.recordReading(VitalReading(systolic: 124, diastolic: 78, heartRate: 70, oxygenSaturation: 98), takenAt: at(0),
                                            source: .nurse, sessionID: sessionID, policy: .defaults, stamp: Self.stamp)
            for second in 1...120 {
                let saturation = second == 60 ? 90 : 97   // one dip below 92 raises an alert [R39]
                try await records.recordReading(VitalReading(heartRate: 70 + second % 5, oxygenSaturation: saturation), takenAt: at(Double(second)),
                                                source: .gateway, sessionID: sessionID, policy: .defaults, stamp: Self.stamp)
            }
            try await records.recordReading(VitalReading(heartRate: 75), takenAt: at(121), source: .gateway, sessionID: sessionID,
                                            policy: .defaults, stamp: Self.stamp)
            let full = try #require(try await records.record(of: sessionID))
            #expect(full.storedReadings.count == 122, "the record keeps every reading")
            let board = try #require(try await records.activeRecords().first { $0.session.id == sessionID })
            #expect(board.storedReadings.map(\.takenAt) == [at(0), at(60), at(120), at(121)],
                    "the BP reading, the alerting dip, the latest with SpO2 and the latest")
            #expect(board.latestReading?.values.heartRate == 75)
            #expect(board.openAlerts.map(\.code) == ["oxygen-saturation-low"])
            #expect(try await records.activeSession(inChair: "Chair 9") == nil)
        }
    }
}
