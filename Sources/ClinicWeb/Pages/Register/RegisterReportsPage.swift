import ClinicDomain
import Foundation
import Plot

/// `/register/inventory`: the inventory report (what is on hand, by product, lot and location,
/// dated and signed by whoever prints it) with the jurisdiction's record-keeping profile.
public enum RegisterInventoryPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// Lines holding stock.
        public var lines: [StockLine]
        /// Names.
        public var catalogue: RegisterCatalogue
        /// The clinic, where it is and when.
        public var clinicName: String, jurisdiction: String, profile: RegisterJurisdictionProfile
        /// When the report was drawn up, and by whom.
        public var at: Date, by: String, timeZone: TimeZone

        /// Creates a model.
        public init(lines: [StockLine], catalogue: RegisterCatalogue, clinicName: String, jurisdiction: String, profile: RegisterJurisdictionProfile,
                    at: Date, by: String, timeZone: TimeZone) {
            self.lines = lines
            self.catalogue = catalogue
            self.clinicName = clinicName
            self.jurisdiction = jurisdiction
            self.profile = profile
            self.at = at
            self.by = by
            self.timeZone = timeZone
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Inventory report", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/register"), .text("Controlled-substance register"))),
            .h1(.text("Controlled-substance inventory")),
            .p(.text("\(model.clinicName) · \(model.jurisdiction) · drawn up \(Instant.text(model.at, in: model.timeZone)) by \(model.by)")),
            .p(.class("no-print"), .button(.type(.button), .attribute(named: "data-print", value: "data-print"), .text("Print"))),
            .table(.class("data"), .id("inventory"),
                   .thead(.tr(.th("Product"), .th("Code"), .th("Lot"), .th("Expiry"), .th("Location"), .th("Line"), .th("Units"), .th("Amount"))),
                   .tbody(.forEach(model.lines) { line in
                       let product = model.catalogue.product(line.productID)
                       let lot = model.catalogue.lots[line.lotID]
                       return .tr(.td(.text(product?.name ?? "?")), .td(.text(product?.productCode ?? "")), .td(.text(lot?.lotNumber ?? "?")),
                                  .td(.text(lot?.expiry.iso ?? "")), .td(.text(model.catalogue.locationName(line.locationID))),
                                  .td(.text(line.kind == .opened ? "Opened vial (opened \(line.openedAt.map { Instant.text($0, in: model.timeZone) } ?? ""))" : "Sealed")),
                                  .td(.class("number"), .text("\(line.units)")), .td(.class("number"), .text(line.amount.description)))
                   })),
            profileSection(model.profile),
            .p(.text("Signature: ______________________   Date: ____________")),
            .element(named: "script", nodes: [.attribute(named: "src", value: WebAssets.shared.url(for: "print.js")),
                                              .attribute(named: "defer", value: "defer")])
        )
    }

    /// The jurisdiction's record-keeping profile, each requirement with its source.
    public static func profileSection(_ profile: RegisterJurisdictionProfile) -> Node<HTML.BodyContext> {
        .section(.id("jurisdiction-profile"),
                 .h2(.text("Record keeping in \(profile.region.displayName)")),
                 .dl(.class("facts"),
                     .dt(.text("Schedule")), .dd(.text("\(profile.schedule.text) \(profile.schedule.source)")),
                     .dt(.text("Retention")), .dd(.text("\(profile.retention.text) \(profile.retention.source)")),
                     .dt(.text("Loss report")), .dd(.text(profile.lossReport.map { "\($0.text) \($0.source)" } ?? "No national form in the sources read."))),
                 .h3(.text("Fields the regulator requires")),
                 .ul(.forEach(profile.requiredFields) { .li(.text("\($0.text) \($0.source)")) }))
    }
}

/// `/register/loss-report`: the loss report of the clinic's jurisdiction as a printable page;
/// in the US, the fields of DEA Form 106 [X2], filled from the losses the register recorded.
public enum RegisterLossReportPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The form.
        public var form: LossReportForm
        /// The jurisdiction's profile.
        public var profile: RegisterJurisdictionProfile

        /// Creates a model.
        public init(form: LossReportForm, profile: RegisterJurisdictionProfile) {
            self.form = form
            self.profile = profile
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Loss report", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/register"), .text("Controlled-substance register"))),
            .h1(.text(model.profile.region == .unitedStates ? "DEA Form 106: Report of Theft or Loss of Controlled Substances" : "Loss report")),
            .p(.text(model.profile.lossReport.map { "\($0.text) \($0.source) The fields below are filled from the discrepancies an administrator closed as a "
                + "loss; complete the rest and file it (online with the DEA in the US)." }
                ?? "No national loss form is named for \(model.profile.region.displayName) in the sources read; this page lists the losses recorded.")),
            .p(.class("no-print"), .button(.type(.button), .attribute(named: "data-print", value: "data-print"), .text("Print"))),
            .table(.class("data"), .id("loss-form"),
                   .thead(.tr(.th("Item"), .th("Field"), .th("Value"))),
                   .tbody(.forEach(model.form.fields) { field in
                       .tr(.td(.text(field.number)), .td(.text(field.label)), .td(.text(field.value ?? "_______________________")))
                   })),
            .h2(.text("Substances lost")),
            .if(model.form.substances.isEmpty, .p(.id("no-losses"), .text("No loss is recorded: no discrepancy was closed as a loss."))),
            .if(!model.form.substances.isEmpty, .table(.class("data"), .id("losses"),
                .thead(.tr(.th("Product"), .th("NDC"), .th("Lot"), .th("Quantity"))),
                .tbody(.forEach(model.form.substances) { item in
                    .tr(.td(.text(item.product)), .td(.text(item.productCode ?? "")), .td(.text(item.lotNumber)), .td(.text(item.quantity)))
                }))),
            .element(named: "script", nodes: [.attribute(named: "src", value: WebAssets.shared.url(for: "print.js")),
                                              .attribute(named: "defer", value: "defer")])
        )
    }
}

/// `/register/discrepancies`: every discrepancy, open ones first.
public enum RegisterDiscrepanciesPage {
    /// Renders the page.
    public static func render(open: [RegisterDiscrepancy], closed: [RegisterDiscrepancy], catalogue: RegisterCatalogue, timeZone: TimeZone,
                              canClose: Bool, context: PageContext) -> String {
        Layout.page(
            title: "Discrepancies", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/register"), .text("Controlled-substance register"))),
            .h1(.text("Count discrepancies")),
            .h2(.text("Open (\(open.count))")),
            .if(open.isEmpty, .p(.text("None open."))),
            .if(!open.isEmpty, RegisterHomePage.discrepancyTable(open, catalogue, timeZone: timeZone, closable: canClose)),
            .h2(.text("Closed")),
            .if(closed.isEmpty, .p(.text("None closed yet."))),
            .if(!closed.isEmpty, RegisterHomePage.discrepancyTable(closed, catalogue, timeZone: timeZone, closable: false)))
    }
}
