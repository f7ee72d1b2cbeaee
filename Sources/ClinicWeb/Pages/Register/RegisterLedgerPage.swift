import ClinicDomain
import Foundation
import Plot

/// `/register/products/:product`: the running register of one product, as a regulator reads it
/// (date, entry, in, out, balance, who, witness), newest page first, printable and as CSV.
public enum RegisterLedgerPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The product.
        public var product: RegisterProduct
        /// Its kept balance.
        public var units: Int64, amount: RegisterAmount
        /// The entries shown, in register order.
        public var entries: [RegisterMovement]
        /// Names.
        public var catalogue: RegisterCatalogue
        /// The link to earlier entries, when there are some.
        public var earlierLink: String?
        /// The clinic's time zone.
        public var timeZone: TimeZone
        /// True when the viewer may correct an entry.
        public var canCorrect: Bool

        /// Creates a model.
        public init(product: RegisterProduct, units: Int64, amount: RegisterAmount, entries: [RegisterMovement], catalogue: RegisterCatalogue,
                    earlierLink: String?, timeZone: TimeZone, canCorrect: Bool) {
            self.product = product
            self.units = units
            self.amount = amount
            self.entries = entries
            self.catalogue = catalogue
            self.earlierLink = earlierLink
            self.timeZone = timeZone
            self.canCorrect = canCorrect
        }
    }

    /// The columns of the register, for the page and the CSV.
    public static let columns = ["#", "Date", "Entry", "Lot", "Location", "In", "Out", "Wasted", "Balance", "Recorded by", "Witness", "Reference", "Detail"]

    /// One entry's cells, in ``columns`` order.
    public static func cells(_ entry: RegisterMovement, product: RegisterProduct, catalogue: RegisterCatalogue, clock: InstantFormatter) -> [String] {
        let location = entry.toLocationID.map { "\(catalogue.locationName(entry.locationID)) → \(catalogue.locationName($0))" }
            ?? catalogue.locationName(entry.locationID)
        let quantity: (Int64, RegisterAmount) -> String = { units, amount in
            units == 0 && amount == .zero ? "" : (units == 0 ? amount.description : "\(product.unitsText(units)) · \(amount)")
        }
        var reference: [String] = []
        if let supplier = entry.supplier { reference.append("from \(supplier)") }
        if let order = entry.orderReference { reference.append("order \(order)") }
        if let session = entry.sessionID { reference.append("session \(session.uuidString.lowercased().prefix(8))") }
        if let corrects = entry.correctsID { reference.append("corrects \(corrects.uuidString.lowercased().prefix(8))") }
        if let reason = entry.reason { reference.append(reason) }
        return ["\(entry.sequence)", clock.text(entry.occurredAt), entry.kind.displayName, catalogue.lotText(entry.lotID), location,
                quantity(entry.unitsIn, entry.amountIn), quantity(entry.unitsOut, entry.amountOut), entry.wasted > .zero ? entry.wasted.description : "",
                "\(product.unitsText(entry.balanceUnits)) · \(entry.balanceAmount)", entry.recordedByName, entry.witnessName ?? "",
                reference.joined(separator: "; "), entry.detail]
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let base = "/register/products/\(model.product.id.uuidString.lowercased())"
        let clock = InstantFormatter(timeZone: model.timeZone)
        return Layout.page(
            title: "Register: \(model.product.name)", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/register"), .text("Controlled-substance register"))),
            .h1(.text("Running register: \(model.product.name)")),
            .p(.class("lede"), .id("ledger-balance"), .text("Balance: \(RegisterText.balance(model.product, units: model.units, amount: model.amount))")),
            .p(.class("no-print"),
               .a(.href(base + "/register.csv"), .id("ledger-csv"), .text("Download the whole register (CSV)")), .text(" · "),
               .a(.href(base + "?print=all"), .text("Printable register (all entries)")), .text(" · "),
               .button(.type(.button), .attribute(named: "data-print", value: "data-print"), .text("Print this page"))),
            .if(model.entries.isEmpty, .p(.text("No entries yet."))),
            .if(!model.entries.isEmpty, .div(.class("table-scroll"), ScrollRegion.focusable("Register entries"), .table(.class("data register-ledger"), .id("ledger"),
                .thead(.tr(.group(columns.map { .th(.text($0)) }), .if(model.canCorrect, .th(.class("no-print"), .text(""))))),
                .tbody(.forEach(model.entries) { entry in
                    .tr(.id("entry-\(entry.sequence)"),
                        .group(cells(entry, product: model.product, catalogue: model.catalogue, clock: clock).map { .td(.text($0)) }),
                        .if(model.canCorrect, .td(.class("no-print"),
                            .a(.href("/register/correct?entry=\(entry.id.uuidString.lowercased())"), .text("Correct")))))
                })))),
            .unwrap(model.earlierLink) { .p(.class("no-print"), .a(.href($0), .id("earlier"), .text("Earlier entries"))) },
            .element(named: "script", nodes: [.attribute(named: "src", value: WebAssets.shared.url(for: "print.js")),
                                              .attribute(named: "defer", value: "defer")])
        )
    }
}

/// Formats many instants in one time zone with one calendar (as ``Instant/text(_:in:)`` does, without
/// building a calendar for each), for registers and exports with thousands of rows.
public struct InstantFormatter: Sendable {
    private let calendar: Calendar

    /// A formatter for `timeZone`.
    public init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// `2026-11-22 10:04:05`.
    public func text(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
