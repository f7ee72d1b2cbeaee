import ClinicDomain
import Foundation
import Plot

/// A clinic network's outcomes side by side: each clinic's figures on the same cohort filter, with
/// the network total, and the response and remission rates of each clinic drawn against the
/// published figures. Staff see every count; the CSV and JSON exports suppress small cells
/// (docs/outcomes.md, "Clinic network").
public enum NetworkOutcomesPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The filter as typed (re-shown after an error).
        public let values: [String: String]
        /// Field errors; when present no report is drawn.
        public let errors: FieldErrors
        /// The report, when the filter was valid.
        public let report: NetworkOutcomeReport?
        /// The protocols the filter offers (id, name).
        public let protocols: [(id: String, name: String)]
        /// The deployment's engine: a SQLite database serves one clinic, which the page explains.
        public let singleClinicDatabase: Bool

        /// A model.
        public init(values: [String: String], errors: FieldErrors, report: NetworkOutcomeReport?,
                    protocols: [(id: String, name: String)], singleClinicDatabase: Bool) {
            self.values = values
            self.errors = errors
            self.report = report
            self.protocols = protocols
            self.singleClinicDatabase = singleClinicDatabase
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let title = model.errors.isEmpty ? "Network outcomes" : "Error: network outcomes"
        return Layout.page(
            title: title, context: context,
            content:
            .h1(.text("Network outcomes")),
            .p(.class("hint"), .text("Each clinic's courses on the same cohort filter, side by side, with the network total. "
                                     + "Courses are counted by the day of their first session; each clinic is judged by its own outcome policy. "),
               .a(.href("/outcomes"), .text("One clinic's full report"))),
            .if(model.singleClinicDatabase,
                .p(.class("notice"), .text("This deployment runs on SQLite, which serves one clinic: a network of clinics shares one PostgreSQL database."))),
            FormField.errorSummary(model.errors),
            filterForm(model),
            .if(model.errors.isEmpty, reportSections(model))
        )
    }

    static func filterForm(_ model: Model) -> Node<HTML.BodyContext> {
        let v = model.values, e = model.errors
        return .form(.class("stacked outcome-filter"), .method(.get), .action("/outcomes/network"), .attribute(named: "novalidate", value: "novalidate"),
                     .fieldset(.element(named: "legend", text: "Cohort"),
                               OutcomesPage.cohortFields(values: v, errors: e, protocols: model.protocols)),
                     .div(.class("actions"), .button(.type(.submit), .text("Compare clinics"))))
    }

    static func reportSections(_ model: Model) -> Node<HTML.BodyContext> {
        guard let report = model.report else { return .empty }
        let filter = report.filter
        let query = filter.fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.1)" }.joined(separator: "&")
        guard !report.isEmpty else {
            return .section(.id("outcome-empty"), .class("notice"),
                            .h2(.text("No course in this cohort")),
                            .p(.text("No clinic had a course with its first session from \(filter.from.iso) to \(filter.to.iso) with the chosen filters, "
                                     + "so there is nothing to compare. Widen the period or clear a filter.")))
        }
        let columns = report.clinics.map { (name: $0.name, report: $0.report, id: Optional($0.clinicID)) }
            + [(name: NetworkOutcomeExport.networkName, report: report.network, id: UUID?.none)]
        func median(_ value: Double?) -> String { value.map { String(format: "%g", $0) } ?? "not reached" }
        func per100(_ s: SafetyMeasures, _ count: Int) -> String { s.per100(count).map { String(format: "%.2f", $0) } ?? "—" }
        typealias Figure = (name: String, source: String, value: (OutcomeReport) -> String)
        var figures: [Figure] = []
        figures.append(("Courses started", "", { "\($0.overall.courses)" }))
        figures.append(("Counted", "", { "\($0.overall.included)" }))
        for reason in CourseExclusion.allCases {
            figures.append(("Left out: \(reason.label.lowercased())", "", { "\($0.overall.excluded[reason] ?? 0)" }))
        }
        figures.append(("Response", "R55-ELEKT, R55-SUS3", { OutcomesPage.rateText($0.overall.responseRate) }))
        figures.append(("Remission", "R55-ESC, R55-KetECT", { OutcomesPage.rateText($0.overall.remissionRate) }))
        figures.append(("Relapse after response (crude)", "clinic policy", { OutcomesPage.rateText($0.overall.relapseRate) }))
        figures.append(("Dropout", "clinic policy", { OutcomesPage.rateText($0.overall.dropoutRate) }))
        figures.append(("Median days to response (Kaplan–Meier)", "R55-ELEKT", { median($0.timeToResponse.curve.median) }))
        figures.append(("Median sessions to response", "R55-Phil", { $0.sessionsToResponse.median.map(String.init) ?? "no responder" }))
        figures.append(("Median days from response to relapse (Kaplan–Meier)", "clinic policy", { median($0.timeToRelapse.curve.median) }))
        figures.append(("Median days of effect after a dose (Kaplan–Meier)", "clinic policy, R3", { median($0.durationOfEffect.curve.median) }))
        figures.append(("Sessions given", "", { "\($0.safety.sessions)" }))
        figures.append(("Blood-pressure alerts per 100 sessions", "R18", { per100($0.safety, $0.safety.bloodPressureAlerts) }))
        figures.append(("Dissociation (CADSS > 4) per 100 sessions", "R27", { per100($0.safety, $0.safety.dissociationObservations) }))
        figures.append(("Delayed discharges per 100 sessions", "clinic policy", { per100($0.safety, $0.safety.dischargeDelays) }))
        figures.append(("Suicidality alerts per 100 sessions", "", { per100($0.safety, $0.safety.suicidalityAlerts) }))
        figures.append(("Median minutes from alert to acknowledgement", "", { report in
            report.safety.medianAcknowledgementMinutes.map { String(format: "%.1f", $0) } ?? "—"
        }))
        // Benchmarks are per treatment: drawn beside each clinic when the cohort is one treatment.
        func benchmarks(_ measure: String, _ rate: Proportion) -> [BenchmarkComparison] {
            guard let treatment = filter.treatment else { return [] }
            return OutcomeBenchmark.benchmarks(for: measure, treatment: treatment).map { BenchmarkComparison(benchmark: $0, clinic: rate) }
        }
        let header: Node<HTML.TableContext> = .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Figure")),
                                                        .group(columns.map { .th(.attribute(named: "scope", value: "col"), .text($0.name)) })))
        var rows: [Node<HTML.TableContext>] = []
        for figure in figures {
            let cells: [Node<HTML.TableRowContext>] = columns.map { .td(.text(figure.value($0.report))) }
            let label: Node<HTML.TableRowContext> = .th(.attribute(named: "scope", value: "row"), .text(figure.name),
                                                        .if(!figure.source.isEmpty, .span(.class("source"), .text(" [\(figure.source)]"))))
            rows.append(.tr(label, .group(cells)))
        }
        var links: [Node<HTML.BodyContext>] = []
        for (index, column) in report.clinics.enumerated() {
            if index > 0 { links.append(.text(" · ")) }
            links.append(.a(.href("/outcomes?clinic=\(column.clinicID.uuidString)&\(query)"), .text(column.name)))
        }
        let responseRows = columns.map { column -> (label: String, rate: Proportion, benchmarks: [BenchmarkComparison]) in
            (label: column.name, rate: column.report.overall.responseRate, benchmarks: benchmarks("response", column.report.overall.responseRate))
        }
        let remissionRows = columns.map { column -> (label: String, rate: Proportion, benchmarks: [BenchmarkComparison]) in
            (label: column.name, rate: column.report.overall.remissionRate, benchmarks: benchmarks("remission", column.report.overall.remissionRate))
        }
        return .group(
            .section(.id("network-figures"), .h2(.text("Clinics side by side")),
                     .div(.class("table-scroll"), ScrollRegion.focusable("Clinics side by side"),
                          .table(.class("data network-outcomes"),
                                 header,
                                 .tbody(.group(rows)))),
                     .p(.class("hint"), .text("Rates carry a 95% Wilson interval. Each clinic's full report, with its charts: "),
                        .group(links))),
            .section(.id("network-rates"), .h2(.text("Response and remission by clinic")),
                     .if(filter.treatment == nil,
                         .p(.class("hint"), .text("Choose one treatment to see the published figures for it beside each clinic."))),
                     OutcomeCharts.rates(title: "Response by clinic", rows: responseRows),
                     OutcomeCharts.rates(title: "Remission by clinic", rows: remissionRows)),
            .section(.id("outcome-exports"), .h2(.text("Exports")),
                     .p(.text("The same figures with counts from 1 to 10 suppressed: "),
                        .a(.href("/outcomes/network/export.csv?\(query)"), .text("CSV")), .text(" · "),
                        .a(.href("/api/v1/outcomes/network?\(query)"), .text("JSON (API)")), .text(". "),
                        .text("Command line: ketaclinic report outcomes --network --from \(filter.from.iso) --to \(filter.to.iso) --json")))
        )
    }
}
