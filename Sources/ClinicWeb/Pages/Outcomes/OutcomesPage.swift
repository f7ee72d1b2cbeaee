import ClinicDomain
import Foundation
import Plot

/// The clinic's outcome report: the cohort filter, who was counted and who was left out and why,
/// each measure with its definition, source and published benchmarks, the charts, the log-rank
/// comparison and the safety measures. Staff see every count here; the CSV and JSON exports
/// suppress small cells (docs/outcomes.md).
public enum OutcomesPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The filter as typed (re-shown after an error).
        public let values: [String: String]
        /// Field errors; when present no report is drawn.
        public let errors: FieldErrors
        /// The report, when the filter was valid.
        public let report: OutcomeReport?
        /// The protocols the filter offers (id, name).
        public let protocols: [(id: String, name: String)]
        /// The network's clinics the reader may choose (id, name); empty for a reader of one clinic.
        public let clinics: [(id: String, name: String)]

        /// A model.
        public init(values: [String: String], errors: FieldErrors, report: OutcomeReport?, protocols: [(id: String, name: String)],
                    clinics: [(id: String, name: String)] = []) {
            self.values = values
            self.errors = errors
            self.report = report
            self.protocols = protocols
            self.clinics = clinics
        }
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    static func rateText(_ rate: Proportion) -> String {
        guard let value = rate.value else { return "no counted course" }
        return "\(percent(value)) (\(rate.count) of \(rate.total); 95% CI \(percent(rate.lower))–\(percent(rate.upper)))"
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let title = model.errors.isEmpty ? "Clinic outcomes" : "Error: clinic outcomes"
        return Layout.page(
            title: title, context: context,
            content:
            .h1(.text("Clinic outcomes")),
            .p(.class("hint"), .text("How the clinic's courses went: response, remission, relapse and duration of effect, "
                                     + "with the published figures beside them. Courses are counted by the day of their first session."),
               .if(!model.clinics.isEmpty, .group(.text(" "), .a(.href("/outcomes/network"), .text("Compare the network's clinics"))))),
            FormField.errorSummary(model.errors),
            filterForm(model),
            .if(model.errors.isEmpty, reportSections(model))
        )
    }

    /// The cohort fields both outcome pages (one clinic, the network) filter by.
    static func cohortFields(values v: [String: String], errors e: FieldErrors, protocols: [(id: String, name: String)]) -> Node<HTML.FormContext> {
        func choices(_ pairs: [(String, String)]) -> [(value: String, label: String)] { pairs.map { (value: $0.0, label: $0.1) } }
        return .group(
            FormField.input("from", label: "Courses starting from", type: .date, value: v["from"], errors: e, required: true),
            FormField.input("to", label: "to", type: .date, value: v["to"], errors: e, required: true),
            FormField.select("treatment", label: "Treatment", choices: choices(Treatment.allCases.map { ($0.rawValue, $0.displayName) }),
                             selected: v["treatment"], errors: e, hint: "Leave as “Choose…” for all."),
            FormField.select("protocol", label: "Protocol", choices: protocols.map { (value: $0.id, label: $0.name) },
                             selected: v["protocol"], errors: e),
            FormField.select("diagnosis", label: "Diagnosis", choices: choices(OutcomeCohortFilter.diagnosisValues.map { ($0, OutcomeReport.label($0, .diagnosis)) }),
                             selected: v["diagnosis"], errors: e),
            FormField.select("trdStage", label: "TRD stage (Maudsley [R53])", choices: choices(OutcomeCohortFilter.trdStageValues.map { ($0, OutcomeReport.label($0, .trdStage)) }),
                             selected: v["trdStage"], errors: e),
            FormField.select("ageBand", label: "Age at course start", choices: choices(AgeBand.allCases.map { ($0.rawValue, $0.label) }),
                             selected: v["ageBand"], errors: e),
            FormField.select("sex", label: "Sex at birth", choices: choices(SexAtBirth.allCases.map { ($0.rawValue, $0.displayName) }),
                             selected: v["sex"], errors: e))
    }

    static func filterForm(_ model: Model) -> Node<HTML.BodyContext> {
        let v = model.values, e = model.errors
        func choices(_ pairs: [(String, String)]) -> [(value: String, label: String)] { pairs.map { (value: $0.0, label: $0.1) } }
        return .form(.class("stacked outcome-filter"), .method(.get), .action("/outcomes"), .attribute(named: "novalidate", value: "novalidate"),
                     .fieldset(.element(named: "legend", text: "Cohort"),
                               cohortFields(values: v, errors: e, protocols: model.protocols),
                               .if(!model.clinics.isEmpty,
                                   FormField.select("clinic", label: "Clinic", choices: model.clinics.map { (value: $0.id, label: $0.name) },
                                                    selected: v["clinic"], errors: e, hint: "Leave as “Choose…” for your own clinic."))),
                     .fieldset(.element(named: "legend", text: "Compare time to relapse (log-rank)"),
                               FormField.select("compare", label: "Compare by", choices: choices(OutcomeDimension.allCases.filter { $0 != .startMonth }.map { ($0.rawValue, $0.label) }),
                                                selected: v["compare"], errors: e, hint: "Default: IV ketamine against esketamine."),
                               FormField.input("first", label: "First cohort (stored value)", value: v["first"], errors: e, hint: "e.g. female, iv-ketamine, 65+"),
                               FormField.input("second", label: "Second cohort (stored value)", value: v["second"], errors: e)),
                     .div(.class("actions"), .button(.type(.submit), .text("Show outcomes"))))
    }

    static func reportSections(_ model: Model) -> Node<HTML.BodyContext> {
        guard let report = model.report else { return .empty }
        let query = report.filter.fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.1)" }.joined(separator: "&")
        guard !report.isEmpty else {
            return .section(.id("outcome-empty"), .class("notice"),
                            .h2(.text("No course in this cohort")),
                            .p(.text("No course had its first session from \(report.filter.from.iso) to \(report.filter.to.iso) with the chosen filters, "
                                     + "so there is nothing to measure. Widen the period or clear a filter.")))
        }
        let overall = report.overall
        let excluded = CourseExclusion.allCases.compactMap { reason -> Node<HTML.ListContext>? in
            guard let count = overall.excluded[reason], count > 0 else { return nil }
            return .li(.text("\(reason.label): \(count)"))
        }
        return .group(
            .section(.id("outcome-cohort"),
                     .h2(.text("Cohort")),
                     .p(.text("\(overall.courses) course\(overall.courses == 1 ? "" : "s") started from \(report.filter.from.iso) to \(report.filter.to.iso); "
                              + "\(overall.included) counted, \(overall.courses - overall.included) left out.")),
                     .if(!excluded.isEmpty, .ul(.class("exclusions"), .group(excluded))),
                     .p(.class("hint"), .text("Each course is judged on PHQ-9, or on MADRS when it has no PHQ-9 baseline. Baseline: the last rating in the "
                                              + "\(CourseOutcome.baselineWindowDays) days up to the first session (clinic policy)."))),
            measuresTable(report),
            .section(.id("outcome-rates"), .h2(.text("Rates per cohort")),
                     .group([OutcomeDimension.treatment, .protocolID, .ageBand, .sex, .diagnosis, .trdStage, .startMonth].compactMap { dimension in
                         guard let breakdown = report.breakdowns.first(where: { $0.dimension == dimension }), !breakdown.rows.isEmpty else { return nil }
                         return OutcomeCharts.rates(title: "Response by \(dimension.label.lowercased())", rows: breakdown.rows.map { row in
                             (label: row.label, rate: row.tally.responseRate, benchmarks: row.benchmarks.filter { $0.benchmark.measure == "response" })
                         })
                     }),
                     { () -> Node<HTML.BodyContext> in
                         guard let breakdown = report.breakdowns.first(where: { $0.dimension == .treatment }) else { return .empty }
                         return OutcomeCharts.rates(title: "Remission by treatment", rows: breakdown.rows.map { row in
                             (label: row.label, rate: row.tally.remissionRate, benchmarks: row.benchmarks.filter { $0.benchmark.measure == "remission" })
                         })
                     }()),
            .section(.id("outcome-waterfall"), .h2(.text("Change from baseline")),
                     OutcomeCharts.waterfall(report.waterfall, instrumentNote: "PHQ-9 or MADRS")),
            .section(.id("outcome-survival"), .h2(.text("Survival curves")),
                     .p(.class("hint"), .text("Kaplan–Meier estimates: a course or dose still going at its last rating counts as censored (“at least this long”), "
                                              + "not dropped. Bands are 95% (Greenwood variance, log(−log) scale). Numbers at risk under each plot.")),
                     OutcomeCharts.survival(title: report.timeToRelapse.title, curves: [(label: "All responders", curve: report.timeToRelapse.curve)],
                                            timeLabel: "days since first response"),
                     comparison(report),
                     OutcomeCharts.survival(title: report.durationOfEffect.title, curves: [(label: "All doses", curve: report.durationOfEffect.curve)],
                                            timeLabel: "days since the dose"),
                     OutcomeCharts.survival(title: report.timeToResponse.title, curves: [(label: "Still to respond", curve: report.timeToResponse.curve)],
                                            timeLabel: "days since the first session")),
            safety(report.safety),
            .section(.id("outcome-exports"), .h2(.text("Exports")),
                     .p(.text("The same figures with counts from 1 to 10 suppressed: "),
                        .a(.href("/outcomes/export.csv?\(query)"), .text("CSV")), .text(" · "),
                        .a(.href("/api/v1/outcomes?\(query)"), .text("JSON (API)")), .text(". "),
                        .text("Command line: ketaclinic report outcomes --from \(report.filter.from.iso) --to \(report.filter.to.iso)"
                              + (report.filter.clinicID.map { " --clinic \($0.uuidString)" } ?? "") + " --json")))
        )
    }

    static func measuresTable(_ report: OutcomeReport) -> Node<HTML.BodyContext> {
        let overall = report.overall
        func median(_ value: Double?, _ unit: String) -> String { value.map { "median \(String(format: "%g", $0)) \(unit)" } ?? "median not reached" }
        func row(_ id: String, _ value: String, benchmarks: [BenchmarkComparison] = [], published: [OutcomeBenchmark] = []) -> Node<HTML.TableContext> {
            let definition = OutcomeMeasureDefinition.all.first { $0.id == id }!
            var notes: [Node<HTML.ListContext>] = benchmarks.map { comparison in
                .li(.class(comparison.isBelow ? "benchmark below" : "benchmark"),
                    .text("\(comparison.benchmark.treatment.displayName), \(comparison.benchmark.study): \(percent(comparison.benchmark.value)) (\(comparison.benchmark.note)) [\(comparison.benchmark.source)]"),
                    .if(comparison.isBelow, .strong(.text(" ⚠ The clinic's 95% interval for \(comparison.benchmark.treatment.displayName) lies wholly below this figure."))))
            }
            notes += published.map { benchmark in
                .li(.class("benchmark"), .text("\(benchmark.treatment.displayName), \(benchmark.study): \(String(format: "%g", benchmark.value)) (\(benchmark.note)) [\(benchmark.source)]"))
            }
            return .tr(.th(.attribute(named: "scope", value: "row"), .text(definition.name)),
                       .td(.text(value)),
                       .td(.text(definition.definition), .span(.class("source"), .text(" [\(definition.source)]"))),
                       .td(notes.isEmpty ? .text("No published figure in the reference") : .ul(.group(notes))))
        }
        let reliable = overall.reliableAssessed > 0 ? rateText(overall.reliableImprovementRate)
            : "not assessed: no reliable-change threshold is set (none is published for PHQ-9 or MADRS)"
        return .section(.id("outcome-measures"), .h2(.text("Measures")),
                        .table(.class("data outcome-measures"),
                               .thead(.tr(.th(.text("Measure")), .th(.text("Clinic")), .th(.text("Definition and source")), .th(.text("Published figures")))),
                               .tbody(
                                   row("response", rateText(overall.responseRate), benchmarks: report.benchmarks(for: "response")),
                                   row("remission", rateText(overall.remissionRate), benchmarks: report.benchmarks(for: "remission")),
                                   row("reliable-change", reliable),
                                   row("time-to-response", median(report.timeToResponse.curve.median, "days")),
                                   row("sessions-to-response", report.sessionsToResponse.median.map { "median \($0) sessions (\(report.sessionsToResponse.responders) responders)" } ?? "no responder",
                                       published: report.timeToRelapse.benchmarks.isEmpty ? [] : (report.filter.treatment.map { [$0] } ?? Treatment.allCases)
                                        .flatMap { OutcomeBenchmark.benchmarks(for: "sessions-to-response", treatment: $0) }),
                                   row("relapse", rateText(overall.relapseRate) + "; " + median(report.timeToRelapse.curve.median, "days from response"),
                                       benchmarks: report.benchmarks(for: "relapse"), published: report.timeToRelapse.benchmarks),
                                   row("duration-of-effect", median(report.durationOfEffect.curve.median, "days") + " over \(report.durationOfEffect.curve.subjects) doses"),
                                   row("dropout", rateText(overall.dropoutRate)))))
    }

    static func comparison(_ report: OutcomeReport) -> Node<HTML.BodyContext> {
        let c = report.comparison
        let first = OutcomeReport.label(c.comparison.first, c.comparison.dimension), second = OutcomeReport.label(c.comparison.second, c.comparison.dimension)
        let result: String = if let test = c.test {
            String(format: "Log-rank test: χ² = %.3f (1 degree of freedom), p = %.4g. Relapses seen %d vs %d; expected if the curves were the same %.1f vs %.1f.",
                   test.statistic, test.pValue, test.observedFirst, test.observedSecond, test.expectedFirst, test.expectedSecond)
        } else {
            "No log-rank test: one cohort has no responder, or no relapse was seen in either."
        }
        return .group(
            OutcomeCharts.survival(title: "Time to relapse: \(first) vs \(second)",
                                   curves: [(label: first, curve: c.first), (label: second, curve: c.second)], timeLabel: "days since first response"),
            .p(.id("logrank-result"), .text(result)))
    }

    static func safety(_ s: SafetyMeasures) -> Node<HTML.BodyContext> {
        func per100(_ count: Int) -> String { s.per100(count).map { String(format: "%.2f", $0) } ?? "—" }
        let rows: [(String, Int, String)] = [
            ("Blood-pressure alerts (high or risen from pre-dose [R18])", s.bloodPressureAlerts, "alerts"),
            ("Sessions with dissociation (CADSS > 4 [R27])", s.dissociationObservations, "sessions"),
            ("Discharges more than \(s.dischargeDelayMinutes) min after readiness (clinic policy)", s.dischargeDelays, "sessions of \(s.dischargesTimed) timed"),
            ("Suicidality alerts (PHQ-9 item 9, C-SSRS)", s.suicidalityAlerts, "alerts"),
        ]
        return .section(.id("outcome-safety"), .h2(.text("Safety and quality")),
                        .p(.text("Over \(s.sessions) session\(s.sessions == 1 ? "" : "s") given in the period.")),
                        .table(.class("data"),
                               .thead(.tr(.th(.text("Measure")), .th(.text("Count")), .th(.text("Per 100 sessions")))),
                               .tbody(.group(rows.map { row in .tr(.th(.attribute(named: "scope", value: "row"), .text(row.0)), .td(.text("\(row.1) \(row.2)")), .td(.text(per100(row.1)))) }),
                                      .tr(.th(.attribute(named: "scope", value: "row"), .text("Minutes from alert to acknowledgement")),
                                          .td(.text("\(s.acknowledgementMinutes.count) acknowledged, \(s.unacknowledgedAlerts) not yet")),
                                          .td(.text(s.medianAcknowledgementMinutes.map { String(format: "median %.1f, 90th percentile %.1f", $0, s.p90AcknowledgementMinutes ?? $0) } ?? "—"))))))
    }
}
