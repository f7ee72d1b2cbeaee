import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
@Suite("schedule command: check-in hard stop")
struct ScheduleCommandTests {
    private func run(_ arguments: [String]) async throws { try await CommandLineSuites.run(arguments) }

    @Test("schedule check-in refuses (exit 3) an expired screening (clinic policy) and a missing REMS enrolment [R19][R21], then checks in")
    func checkInHardStop() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        try await run(["schedule", "chairs", "--database", url])   // migrates and creates the clinic
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
        let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
        let (_, infusion) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine, on: today, given: "Ivy")
        let (spray, nasal) = try await SessionFixtures.plannedSession(database, treatment: .esketamine, on: today, given: "Esme", remsEnrolled: false)
        var policy = SchedulingPolicy.defaults
        policy.screeningValidDays = 1   // the fixtures' screenings were signed on 2026-11-22
        try await ScheduleRepository(database: database).update(policy, of: clinic.id, stamp: Fixtures.stamp)
        await database.shutDown()

        for (session, code) in [(infusion, "screening-expired"), (nasal, "rems-not-enrolled")] {
            await #expect {
                try await run(["schedule", "check-in", session.uuidString, "--database", url])
            } throws: { error in
                (error as? ExitCode)?.rawValue == 3
            }
            let reopened = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
            let state = try await SessionRecordRepository(database: reopened).record(of: session)?.session.state
            let refusals = try await ScheduleRepository(database: reopened).checkInRefusals(
                patientID: try #require(try await SessionRecordRepository(database: reopened).record(of: session)).session.patientID,
                treatment: session == nasal ? .esketamine : .ivKetamine, on: today, in: clinic)
            await reopened.shutDown()
            #expect(state == .scheduled, "nothing is stored")
            #expect(refusals.map(\.code) == [code])
        }

        let reopened = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        policy.screeningValidDays = 730
        try await ScheduleRepository(database: reopened).update(policy, of: clinic.id, stamp: Fixtures.stamp)
        try await ScheduleRepository(database: reopened).recordRemsEnrolment(patientID: spray.id, enrolledOn: today, reference: "R-9", stamp: Fixtures.stamp)
        await reopened.shutDown()
        try await run(["schedule", "check-in", infusion.uuidString, "--database", url])
        try await run(["schedule", "check-in", nasal.uuidString, "--database", url])
        let last = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let states = [try await SessionRecordRepository(database: last).record(of: infusion)?.session.state,
                      try await SessionRecordRepository(database: last).record(of: nasal)?.session.state]
        await last.shutDown()
        #expect(states == [.checkedIn, .checkedIn])
    }

    @Test("schedule waitlist add, list, freed and remove; an unknown patient or chair exits 2")
    func waitlist() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        try await run(["schedule", "add-chair", "Chair 1", "--database", url])
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
        let patient = try await SQLPatientRepository(database: database).register(Fixtures.registration(given: "Wanda"), in: clinic.id, stamp: Fixtures.stamp)
        await database.shutDown()
        try await run(["schedule", "waitlist", "add", patient.mrn.text, "--treatment", "iv-ketamine", "--referred", "2026-11-01",
                       "--weekdays", "mon,tue,wed,thu,fri", "--database", url])
        try await run(["schedule", "waitlist", "list", "--database", url])
        let tomorrow = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone).adding(days: 1)
        try await run(["schedule", "waitlist", "freed", "--chair", "chair 1", "--date", tomorrow.iso, "--start", "09:00", "--end", "11:00",
                       "--database", url])
        for (arguments, code) in [(["schedule", "waitlist", "add", MedicalRecordNumber(prefix: "KC", sequence: 999_999).text, "--treatment", "iv-ketamine", "--referred", "2026-11-01"], Int32(2)),
                                  (["schedule", "waitlist", "add", patient.mrn.text, "--treatment", "iv-ketamine", "--referred", "2026-11-02"], Int32(2)),
                                  (["schedule", "waitlist", "freed", "--chair", "Sofa", "--date", "2026-12-01", "--start", "09:00", "--end", "11:00"], Int32(2)),
                                  (["schedule", "waitlist", "add", patient.mrn.text, "--treatment", "iv-ketamine", "--referred", "2026-11-02",
                                    "--weekdays", "funday"], Int32(64))] {
            await #expect {
                try await run(arguments + ["--database", url])
            } throws: { KetaClinicCommand.exitCode(for: $0).rawValue == code }
        }
        let reopened = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let entries = try await WaitlistRepository(database: reopened).entries(of: clinic.id)
        let views = try await AuditTrail(database: reopened).page(AuditFilter(patientID: patient.id, action: .view), limit: 10)
        await reopened.shutDown()
        #expect(entries.count == 1 && entries[0].preference.weekdays == Set(Weekday.mondayToFriday))
        #expect(views.contains { $0.event.summary == "waitlist (command line)" })
        try await run(["schedule", "waitlist", "remove", entries[0].id.uuidString, "--reason", "booked elsewhere", "--database", url])
        let last = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        #expect(try await WaitlistRepository(database: last).entries(of: clinic.id).isEmpty)
        await last.shutDown()
    }

    @Test("schedule check-in with a malformed or unknown session id exits non-zero", arguments: [
        (["schedule", "check-in", "not-an-id"], Int32(64)), (["schedule", "check-in", "6c1d7e9a-0000-4000-8000-000000000000"], Int32(2)),
    ])
    func badInput(arguments: [String], code: Int32) async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        await #expect {
            try await run(arguments + ["--database", location.description])
        } throws: { error in
            KetaClinicCommand.exitCode(for: error).rawValue == code
        }
    }
}
}
