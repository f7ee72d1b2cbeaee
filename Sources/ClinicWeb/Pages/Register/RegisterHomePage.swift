import ClinicDomain
import Foundation
import Plot

/// `/register`: what the clinic holds, product by product and line by line (opened vials as
/// their own lines with their beyond-use dates), the open discrepancies, the latest counts, and
/// the way to each entry and report.
public enum RegisterHomePage {
    /// A product's kept balance.
    public struct Balance: Sendable {
        /// The product.
        public let product: RegisterProduct
        /// Units and amount on hand.
        public let units: Int64, amount: RegisterAmount
        /// Entries in its register.
        public let entries: Int64

        /// Creates a row.
        public init(product: RegisterProduct, units: Int64, amount: RegisterAmount, entries: Int64) {
            self.product = product
            self.units = units
            self.amount = amount
            self.entries = entries
        }
    }

    /// A count, summarised.
    public struct CountRow: Sendable {
        /// When, who, with whom, why, lines and discrepant lines.
        public let at: Date, by: String, witness: String, kind: CountKind, lines: Int, discrepant: Int

        /// Creates a row.
        public init(at: Date, by: String, witness: String, kind: CountKind, lines: Int, discrepant: Int) {
            self.at = at
            self.by = by
            self.witness = witness
            self.kind = kind
            self.lines = lines
            self.discrepant = discrepant
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// Products and balances.
        public var balances: [Balance]
        /// Lines holding stock.
        public var lines: [StockLine]
        /// Names.
        public var catalogue: RegisterCatalogue
        /// Open discrepancies.
        public var discrepancies: [RegisterDiscrepancy]
        /// Latest counts.
        public var counts: [CountRow]
        /// What the viewer may do.
        public var canRecord: Bool, canManage: Bool
        /// The clinic's time zone and today.
        public var timeZone: TimeZone, now: Date, today: CalendarDate

        /// Creates a model.
        public init(balances: [Balance], lines: [StockLine], catalogue: RegisterCatalogue, discrepancies: [RegisterDiscrepancy], counts: [CountRow],
                    canRecord: Bool, canManage: Bool, timeZone: TimeZone, now: Date, today: CalendarDate) {
            self.balances = balances
            self.lines = lines
            self.catalogue = catalogue
            self.discrepancies = discrepancies
            self.counts = counts
            self.canRecord = canRecord
            self.canManage = canManage
            self.timeZone = timeZone
            self.now = now
            self.today = today
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Controlled-substance register", context: context,
            content:
            .h1(.text("Controlled-substance register")),
            .nav(.class("actions no-print"), .attribute(named: "aria-label", value: "Register actions"),
                 .if(model.canRecord, .group(
                    .a(.class("button"), .id("receive-link"), .href("/register/receive"), .text("Receive stock")),
                    .a(.href("/register/transfer"), .text("Transfer")),
                    .a(.href("/register/destroy"), .text("Destroy (witnessed)")),
                    .a(.id("count-link"), .href("/register/count"), .text("Count (two people)")))),
                 .a(.href("/register/inventory"), .text("Inventory report")),
                 .a(.href("/register/loss-report"), .text("Loss report")),
                 .a(.href("/register/discrepancies"), .text("Discrepancies")),
                 .if(model.canManage, .a(.href("/register/settings"), .text("Products, locations and settings")))),
            .if(!model.discrepancies.isEmpty, .section(.id("open-discrepancies"), .class("notice"),
                .h2(.span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")), .text("Open discrepancies (\(model.discrepancies.count))")),
                discrepancyTable(model.discrepancies, model.catalogue, timeZone: model.timeZone, closable: model.canManage))),
            .section(.id("balances"),
                .h2(.text("Balances by product")),
                .if(model.balances.isEmpty, .p(.text("No products yet. An administrator adds them under Products, locations and settings."))),
                .if(!model.balances.isEmpty, .table(.class("data"),
                    .thead(.tr(.th("Product"), .th("Form"), .th("Units"), .th("Amount"), .th("Entries"), .th("Register"))),
                    .tbody(.forEach(model.balances) { row in
                        .tr(.td(.text(row.product.name)), .td(.text(row.product.form.displayName)),
                            .td(.class("number"), .text(row.product.unitsText(row.units))), .td(.class("number"), .text(row.amount.description)),
                            .td(.class("number"), .text("\(row.entries)")),
                            .td(.a(.href("/register/products/\(row.product.id.uuidString.lowercased())"), .text("Running register"))))
                    })))),
            .section(.id("stock"),
                .h2(.text("Stock by lot and location")),
                .if(model.lines.isEmpty, .p(.text("Nothing in stock."))),
                .if(!model.lines.isEmpty, .table(.class("data"),
                    .thead(.tr(.th("Product"), .th("Lot"), .th("Location"), .th("Line"), .th("Units"), .th("Amount"), .th("Use by"))),
                    .tbody(.forEach(model.lines) { line in
                        let lot = model.catalogue.lots[line.lotID]
                        let expired = lot?.isExpired(on: model.today) ?? false
                        let beyond = line.isBeyondUse(at: model.now)
                        return .tr(
                            .class(expired || beyond ? "overdue" : ""),
                            .td(.text(model.catalogue.product(line.productID)?.name ?? "?")),
                            .td(.text(model.catalogue.lotText(line.lotID))),
                            .td(.text(model.catalogue.locationName(line.locationID))),
                            .td(.text(line.kind == .opened ? "Opened vial" : "Sealed")),
                            .td(.class("number"), .text("\(line.units)")), .td(.class("number"), .text(line.amount.description)),
                            .td(.if(expired || beyond, .span(.class("badge badge-danger"), .text("⚠ "))),
                                .text(expired ? "Lot expired: destroy with a witness" : beyond ? "Past beyond-use date: destroy with a witness"
                                      : line.beyondUse.map { Instant.text($0, in: model.timeZone) } ?? lot?.expiry.iso ?? "")))
                    })))),
            .section(.id("counts"),
                .h2(.text("Latest counts")),
                .if(model.counts.isEmpty, .p(.text("No counts yet."))),
                .if(!model.counts.isEmpty, .table(.class("data"),
                    .thead(.tr(.th("When"), .th("Why"), .th("Counted by"), .th("With"), .th("Lines"), .th("Discrepancies"))),
                    .tbody(.forEach(model.counts) { count in
                        .tr(.td(.text(Instant.text(count.at, in: model.timeZone))), .td(.text(count.kind.displayName)), .td(.text(count.by)),
                            .td(.text(count.witness)), .td(.class("number"), .text("\(count.lines)")), .td(.class("number"), .text("\(count.discrepant)")))
                    }))))
        )
    }

    /// The open (or all) discrepancies as a table, with a link to close each when `closable`.
    public static func discrepancyTable(_ items: [RegisterDiscrepancy], _ catalogue: RegisterCatalogue, timeZone: TimeZone,
                                        closable: Bool) -> Node<HTML.BodyContext> {
        .table(.class("data discrepancies"),
               .thead(.tr(.th("Found"), .th("Product"), .th("Lot"), .th("Location"), .th("Register"), .th("Counted"), .th("Difference"),
                          .th("Status"))),
               .tbody(.forEach(items) { item in
                   .tr(.id("discrepancy-\(item.id.uuidString.lowercased())"),
                       .td(.text(Instant.text(item.foundAt, in: timeZone))),
                       .td(.text(catalogue.product(item.productID)?.name ?? "?")), .td(.text(catalogue.lotText(item.lotID))),
                       .td(.text(catalogue.locationName(item.locationID))),
                       .td(.text("\(item.expectedUnits) · \(item.expectedAmount)")), .td(.text("\(item.countedUnits) · \(item.countedAmount)")),
                       .td(.text(item.differenceText)),
                       .td(.unwrap(item.closing, { closing in
                           .text("Closed \(Instant.text(closing.at, in: timeZone)) by \(closing.byName): \(closing.resolution.displayName). \(closing.reason)")
                       }, else: closable ? .a(.class("button"), .href("/register/discrepancies/\(item.id.uuidString.lowercased())"), .text("Investigate and close"))
                                : .text("Open: an administrator closes it"))))
               }))
    }
}
