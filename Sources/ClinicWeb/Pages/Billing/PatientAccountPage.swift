import ClinicDomain
import Foundation
import Plot

/// `/billing/patients/{id}`: a patient's account as a printable statement (every charge,
/// reversal, payment, refund and write-off with the running balance), their closed sessions
/// with charge capture and superbill links, and the form to post a payment, refund or write-off.
public enum PatientAccountPage {
    /// A closed session.
    public struct Session: Sendable {
        /// The session.
        public var id: UUID
        /// Its day.
        public var date: CalendarDate
        /// How it ended.
        public var state: TreatmentSessionState
        /// Charges are in force.
        public var charged: Bool

        /// Creates a line.
        public init(id: UUID, date: CalendarDate, state: TreatmentSessionState, charged: Bool) {
            self.id = id
            self.date = date
            self.state = state
            self.charged = charged
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The patient.
        public var patient: PatientSummary
        /// The ledger, oldest first.
        public var entries: [LedgerEntry]
        /// Closed sessions, newest first.
        public var sessions: [Session]
        /// Today in the clinic.
        public var today: CalendarDate
        /// The user may capture and post.
        public var canPost: Bool
        /// The posting form as typed.
        public var values: [String: String]
        /// Its errors.
        public var errors: FieldErrors
        /// The practice, for the statement's heading.
        public var practiceName: String
        /// The patient's authorisations in force, with sessions used and status.
        public var authorizations: [BillingOverviewPage.Authorization] = []
        /// The authorisation form as typed.
        public var authorizationValues: [String: String] = [:]
        /// Its errors.
        public var authorizationErrors = FieldErrors()
        /// The patient's package purchases with what they drew.
        public var packages: [PackageStanding] = []
        /// Good Faith Estimates given, with the course's final charges compared.
        public var estimates: [(estimate: GoodFaithEstimateRecord, comparison: GoodFaithEstimateRecord.Comparison)] = []
        /// The estimate form as typed.
        public var estimateValues: [String: String] = [:]
        /// Its errors.
        public var estimateErrors = FieldErrors()
        /// Packages on sale today, for the sale form.
        public var packagesOnSale: [SessionPackage] = []
        /// The sale form as typed.
        public var packageValues: [String: String] = [:]
        /// Its errors.
        public var packageErrors = FieldErrors()

        /// Creates a model.
        public init(patient: PatientSummary, entries: [LedgerEntry], sessions: [Session], today: CalendarDate, canPost: Bool,
                    values: [String: String] = [:], errors: FieldErrors = FieldErrors(), practiceName: String) {
            self.patient = patient
            self.entries = entries
            self.sessions = sessions
            self.today = today
            self.canPost = canPost
            self.values = values
            self.errors = errors
            self.practiceName = practiceName
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let summary = LedgerSummary(model.entries)
        let base = "/billing/patients/\(model.patient.id.uuidString.lowercased())"
        var running: Int64 = 0
        let rows: [(LedgerEntry, Cents)] = model.entries.map { entry in
            running += entry.signedAmount.value
            return (entry, Cents(running))
        }
        return Layout.page(
            title: "Account · \(model.patient.listName)", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/billing"), .text("Billing"))),
            .h1(.text("Statement: \(model.patient.listName)")),
            .p(.text("\(model.practiceName.isEmpty ? "" : model.practiceName + " · ")MRN \(model.patient.mrn) · born "
                     + "\(model.patient.registration.dateOfBirth.iso) · statement date \(model.today.iso)")),
            .p(.class("no-print"), .button(.type(.button), .attribute(named: "data-print", value: "data-print"),
                                           .attribute(named: "hidden", value: "hidden"), .text("Print statement")),
               .text(" "), .a(.href("\(base)/superbill?from=\(model.today.adding(days: -30).iso)&to=\(model.today.iso)"),
                              .text("Superbill for the last 30 days"))),
            .dl(.class("ledger-summary"),
                .dt("Charges"), .dd(.id("summary-charges"), .text(summary.charges.description)),
                .dt("Payments"), .dd(.id("summary-payments"), .text(summary.payments.description)),
                .dt("Refunds"), .dd(.text(summary.refunds.description)),
                .dt("Write-offs"), .dd(.text(summary.writeOffs.description)),
                .dt("Balance"), .dd(.id("summary-balance"), .strong(.text(summary.balance.value < 0
                    ? "\(summary.balance.negated) credit" : summary.balance.description)))),
            .h2(.text("Account")),
            .if(model.entries.isEmpty, .p(.text("Nothing charged or paid yet."))),
            .if(!model.entries.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Account"), .table(
                .class("ledger"),
                .thead(.tr(.th("Date"), .th("Entry"), .th("Code"), .th("Units"), .th("Details"), .th("Amount"), .th("Balance"))),
                .tbody(.forEach(rows) { row in
                    let (entry, balance) = row
                    return .tr(.td(.text(entry.postedOn.iso)), .td(.text(entry.kind.displayName)), .td(.text(entry.code ?? "")),
                        .td(.text(entry.units.map(String.init) ?? "")),
                        .td(.text([entry.method?.displayName, entry.reference.map { "ref \($0)" },
                                   entry.diagnoses.isEmpty ? nil : "dx " + entry.diagnoses.joined(separator: ", "),
                                   entry.note.isEmpty ? nil : entry.note].compactMap { $0 }.joined(separator: " · "))),
                        .td(.class("money"), .text(entry.signedAmount.description)), .td(.class("money"), .text(balance.description)))
                })))),
            .h2(.class("no-print"), .text("Sessions")),
            .if(model.sessions.isEmpty, .p(.class("no-print"), .text("No closed sessions."))),
            .if(!model.sessions.isEmpty, .div(.class("table-wrap no-print"), ScrollRegion.focusable("Sessions"), .table(
                .class("billing-sessions"),
                .thead(.tr(.th("Day"), .th("Outcome"), .th("Charges"))),
                .tbody(.forEach(model.sessions) { session in
                    let superbill = "/billing/sessions/\(session.id.uuidString.lowercased())/superbill"
                    return .tr(.td(.text(session.date.iso)), .td(.text(session.state.displayName)),
                               .td(.a(.href(superbill), .text(session.charged ? "Superbill" : "Capture charges"))))
                })))),
            .if(model.canPost, postingForm(model, action: "\(base)/postings", context: context)),
            packagesSection(model, action: "\(base)/packages", context: context),
            estimatesSection(model, action: "\(base)/estimates", context: context),
            .h2(.class("no-print"), .text("Prior authorisations")),
            .if(model.authorizations.isEmpty, .p(.class("no-print"), .text("None in force."))),
            .if(!model.authorizations.isEmpty, .div(.class("table-wrap no-print"), ScrollRegion.focusable("Prior authorisations"), .table(
                .class("authorizations"),
                .thead(.tr(.th("Payer"), .th("Member id"), .th("Number"), .th("Codes"), .th("Used"), .th("Valid"), .th("Status"))),
                .tbody(.forEach(model.authorizations) { line in
                    .tr(.td(.text(line.authorization.payer)), .td(.text(line.authorization.memberID)), .td(.text(line.authorization.number)),
                        .td(.text(line.authorization.codes.joined(separator: " "))),
                        .td(.text("\(line.used) of \(line.authorization.approvedUnits)")),
                        .td(.text("\(line.authorization.validFrom.iso) to \(line.authorization.validTo.iso)")),
                        .td(.text(line.status.displayName)))
                })))),
            .if(model.canPost, authorizationForm(model, action: "\(base)/authorizations", context: context)),
            .element(named: "script", nodes: [.attribute(named: "src", value: WebAssets.shared.url(for: "print.js")),
                                              .attribute(named: "defer", value: "defer")])
        )
    }

