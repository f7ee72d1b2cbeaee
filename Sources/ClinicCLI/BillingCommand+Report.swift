import ArgumentParser
import ClinicDomain
import ClinicStorage
import Foundation

extension BillingCommand {
    /// `ketaclinic billing report`: a period's figures, A/R ageing and outstanding authorisations
    /// as text, CSV or JSON (an audited export).
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Charges, payments and balances per period, payer, method, service and month; A/R ageing; outstanding authorisations.")
        @OptionGroup var options: ServerOptions
        @Option(help: "First day, YYYY-MM-DD (default: the first of this month).") var from: String?
        @Option(help: "Last day, YYYY-MM-DD (default: today).") var to: String?
        @Option(help: "Ageing as of, YYYY-MM-DD (default: the last day).") var asOf: String?
        @Flag(help: "Print CSV (formula characters neutralised).") var csv = false
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            for (name, value) in [("--from", from), ("--to", to), ("--as-of", asOf)] {
                if let value, CalendarDate(iso: value) == nil { throw ValidationError("\(name): '\(value)' is not a date (YYYY-MM-DD).") }
            }
            if csv && json { throw ValidationError("Choose --csv or --json.") }
        }

        func run() async throws {
            try await BillingCommand.withClinic(options) { database, clinic in
                let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
                let end = to.flatMap(CalendarDate.init(iso:)) ?? today
                let start = from.flatMap(CalendarDate.init(iso:)) ?? CalendarDate(year: end.year, month: end.month, day: 1) ?? end
                guard start <= end else { throw CommandSupport.fail("--to is before --from.") }
                guard CalendarDate.daysBetween(start, end) <= 731 else { throw CommandSupport.fail("Choose a period of at most two years.") }
                let ageingDay = asOf.flatMap(CalendarDate.init(iso:)) ?? end
                let report = try await BillingReportRepository(database: database).report(clinicID: clinic.id, from: start, to: end, asOf: ageingDay,
                                                                                          today: today)
                try await AuditTrail(database: database).record(
                    AuditEvent(.export, entityType: "billing_report", entityID: clinic.id.uuidString,
                               summary: "Billing report \(start.iso) to \(end.iso), ageing as of \(ageingDay.iso) (command line)"),
                    stamp: CommandSupport.operatorStamp("billing report"))
                if csv { return print(BillingReport.csv(report.summary, ageing: report.ageing, asOf: ageingDay, names: report.names), terminator: "") }
                if json {
                    return print(try CommandSupport.jsonText(ReportJSON(summary: report.summary, asOf: ageingDay, ageing: report.ageing.map {
                        .init(patient: report.names[$0.patientID] ?? $0.patientID.uuidString, payer: $0.selfPay ? "self-pay" : "insurer", buckets: $0.buckets)
                    })))
                }
                let summary = report.summary
                print("\(start.iso) to \(end.iso): charges \(summary.total.charges), payments \(summary.total.payments), refunds \(summary.total.refunds), "
                      + "write-offs \(summary.total.writeOffs); owed at \(end.iso): \(summary.balanceAtEnd)")
                var groups = TextTable([.text("by"), .text("group"), .number("charges"), .number("collected"), .number("written off")])
                for (title, rows) in [("payer", summary.byPayer), ("method", summary.byMethod), ("service", summary.byService), ("month", summary.byMonth)] {
                    for row in rows { groups.add([title, row.key, row.charges.description, row.collected.description, row.writeOffs.description]) }
                }
                print(groups.text(indent: 2))
                let all = report.ageing.reduce(AgeingBuckets()) { $0.plus($1.buckets) }
                print("A/R ageing as of \(ageingDay.iso): 0–30 \(all.days0to30), 31–60 \(all.days31to60), 61–90 \(all.days61to90), "
                      + "over 90 \(all.over90); total \(all.total)")
                var ageing = TextTable([.text("patient"), .text("payer"), .number("0–30"), .number("31–60"), .number("61–90"), .number("over 90"),
                                        .number("total")])
                for line in report.ageing {
                    let b = line.buckets
                    ageing.add([report.names[line.patientID] ?? "—", line.selfPay ? "self-pay" : "insurer", b.days0to30.description,
                                b.days31to60.description, b.days61to90.description, b.over90.description, b.total.description])
                }
                print(ageing.text(indent: 2))
                for standing in report.authorizations where standing.status != .active {
                    print("authorisation \(standing.authorization.number) (\(standing.patientName)): \(standing.status.displayName), "
                          + "\(standing.used) of \(standing.authorization.approvedUnits) used, ends \(standing.authorization.validTo.iso)")
                }
            }
        }

        /// The report as JSON.
        struct ReportJSON: Encodable {
            struct Line: Encodable {
                let patient: String
                let payer: String
                let buckets: AgeingBuckets
            }

            let summary: BillingPeriodSummary
            let asOf: CalendarDate
            let ageing: [Line]
        }
    }
}
