import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Rating scales, self-report links and safety alerts in storage")
struct ScaleRepositoryTests {
    private func patient(_ database: ClinicDatabase) async throws -> (Clinic, PatientSummary) {
        let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
        let patient = try await SQLPatientRepository(database: database).register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
        return (clinic, patient)
    }

    private func response(_ patientID: UUID, item9: Int, day: CalendarDate = Fixtures.today, amends: UUID? = nil,
                          reason: String? = nil) throws -> ScaleResponse {
        let score = try InstrumentScoring.score(.phq9, answers: [2, 2, 1, 1, 1, 1, 1, 1, item9])
        return ScaleResponse(id: UUID(), patientID: patientID, score: score, administeredOn: day, recordedAt: Fixtures.now,
                             source: .staff, recordedByName: "Nurse", amends: amends, reason: reason)
    }

    @Test("Item 9 above 0 raises an alert in the same transaction; acknowledgement is recorded once; responses are append-only",
          arguments: TestDatabases.engines)
    func alertsAndAmendments(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, patient) = try await patient(database)
            let scales = ScaleRepository(database: database)
            #expect(try await scales.record([try response(patient.id, item9: 0)], stamp: Fixtures.stamp).isEmpty)
            let flagged = try response(patient.id, item9: 2)
            let alerts = try await scales.record([flagged], stamp: Fixtures.stamp)
            #expect(alerts.count == 1 && alerts.first?.responseID == flagged.id)
            #expect(try await scales.openAlerts(clinicID: clinic.id).map(\.alert.id) == alerts.map(\.id))
            let ack = SafetyAlert.Acknowledgement(byName: "Dr P", at: Fixtures.now, action: .contactedPatient, note: "safe, plan agreed")
            #expect(try await scales.acknowledge(alerts[0].id, with: ack, stamp: Fixtures.stamp))
            #expect(try await scales.acknowledge(alerts[0].id, with: ack, stamp: Fixtures.stamp) == false, "only once")
            #expect(try await scales.openAlerts(clinicID: clinic.id).isEmpty)
            #expect(try await scales.alert(alerts[0].id)?.acknowledgement == ack)

            let correction = try response(patient.id, item9: 0, amends: flagged.id, reason: "item 9 was mis-keyed")
            #expect(try await scales.record([correction], stamp: Fixtures.stamp).isEmpty, "a correction raises no new alert")
            let all = try await scales.responses(patientID: patient.id)
            #expect(all.count == 3)
            #expect(ScaleResponse.current(all).map(\.id).contains(correction.id) && !ScaleResponse.current(all).map(\.id).contains(flagged.id))
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("DELETE FROM scale_responses").run() }
            }
        }
    }

    @Test("The days each instrument was answered are those ScaleResponse.current gives: a correction replaces its original",
          arguments: TestDatabases.engines)
    func answeredDays(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: three PHQ-9s on three days; the second corrected with another day
            let (_, patient) = try await patient(database)
            let scales = ScaleRepository(database: database)
            let days = [Fixtures.today.adding(days: -14), Fixtures.today.adding(days: -7), Fixtures.today]
            let responses = try days.map { try response(patient.id, item9: 0, day: $0) }
            _ = try await scales.record(responses, stamp: Fixtures.stamp)
            let correction = try response(patient.id, item9: 0, day: Fixtures.today.adding(days: -6), amends: responses[1].id,
                                          reason: "given the day after")
            _ = try await scales.record([correction], stamp: Fixtures.stamp)
            // act
            let answered = try await scales.answeredDays(patientID: patient.id)
            // validate: the same days as the whole responses give, in the same order
            let current = ScaleResponse.current(try await scales.responses(patientID: patient.id))
            #expect(answered == [.phq9: current.map(\.administeredOn)])
            #expect(answered[.phq9] == [days[0], Fixtures.today.adding(days: -6), days[2]])
        }
    }

    @Test("A correction that reveals item 9 above 0 raises the alert the original did not", arguments: TestDatabases.engines)
    func correctionRaises(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, patient) = try await patient(database)
            let scales = ScaleRepository(database: database)
            let original = try response(patient.id, item9: 0)
            #expect(try await scales.record([original], stamp: Fixtures.stamp).isEmpty)
            let corrected = try response(patient.id, item9: 2, amends: original.id, reason: "item 9 was keyed as 0")
            #expect(try await scales.record([corrected], stamp: Fixtures.stamp).count == 1)
        }
    }

    @Test("Unacknowledged alerts escalate once, after the cut-off", arguments: TestDatabases.engines)
    func escalation(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, patient) = try await patient(database)
            let scales = ScaleRepository(database: database)
            let alerts = try await scales.record([try response(patient.id, item9: 1)], stamp: Fixtures.stamp)
            #expect(try await scales.escalate(raisedBefore: Fixtures.now.addingTimeInterval(-60), stamp: Fixtures.stamp).isEmpty)
            let later = AuditStamp.system("escalation", at: Fixtures.now.addingTimeInterval(900))
            #expect(try await scales.escalate(raisedBefore: Fixtures.now, stamp: later).map(\.id) == alerts.map(\.id))
            #expect(try await scales.escalate(raisedBefore: Fixtures.now, stamp: later).isEmpty, "only once")
            #expect(try await scales.alert(alerts[0].id)?.escalatedAt == later.at)
        }
    }

    @Test("A link is found by its code only, used once, and counts wrong dates of birth", arguments: TestDatabases.engines)
    func links(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, patient) = try await patient(database)
            let links = SelfReportLinkRepository(database: database)
            let (link, code) = try await links.create(patientID: patient.id, instruments: [.phq9, .gad7], lifetimeHours: 72, stamp: Fixtures.stamp)
            #expect(try await links.link(code: code.lowercased())?.id == link.id)
            #expect(try await links.link(code: "ABCDE-FGHJK") == nil)
            let stored = try await database.read { db in
                try await db.select().column("code_digest").from("self_report_links").first()?.decode(column: "code_digest", as: String.self)
            }
            #expect(stored != code && stored?.contains(code) == false, "only the digest is kept")
            try await links.recordFailedCheck(link, stamp: Fixtures.stamp)
            #expect(try await links.link(code: code)?.failedChecks == 1)
            let scales = ScaleRepository(database: database)
            _ = try await scales.record([try response(patient.id, item9: 0)], usingLink: link.id, stamp: Fixtures.stamp)
            #expect(try await links.link(code: code)?.usedAt != nil)
            await #expect(throws: SelfReportLink.Refusal.used) {
                try await scales.record([try response(patient.id, item9: 0)], usingLink: link.id, stamp: Fixtures.stamp)
            }
            #expect(try await scales.responses(patientID: patient.id).count == 1, "the refused second use stored nothing")
        }
    }
}
