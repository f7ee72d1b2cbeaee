import ClinicDomain
import Foundation
import Plot

/// `/billing/remittances`: import a payer's 835 remittance file (paste its text) and see each
/// imported payment with what became of every claim: posted (paid, written off, left to the
/// patient) or kept for review with why.
public enum RemittancesPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// Imported remittances, newest first.
        public var imports: [RemittanceImport]
        /// The user may import (post insurer payments).
        public var canImport: Bool
        /// The form as typed.
        public var values: [String: String]
        /// Its errors.
        public var errors: FieldErrors

        /// Creates a model.
        public init(imports: [RemittanceImport], canImport: Bool, values: [String: String] = [:], errors: FieldErrors = FieldErrors()) {
            self.imports = imports
            self.canImport = canImport
            self.values = values
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let review = model.imports.flatMap { remittance in remittance.items.filter { $0.status == .review }.map { (remittance, $0) } }
        return Layout.page(
            title: "Remittances", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/billing"), .text("Billing"))),
            .h1(.text("Insurer remittances (835)")),
            .p(.text("Each claim the payer answers is matched to the session it was sent for. The payment and the contractual (CO) "
                     + "adjustment are posted to the patient's account; the patient's share (PR) stays on their balance. Anything else "
                     + "(an unknown claim, a denial, a reversal, other adjustment groups, a claim that does not balance, provider-level "
                     + "adjustments) is kept below for review, with nothing posted.")),
            .if(model.canImport, .div(FormField.errorSummary(model.errors), .form(
                .method(.post), .action("/billing/remittances"), .class("stacked"), .id("remittance-form"),
                .h2(.text("Import a remittance file")),
                .csrfField(context),
                FormField.textArea("x12", label: "The 835 file's contents", value: model.values["x12"], errors: model.errors,
                                   hint: "Open the file from the payer or clearinghouse in a text editor and paste all of it, from ISA to IEA.",
                                   required: true),
                .button(.type(.submit), .text("Import"))))),
            .h2(.text("For review")),
            .if(review.isEmpty, .p(.text("Nothing to review."))),
            .if(!review.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Remittances"), .table(
                .class("remittance-review"),
                .thead(.tr(.th("Payment"), .th("Claim"), .th("Charged"), .th("Paid"), .th("Adjustments"), .th("Why"))),
                .tbody(.forEach(review) { pair in
                    let (remittance, item) = pair
                    return .tr(.td(.text("\(remittance.payer) \(remittance.traceNumber)")),
                               .td(item.patientID.map { .a(.href("/billing/patients/\($0.uuidString.lowercased())"), .text(item.claimID)) }
                                   ?? .text(item.claimID)),
                               .td(.class("money"), .text(item.charge.description)), .td(.class("money"), .text(item.paid.description)),
                               .td(.text(item.adjustments)), .td(.span(.class("badge badge-warning"), .text("⚠ ")), .text(item.reason)))
                })))),
            .h2(.text("Imported payments")),
            .if(model.imports.isEmpty, .p(.text("No remittance imported yet."))),
            .forEach(model.imports) { remittance in
                .section(
                    .class("remittance"),
                    .h3(.text("\(remittance.payer) · trace \(remittance.traceNumber) · \(remittance.totalPaid) paid \(remittance.paidOn.iso)")),
                    .p(.text("\(remittance.posted) claim(s) posted, \(remittance.forReview) for review; imported by \(remittance.importedBy).")),
                    .div(.class("table-wrap"), ScrollRegion.focusable("Remittance lines"), .table(
                        .class("remittance-items"),
                        .thead(.tr(.th("Claim"), .th("Status"), .th("Charged"), .th("Paid"), .th("Written off"), .th("Patient's share"), .th("Details"))),
                        .tbody(.forEach(remittance.items) { item in
                            .tr(.td(item.patientID.map { .a(.href("/billing/patients/\($0.uuidString.lowercased())"), .text(item.claimID)) }
                                    ?? .text(item.claimID)),
                                .td(.text(item.status == .posted ? "Posted" : "For review")),
                                .td(.class("money"), .text(item.charge.description)), .td(.class("money"), .text(item.paid.description)),
                                .td(.class("money"), .text(item.writeOff.description)), .td(.class("money"), .text(item.patientShare.description)),
                                .td(.text(item.reason)))
                        })))
                )
            }
        )
    }
}
