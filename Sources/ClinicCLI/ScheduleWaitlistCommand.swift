import ArgumentParser
import ClinicDomain
import ClinicStorage
import Foundation

extension ScheduleCommand {
    /// `ketaclinic schedule waitlist list|add|freed|remove`: the waitlist from the command line: who is
    /// waiting, adding a patient, the waiting patients a freed slot suits, and taking one off. Every
    /// listing is an audited view of each patient; every change is audited.
    struct Waitlist: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Patients waiting for an earlier slot: list, add, match a freed slot, remove.",
            subcommands: [List.self, Add.self, Freed.self, Remove.self])

        static func describe(_ entry: WaitlistEntry, _ patient: PatientSummary?) -> String {
            let days = entry.preference.weekdays.sorted().map(\.code).joined(separator: ",")
            let times = entry.preference.earliest == nil && entry.preference.latest == nil ? ""
                : " starts \(entry.preference.earliest?.description ?? "00:00")-\(entry.preference.latest?.description ?? "24:00")"
            return "\(patient?.listName ?? "?") (\(patient?.mrn.text ?? "?"))  \(entry.treatment.displayName)  referred \(entry.referredOn.iso)"
                + "  \(days.isEmpty ? "any day" : days)\(times)  \(entry.status.displayName.lowercased())  id \(entry.id.uuidString.lowercased())"
        }

        /// Prints each entry with its patient after its `prefix`, then audits each as a view of that
        /// patient: the listing and a freed slot's matches show waiting patients alike.
        static func show(_ rows: [(prefix: String, entry: WaitlistEntry)], clinicID: UUID, database: ClinicDatabase,
                         summary: String, command: String) async throws {
            let patients = SQLPatientRepository(database: database)
            for row in rows { print(row.prefix + describe(row.entry, try await patients.find(row.entry.patientID, in: clinicID))) }
            try await AuditTrail(database: database).record(rows.map {
                AuditEvent(.view, entityType: "waitlist_entry", entityID: $0.entry.id.uuidString, patientID: $0.entry.patientID, summary: summary)
            }, stamp: CommandSupport.operatorStamp(command))
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The patients waiting, longest waiting first.")
            @OptionGroup var options: ServerOptions

            func run() async throws {
                try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    let entries = try await WaitlistRepository(database: database).entries(of: clinic.id)
                    if entries.isEmpty { return print("No one is waiting.") }
                    try await Waitlist.show(entries.map { ("", $0) }, clinicID: clinic.id, database: database,
                                            summary: "waitlist (command line)", command: "schedule waitlist list")
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a patient (by medical record number) to the waitlist.")
            @OptionGroup var options: ServerOptions
            @Argument(help: "The patient's medical record number.") var mrn: String
            @Option(help: "iv-ketamine, im-ketamine or esketamine.") var treatment: String
            @Option(help: "The referral day, YYYY-MM-DD.") var referred: String
            @Option(help: "Days the patient can come, e.g. mon,wed (default: any day).") var weekdays: String?
            @Option(help: "Earliest start, HH:MM.") var earliest: String?
            @Option(help: "Latest start, HH:MM.") var latest: String?

            func validate() throws {
                guard MedicalRecordNumber(parsing: mrn) != nil else { throw ValidationError("mrn: '\(mrn)' is not a medical record number.") }
                guard Treatment(rawValue: treatment) != nil else { throw ValidationError("--treatment: use iv-ketamine, im-ketamine or esketamine.") }
                guard CalendarDate(iso: referred) != nil else { throw ValidationError("--referred: use a date such as 2026-12-07.") }
                for code in (weekdays ?? "").split(separator: ",") where Weekday(code: String(code)) == nil || code.count < 3 {
                    throw ValidationError("--weekdays: use mon, tue, wed, thu, fri, sat or sun, separated by commas.")
                }
                if let earliest, ClockTime(text: earliest) == nil { throw ValidationError("--earliest: use HH:MM.") }
                if let latest, ClockTime(text: latest) == nil { throw ValidationError("--latest: use HH:MM.") }
                if let from = earliest.flatMap(ClockTime.init(text:)), let to = latest.flatMap(ClockTime.init(text:)), to < from {
                    throw ValidationError("--latest: the latest start cannot be before the earliest.")
                }
            }

            func run() async throws {
                try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    let referredOn = CalendarDate(iso: referred)!
                    if referredOn > CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone) {
                        throw CommandSupport.fail("--referred: the referral day cannot be after today.", code: 2)
                    }
                    guard let patient = try await SQLPatientRepository(database: database).find(mrn: MedicalRecordNumber(parsing: mrn)!, in: clinic.id) else {
                        throw CommandSupport.fail("There is no patient \(mrn).", code: 2)
                    }
                    let preference = SlotPreference(weekdays: Set((weekdays ?? "").split(separator: ",").compactMap { Weekday(code: String($0)) }),
                                                    earliest: earliest.flatMap(ClockTime.init(text:)), latest: latest.flatMap(ClockTime.init(text:)))
                    do {
                        let entry = try await WaitlistRepository(database: database).add(
                            patientID: patient.id, treatment: Treatment(rawValue: treatment)!, referredOn: referredOn, preference: preference,
                            to: clinic.id, stamp: CommandSupport.operatorStamp("schedule waitlist add"))
                        print("Added: \(Waitlist.describe(entry, patient))")
                    } catch let input as ScheduleInputError {
                        throw CommandSupport.fail("\(input.field): \(input.message)", code: 2)
                    }
                }
            }
        }

        struct Freed: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The waiting patients a freed slot suits, longest waiting first.")
            @OptionGroup var options: ServerOptions
            @Option(help: "The chair's name.") var chair: String
            @Option(help: "The day, YYYY-MM-DD.") var date: String
            @Option(help: "The freed start, HH:MM.") var start: String
            @Option(help: "The freed end, HH:MM.") var end: String

            func validate() throws {
                guard CalendarDate(iso: date) != nil else { throw ValidationError("--date: use a date such as 2026-12-07.") }
                guard let from = ClockTime(text: start) else { throw ValidationError("--start: use HH:MM.") }
                guard let to = ClockTime(text: end) else { throw ValidationError("--end: use HH:MM.") }
                guard from < to else { throw ValidationError("--end: the end must be after the start.") }
            }

            func run() async throws {
                try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    let schedule = ScheduleRepository(database: database)
                    guard let found = try await schedule.chairs(of: clinic.id).first(where: { $0.name.lowercased() == chair.lowercased() }) else {
                        throw CommandSupport.fail("--chair: there is no chair called \(chair).", code: 2)
                    }
                    let day = CalendarDate(iso: date)!
                    let freed = FreedSlot(chairID: found.id, slot: DaySlot(date: day, span: DaySpan(start: ClockTime(text: start)!, end: ClockTime(text: end)!)!))
                    let book = try await schedule.book(of: clinic.id, from: day, through: day, timeZone: clinic.settings.resolvedTimeZone)
                    let entries = try await WaitlistRepository(database: database).entries(of: clinic.id)
                    let matches = WaitlistMatching.matches(for: freed, entries: entries, book: book, now: Date())
                    if matches.isEmpty { return print("No one waiting suits \(found.name) \(freed.slot).") }
                    try await Waitlist.show(matches.map { ("\($0.slot.span)  ", $0.entry) }, clinicID: clinic.id, database: database,
                                            summary: "waitlist matched to a freed slot (command line)", command: "schedule waitlist freed")
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Take a patient off the waitlist, with a reason.")
            @OptionGroup var options: ServerOptions
            @Argument(help: "The waitlist entry's id.") var entry: String
            @Option(help: "Why.") var reason: String

            func validate() throws {
                guard UUID(uuidString: entry) != nil else { throw ValidationError("entry: '\(entry)' is not an entry id.") }
            }

            func run() async throws {
                try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    do {
                        try await WaitlistRepository(database: database).remove(UUID(uuidString: entry)!, reason: reason, in: clinic.id,
                                                                                 stamp: CommandSupport.operatorStamp("schedule waitlist remove"))
                        print("Removed from the waitlist.")
                    } catch let input as ScheduleInputError {
                        throw CommandSupport.fail("\(input.field): \(input.message)", code: 2)
                    }
                }
            }
        }
    }
}
