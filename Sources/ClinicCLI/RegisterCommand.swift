import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import ClinicWeb
import Foundation

/// `ketaclinic register verify|stock|ledger|discrepancies`: the controlled-substance register
/// from the command line. `verify` recomputes every kept balance from the full register.
struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "The controlled-substance register: verify balances, show stock, export a running register.",
        subcommands: [Verify.self, Stock.self, Ledger.self, Discrepancies.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every kept balance against the sum of the full register.",
            discussion: "Each stock line's balance is recomputed from its changes, each product's from its entries and from its lines, and "
                + "each product's entries must be numbered 1…n without gaps. Exits 0 when all hold; otherwise lists each difference and exits 1.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let started = Date()
                let result = try await CommandSupport.withDatabase(options) { database, _ in try await RegisterRepository(database: database).verify() }
                let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
                guard result.isIntact else {
                    for problem in result.problems { FileHandle.standardError.write(Data("mismatch: \(problem)\n".utf8)) }
                    throw CommandSupport.fail("register balances do not match the register: \(result.problems.count) difference(s).", code: 1)
                }
                print("Register intact: \(result.productsChecked) product(s), \(result.linesChecked) stock line(s), \(result.entriesChecked) entries "
                      + "verified in \(seconds) s.")
            }
        }
    }

    struct Stock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each product's balance and the stock lines holding it.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await CommandSupport.primaryClinic(database)
                let register = RegisterRepository(database: database)
                let catalogue = try await register.catalogue(clinicID: clinic.id)
                let lines = try await register.stock(clinicID: clinic.id)
                let balances = try await register.balances(clinicID: clinic.id)
                if balances.isEmpty { print("No products in the register.") }
                var table = TextTable([.text("product"), .text("balance"), .number("entries")])
                for balance in balances {
                    table.add([balance.product.name, RegisterText.balance(balance.product, units: balance.units, amount: balance.amount),
                               String(balance.entries)])
                }
                if !balances.isEmpty { print(table.text()) }
                for balance in balances {
                    print("\n\(balance.product.name), by lot and place:")
                    for line in lines where line.productID == balance.product.id {
                        print("  " + RegisterText.line(line, catalogue, timeZone: clinic.settings.resolvedTimeZone))
                    }
                }
            }
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write one product's running register as CSV.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The product's name (as listed by `register stock`) or id.") var product: String
        @Option(help: "File to write (default: standard output).") var output: String?

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await CommandSupport.primaryClinic(database)
                let register = RegisterRepository(database: database)
                let catalogue = try await register.catalogue(clinicID: clinic.id)
                guard let found = catalogue.products.first(where: { $0.name == product || $0.id.uuidString.lowercased() == product.lowercased() }) else {
                    throw CommandSupport.fail("product: no product is named “\(product)”; see `ketaclinic register stock`.", code: 2)
                }
                let handle: FileHandle
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                        throw CommandSupport.fail("output: cannot write \(output).", code: 2)
                    }
                    handle = file
                } else {
                    handle = FileHandle.standardOutput
                }
                try await AuditTrail(database: database).record(
                    AuditEvent(.export, entityType: "register_product", entityID: found.id.uuidString,
                               summary: "running register of \(found.name) as CSV from the command line" + (output.map { " to \($0)" } ?? "")),
                    stamp: CommandSupport.operatorStamp("register ledger"))
                handle.write(Data(csvRow(RegisterLedgerPage.columns).utf8))
                let clock = InstantFormatter(timeZone: clinic.settings.resolvedTimeZone)
                var after: Int64 = 0
                while true {
                    let chunk = try await register.entries(productID: found.id, after: after, limit: 5000)
                    let text = chunk.map { csvRow(RegisterLedgerPage.cells($0, product: found, catalogue: catalogue, clock: clock)) }.joined()
                    handle.write(Data(text.utf8))
                    guard let last = chunk.last, chunk.count == 5000 else { break }
                    after = last.sequence
                }
                if output != nil { try handle.close() }
            }
        }

        private func csvRow(_ cells: [String]) -> String {
            cells.map { cell in
                var text = cell
                if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
                return text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
            }.joined(separator: ",") + "\r\n"
        }
    }

    struct Discrepancies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the open count discrepancies; exits 3 when any is open.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let open = try await CommandSupport.withDatabase(options) { database, _ -> Int in
                    let clinic = try await CommandSupport.primaryClinic(database)
                    let register = RegisterRepository(database: database)
                    let catalogue = try await register.catalogue(clinicID: clinic.id)
                    let items = try await register.discrepancies(clinicID: clinic.id, openOnly: true)
                    for item in items {
                        print("\(Instant.text(item.foundAt, in: clinic.settings.resolvedTimeZone))  \(catalogue.product(item.productID)?.name ?? "?"), "
                              + "lot \(catalogue.lotText(item.lotID)), \(catalogue.locationName(item.locationID)): \(item.differenceText)")
                    }
                    if items.isEmpty { print("No open discrepancies.") }
                    return items.count
                }
                if open > 0 { throw ExitCode(3) }
            }
        }
    }
}