    private static func packagesSection(_ model: Model, action: String, context: PageContext) -> Node<HTML.BodyContext> {
        let values = model.packageValues, errors = model.packageErrors
        return .div(
            .class("no-print"),
            .h2(.text("Prepaid packages")),
            .if(model.packages.isEmpty, .p(.text("No package bought."))),
            .if(!model.packages.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Account"), .table(
                .class("package-purchases"),
                .thead(.tr(.th("Package"), .th("Bought"), .th("Price"), .th("Sessions used"), .th("Left"), .th("Drawn"), .th("Not yet drawn"))),
                .tbody(.forEach(model.packages) { standing in
                    .tr(.td(.text(standing.purchase.name)), .td(.text(standing.purchase.purchasedOn.iso)),
                        .td(.class("money"), .text(standing.purchase.price.description)),
                        .td(.text("\(standing.used) of \(standing.purchase.sessions)")), .td(.text(String(standing.remaining))),
                        .td(.class("money"), .text(standing.drawn.description)), .td(.class("money"), .text(standing.undrawn.description)))
                })))),
            .if(model.canPost && !model.packagesOnSale.isEmpty, .div(FormField.errorSummary(errors), .form(
                .method(.post), .action(action), .class("stacked"), .id("package-sale-form"),
                .h3(.text("Sell a package")),
                .csrfField(context),
                FormField.select("packageId", label: "Package", choices: model.packagesOnSale.map {
                    ($0.id.uuidString.lowercased(), "\($0.name): \($0.sessions) sessions for \($0.price)")
                }, selected: values["packageId"], errors: errors),
                FormField.input("purchasedOn", label: "Date", type: .date, value: values["purchasedOn"] ?? model.today.iso, errors: errors, required: true),
                FormField.select("method", label: "Prepaid by", choices: [("", "Not paid now")] + PaymentMethod.allCases.map { ($0.rawValue, $0.displayName) },
                                 selected: values["method"], errors: errors, hint: "The package price is posted as a payment the sessions draw down."),
                FormField.input("reference", label: "Payment reference", value: values["reference"], errors: errors,
                                hint: "The terminal's transaction number or cheque number. Never a card number."),
                .button(.type(.submit), .text("Sell package")))))
        )
    }

    private static func estimatesSection(_ model: Model, action: String, context: PageContext) -> Node<HTML.BodyContext> {
        let values = model.estimateValues, errors = model.estimateErrors
        return .div(
            .class("no-print"),
            .h2(.text("Good Faith Estimates")),
            .p(.text("For an uninsured or self-pay patient before a course (No Surprises Act) [B9]: due within 3 business days of booking a "
                     + "service 10 or more business days ahead, within 1 business day of booking 3 or more ahead, within 3 business days of a "
                     + "request. A final bill \(GoodFaithEstimate.disputeThreshold) or more over the estimate may be disputed by the patient.")),
            .if(model.estimates.isEmpty, .p(.text("None given."))),
            .if(!model.estimates.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Account"), .table(
                .class("estimates"),
                .thead(.tr(.th("Course"), .th("Items"), .th("Estimate"), .th("Due / given"), .th("Billed in the course"), .th("Difference"))),
                .tbody(.forEach(model.estimates) { pair in
                    let (estimate, comparison) = pair
                    return .tr(
                        .td(.text("\(estimate.sessions) session(s), \(estimate.firstServiceOn.iso) to \(estimate.lastServiceOn.iso)")),
                        .td(.text(estimate.items.map { "\($0.code ?? $0.service) × \($0.units) \($0.expected)" }.joined(separator: "; "))),
                        .td(.class("money"), .text(estimate.total.description)),
                        .td(.text("\(estimate.dueOn.map { "due \($0.iso)" } ?? "not due before the service") · given \(estimate.givenOn.iso)"),
                            .if(estimate.givenLate, .span(.class("badge badge-warning"), .text(" ⚠ given late")))),
                        .td(.class("money"), .text(comparison.billed.description)),
                        .td(.class("money"), .text(comparison.difference.description),
                            .if(comparison.overThreshold, .span(.class("badge badge-warning estimate-over"),
                                                                .text(" ⚠ \(GoodFaithEstimate.disputeThreshold) or more over: the patient may dispute")))))
                })))),
            .if(model.canPost, .div(FormField.errorSummary(errors), .form(
                .method(.post), .action(action), .class("stacked"), .id("estimate-form"),
                .h3(.text("Give a Good Faith Estimate")),
                .csrfField(context),
                FormField.input("sessions", label: "Sessions planned", type: .number, value: values["sessions"], errors: errors, required: true),
                FormField.input("codes", label: "Codes per session", value: values["codes"], errors: errors, hint: "e.g. 96365 J3490 (units: 96366x1)",
                                required: true),
                FormField.input("firstServiceOn", label: "First session", type: .date, value: values["firstServiceOn"], errors: errors, required: true),
                FormField.input("lastServiceOn", label: "Last session", type: .date, value: values["lastServiceOn"], errors: errors, required: true),
                FormField.input("scheduledOn", label: "Booked (or asked for) on", type: .date, value: values["scheduledOn"] ?? model.today.iso,
                                errors: errors, required: true),
                FormField.checkbox("requested", label: "The patient asked for it (no booking yet)", checked: values["requested"] == "on"),
                FormField.input("givenOn", label: "Given on", type: .date, value: values["givenOn"] ?? model.today.iso, errors: errors, required: true),
                .button(.type(.submit), .text("Record estimate")))))
        )
    }

    private static func authorizationForm(_ model: Model, action: String, context: PageContext) -> Node<HTML.BodyContext> {
        let values = model.authorizationValues, errors = model.authorizationErrors
        return .div(.class("no-print"), FormField.errorSummary(errors), .form(.method(.post), .action(action), .class("stacked no-print"), .id("authorization-form"),
                     .h3(.text("Record a prior authorisation")),
                     .csrfField(context),
                     FormField.input("payer", label: "Payer", value: values["payer"], errors: errors, required: true),
                     FormField.input("memberID", label: "Member id", value: values["memberID"], errors: errors, required: true),
                     FormField.input("number", label: "Authorisation number", value: values["number"], errors: errors, required: true),
                     FormField.input("approvedUnits", label: "Sessions approved", type: .number, value: values["approvedUnits"], errors: errors,
                                     required: true),
                     FormField.input("validFrom", label: "Valid from", type: .date, value: values["validFrom"], errors: errors, required: true),
                     FormField.input("validTo", label: "Valid to", type: .date, value: values["validTo"], errors: errors, required: true),
                     FormField.input("codes", label: "Codes covered", value: values["codes"], errors: errors, hint: "e.g. G2082 G2083 J0013",
                                     required: true),
                     FormField.input("drug", label: "Drug", value: values["drug"], errors: errors),
                     .button(.type(.submit), .text("Record authorisation"))))
    }

    private static func postingForm(_ model: Model, action: String, context: PageContext) -> Node<HTML.BodyContext> {
        .div(.class("no-print"), FormField.errorSummary(model.errors), .form(.method(.post), .action(action), .class("stacked no-print"), .id("posting-form"),
              .h2(.text("Record a payment, refund or write-off")),
              .csrfField(context),
              FormField.select("kind", label: "Entry", choices: [("payment", "Payment"), ("refund", "Refund"), ("write-off", "Write-off")],
                               selected: model.values["kind"] ?? "payment", errors: model.errors),
              FormField.input("amount", label: "Amount, $", value: model.values["amount"], errors: model.errors, required: true),
              FormField.select("method", label: "Method", choices: PaymentMethod.allCases.map { ($0.rawValue, $0.displayName) },
                               selected: model.values["method"], errors: model.errors, hint: "Not needed for a write-off."),
              FormField.input("reference", label: "Reference", value: model.values["reference"], errors: model.errors,
                              hint: "The terminal's transaction number, the cheque number or the HSA/FSA reference. Never a card number."),
              FormField.input("postedOn", label: "Date", type: .date, value: model.values["postedOn"] ?? model.today.iso, errors: model.errors,
                              required: true),
              FormField.input("note", label: "Reason or note", value: model.values["note"], errors: model.errors,
                              hint: "Required for refunds and write-offs."),
              FormField.checkbox("allowCredit", label: "Keep any amount over the balance as a credit", checked: model.values["allowCredit"] == "on"),
              .button(.type(.submit), .text("Record"))))
    }
}
