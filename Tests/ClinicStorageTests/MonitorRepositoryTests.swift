import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Monitor readings in storage: registry, the seated session, resends, the unmatched queue, the gateway log")
struct MonitorRepositoryTests {
    static let stamp = Fixtures.stamp

    static func message(_ control: String, device: String = "MON-2", _ readings: [(Date, VitalReading)], observations: String = "[]")
        -> MonitorMessageInput {
        MonitorMessageInput(gateway: "10.0.0.7", sendingApplication: "GW", deviceID: device, controlID: control, bed: "Bay 2",
                            observationCount: readings.count * 2,
                            readings: readings.map { MonitorReadingInput(observedAt: $0.0, values: $0.1, observationsJSON: observations) })
    }

    static func count(_ table: String, _ database: ClinicDatabase) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first().map { try $0.decode(column: "n", as: Int.self) } ?? 0
        }
    }

    @Test("Readings go to the session seated in the device's chair, with alerts and audit; a resend is not stored twice",
          arguments: TestDatabases.engines)
    func ingest(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (patient, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine)
            let monitors = MonitorRepository(database: database)
            let records = SessionRecordRepository(database: database)
            try await monitors.register(deviceID: "MON-2", chair: "Chair 2", label: "Bay monitor", stamp: Self.stamp)
            let reading = VitalReading(systolic: 130, diastolic: 80, heartRate: 70, oxygenSaturation: 89, respiratoryRate: 14)

            // Nobody seated yet: kept as unmatched.
            let early = try await monitors.ingest(Self.message("c0", [(Fixtures.now, reading)]), policy: .defaults, stamp: Self.stamp)
            guard case .unmatched(_, let reason)? = early.first else { Issue.record("expected unmatched"); return }
            #expect(reason == "No patient is seated in Chair 2.")

            try await TreatmentSessionRepository(database: database).apply(.checkIn, to: sessionID, stamp: Self.stamp)
            try await records.append(.chair("Chair 2"), to: sessionID, stamp: Self.stamp)
            let message = Self.message("c1", [(Fixtures.now.addingTimeInterval(30), reading), (Fixtures.now.addingTimeInterval(-600), reading)])
            let outcomes = try await monitors.ingest(message, policy: .defaults, stamp: AuditStamp.system("monitor", at: Fixtures.now.addingTimeInterval(40)))
            guard case .stored(let stored, let result?)? = outcomes.first else { Issue.record("expected stored: \(outcomes)"); return }
            #expect(stored == sessionID)
            #expect(result.alerts.map(\.code) == ["oxygen-saturation-low"], "SpO2 89 < 92, the clinic's default [R39]")
            guard case .unmatched(_, let before)? = outcomes.last else { Issue.record("expected unmatched"); return }
            #expect(before == "Observed before the patient now in Chair 2 was checked in.")

            let record = try #require(try await records.record(of: sessionID))
            #expect(record.storedReadings.map(\.values) == [reading])
            #expect(record.storedReadings.first?.source == .gateway)

            // The gateway resends the same message: nothing is stored twice.
            let again = try await monitors.ingest(message, policy: .defaults, stamp: AuditStamp.system("monitor", at: Fixtures.now.addingTimeInterval(50)))
            #expect(again.allSatisfy { if case .repeated = $0 { true } else { false } })
            #expect(try await Self.count("session_vitals", database) == 1)
            #expect(try await Self.count("monitor_readings", database) == 3)

            // An unregistered device, and a reading with nothing chartable.
            let stranger = try await monitors.ingest(Self.message("c2", device: "OTHER", [(Fixtures.now, reading)]), policy: .defaults, stamp: Self.stamp)
            guard case .unmatched(_, let unknown)? = stranger.first else { Issue.record("expected unmatched"); return }
            #expect(unknown == "Monitor OTHER is not registered to a chair.")
            let kept = try await monitors.ingest(Self.message("c3", [(Fixtures.now.addingTimeInterval(5), VitalReading())],
                                                              observations: #"[{"code":"150023","value":"90"}]"#), policy: .defaults, stamp: Self.stamp)
            guard case .stored(_, .none)? = kept.first else { Issue.record("expected kept"); return }
            #expect(try await monitors.recentUncharted().count == 1)

            let audit = try await AuditTrail(database: database).page(AuditFilter(patientID: patient.id), limit: 100)
            #expect(audit.contains { $0.event.entityType == "session_vital" && $0.event.summary.contains("(gateway)") })
            let messages = try await monitors.recentMessages()
            #expect(messages.count == 5)
            #expect(messages.contains { $0.controlID == "c1" && $0.repeated == 2 && $0.stored == 0 })
            #expect(messages.contains { $0.controlID == "c1" && $0.stored == 1 && $0.unmatched == 1 })
        }
    }

    @Test("Unmatched readings are assigned to a session (same reading code) or discarded with a reason, once; never deleted",
          arguments: TestDatabases.engines)
    func unmatchedQueue(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine)
            let monitors = MonitorRepository(database: database)
            try await TreatmentSessionRepository(database: database).apply(.checkIn, to: sessionID, stamp: Self.stamp)
            let values = VitalReading(systolic: 185, diastolic: 90)
            _ = try await monitors.ingest(Self.message("u1", device: "LOOSE", [(Fixtures.now, values), (Fixtures.now.addingTimeInterval(60), values)]),
                                          policy: .defaults, stamp: Self.stamp)
            let waiting = try await monitors.unmatched()
            #expect(waiting.count == 2)
            let first = try #require(waiting.first), second = try #require(waiting.last)
            #expect(first.values == values)

            let result = try #require(try await monitors.assign(first.id, to: sessionID, policy: .defaults, reason: "monitor not yet registered",
                                                                stamp: Self.stamp))
            #expect(result.alerts.map(\.code) == ["systolic-high"], "185 > 180, clinic policy [R40]")
            #expect(try await SessionRecordRepository(database: database).record(of: sessionID)?.storedReadings.count == 1)
            await #expect(throws: SessionRefusal.self, "assigned once") {
                try await monitors.assign(first.id, to: sessionID, policy: .defaults, reason: nil, stamp: Self.stamp)
            }
            try await monitors.discard(second.id, reason: "probe on the wrong patient", stamp: Self.stamp)
            await #expect(throws: SessionRefusal.self, "resolved once") {
                try await monitors.discard(second.id, reason: "again", stamp: Self.stamp)
            }
            await #expect(throws: UnknownSessionItem.self) {
                try await monitors.discard(UUID(), reason: "nothing", stamp: Self.stamp)
            }
            #expect(try await monitors.unmatched().isEmpty)
            let discarded = try #require(try await monitors.reading(second.id))
            #expect(discarded.status == "discarded")
            #expect(discarded.resolutionReason == "probe on the wrong patient")
            #expect(try await Self.count("monitor_readings", database) == 2, "kept, not deleted")
        }
    }

    @Test("Registry moves and retires devices, audited; the gateway figures count messages, errors and unmatched",
          arguments: TestDatabases.engines)
    func registryAndGateways(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine)
            let monitors = MonitorRepository(database: database)
            try await monitors.register(deviceID: "MON-1", chair: "Chair 1", label: nil, stamp: Self.stamp)
            let moved = try await monitors.register(deviceID: "MON-1", chair: "Chair 3", label: "Philips", stamp: Self.stamp)
            #expect(moved.chair == "Chair 3")
            try await monitors.retire(deviceID: "MON-1", stamp: Self.stamp)
            #expect(try await monitors.devices().map(\.active) == [false])
            await #expect(throws: UnknownSessionItem.self) { try await monitors.retire(deviceID: "MON-1", stamp: Self.stamp) }
            let retired = try await monitors.ingest(Self.message("r1", device: "MON-1", [(Fixtures.now, VitalReading(heartRate: 70))]),
                                                    policy: .defaults, stamp: Self.stamp)
            guard case .unmatched? = retired.first else { Issue.record("a retired device's readings wait as unmatched"); return }
            try await monitors.logRefusal(gateway: "10.0.0.7", sendingApplication: "GW", deviceID: nil, controlID: "bad", outcome: "AE",
                                          error: "OBX-14 is not an HL7 time", at: Fixtures.now.addingTimeInterval(1))
            let gateways = try await monitors.gateways(now: Fixtures.now.addingTimeInterval(10))
            let gateway = try #require(gateways.first)
            #expect(gateways.count == 1)
            #expect(gateway.gateway == "10.0.0.7")
            #expect(gateway.sendingApplications == ["GW"])
            #expect(gateway.messagesLastFiveMinutes == 2)
            #expect(gateway.errorsLastDay == 1)
            #expect(gateway.lastOutcome == "AE")
            #expect(gateway.lastError == "OBX-14 is not an HL7 time")
            #expect(gateway.unmatched == 1)
            let audit = try await AuditTrail(database: database).page(AuditFilter(), limit: 200)
            #expect(audit.filter { $0.event.entityType == "monitor_device" }.count == 3)
        }
    }
}
