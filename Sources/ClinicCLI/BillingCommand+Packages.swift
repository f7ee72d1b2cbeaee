import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

extension BillingCommand {
    /// `ketaclinic billing packages [--patient MRN]`: the clinic's prepaid packages, or one
    /// patient's purchases with what is drawn and what is left.
    struct Packages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the prepaid packages, or a patient's package purchases with sessions used and left (an audited view).")
        @OptionGroup var options: ServerOptions
        @Option(help: "The patient's MRN: list their purchases instead.") var patient: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let repository = PackageRepository(database: database)
                guard let mrn = patient else {
                    let packages = try await repository.packages(of: clinic.id)
                    if json { return print(try CommandSupport.jsonText(["items": packages])) }
                    if packages.isEmpty { return print("No packages.") }
                    for package in packages {
                        print("\(package.id.uuidString.lowercased())  \(package.name)  \(package.sessions) sessions  \(package.price)  "
                              + "codes \(package.codes.joined(separator: " "))  on sale \(package.validFrom.iso) to \(package.validTo?.iso ?? "…")")
                    }
                    return
                }
                let person = try await BillingCommand.patient(mrn, in: clinic, database)
                let standings = try await repository.standings(of: person.id, clinicID: clinic.id)
                try await AuditTrail(database: database).record(
                    AuditEvent(.view, entityType: "package_purchase", entityID: person.id.uuidString, patientID: person.id,
                               summary: "Package purchases (command line)"),
                    stamp: CommandSupport.operatorStamp("billing packages"))
                if json { return print(try CommandSupport.jsonText(["items": standings])) }
                if standings.isEmpty { return print("\(person.listName) has bought no package.") }
                for standing in standings {
                    print("\(standing.purchase.purchasedOn.iso)  \(standing.purchase.name)  \(standing.purchase.price)  used \(standing.used) of "
                          + "\(standing.purchase.sessions), \(standing.remaining) left; drawn \(standing.drawn), not yet drawn \(standing.undrawn)")
                }
            }
        }
    }

    /// `ketaclinic billing sell-package MRN --package ID`: a sale, with the prepayment when a
    /// method is given.
    struct SellPackage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sell-package", abstract: "Sell a prepaid package to a patient, optionally posting the prepayment.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The patient's MRN.") var mrn: String
        @Option(help: "The package id (see `billing packages`).") var package: String
        @Option(help: "Day of sale, YYYY-MM-DD (default today).") var on: String?
        @Option(help: "Prepaid by: cash, check, card, hsa, fsa or insurer.") var method: String?
        @Option(help: "The payment's external reference (terminal transaction, cheque number); never a card number.") var reference: String?

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let person = try await BillingCommand.patient(mrn, in: clinic, database)
                let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
                let sale = try PackageForm.sale(packageID: package, purchasedOn: on, method: method, reference: reference, today: today)
                do {
                    let purchase = try await PackageRepository(database: database).sell(
                        sale.packageID, to: person.id, clinicID: clinic.id, on: sale.day, prepayment: sale.prepayment, today: today,
                        stamp: CommandSupport.operatorStamp("billing sell-package"))
                    print("Sold \(purchase.name) (\(purchase.sessions) sessions, \(purchase.price)) to \(person.listName) on \(sale.day.iso)"
                          + (sale.prepayment == nil ? "; not prepaid." : "; prepayment posted."))
                } catch let refusal as BillingRefusal {
                    throw CommandSupport.fail(refusal.reason)
                }
            }
        }
    }
}
