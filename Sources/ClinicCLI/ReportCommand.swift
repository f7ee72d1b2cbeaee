import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic report outcomes|survival`: the clinic's outcome report from the command line, and
/// the survival estimator over any CSV (docs/outcomes.md).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Clinic reports: outcomes, and survival estimates over a CSV.",
        subcommands: [Outcomes.self, Survival.self])

    struct Outcomes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Response, remission, relapse and duration of effect for courses started in a period.",
            discussion: """
                Courses whose first session fell from --from to --to (YYYY-MM-DD, inclusive), narrowed by any \
                cohort option. Counts from 1 to 10 are suppressed in every output (health statistics \
                convention). Exits 2 for bad input (an inverted range, an unknown protocol), 3 when no course matches.
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "First course start day, YYYY-MM-DD.") var from: String
        @Option(help: "Last course start day, YYYY-MM-DD.") var to: String
        @Option(help: "Treatment: \(Treatment.allCases.map(\.rawValue).joined(separator: ", ")).") var treatment: String?
        @Option(name: .customLong("protocol"), help: "Protocol id.") var protocolID: String?
        @Option(help: "Diagnosis family: \(OutcomeCohortFilter.diagnosisValues.joined(separator: ", ")).") var diagnosis: String?
        @Option(help: "TRD stage: \(OutcomeCohortFilter.trdStageValues.joined(separator: ", ")).") var trdStage: String?
        @Option(help: "Age band: \(AgeBand.allCases.map(\.rawValue).joined(separator: ", ")).") var ageBand: String?
        @Option(help: "Sex at birth: \(SexAtBirth.allCases.map(\.rawValue).joined(separator: ", ")).") var sex: String?
        @Option(help: "Only this clinic of the network (its id; `ketaclinic clinic list` shows them). Default: the first clinic.")
        var clinic: String?
        @Flag(help: "Every clinic of the network side by side, with the network total.") var network = false
        @Option(help: "Compare time to relapse by: \(OutcomeDimension.allCases.filter { $0 != .startMonth }.map(\.rawValue).joined(separator: ", ")).")
        var compare: String?
        @Option(help: "The first cohort of the comparison.") var first: String?
        @Option(help: "The second cohort of the comparison.") var second: String?
        @Flag(help: "Print the report as JSON (the API's document).") var json = false
        @Flag(help: "Print the report as CSV.") var csv = false

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let fields: [String: String?] = ["from": from, "to": to, "treatment": treatment, "protocol": protocolID, "diagnosis": diagnosis,
                                                 "trdStage": trdStage, "ageBand": ageBand, "sex": sex, "compare": compare,
                                                 "first": first, "second": second, "clinic": clinic]
                if network {
                    let export = try await networkExport(fields.compactMapValues { $0 })
                    try show(export, csv: export.csv, text: OutcomeText.render(export))
                    return
                }
                let export = try await CommandSupport.withDatabase(options) { database, _ -> OutcomeExport in
                    let home = try await CommandSupport.primaryClinic(database)
                    let repository = CourseOutcomeRepository(database: database)
                    let today = CalendarDate(instant: Date(), in: home.settings.resolvedTimeZone)
                    // Bad input exits 2 naming each field: `reportingErrors` reports field errors so.
                    var filter = try OutcomeCohortFilter.parse(fields.compactMapValues { $0 },
                                                               knownProtocols: try await repository.protocolIDs(clinicID: home.id), today: today)
                    var clinic = home
                    if let id = filter.clinicID, id != home.id {
                        guard let other = try await SQLClinicRepository(database: database).all().first(where: { $0.id == id }) else {
                            throw CommandSupport.fail("clinic: no clinic of this network has the id \(id.uuidString).", code: 2)
                        }
                        clinic = other
                    } else {
                        filter.clinicID = nil
                    }
                    let policy = try await SafetyPolicyRepository(database: database).policy(of: clinic.id).outcomePolicy
                    let report = try await repository.report(filter, clinicID: clinic.id, timeZone: clinic.settings.resolvedTimeZone,
                                                             policy: policy, now: Date())
                    try await Self.recordExport(
                        of: filter, summary: "outcome report of \(clinic.settings.name), \(report.overall.courses) courses, command line",
                        command: "report outcomes", isEmpty: report.isEmpty, whereNothing: "", database: database)
                    return OutcomeExport(report)
                }
                try show(export, csv: export.csv, text: OutcomeText.render(export))
            }
        }

        /// Prints a report as the flags ask: JSON, CSV or text. One clinic's report and the
        /// network's print alike.
        func show(_ export: some Encodable, csv csvText: String, text: @autoclosure () -> String) throws {
            if json {
                print(try CommandSupport.jsonText(export))
            } else if csv {
                print(csvText, terminator: "")
            } else {
                print(text())
            }
        }

        /// Audits the export of a report over `filter` (also when nothing matched, as every export
        /// is), then exits 3 when no course matched; `whereNothing` says where none was looked for.
        static func recordExport(of filter: OutcomeCohortFilter, summary: String, command: String, isEmpty: Bool,
                                 whereNothing: String, database: ClinicDatabase) async throws {
            try await AuditTrail(database: database).record(
                AuditEvent(.export, entityType: "outcome_report", entityID: "\(filter.from.iso)..\(filter.to.iso)", summary: summary),
                stamp: CommandSupport.operatorStamp(command))
            guard !isEmpty else {
                throw CommandSupport.fail("no course started from \(filter.from.iso) to \(filter.to.iso) matches\(whereNothing); nothing to report.", code: 3)
            }
        }

        /// The network report: every clinic of the database on the same filter, with the total.
        func networkExport(_ fields: [String: String]) async throws -> NetworkOutcomeExport {
            try await CommandSupport.withDatabase(options) { database, _ -> NetworkOutcomeExport in
                let clinics = try await SQLClinicRepository(database: database).all()
                guard let home = clinics.first else {
                    throw CommandSupport.fail("no clinic in this database yet: run `ketaclinic migrate` and set one up first.", code: 2)
                }
                let repository = CourseOutcomeRepository(database: database)
                var protocols = Set<String>()
                var entries: [CourseOutcomeRepository.NetworkClinic] = []
                for clinic in clinics {
                    protocols.formUnion(try await repository.protocolIDs(clinicID: clinic.id))
                    entries.append(.init(clinic: clinic, policy: try await SafetyPolicyRepository(database: database).policy(of: clinic.id).outcomePolicy))
                }
                let filter = try OutcomeCohortFilter.parse(fields, knownProtocols: protocols.sorted(),
                                                           today: CalendarDate(instant: Date(), in: home.settings.resolvedTimeZone))
                if let id = filter.clinicID, !clinics.contains(where: { $0.id == id }) {
                    throw CommandSupport.fail("clinic: no clinic of this network has the id \(id.uuidString).", code: 2)
                }
                let report = try await repository.networkReport(filter, clinics: entries, now: Date())
                try await Self.recordExport(
                    of: filter,
                    summary: "network outcome report, \(report.clinics.count) clinics, \(report.network.overall.courses) courses, command line",
                    command: "report outcomes --network", isEmpty: report.isEmpty, whereNothing: " in any clinic", database: database)
                return NetworkOutcomeExport(report)
            }
        }
    }

    struct Survival: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kaplan–Meier curves (Greenwood 95% band) and a log-rank test over a CSV of time,event[,group].",
            discussion: """
                The CSV has a header and the columns time (days, ≥ 0), event (1 = event, 0 = censored) and \
                optionally group; with exactly two groups the log-rank test compares them. Prints JSON. Exits 2 for bad input.
                """)
        @Option(help: "The CSV file.") var input: String

        struct Output: Encodable {
            let curves: [String: KaplanMeierCurve]
            let logRank: LogRankTest?
        }

        func run() throws {
            guard let text = try? String(contentsOfFile: input, encoding: .utf8) else {
                throw CommandSupport.fail("input: cannot read \(input).", code: 2)
            }
            var groups: [String: [SurvivalObservation]] = [:]
            var order: [String] = []
            for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() where number > 0 && !line.isEmpty {
                let parts = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count >= 2, let time = Double(parts[0]), time.isFinite, time >= 0, time <= 1e9,
                      let event = Int(parts[1]), event == 0 || event == 1 else {
                    throw CommandSupport.fail("line \(number + 1): expected time (a number ≥ 0), event (0 or 1)[, group].", code: 2)
                }
                let group = parts.count > 2 ? parts[2] : "all"
                if groups[group] == nil { order.append(group) }
                groups[group, default: []].append(SurvivalObservation(time: time, event: event == 1))
            }
            guard !groups.isEmpty else { throw CommandSupport.fail("input: no rows after the header.", code: 2) }
            func counts(_ observations: [SurvivalObservation]) -> [SurvivalCount] {
                observations.map { SurvivalCount(time: $0.time, events: $0.event ? 1 : 0, censored: $0.event ? 0 : 1) }
            }
            let test = order.count == 2 ? LogRankTest.compare(counts(groups[order[0]]!), counts(groups[order[1]]!)) : nil
            print(try CommandSupport.jsonText(Output(curves: groups.mapValues(KaplanMeier.estimate), logRank: test)))
        }
    }
}

/// The plain-text outcome report the CLI prints.
enum OutcomeText {
    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "suppressed" }

    static func render(_ export: OutcomeExport) -> String {
        var lines: [String] = []
        func count(_ value: Int?) -> String { value.map(String.init) ?? "<11" }
        lines.append("Clinic outcomes: courses started \(export.from) to \(export.to)")
        lines.append("Courses: \(count(export.courses)); counted: \(count(export.included))")
        for exclusion in export.excluded where exclusion.courses != 0 {
            lines.append("  excluded, \(exclusion.label.lowercased()): \(count(exclusion.courses))")
        }
        lines.append("")
        for measure in export.measures {
            var text = "\(measure.name): "
            if let rate = measure.rate {
                text += rate.value == nil ? "suppressed (small numbers)"
                    : "\(percent(rate.value)) (\(count(rate.numerator)) of \(count(rate.denominator)); 95% CI \(percent(rate.lower))–\(percent(rate.upper)))"
            }
            if let median = measure.median { text += (measure.rate == nil ? "" : "; ") + "median \(String(format: "%g", median))" }
            if measure.rate == nil && measure.median == nil { text += "not available" }
            lines.append(text + " [\(measure.source)]")
            for benchmark in measure.benchmarks {
                let value = benchmark.measure.hasPrefix("sessions") || benchmark.measure.hasPrefix("time") ? String(format: "%g", benchmark.value)
                    : percent(benchmark.value)
                lines.append("    \(benchmark.study): \(value), \(benchmark.note) [\(benchmark.source)]"
                             + (benchmark.clinicBelow == true ? "  ⚠ clinic's 95% interval wholly below" : ""))
            }
        }
        let c = export.comparison
        lines.append("")
        lines.append("Time to relapse, \(c.first) vs \(c.second) (log-rank): "
                     + (c.chiSquare.map { String(format: "χ² %.3f, p %.4g", $0, c.pValue ?? 1) } ?? "not tested (small numbers or no relapse)"))
        let s = export.safety
        func rate(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "suppressed" }
        lines.append("")
        lines.append("Safety over \(count(s.sessions)) sessions given (per 100 sessions): blood-pressure alerts \(rate(s.bloodPressureAlertsPer100)), "
                     + "dissociation \(rate(s.dissociationPer100)), discharge delays > \(s.dischargeDelayMinutes) min \(rate(s.dischargeDelaysPer100)), "
                     + "suicidality alerts \(rate(s.suicidalityAlertsPer100)); median minutes to acknowledge "
                     + (s.medianMinutesToAcknowledge.map { String(format: "%.1f", $0) } ?? "suppressed"))
        lines.append(export.suppression)
        return lines.joined(separator: "\n")
    }
}

extension OutcomeText {
    /// The network report as a table: one column per clinic and the network total.
    static func render(_ export: NetworkOutcomeExport) -> String {
        func count(_ value: Int?) -> String { value.map(String.init) ?? "<11" }
        func rate(_ rate: OutcomeExport.Rate?) -> String {
            guard let rate else { return "—" }
            return rate.value == nil ? "suppressed" : "\(percent(rate.value)) (\(percent(rate.lower))–\(percent(rate.upper)))"
        }
        let columns = export.clinics + [export.network]
        var rows: [(String, [String])] = [("Courses", columns.map { count($0.courses) }), ("Counted", columns.map { count($0.included) })]
        for (index, exclusion) in (export.network.excluded).enumerated() {
            rows.append(("Left out: \(exclusion.label.lowercased())", columns.map { count($0.excluded[index].courses) }))
        }
        for (index, measure) in export.network.measures.enumerated() {
            rows.append((measure.name, columns.map { column in
                let m = column.measures[index]
                var parts: [String] = []
                if m.rate != nil { parts.append(rate(m.rate)) }
                if let median = m.median { parts.append("median \(String(format: "%g", median))") }
                return parts.isEmpty ? (m.rate == nil && m.id != "reliable-change" ? "not reached" : "—") : parts.joined(separator: "; ")
            }))
        }
        func per100(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "suppressed" }
        rows.append(("Sessions given", columns.map { count($0.safety.sessions) }))
        rows.append(("BP alerts /100 sessions", columns.map { per100($0.safety.bloodPressureAlertsPer100) }))
        rows.append(("Dissociation /100 sessions", columns.map { per100($0.safety.dissociationPer100) }))
        rows.append(("Discharge delays /100 sessions", columns.map { per100($0.safety.dischargeDelaysPer100) }))
        rows.append(("Suicidality alerts /100 sessions", columns.map { per100($0.safety.suicidalityAlertsPer100) }))
        var table = TextTable([.text("Figure")] + columns.map { .number($0.name) })
        for row in rows { table.add([row.0] + row.1) }
        var lines = ["Network outcomes: courses started \(export.from) to \(export.to)"] + table.lines()
        lines.append(export.suppression)
        return lines.joined(separator: "\n")
    }
}
