import ClinicDomain
@testable import ClinicServer
import ClinicStorage
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Session background work: vital-sign alert escalation and the demo monitor")
struct SessionBackgroundTests {
    @Test("An alert left unacknowledged past the clinic's time escalates once, tells the prescribers and the board")
    func escalation() async throws {
        let clock = TestClock()
        let outbox = RecordingOutbox()
        try await TestApp.withServices(outbox: outbox, now: clock.function) { services in
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            _ = try await TestUsers.make(services, role: .prescriber, email: "dr.on-call@test.clinic")
            try await services.sessionStates.apply(.checkIn, to: sessionID, stamp: Fixtures.stamp)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let subscription = services.board.subscribe()
            let result = try await SessionWorkflow(services: services).recordReading(
                VitalReading(systolic: 200, diastolic: 90), takenAt: nil, source: .gateway, sessionID: sessionID, clinic: clinic,
                stamp: Fixtures.stamp)
            #expect(result.alerts.map(\.code) == ["systolic-high"])
            clock.advance(minutes: 4)
            #expect(try await services.escalateUnacknowledgedVitalAlerts().isEmpty, "5 minutes by default (clinic policy)")
            clock.advance(minutes: 2)
            #expect(try await services.escalateUnacknowledgedVitalAlerts().count == 1)
            #expect(try await services.escalateUnacknowledgedVitalAlerts().isEmpty, "once")
            #expect(outbox.messages.contains { $0.recipient == "dr.on-call@test.clinic" && $0.subject.contains("ESCALATED vital-sign alert") })
            var kinds: [BoardEvent.Kind] = []
            for await event in subscription {
                kinds.append(event.kind)
                if event.kind == .alertEscalated { break }
            }
            #expect(kinds == [.reading, .alertRaised, .alertEscalated])
        }
    }

    @Test("The demo monitor feeds demo sessions under monitoring, and no session staff run by hand")
    func demoMonitor() async throws {
        try await TestApp.withServices { services in
            _ = try await DemoClinicLoader(database: services.database).load(patients: 24, seed: 1, now: Fixtures.now)
            let before = try await services.sessionRecords.activeRecords()
            let monitored = before.filter { [.dosing, .observation, .readyForDischarge].contains($0.session.state) }
            #expect(!monitored.isEmpty)
            let (_, manual) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, given: "Hand", family: "Run")
            try await services.sessionStates.apply(.checkIn, to: manual, stamp: .system("nurse", at: Fixtures.now))
            try await DemoMonitorService(services: services, logger: TestDatabases.quietLogger).feed(round: 1)
            for record in monitored {
                let after = try #require(try await services.sessionRecords.record(of: record.session.id))
                #expect(after.storedReadings.count == record.storedReadings.count + 1)
                #expect(after.storedReadings.last?.source == .gateway)
                #expect(after.openAlerts.count == record.openAlerts.count, "the stand-in's readings stay calm")
            }
            #expect(try await services.sessionRecords.record(of: manual)?.storedReadings.isEmpty == true)
        }
    }
}
