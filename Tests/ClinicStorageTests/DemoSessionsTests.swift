import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Demo sessions: every state, a complete REMS form, a live alert")
struct DemoSessionsTests {
    @Test("The demo clinic has a session in each state, complete and submitted REMS forms, and an open IV alert",
          arguments: TestDatabases.engines)
    func everyState(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup
            let summary = try await DemoClinicLoader(database: database).load(patients: 30, seed: 2, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let today = CalendarDate(instant: Fixtures.now, in: clinic.settings.resolvedTimeZone)
            // act
            let plans = TreatmentPlanRepository(database: database)
            let all = try await plans.sessions(from: today.adding(days: -60), through: today.adding(days: 60))
            let records = SessionRecordRepository(database: database)
            let rems = RemsRepository(database: database)
            let queue = try await rems.queue(clinic: clinic, today: today)
            // validate
            #expect(summary.patientsAdded == 30)
            let states = Set(all.map(\.state))
            #expect(states == Set(TreatmentSessionState.allCases), "missing: \(Set(TreatmentSessionState.allCases).subtracting(states))")
            for state in TreatmentSessionState.allCases where state.isActive {
                #expect(all.filter { $0.state == state && $0.date == today }.count == 1, "one \(state.rawValue) today")
            }
            let active = try await records.activeRecords()
            #expect(Set(active.compactMap(\.chair)).count == 4, "checks, infusion, observation and discharge each in a chair")
            #expect(active.compactMap(\.chair).allSatisfy(SessionPolicy.defaults.chairs.contains))
            let dosing = try #require(active.first { $0.session.state == .dosing })
            #expect(dosing.treatment == .ivKetamine)
            #expect(dosing.openAlerts.map(\.code) == ["diastolic-high"])
            let observation = try #require(active.first { $0.session.state == .observation })
            #expect(observation.treatment == .esketamine && observation.devices.count == 2)
            #expect(observation.devices[1].at.timeIntervalSince(observation.devices[0].at) == 300)
            let stopped = try #require(all.first { $0.state == .stoppedEarly })
            #expect(try await records.record(of: stopped.id)?.adverseEvents.count == 1)
            let policy = SessionPolicy.defaults
            // The large clinic's course histories are plans, sessions and ratings only; the demo's own stories have full records.
            let stories = Set(DemoIntakeScenarios.plannedCourses.map(\.familyName))
            var storied: Set<UUID> = []
            for session in all where session.state == .discharged {
                if let patient = try await SQLPatientRepository(database: database).find(session.patientID, in: clinic.id),
                   stories.contains(patient.registration.familyName) { storied.insert(session.id) }
            }
            #expect(!storied.isEmpty)
            for session in all where storied.contains(session.id) {
                let record = try #require(try await records.record(of: session.id))
                #expect(record.missingPoints(schedule: policy.monitoringSchedule(for: record.treatment), now: Fixtures.now).isEmpty)
                #expect(record.note != nil && record.dischargeAssessment?.aldrete.total == 10)
                #expect(record.administration != nil && record.checklist != nil && !record.sideEffects.isEmpty)
            }
            let pending = queue.filter { $0.submitted == nil && $0.form.treatmentDate < today }
            #expect(pending.count == 1)
            #expect(pending.first?.form.missingFields == [], "the demo's waiting form is complete")
            #expect(pending.first.map { $0.daysLeft >= 0 } == true, "within its 7 days")
            #expect(queue.contains { $0.submitted != nil })
            #expect(queue.contains { $0.form.treatmentDate == today && !$0.form.isComplete }, "today's esketamine session is not finished")
        }
    }
}
