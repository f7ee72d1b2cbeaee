import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic schedule chairs|add-chair|close|day|check-in`: the clinic's calendar from the command line:
/// its chairs, closing a day, one day's bookings per chair (appointment, treatment type, chair), and
/// checking a patient in with the same hard stops as the pages and the API.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "The clinic's calendar: chairs, closures and a day's bookings.",
        subcommands: [Chairs.self, AddChair.self, Close.self, Day.self, CheckIn.self, Waitlist.self, Reminders.self, Feeds.self])

    struct Chairs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the calendar's chairs in order.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                let chairs = try await ScheduleRepository(database: database).chairs(of: clinic.id)
                if chairs.isEmpty { return print("No chairs yet: add one with `ketaclinic schedule add-chair NAME`.") }
                for chair in chairs { print("\(chair.name)\(chair.isActive ? "" : "  (out of service)")  \(chair.id.uuidString.lowercased())") }
            }
        }
    }

    struct AddChair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-chair", abstract: "Add a chair or room at the end of the calendar.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "Its name, e.g. \"Chair 5\".") var name: String

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                do {
                    let chair = try await ScheduleRepository(database: database).addChair(named: name, to: clinic.id,
                                                                                           stamp: CommandSupport.operatorStamp("schedule add-chair"))
                    print("Added \(chair.name) (\(chair.id.uuidString.lowercased())).")
                } catch let input as ScheduleInputError {
                    throw CommandSupport.fail("\(input.field): \(input.message)", code: 2)
                }
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close the clinic on a day (a holiday); no session can be booked then.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The day, YYYY-MM-DD.") var date: String
        @Option(help: "Why, as the calendar shows it.") var reason: String

        func validate() throws {
            guard CalendarDate(iso: date) != nil else { throw ValidationError("date: '\(date)' is not a date as YYYY-MM-DD.") }
            guard (1...120).contains(reason.trimmingCharacters(in: .whitespaces).count) else { throw ValidationError("--reason: say why in 1 to 120 characters.") }
        }

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                try await ScheduleRepository(database: database).addClosure(Closure(date: CalendarDate(iso: date)!, reason: reason), to: clinic.id,
                                                                            stamp: CommandSupport.operatorStamp("schedule close"))
                print("Closed on \(date): \(reason).")
            }
        }
    }

    struct Day: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One day's bookings, chair by chair.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The day, YYYY-MM-DD.") var date: String

        func validate() throws {
            guard CalendarDate(iso: date) != nil else { throw ValidationError("date: '\(date)' is not a date as YYYY-MM-DD.") }
        }

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                let day = CalendarDate(iso: date)!
                let book = try await ScheduleRepository(database: database).book(of: clinic.id, from: day, through: day,
                                                                                 timeZone: clinic.settings.resolvedTimeZone)
                if let closure = book.closures[day] { print("Closed: \(closure.reason)") }
                let bookings = book.bookings(on: day)
                if bookings.isEmpty { return print("No bookings on \(date).") }
                let patients = SQLPatientRepository(database: database)
                for chair in book.chairs {
                    let held = bookings.filter { $0.chairID == chair.id }
                    guard !held.isEmpty else { continue }
                    print(chair.name)
                    for booking in held {
                        let name = try await patients.find(booking.patientID, in: clinic.id)?.listName ?? "?"
                        print("  \(booking.slot.span)  \(name)  appointment (\(booking.treatment.displayName))")
                    }
                }
            }
        }
    }

    struct CheckIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-in",
            abstract: "Check a patient in for today's session; refused (exit 3) when the REMS enrolment or a current screening is missing.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The session's id.") var session: String

        func validate() throws {
            guard UUID(uuidString: session) != nil else { throw ValidationError("session: '\(session)' is not a session id.") }
        }

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                guard let record = try await SessionRecordRepository(database: database).record(of: UUID(uuidString: session)!) else {
                    throw CommandSupport.fail("There is no such treatment session.", code: 2)
                }
                let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
                if record.session.date > today {
                    throw CommandSupport.fail("This session is booked for \(record.session.date.iso); check the patient in on the day.", code: 3)
                }
                // The same hard stop as the pages and the API: REMS enrolment [R19][R21], a current screening (clinic policy).
                let missing = try await ScheduleRepository(database: database).checkInRefusals(
                    patientID: record.session.patientID, treatment: record.treatment, on: today, in: clinic)
                if !missing.isEmpty {
                    throw CommandSupport.fail(CheckInRefused(missing: missing).description + " ("
                                              + missing.map(\.code).joined(separator: ", ") + ")", code: 3)
                }
                do {
                    let state = try await TreatmentSessionRepository(database: database).apply(.checkIn, to: record.session.id,
                                                                                             stamp: CommandSupport.operatorStamp("schedule check-in"))
                    print("Checked in: session \(record.session.number) is now \(state.displayName.lowercased()).")
                } catch let refusal as SessionRefusal {
                    throw CommandSupport.fail(refusal.reason, code: 3)
                }
            }
        }
    }

    struct Reminders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Appointment reminders and questionnaire links of a day: sent, skipped or failed; --send sends the ones due now (SMTP relay or the outbox).")
        @OptionGroup var options: ServerOptions
        @Option(help: "The appointments' day, YYYY-MM-DD (default: tomorrow where the clinic is).") var date: String?
        @Flag(help: "Send the reminders due now before listing.") var send = false

        func validate() throws {
            if let date, CalendarDate(iso: date) == nil { throw ValidationError("--date: use a date such as 2026-12-07.") }
        }

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, settings in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                if send {
                    let outcome = try await ReminderService(services: ClinicServices(database: database, settings: settings)).sendDue()
                    print("Reminders: \(outcome.sent) sent, \(outcome.skipped) skipped (no contact), \(outcome.failed) failed.")
                    print("Questionnaire links: \(outcome.linksSent) sent, \(outcome.linksSkipped) skipped, \(outcome.linksFailed) failed.")
                    let failed = outcome.failed + outcome.linksFailed
                    if failed > 0 { throw CommandSupport.fail("\(failed) reminder(s) failed; see the list below.", code: 1) }
                }
                let zone = clinic.settings.resolvedTimeZone
                let day = date.flatMap(CalendarDate.init(iso:)) ?? CalendarDate(instant: Date(), in: zone).adding(days: 1)
                let records = try await ReminderRepository(database: database).records(in: clinic.id, from: day.startInstant(in: zone),
                                                                                        to: day.adding(days: 1).startInstant(in: zone))
                if records.isEmpty { return print("No reminders for appointments on \(day.iso).") }
                for record in records {
                    let carrying = record.instruments.isEmpty ? "" : " (\(record.instruments.map(\.rawValue).joined(separator: ", ")))"
                    print("\(record.startsAt.formatted(.iso8601))  \(record.kind.rawValue)\(carrying)  \(record.status.rawValue)  \(record.channel ?? "–")"
                          + "  session \(record.sessionID.uuidString.lowercased())\(record.detail.map { "  \($0)" } ?? "")")
                }
            }
        }
    }
}
