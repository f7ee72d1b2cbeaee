import ClinicDomain
import Foundation
import Plot

/// `/billing/sessions/{id}/superbill` and `/billing/patients/{id}/superbill`: the printable
/// superbill (CSV beside it). For a closed session whose charges are not captured yet, the page
/// offers the capture form instead, or says why the session bills nothing.
public enum SuperbillPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The superbill, once charges exist.
        public var superbill: Superbill?
        /// The CSV link.
        public var csvPath: String
        /// Where the capture form posts, when the session's charges can be captured here.
        public var captureAction: String?
        /// Why nothing can be billed, or why the superbill cannot print.
        public var notice: String?
        /// The patient's account page.
        public var accountPath: String
        /// The heading's subject ("Session of 2026-11-02" or a period).
        public var subject: String
        /// Capture form errors.
        public var errors: FieldErrors

        /// Creates a model.
        public init(superbill: Superbill?, csvPath: String, captureAction: String?, notice: String?, accountPath: String, subject: String,
                    errors: FieldErrors = FieldErrors()) {
            self.superbill = superbill
            self.csvPath = csvPath
            self.captureAction = captureAction
            self.notice = notice
            self.accountPath = accountPath
            self.subject = subject
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Superbill", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href(model.accountPath), .text("Patient account"))),
            .h1(.text("Superbill: \(model.subject)")),
            .unwrap(model.notice) { .p(.class("notice"), .attribute(named: "role", value: "status"), .text("⚠ " + $0)) },
            .unwrap(model.captureAction) { action in
                .div(.class("no-print"), FormField.errorSummary(model.errors), .form(.method(.post), .action(action), .class("stacked no-print"), .id("capture-form"),
                      .h2(.text("Capture this session's charges")),
                      .p(.text("The charge lines come from the signed session record by the clinic's rules; prices from the fee schedule.")),
                      .csrfField(context),
                      FormField.select("payer", label: "Billed to", choices: [("self-pay", "Self-pay (patient)"), ("insurer", "Insurer")],
                                       selected: "self-pay", errors: model.errors),
                      .button(.type(.submit), .text("Capture charges"))))
            },
            .unwrap(model.superbill) { bill in
                .div(.class("superbill"),
                     .p(.class("no-print"), .button(.type(.button), .attribute(named: "data-print", value: "data-print"),
                                                    .attribute(named: "hidden", value: "hidden"), .text("Print superbill")),
                        .text(" "), .a(.href(model.csvPath), .text("Download CSV"))),
                     .div(.class("superbill-parties"),
                          .section(.h2(.text("Provider")),
                                   .p(.strong(.text(bill.provider.practiceName))),
                                   .p(.text("\(bill.provider.address), \(bill.provider.city), \(bill.provider.state) \(bill.provider.postalCode) · \(bill.provider.phone)")),
                                   .p(.text("Billing NPI \(bill.provider.billingNPI) · Tax ID \(bill.provider.taxID)")),
                                   .p(.text("Rendering provider \(bill.provider.renderingName), NPI \(bill.provider.renderingNPI)")),
                                   .p(.text("Place of service \(bill.provider.placeOfService)"))),
                          .section(.h2(.text("Patient")),
                                   .p(.strong(.text(bill.patientName))),
                                   .p(.text("Born \(bill.dateOfBirth.iso) · MRN \(bill.mrn)")),
                                   .p(.text("Services \(bill.from.iso) to \(bill.to.iso)")))),
                     .h2(.text("Diagnoses (ICD-10-CM)")),
                     .ol(.class("diagnoses"), .attribute(named: "type", value: "A"),
                         .forEach(bill.diagnoses) { diagnosis in .li(.text("\(diagnosis.code) \(diagnosis.description)")) }),
                     .h2(.text("Services")),
                     .div(.class("table-wrap"), ScrollRegion.focusable("Superbill lines"), .table(
                        .class("superbill-lines"),
                        .thead(.tr(.th("Date"), .th("POS"), .th("Code"), .th("Modifiers"), .th("Description"), .th("Dx pointer"), .th("Units"),
                                   .th("Charge"), .th("Paid"))),
                        .tbody(.forEach(bill.lines) { line in
                            .tr(.td(.text(line.date.iso)), .td(.text(line.placeOfService)), .td(.text(line.code)),
                                .td(.text(line.modifiers.joined(separator: " "))), .td(.text(line.description)),
                                .td(.text(line.pointers.joined())), .td(.text(String(line.units))),
                                .td(.class("money"), .text(line.charge.description)), .td(.class("money"), .text(line.paid.description)))
                        }),
                        .tfoot(.tr(.th(.attribute(named: "colspan", value: "7"), .text("Totals")),
                                   .td(.class("money"), .id("superbill-total"), .text(bill.totalCharges.description)),
                                   .td(.class("money"), .id("superbill-paid"), .text(bill.totalPaid.description)))))),
                     .p(.text("Balance on these services: \(bill.balance)")))
            },
            .element(named: "script", nodes: [.attribute(named: "src", value: WebAssets.shared.url(for: "print.js")),
                                              .attribute(named: "defer", value: "defer")])
        )
    }
}
