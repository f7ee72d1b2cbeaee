import ClinicDomain
import Plot

/// `/billing/claims`: the administrator writes the insurer-billed sessions of a period as one
/// ANSI X12 837P (005010X222A1) file for the payer or clearinghouse; the file is the interface.
public enum ClaimsPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The form as typed (or its defaults).
        public var values: [String: String]
        /// Its field errors.
        public var errors: FieldErrors
        /// Why no file could be written, when the fields were sound.
        public var refusal: String?

        /// Creates a model.
        public init(values: [String: String], errors: FieldErrors = FieldErrors(), refusal: String? = nil) {
            self.values = values
            self.errors = errors
            self.refusal = refusal
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let values = model.values, errors = model.errors
        let filings = [("CI", "CI — commercial insurance"), ("MB", "MB — Medicare Part B"), ("MC", "MC — Medicaid"), ("BL", "BL — Blue Cross"),
                       ("HM", "HM — HMO")]
        return Layout.page(
            title: errors.isEmpty && model.refusal == nil ? "Claims (837P)" : "Error: claims (837P)", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/billing"), .text("Billing"))),
            .h1(.text("Claims (837P)")),
            .p(.text("Writes every insurer-billed session of the period whose charges are in force as a professional claim in one "
                     + "ANSI X12 837P 5010 file, for the payer or your clearinghouse. Sessions without what a claim needs (e.g. a prior "
                     + "authorisation number) are listed and left out. Each claim written is recorded in the audit trail.")),
            .if(model.refusal != nil, .div(.class("flash flash-error"), .attribute(named: "role", value: "alert"), .text(model.refusal ?? ""))),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action("/billing/claims"), .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  FormField.input("from", label: "First day", type: .date, value: values["from"], errors: errors, required: true),
                  FormField.input("to", label: "Last day", type: .date, value: values["to"], errors: errors, required: true),
                  FormField.input("payerId", label: "Payer id (2010BB NM109)", value: values["payerId"], errors: errors,
                                  hint: "The payer's id on your clearinghouse's payer list.", required: true),
                  FormField.select("filing", label: "Claim filing indicator (SBR09)", choices: filings, selected: values["filing"] ?? "CI",
                                   errors: errors),
                  FormField.input("receiverId", label: "Receiver id (ISA08)", value: values["receiverId"], errors: errors, required: true),
                  FormField.input("receiverName", label: "Receiver's name (1000B)", value: values["receiverName"], errors: errors,
                                  required: true),
                  FormField.input("senderId", label: "Sender id (ISA06)", value: values["senderId"] ?? "KETACLINIC", errors: errors),
                  FormField.input("control", label: "Interchange control number", value: values["control"] ?? "1", errors: errors,
                                  hint: "1 to 999999999; use a new number for each file you send."),
                  FormField.checkbox("production", label: "Production interchange (leave off for a test file)",
                                     checked: values["production"] == "on" || values["production"] == "true"),
                  .div(.class("actions"), .button(.type(.submit), .text("Write the claim file"))))
        )
    }
}
