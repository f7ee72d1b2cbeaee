import ArgumentParser
import ClinicDomain
import ClinicStorage
import Foundation

/// `ketaclinic schedule chairs|add-chair|close|day`: the clinic's calendar from the command line:
/// its chairs, closing a day, and one day's bookings per chair (appointment, treatment type, chair).
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "The clinic's calendar: chairs, closures and a day's bookings.",
        subcommands: [Chairs.self, AddChair.self, Close.self, Day.self])

    struct Chairs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the calendar's chairs in order.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.reportingErrors {
                try await CommandSupport.withDatabase(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    let chairs = try await ScheduleRepository(database: database).chairs(of: clinic.id)
                    if chairs.isEmpty { return print("No chairs yet: add one with `ketaclinic schedule add-chair NAME`.") }
                    for chair in chairs { print("\(chair.name)\(chair.isActive ? "" : "  (out of service)")  \(chair.id.uuidString.lowercased())") }
                }
            }
        }
    }

    struct AddChair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-chair", abstract: "Add a chair or room at the end of the calendar.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "Its name, e.g. \"Chair 5\".") var name: String

        func run() async throws {
            try await CommandSupport.reportingErrors {
                try await CommandSupport.withDatabase(options) { database, _ in
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
            try await CommandSupport.reportingErrors {
                try await CommandSupport.withDatabase(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    try await ScheduleRepository(database: database).addClosure(Closure(date: CalendarDate(iso: date)!, reason: reason), to: clinic.id,
                                                                                stamp: CommandSupport.operatorStamp("schedule close"))
                    print("Closed on \(date): \(reason).")
                }
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
            try await CommandSupport.reportingErrors {
                try await CommandSupport.withDatabase(options) { database, _ in
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
    }
}
