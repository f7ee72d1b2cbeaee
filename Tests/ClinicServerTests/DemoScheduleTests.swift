import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("The demo calendar: a course left for the front desk, and a year of bookings for load tests")
struct DemoScheduleTests {
    @Test("Walter Waiting's signed course is left unbooked; a year of past sessions fills the chairs without a double booking, once",
          arguments: TestDatabases.engines)
    func yearOfBookings(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await DemoClinicLoader(database: database).load(patients: 60, seed: 3, now: Fixtures.now)
            _ = try await DemoAccounts.create(in: database, bcryptCost: 4, now: Fixtures.now)
            let booked = try await DemoSchedule.load(in: database, bcryptCost: 4, now: Fixtures.now)
            #expect(booked > 0, "the coming week is booked")
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let zone = clinic.settings.resolvedTimeZone
            let today = CalendarDate(instant: Fixtures.now, in: zone)
            let schedule = ScheduleRepository(database: database)
            let walter = try #require(try await SQLPatientRepository(database: database).page(in: clinic.id, matching: PatientSearch("Waiting"), after: nil, limit: 5)
                .first { $0.registration.familyName == DemoSchedule.unbookedFamilyName })
            let week = try await schedule.book(of: clinic.id, from: today, through: today.adding(days: 30), timeZone: zone)
            #expect(!(0...30).contains { week.bookings(on: today.adding(days: $0)).contains { $0.patientID == walter.id } },
                    "his course is left for the front desk")
            // Every esketamine course in the window has its REMS enrolment, so check-in can go ahead [R19][R21].
            let window = try await TreatmentPlanRepository(database: database).sessions(from: today.adding(days: -120), through: today.adding(days: 60))
            let esketamine = Set(window.filter { $0.planned.devices != nil }.map(\.patientID))
            #expect(!esketamine.isEmpty)
            #expect(try await schedule.remsEnrolled(among: Array(esketamine)) == esketamine)

            let year = try await DemoSchedule.loadYear(in: database, chairs: 8, bcryptCost: 4, now: Fixtures.now)
            #expect(year.chairs == 8 && year.nurses == 4, "8 chairs at 1:2 need 4 nurses (clinic policy ratio)")
            #expect(year.bookings > 100, "\(year.bookings)")
            let past = try await schedule.book(of: clinic.id, from: today.adding(days: -365), through: today.adding(days: -1), timeZone: zone)
            var count = 0
            for offset in 1...365 {
                let day = today.adding(days: -offset)
                let bookings = past.bookings(on: day)
                count += bookings.count
                #expect(bookings.count <= 8 * 5, "at most a full day of 8 chairs")
                for (index, booking) in bookings.enumerated() {
                    for other in bookings[(index + 1)...] where other.chairID == booking.chairID {
                        #expect(!other.slot.span.overlaps(booking.slot.span), "chair double-booked on \(day)")
                    }
                    #expect(!bookings[(index + 1)...].contains { $0.patientID == booking.patientID }, "a patient once a day")
                }
            }
            // The calendar leaves no-shows out of a day's bookings; every booking row is counted here.
            let stored = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM session_bookings WHERE on_date < \(bind: today.iso)").first()?
                    .decode(column: "n", as: Int.self)
            }
            #expect(stored == year.bookings && count <= year.bookings && count > year.bookings * 9 / 10, "\(count) of \(year.bookings)")
            let again = try await DemoSchedule.loadYear(in: database, chairs: 8, bcryptCost: 4, now: Fixtures.now)
            #expect(again.bookings == 0 && again.chairs == 8, "a second run books nothing twice")
        }
    }
}
