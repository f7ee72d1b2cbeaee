import ArgumentParser
import ClinicDomain
import ClinicStorage
import Foundation

extension ScheduleCommand {
    /// `ketaclinic schedule feeds list|add|revoke|appointments`: calendar subscription feeds for chairs
    /// and staff from the command line, and a patient's appointments file. Making and revoking are
    /// audited; the appointments file is an audited export of the patient's bookings.
    struct Feeds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Calendar feeds (iCalendar) for chairs and staff: list, add, revoke; a patient's appointments file.",
            subcommands: [List.self, Add.self, Revoke.self, Appointments.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The clinic's feeds, newest first, revoked ones included.")
            @OptionGroup var options: ServerOptions

            func run() async throws {
                try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    let feeds = try await CalendarFeedRepository(database: database).feeds(of: clinic.id)
                    if feeds.isEmpty { return print("No calendar feeds yet: add one with `ketaclinic schedule feeds add --chair NAME`.") }
                    var table = TextTable([.text("For"), .text("Kind"), .text("Starts"), .text("Made"), .text("Last read"), .text("Status"), .text("Id")])
                    for feed in feeds {
                        table.add([feed.subjectName, feed.subject.kind, feed.prefix + "…", feed.createdAt.formatted(.iso8601),
                                   feed.lastReadAt?.formatted(.iso8601) ?? "not yet", feed.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "standing",
                                   feed.id.uuidString.lowercased()])
                    }
                    table.lines().forEach { print($0) }
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a feed for a chair (by name) or a staff member (by email); prints its address, shown only this once.")
            @OptionGroup var options: ServerOptions
            @Option(help: "The chair's name, e.g. \"Chair 1\".") var chair: String?
            @Option(help: "The prescriber's or nurse's sign-in email.") var staff: String?

            func validate() throws {
                guard (chair == nil) != (staff == nil) else { throw ValidationError("Give either --chair NAME or --staff EMAIL.") }
                if let staff, EmailAddress(staff) == nil { throw ValidationError("--staff: '\(staff)' is not an email address.") }
            }

            func run() async throws {
                try await CommandSupport.withDatabaseReportingErrors(options) { database, settings in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    let subject: CalendarFeedSubject
                    if let chair {
                        let chairs = try await ScheduleRepository(database: database).chairs(of: clinic.id)
                        guard let found = chairs.first(where: { $0.name.caseInsensitiveCompare(chair.trimmingCharacters(in: .whitespaces)) == .orderedSame }) else {
                            throw CommandSupport.fail("--chair: there is no chair named '\(chair)'; see `ketaclinic schedule chairs`.", code: 2)
                        }
                        subject = .chair(found.id)
                    } else {
                        guard let email = staff.flatMap(EmailAddress.init), let user = try await SQLUserRepository(database: database).find(email: email) else {
                            throw CommandSupport.fail("--staff: there is no user with that email.", code: 2)
                        }
                        subject = .staff(user.account.id)
                    }
                    do {
                        let (secret, feed) = try await CalendarFeedRepository(database: database).create(
                            for: subject, in: clinic.id, stamp: CommandSupport.operatorStamp("schedule feeds add"))
                        print("Feed for \(feed.subjectName) (id \(feed.id.uuidString.lowercased())). Its address, shown only this once:")
                        print("\(settings.linkBase)/calendar/\(secret).ics")
                    } catch let input as ScheduleInputError {
                        throw CommandSupport.fail("\(input.field): \(input.message)", code: 2)
                    }
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a feed for good: its address answers 404 from now on.")
            @OptionGroup var options: ServerOptions
            @Argument(help: "The feed's id (see `schedule feeds list`).") var id: String

            func validate() throws {
                guard UUID(uuidString: id) != nil else { throw ValidationError("id: '\(id)' is not a feed id.") }
            }

            func run() async throws {
                try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    guard try await CalendarFeedRepository(database: database).revoke(UUID(uuidString: id)!, in: clinic.id,
                                                                                      stamp: CommandSupport.operatorStamp("schedule feeds revoke")) else {
                        throw CommandSupport.fail("No standing feed has the id \(id).", code: 1)
                    }
                    print("Revoked: the feed's address no longer answers.")
                }
            }
        }

        struct Appointments: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "A patient's upcoming appointments as an iCalendar file (times and place only), to standard output or --output.")
            @OptionGroup var options: ServerOptions
            @Argument(help: "The patient's medical record number.") var mrn: String
            @Option(help: "Write the file here instead of standard output.") var output: String?

            func validate() throws {
                guard MedicalRecordNumber(parsing: mrn) != nil else { throw ValidationError("mrn: '\(mrn)' is not a medical record number.") }
            }

            func run() async throws {
                try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                    let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                    guard let patient = try await SQLPatientRepository(database: database).find(mrn: MedicalRecordNumber(parsing: mrn)!, in: clinic.id) else {
                        throw CommandSupport.fail("There is no patient with MRN \(mrn).", code: 1)
                    }
                    let place = try await ReminderRepository(database: database).policy(of: clinic.id).place
                    let now = Date()
                    let document = try await CalendarFeedRepository(database: database).appointments(
                        of: patient.id, clinic: clinic, place: place, now: now, stamp: CommandSupport.operatorStamp("schedule feeds appointments"))
                    let text = document.text(stampedAt: now)
                    if let output {
                        do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                            throw CommandSupport.fail("--output: cannot write \(output): \(error.localizedDescription)", code: 1)
                        }
                        print("Wrote \(document.events.count) appointment(s) to \(output).")
                    } else {
                        print(text, terminator: "")
                    }
                }
            }
        }
    }
}
