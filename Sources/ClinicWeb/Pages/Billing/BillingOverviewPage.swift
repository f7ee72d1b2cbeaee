import ClinicDomain
import Foundation
import Plot

/// `/billing`: accounts with a balance, the fee schedule (with the form to add a price for
/// administrators), the code table with each code's validity and source, and the charge-capture
/// policy.
public enum BillingOverviewPage {
    /// An account line.
    public struct Account: Sendable {
        /// The patient.
        public var patientID: UUID
        /// Family, given.
        public var name: String
        /// MRN.
        public var mrn: String
        /// Balance.
        public var balance: Cents

        /// Creates a line.
        public init(patientID: UUID, name: String, mrn: String, balance: Cents) {
            self.patientID = patientID
            self.name = name
            self.mrn = mrn
            self.balance = balance
        }
    }

    /// An authorisation the front desk must act on.
    public struct Authorization: Sendable {
        /// The authorisation.
        public var authorization: PriorAuthorization
        /// The patient, family first.
        public var patientName: String
        /// Sessions used.
        public var used: Int
        /// Its status.
        public var status: PriorAuthorization.Status

        /// Creates a line.
        public init(authorization: PriorAuthorization, patientName: String, used: Int, status: PriorAuthorization.Status) {
            self.authorization = authorization
            self.patientName = patientName
            self.used = used
            self.status = status
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// Authorisations ending within 14 days or used up.
        public var authorizations: [Authorization] = []
        /// Good Faith Estimates whose course was billed $400 or more over them: patient, estimate, billed.
        public var estimatesOver: [(patientID: UUID, patientName: String, estimate: Cents, billed: Cents)] = []
        /// The clinic's prepaid packages.
        public var packages: [SessionPackage] = []
        /// The package form as typed.
        public var packageValues: [String: String] = [:]
        /// Its errors.
        public var packageErrors = FieldErrors()
        /// Accounts not settled.
        public var accounts: [Account]
        /// The fee schedule.
        public var fees: [FeeScheduleItem]
        /// The code table.
        public var codes: [BillingCode]
        /// The charge-capture policy.
        public var policy: ChargeCapturePolicy
        /// The provider details are complete.
        public var providerComplete: Bool
        /// The user may change fees and codes.
        public var canConfigure: Bool
        /// The fee form as typed.
        public var values: [String: String]
        /// The fee form's errors.
        public var errors: FieldErrors

        /// Creates a model.
        public init(accounts: [Account], fees: [FeeScheduleItem], codes: [BillingCode], policy: ChargeCapturePolicy, providerComplete: Bool,
                    canConfigure: Bool, values: [String: String] = [:], errors: FieldErrors = FieldErrors()) {
            self.accounts = accounts
            self.fees = fees
            self.codes = codes
            self.policy = policy
            self.providerComplete = providerComplete
            self.canConfigure = canConfigure
            self.values = values
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Billing", context: context,
            content:
            .h1(.text("Billing")),
            .p(.text("Charges come from closed treatment sessions by rule (docs/billing.md); prices from the fee schedule below. "
                     + "Amounts in US dollars.")),
            .if(!model.providerComplete, .p(.class("notice"), .attribute(named: "role", value: "status"),
                                            .text("⚠ The billing provider details (NPI, tax id, place of service) are not complete: superbills cannot be printed. "),
                                            .if(model.canConfigure, .a(.href("/billing/provider"), .text("Enter them."))))),
            .if(model.canConfigure && model.providerComplete, .p(.a(.href("/billing/provider"), .text("Billing provider details")))),
            .nav(.attribute(named: "aria-label", value: "Billing tasks"),
                 .ul(.class("inline-links"), .li(.a(.href("/billing/remittances"), .text("Insurer remittances (835)"))),
                     .li(.a(.href("/billing/claims"), .text("Claims (837P)"))),
                     .li(.a(.href("/billing/reports"), .text("Reports: period figures and A/R ageing"))))),
            .h2(.text("Prior authorisations ending within \(PriorAuthorization.expiryWarningDays) days or used up")),
            .if(model.authorizations.isEmpty, .p(.text("None."))),
            .if(!model.authorizations.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Prior authorisations ending"), .table(
                .class("expiring-authorizations"),
                .thead(.tr(.th("Patient"), .th("Payer"), .th("Number"), .th("Codes"), .th("Sessions used"), .th("Valid to"), .th("Status"))),
                .tbody(.forEach(model.authorizations) { line in
                    .tr(.td(.a(.href("/billing/patients/\(line.authorization.patientID.uuidString.lowercased())"), .text(line.patientName))),
                        .td(.text(line.authorization.payer)), .td(.text(line.authorization.number)),
                        .td(.text(line.authorization.codes.joined(separator: " "))),
                        .td(.text("\(line.used) of \(line.authorization.approvedUnits)")), .td(.text(line.authorization.validTo.iso)),
                        .td(.span(.class("badge badge-warning"), .text("⚠ ")), .text(line.status.displayName)))
                })))),
            .if(!model.estimatesOver.isEmpty, .group(
                .h2(.text("Good Faith Estimates exceeded by \(GoodFaithEstimate.disputeThreshold) or more")),
                .div(.class("table-wrap"), ScrollRegion.focusable("Good Faith Estimates exceeded"), .table(
                    .class("estimates-over"),
                    .thead(.tr(.th("Patient"), .th("Estimate"), .th("Billed in the course"))),
                    .tbody(.forEach(model.estimatesOver) { line in
                        .tr(.td(.a(.href("/billing/patients/\(line.patientID.uuidString.lowercased())"), .text(line.patientName))),
                            .td(.class("money"), .text(line.estimate.description)),
                            .td(.class("money"), .span(.class("badge badge-warning"), .text("⚠ ")), .text(line.billed.description)))
                    }))))),
            .h2(.text("Accounts with a balance")),
            .if(model.accounts.isEmpty, .p(.text("Every account is settled."))),
            .if(!model.accounts.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Accounts with a balance"), .table(
                .class("billing-accounts"),
                .thead(.tr(.th("Patient"), .th("MRN"), .th("Balance"))),
                .tbody(.forEach(model.accounts) { account in
                    .tr(.td(.a(.href("/billing/patients/\(account.patientID.uuidString.lowercased())"), .text(account.name))),
                        .td(.text(account.mrn)),
                        .td(.class("money"), .text(account.balance.value < 0 ? "\(account.balance.negated) credit" : account.balance.description)))
                })))),
            .h2(.text("Fee schedule")),
            .if(model.fees.isEmpty, .p(.text("No prices yet: charges cannot be captured until each code has a price."))),
            .if(!model.fees.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Fee schedule"), .table(
                .class("fee-schedule"),
                .thead(.tr(.th("Service"), .th("Code"), .th("Modifiers"), .th("Price"), .th("Self-pay"), .th("From"), .th("To"))),
                .tbody(.forEach(model.fees) { fee in
                    .tr(.td(.text(fee.service)), .td(.text(fee.code ?? "—")), .td(.text(fee.modifiers.joined(separator: " "))),
                        .td(.class("money"), .text(fee.price.description)), .td(.class("money"), .text(fee.selfPayPrice.description)),
                        .td(.text(fee.validFrom.iso)), .td(.text(fee.validTo?.iso ?? "—")))
                })))),
            .if(model.canConfigure, feeForm(model, context: context)),
            packagesSection(model, context: context),
            .h2(.text("Charge-capture policy")),
            .ul(.li(.text("Esketamine drug line: \(model.policy.esketamineDrugCode.displayName)")),
                .li(.text("Missed sessions (no-show, cancelled or stopped before any dose): "
                          + (model.policy.billMissedSessions ? "billed at the \(ChargeCapture.missedSessionService) fee" : "not billed")))),
            .h2(.text("Code table")),
            .div(.class("table-wrap"), ScrollRegion.focusable("Code table"), .table(
                .class("code-table"),
                .thead(.tr(.th("System"), .th("Code"), .th("Descriptor"), .th("Unit"), .th("Valid from"), .th("Valid to"), .th("Source"))),
                .tbody(.forEach(model.codes) { code in
                    .tr(.td(.text(code.system.displayName)), .td(.text(code.code)), .td(.text(code.description)), .td(.text(code.unit)),
                        .td(.text(code.validFrom?.iso ?? "—")), .td(.text(code.validTo?.iso ?? "—")), .td(.text(code.source)))
                })))
        )
    }

    private static func packagesSection(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let values = model.packageValues, errors = model.packageErrors
        return .group(
            .h2(.text("Prepaid packages")),
            .p(.text("A self-pay session whose lines carry a package's codes draws its share of the package price (the price divided by the "
                     + "sessions; the last session takes the rounding) instead of the list price, until the sessions bought are used.")),
            .if(model.packages.isEmpty, .p(.text("No packages."))),
            .if(!model.packages.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Packages"), .table(
                .class("packages"),
                .thead(.tr(.th("Package"), .th("Sessions"), .th("Price"), .th("Per session"), .th("Codes"), .th("On sale"))),
                .tbody(.forEach(model.packages) { package in
                    .tr(.td(.text(package.name)), .td(.text(String(package.sessions))), .td(.class("money"), .text(package.price.description)),
                        .td(.class("money"), .text(Cents(package.price.value / Int64(max(1, package.sessions))).description)),
                        .td(.text(package.codes.joined(separator: " "))),
                        .td(.text("\(package.validFrom.iso) to \(package.validTo?.iso ?? "…")")))
                })))),
            .if(model.canConfigure, .div(FormField.errorSummary(errors), .form(
                .method(.post), .action("/billing/packages"), .class("stacked"), .id("package-form"),
                .h3(.text("Add a package")),
                .csrfField(context),
                FormField.input("name", label: "Name", value: values["name"], errors: errors, hint: "e.g. Induction series, 6 infusions", required: true),
                FormField.input("sessions", label: "Sessions", type: .number, value: values["sessions"], errors: errors, required: true),
                FormField.input("price", label: "Package price, $", value: values["price"], errors: errors, required: true),
                FormField.input("codes", label: "Codes that draw from it", value: values["codes"], errors: errors, hint: "e.g. 96365 96366 J3490",
                                required: true),
                FormField.input("validFrom", label: "On sale from", type: .date, value: values["validFrom"], errors: errors, required: true),
                FormField.input("validTo", label: "On sale to", type: .date, value: values["validTo"], errors: errors),
                .button(.type(.submit), .text("Add package")))))
        )
    }

    private static func feeForm(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        .div(FormField.errorSummary(model.errors), .form(.method(.post), .action("/billing/fee-schedule"), .class("stacked"),
              .h3(.text("Add a price")),
              .csrfField(context),
              FormField.input("service", label: "Service", value: model.values["service"], errors: model.errors, required: true),
              FormField.input("code", label: "Code (CPT or HCPCS)", value: model.values["code"], errors: model.errors,
                              hint: "Leave empty for the clinic's own service, e.g. \(ChargeCapture.missedSessionService)."),
              FormField.input("modifiers", label: "Modifiers", value: model.values["modifiers"], errors: model.errors, hint: "Up to four, e.g. JZ"),
              FormField.input("price", label: "Price (insurer), $", value: model.values["price"], errors: model.errors, required: true),
              FormField.input("selfPayPrice", label: "Self-pay price, $", value: model.values["selfPayPrice"], errors: model.errors, required: true),
              FormField.input("validFrom", label: "From", type: .date, value: model.values["validFrom"], errors: model.errors, required: true),
              FormField.input("validTo", label: "To", type: .date, value: model.values["validTo"], errors: model.errors),
              .button(.type(.submit), .text("Add price"))))
    }
}
