import ClinicDomain
import Foundation
import Plot

/// `/billing/reports`: a period's charges, payments, refunds and write-offs per payer, payment
/// method, service and month with the closing balance; accounts receivable ageing (0–30, 31–60,
/// 61–90, 90+ days); and the prior authorisations still to act on. Downloadable as CSV.
public enum BillingReportsPage {
    /// An ageing line with the patient's name.
    public struct AgeingRow: Sendable {
        /// The patient.
        public var patientID: UUID
        /// "Family, Given (MRN)".
        public var name: String
        /// The line.
        public var line: AgeingLine

        /// Creates a row.
        public init(patientID: UUID, name: String, line: AgeingLine) {
            self.patientID = patientID
            self.name = name
            self.line = line
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The period's figures.
        public var summary: BillingPeriodSummary
        /// Ageing lines.
        public var ageing: [AgeingRow]
        /// The ageing day.
        public var asOf: CalendarDate
        /// Authorisations not yet expired.
        public var authorizations: [BillingOverviewPage.Authorization]
        /// The period form as typed.
        public var values: [String: String]
        /// Its errors.
        public var errors: FieldErrors

        /// Creates a model.
        public init(summary: BillingPeriodSummary, ageing: [AgeingRow], asOf: CalendarDate, authorizations: [BillingOverviewPage.Authorization],
                    values: [String: String], errors: FieldErrors = FieldErrors()) {
            self.summary = summary
            self.ageing = ageing
            self.asOf = asOf
            self.authorizations = authorizations
            self.values = values
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let summary = model.summary
        let all = model.ageing.reduce(AgeingBuckets()) { $0.plus($1.line.buckets) }
        let query = "from=\(summary.from.iso)&to=\(summary.to.iso)&asOf=\(model.asOf.iso)"
        return Layout.page(
            title: "Billing reports", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/billing"), .text("Billing"))),
            .h1(.text("Billing reports")),
            .div(.class("no-print"), FormField.errorSummary(model.errors), .form(
                .method(.get), .action("/billing/reports"), .class("inline-form"), .id("report-form"),
                FormField.input("from", label: "From", type: .date, value: model.values["from"] ?? summary.from.iso, errors: model.errors),
                FormField.input("to", label: "To", type: .date, value: model.values["to"] ?? summary.to.iso, errors: model.errors),
                FormField.input("asOf", label: "Ageing as of", type: .date, value: model.values["asOf"] ?? model.asOf.iso, errors: model.errors),
                .button(.type(.submit), .text("Show")))),
            .p(.class("no-print"), .a(.href("/billing/reports.csv?\(query)"), .text("Download CSV"))),
            .h2(.text("\(summary.from.iso) to \(summary.to.iso)")),
            totalsTable("Total", [summary.total], id: "report-total"),
            .p(.text("Balance owed at \(summary.to.iso): "), .strong(.id("report-balance"), .text(summary.balanceAtEnd.description))),
            .h3(.text("By payer")), totalsTable("Payer", summary.byPayer, id: "report-payers"),
            .h3(.text("By payment method")), totalsTable("Method", summary.byMethod, id: "report-methods"),
            .h3(.text("By service")), totalsTable("Code", summary.byService, id: "report-services"),
            .h3(.text("By month")), totalsTable("Month", summary.byMonth, id: "report-months"),
            .h2(.text("Accounts receivable ageing as of \(model.asOf.iso)")),
            .p(.text("Payments, write-offs and credits meet each account's oldest charges first; what is left is counted by the days since "
                     + "the day of service.")),
            .if(model.ageing.isEmpty, .p(.text("Nothing is owed."))),
            .if(!model.ageing.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Ageing"), .table(
                .class("ageing"), .id("report-ageing"),
                .thead(.tr(.th("Patient"), .th("Billed to"), .th("0–30 days"), .th("31–60"), .th("61–90"), .th("Over 90"), .th("Total"))),
                .tbody(.forEach(model.ageing) { row in
                    .tr(.td(.a(.href("/billing/patients/\(row.patientID.uuidString.lowercased())"), .text(row.name))),
                        .td(.text(row.line.selfPay ? "Self-pay" : "Insurer")), money(row.line.buckets.days0to30), money(row.line.buckets.days31to60),
                        money(row.line.buckets.days61to90), money(row.line.buckets.over90), money(row.line.buckets.total))
                }),
                .tfoot(.tr(.th(.text("All")), .td(), money(all.days0to30), money(all.days31to60), money(all.days61to90), money(all.over90),
                           money(all.total)))))),
            .h2(.text("Prior authorisations in force")),
            .if(model.authorizations.isEmpty, .p(.text("None."))),
            .if(!model.authorizations.isEmpty, .div(.class("table-wrap"), ScrollRegion.focusable("Billing report"), .table(
                .class("report-authorizations"),
                .thead(.tr(.th("Patient"), .th("Payer"), .th("Number"), .th("Sessions used"), .th("Valid to"), .th("Status"))),
                .tbody(.forEach(model.authorizations) { line in
                    .tr(.td(.text(line.patientName)), .td(.text(line.authorization.payer)), .td(.text(line.authorization.number)),
                        .td(.text("\(line.used) of \(line.authorization.approvedUnits)")), .td(.text(line.authorization.validTo.iso)),
                        .td(.text(line.status.displayName)))
                }))))
        )
    }

    private static func money(_ amount: Cents) -> Node<HTML.TableRowContext> { .td(.class("money"), .text(amount.description)) }

    private static func totalsTable(_ label: String, _ rows: [BillingPeriodSummary.Totals], id: String) -> Node<HTML.BodyContext> {
        guard !rows.isEmpty else { return .p(.text("Nothing in the period.")) }
        return .div(.class("table-wrap"), ScrollRegion.focusable("Billing report"), .table(
            .class("report-totals"), .id(id),
            .thead(.tr(.th(.text(label)), .th("Charges"), .th("Units"), .th("Payments"), .th("Refunds"), .th("Write-offs"), .th("Collected"))),
            .tbody(.forEach(rows) { row in
                .tr(.td(.text(row.key)), money(row.charges), .td(.text(String(row.units))), money(row.payments), money(row.refunds),
                    money(row.writeOffs), money(row.collected))
            })))
    }
}
