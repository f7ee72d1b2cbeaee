import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic billing codes|fees|capture|ledger|superbill`: the code table and fee schedule,
/// charge capture for the closed sessions of a period, a patient's ledger and superbill.
struct BillingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing", abstract: "Billing: code table, fee schedule, charge capture, ledgers and superbills.",
        subcommands: [Codes.self, Fees.self, Capture.self, Ledger.self, SuperbillCommand.self, Estimate.self, Claim.self,
                      Packages.self, SellPackage.self, Remittance.self, Report.self])

    struct Codes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the clinic's code table with validity dates and sources.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let codes = try await BillingRepository(database: database).codeTable(of: clinic.id)
                if json { return print(try CommandSupport.jsonText(["items": codes])) }
                var table = TextTable([.text("system"), .text("code"), .text("valid"), .text("source"), .text("description")])
                for code in codes {
                    table.add([code.system.displayName, code.code, "\(code.validFrom?.iso ?? "…")–\(code.validTo?.iso ?? "…")", code.source,
                               code.description])
                }
                print(table.text())
            }
        }
    }

    struct Fees: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the fee schedule.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let fees = try await BillingRepository(database: database).feeSchedule(of: clinic.id)
                if json { return print(try CommandSupport.jsonText(["items": fees])) }
                if fees.isEmpty { return print("The fee schedule is empty.") }
                for fee in fees {
                    print("\(fee.code ?? "-")  \(fee.service)  \(fee.price)  self-pay \(fee.selfPayPrice)  from \(fee.validFrom.iso)"
                          + (fee.validTo.map { " to \($0.iso)" } ?? ""))
                }
            }
        }
    }

    struct Capture: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture the charges of every closed session in a period by the clinic's rules (re-running amends changed records).")
        @OptionGroup var options: ServerOptions
        @Option(help: "First day, YYYY-MM-DD.") var from: String
        @Option(help: "Last day, YYYY-MM-DD.") var to: String
        @Option(help: "self-pay or insurer for sessions not captured before (default self-pay); recaptured sessions keep their payer unless given.")
        var payer: String?

        func validate() throws {
            guard let start = CalendarDate(iso: from) else { throw ValidationError("--from: '\(from)' is not a date (YYYY-MM-DD).") }
            guard let end = CalendarDate(iso: to) else { throw ValidationError("--to: '\(to)' is not a date (YYYY-MM-DD).") }
            guard start <= end else { throw ValidationError("--to is before --from.") }
            if let payer, !["self-pay", "insurer"].contains(payer) { throw ValidationError("--payer: use self-pay or insurer.") }
        }

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let billing = BillingRepository(database: database)
                var counts = (created: 0, amended: 0, unchanged: 0, skipped: 0)
                for session in try await billing.closedSessions(in: clinic.id, from: CalendarDate(iso: from)!, to: CalendarDate(iso: to)!) {
                    do {
                        switch try await billing.captureCharges(session: session, clinicID: clinic.id, selfPay: payer.map { $0 == "self-pay" },
                                                                stamp: CommandSupport.operatorStamp("billing capture")) {
                        case .created: counts.created += 1
                        case .amended: counts.amended += 1
                        case .unchanged: counts.unchanged += 1
                        }
                    } catch let refusal as CaptureRefusal {
                        counts.skipped += 1
                        print("session \(session.uuidString.lowercased()): \(refusal.skip.message)")
                    } catch let refusal as BillingRefusal {
                        throw CommandSupport.fail("session \(session.uuidString.lowercased()): \(refusal.reason)")
                    }
                }
                print("Captured \(counts.created), amended \(counts.amended), unchanged \(counts.unchanged), nothing to bill \(counts.skipped).")
            }
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a patient's ledger and balance (an audited view).")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The patient's MRN (e.g. KC-000123-7).") var mrn: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let patient = try await BillingCommand.patient(mrn, in: clinic, database)
                let entries = try await BillingRepository(database: database).ledger(of: patient.id, in: clinic.id)
                try await AuditTrail(database: database).record(
                    AuditEvent(.view, entityType: "ledger", entityID: patient.id.uuidString, patientID: patient.id, summary: "Ledger (command line)"),
                    stamp: CommandSupport.operatorStamp("billing ledger"))
                let summary = LedgerSummary(entries)
                if json { return print(try CommandSupport.jsonText(LedgerJSON(entries: entries, summary: summary))) }
                var table = TextTable([.text("date"), .text("entry"), .text("code"), .number("amount"), .text("note")])
                for entry in entries {
                    table.add([entry.postedOn.iso, entry.kind.displayName, entry.code ?? "", entry.signedAmount.description, entry.note])
                }
                print(table.text())
                print("Charges \(summary.charges), payments \(summary.payments), refunds \(summary.refunds), "
                      + "write-offs \(summary.writeOffs); balance \(summary.balance)")
            }
        }
    }

    struct SuperbillCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "superbill", abstract: "Print a patient's superbill for a period as CSV.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The patient's MRN.") var mrn: String
        @Option(help: "First day, YYYY-MM-DD.") var from: String
        @Option(help: "Last day, YYYY-MM-DD.") var to: String

        func validate() throws {
            guard let start = CalendarDate(iso: from), let end = CalendarDate(iso: to) else { throw ValidationError("Dates are YYYY-MM-DD.") }
            guard start <= end else { throw ValidationError("--to is before --from.") }
        }

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let patient = try await BillingCommand.patient(mrn, in: clinic, database)
                let billing = BillingRepository(database: database)
                let provider = try await billing.provider(of: clinic.id)
                guard provider.isComplete else { throw CommandSupport.fail("The billing provider details (NPI, tax id) are not complete.") }
                let bill = Superbill.build(provider: provider, patientName: "\(patient.registration.givenName) \(patient.registration.familyName)",
                                           dateOfBirth: patient.registration.dateOfBirth, mrn: patient.mrn.description,
                                           entries: try await billing.ledger(of: patient.id, in: clinic.id),
                                           codes: try await billing.codeTable(of: clinic.id), fees: try await billing.feeSchedule(of: clinic.id),
                                           from: CalendarDate(iso: from)!, to: CalendarDate(iso: to)!)
                try await AuditTrail(database: database).record(
                    AuditEvent(.export, entityType: "superbill", entityID: patient.id.uuidString, patientID: patient.id,
                               summary: "Superbill CSV \(from) to \(to) (command line)"),
                    stamp: CommandSupport.operatorStamp("billing superbill"))
                print(bill.csv, terminator: "")
            }
        }
    }

    /// Runs `body` with the database and the clinic, reporting errors as a clear message and a
    /// non-zero exit: the frame of every billing command.
    static func withClinic<T>(_ options: ServerOptions, _ body: (ClinicDatabase, Clinic) async throws -> T) async throws -> T {
        try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
            try await body(database, try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date()))
        }
    }

    /// The patient with MRN `mrn` in `clinic`, or a clear failure.
    static func patient(_ mrn: String, in clinic: Clinic, _ database: ClinicDatabase) async throws -> PatientSummary {
        guard let number = MedicalRecordNumber(parsing: mrn) else { throw CommandSupport.fail("'\(mrn)' is not an MRN (e.g. KC-000123-7).") }
        guard let patient = try await SQLPatientRepository(database: database).find(mrn: number, in: clinic.id) else {
            throw CommandSupport.fail("No patient has MRN \(mrn).")
        }
        return patient
    }

    /// A ledger with its sums, as JSON.
    struct LedgerJSON: Encodable {
        let entries: [LedgerEntry]
        let summary: LedgerSummary
    }
}

extension BillingCommand {
    /// `ketaclinic billing estimate`: a Good Faith Estimate for a self-pay course at the clinic's
    /// self-pay prices, with the day it is due [B9].
    struct Estimate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A Good Faith Estimate for a self-pay course: items at self-pay prices, the total, and the day it is due.")
        @OptionGroup var options: ServerOptions
        @Option(help: "Sessions in the course (1–100).") var sessions: Int
        @Option(help: "Codes or services per session, e.g. 96365,J3490 (units with ×N: 96366x1).") var codes: String
        @Option(help: "Day of the first session, YYYY-MM-DD.") var start: String
        @Option(help: "Day it was booked (or the estimate asked for), YYYY-MM-DD.") var scheduled: String
        @Flag(help: "The patient asked for the estimate (due within 3 business days).") var requested = false
        @Option(help: "Keep the estimate with this patient's account (MRN); needs --last.") var recordFor: String?
        @Option(help: "Day of the last session, YYYY-MM-DD (with --record-for).") var last: String?
        @Option(help: "Day it was given, YYYY-MM-DD (with --record-for; default today).") var given: String?

        func validate() throws {
            guard (1...100).contains(sessions) else { throw ValidationError("--sessions: 1 to 100.") }
            if recordFor != nil, last.flatMap(CalendarDate.init(iso:)) == nil { throw ValidationError("--record-for needs --last YYYY-MM-DD.") }
            if let given, CalendarDate(iso: given) == nil { throw ValidationError("--given: a date as YYYY-MM-DD.") }
            guard CalendarDate(iso: start) != nil, CalendarDate(iso: scheduled) != nil else { throw ValidationError("Dates are YYYY-MM-DD.") }
            guard Estimate.lines(codes) != nil else { throw ValidationError("--codes: e.g. 96365,J3490 or 96366x2.") }
        }

        static func lines(_ text: String) -> [(key: String, units: Int)]? { GoodFaithEstimate.lines(text) }

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let fees = try await BillingRepository(database: database).feeSchedule(of: clinic.id)
                let first = CalendarDate(iso: start)!, booked = CalendarDate(iso: scheduled)!
                guard let estimate = GoodFaithEstimate.estimate(sessions: sessions, lines: Estimate.lines(codes)!, fees: fees, start: first) else {
                    throw CommandSupport.fail("A code has no price on \(start) in the fee schedule.")
                }
                for item in estimate.items {
                    print("\(item.code ?? "-")  \(item.service)  × \(item.units)  \(item.expected)")
                }
                print("Total expected charges: \(estimate.total)")
                if requested {
                    print("Due by \(GoodFaithEstimate.dueDate(requestedOn: booked).iso) (asked for on \(booked.iso): 3 business days).")
                } else if let due = GoodFaithEstimate.dueDate(scheduledOn: booked, serviceOn: first) {
                    print("Due by \(due.iso) (booked \(booked.iso) for \(first.iso)).")
                } else {
                    print("Booked fewer than 3 business days ahead: no estimate is due before the service; give one on request.")
                }
                print("A final bill \(GoodFaithEstimate.disputeThreshold) or more above this estimate may be disputed by the patient.")
                guard let mrn = recordFor else { return }
                let person = try await BillingCommand.patient(mrn, in: clinic, database)
                let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
                let record = try GoodFaithEstimateRecord.make(patientID: person.id, sessions: sessions, lines: Estimate.lines(codes)!, firstServiceOn: first,
                                                              lastServiceOn: CalendarDate(iso: last!)!, scheduledOn: booked, requested: requested,
                                                              givenOn: given.flatMap(CalendarDate.init(iso:)) ?? today, fees: fees, today: today)
                try await GoodFaithEstimateRepository(database: database).record(record, clinicID: clinic.id,
                                                                                 stamp: CommandSupport.operatorStamp("billing estimate"))
                print("Kept with \(person.listName)'s account" + (record.givenLate ? "; given after the day it was due." : "."))
            }
        }
    }
}

extension BillingCommand {
    /// `ketaclinic billing claim`: the insurer-billed sessions of a period as one ANSI X12 837P
    /// 5010 file.
    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the insurer-billed sessions of a period as an ANSI X12 837P (005010X222A1) file.")
        @OptionGroup var options: ServerOptions
        @Option(help: "First day, YYYY-MM-DD.") var from: String
        @Option(help: "Last day, YYYY-MM-DD.") var to: String
        @Option(help: "The payer's id on the receiver's payer list (2010BB NM109).") var payerId: String
        @Option(help: "Interchange sender id (ISA06).") var senderId = "KETACLINIC"
        @Option(help: "Interchange receiver id (ISA08).") var receiverId: String
        @Option(help: "Receiver's name (1000B).") var receiverName: String
        @Option(help: "Claim filing indicator: CI commercial, MB Medicare Part B, MC Medicaid.") var filing = "CI"
        @Option(help: "Interchange control number (1–999999999).") var control = 1
        @Flag(help: "Mark the interchange as production (default: test).") var production = false
        @Option(help: "Write to this file instead of standard output.") var output: String?

        /// The flags as the fields every caller of ``ClaimExport`` sends.
        var fields: [String: String] {
            ["from": from, "to": to, "payerId": payerId, "senderId": senderId, "receiverId": receiverId, "receiverName": receiverName,
             "filing": filing, "control": String(control), "production": production ? "true" : "false"]
        }

        func validate() throws {
            do { _ = try ClaimExport.Order.read(fields) } catch {
                throw ValidationError(error.entries.map { "--\(Self.flag($0.field)): \($0.message)" }.joined(separator: "\n"))
            }
        }

        /// The flag a field comes from, e.g. `payerId` → `payer-id`.
        static func flag(_ field: String) -> String {
            field.reduce(into: "") { name, character in
                if character.isUppercase { name += "-" + character.lowercased() } else { name.append(character) }
            }
        }

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let order = try ClaimExport.Order.read(fields)
                let outcome: ClaimExport.Outcome
                do {
                    outcome = try await ClaimExport.export(order, database: database, clinic: clinic,
                                                           today: CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone), now: Date(),
                                                           stamp: CommandSupport.operatorStamp("billing claim"))
                } catch let refusal as ClaimExport.Refusal {
                    throw CommandSupport.fail(refusal.description)
                }
                for skip in outcome.skipped { FileHandle.standardError.write(Data("skipped: \(skip)\n".utf8)) }
                if let output {
                    try Data(outcome.file.utf8).write(to: URL(fileURLWithPath: output))
                    print("Wrote \(outcome.claims) claim(s) to \(output).")
                } else {
                    print(outcome.file, terminator: "")
                }
            }
        }
    }
}
