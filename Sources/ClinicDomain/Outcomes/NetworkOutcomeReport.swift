import Foundation

extension OutcomeAggregates {
    /// Adds another group's counts: the network total is the clinics' grouped counts added up,
    /// so it needs no query of its own and always equals the sum of its columns.
    public mutating func add(_ other: OutcomeAggregates) {
        for (dimension, values) in other.tallies {
            for (value, tally) in values { tallies[dimension, default: [:]][value, default: OutcomeTally()].add(tally) }
        }
        func merged(_ a: [SurvivalCount], _ b: [SurvivalCount]) -> [SurvivalCount] {
            var table: [Double: (Int, Int)] = [:]
            for count in a + b {
                let entry = table[count.time] ?? (0, 0)
                table[count.time] = (entry.0 + count.events, entry.1 + count.censored)
            }
            return table.map { SurvivalCount(time: $0.key, events: $0.value.0, censored: $0.value.1) }.sorted { $0.time < $1.time }
        }
        timeToResponse = merged(timeToResponse, other.timeToResponse)
        timeToRelapse = merged(timeToRelapse, other.timeToRelapse)
        durationOfEffect = merged(durationOfEffect, other.durationOfEffect)
        comparisonFirst = merged(comparisonFirst, other.comparisonFirst)
        comparisonSecond = merged(comparisonSecond, other.comparisonSecond)
        for (bin, count) in other.waterfall { waterfall[bin, default: 0] += count }
        for (sessions, count) in other.sessionsToResponse { sessionsToResponse[sessions, default: 0] += count }
    }
}

extension SafetyMeasures {
    /// Adds another clinic's sessions, alerts and acknowledgement times (the delay limit is the filter's, the same for all).
    public mutating func add(_ other: SafetyMeasures) {
        sessions += other.sessions
        bloodPressureAlerts += other.bloodPressureAlerts
        dissociationObservations += other.dissociationObservations
        dischargeDelays += other.dischargeDelays
        dischargesTimed += other.dischargesTimed
        suicidalityAlerts += other.suicidalityAlerts
        acknowledgementMinutes += other.acknowledgementMinutes
        unacknowledgedAlerts += other.unacknowledgedAlerts
    }
}

/// A clinic network's outcomes side by side: each clinic's report on the same cohort filter, and
/// the network total, so a network's director sees which clinic does better, for whom.
public struct NetworkOutcomeReport: Equatable, Sendable {
    /// One clinic's column.
    public struct ClinicColumn: Equatable, Sendable {
        /// The clinic.
        public let clinicID: UUID
        /// Its name, for people.
        public let name: String
        /// Its report.
        public let report: OutcomeReport

        /// A column.
        public init(clinicID: UUID, name: String, report: OutcomeReport) {
            self.clinicID = clinicID
            self.name = name
            self.report = report
        }
    }

    /// Which courses (the same filter in every clinic).
    public let filter: OutcomeCohortFilter
    /// Each clinic, in name order.
    public let clinics: [ClinicColumn]
    /// The whole network: every clinic's courses together.
    public let network: OutcomeReport

    /// Assembles the report from each clinic's grouped counts and safety measures; the network
    /// column adds them up (tallies, survival counts, waterfall and safety are all sums).
    public static func assemble(filter: OutcomeCohortFilter,
                                clinics: [(clinicID: UUID, name: String, aggregates: OutcomeAggregates, safety: SafetyMeasures)],
                                labels: [OutcomeDimension: [String: String]] = [:]) -> NetworkOutcomeReport {
        var total = OutcomeAggregates(), safety = SafetyMeasures()
        safety.dischargeDelayMinutes = filter.dischargeDelayMinutes
        var columns: [ClinicColumn] = []
        for clinic in clinics.sorted(by: { ($0.name, $0.clinicID.uuidString) < ($1.name, $1.clinicID.uuidString) }) {
            total.add(clinic.aggregates)
            safety.add(clinic.safety)
            columns.append(ClinicColumn(clinicID: clinic.clinicID, name: clinic.name,
                                        report: OutcomeReport.assemble(filter: filter, aggregates: clinic.aggregates, safety: clinic.safety,
                                                                       labels: labels)))
        }
        return NetworkOutcomeReport(filter: filter, clinics: columns,
                                    network: OutcomeReport.assemble(filter: filter, aggregates: total, safety: safety, labels: labels))
    }

    /// A report from its parts.
    public init(filter: OutcomeCohortFilter, clinics: [ClinicColumn], network: OutcomeReport) {
        self.filter = filter
        self.clinics = clinics
        self.network = network
    }

    /// True when no clinic had a matching course: said in words, never drawn as a table of zeros.
    public var isEmpty: Bool { network.isEmpty }
}

/// The network report as it leaves the clinic (JSON API, CSV, `ketaclinic report outcomes --network`):
/// each clinic's headline figures and the network total, small cells suppressed as in ``OutcomeExport``.
public struct NetworkOutcomeExport: Codable, Equatable, Sendable {
    /// One clinic's (or the network's) figures.
    public struct Column: Codable, Equatable, Sendable {
        /// The clinic id; null for the network total.
        public let clinicID: String?
        /// The clinic's name, or "Network total".
        public let name: String
        public let courses: Int?
        public let included: Int?
        public let excluded: [OutcomeExport.Exclusion]
        /// Every measure with its definition, rate or median, and benchmarks.
        public let measures: [OutcomeExport.Measure]
        /// Time to relapse compared between the filter's two cohorts, in this clinic.
        public let comparison: OutcomeExport.Comparison
        public let safety: OutcomeExport.Safety

        init(clinicID: UUID?, name: String, report: OutcomeReport) {
            let export = OutcomeExport(report)
            self.clinicID = clinicID?.uuidString
            self.name = name
            courses = export.courses
            included = export.included
            excluded = export.excluded
            measures = export.measures
            comparison = export.comparison
            safety = export.safety
        }
    }

    public let from: String
    public let to: String
    public let filter: [String: String]
    public let suppression: String
    /// One column per clinic, in name order.
    public let clinics: [Column]
    /// The network total.
    public let network: Column

    /// The export of a network report.
    public init(_ report: NetworkOutcomeReport) {
        from = report.filter.from.iso
        to = report.filter.to.iso
        filter = Dictionary(report.filter.fields, uniquingKeysWith: { $1 })
        suppression = OutcomeExport.suppressionNote
        clinics = report.clinics.map { Column(clinicID: $0.clinicID, name: $0.name, report: $0.report) }
        network = Column(clinicID: nil, name: Self.networkName, report: report.network)
    }

    /// The total column's name.
    public static let networkName = "Network total"

    /// One line per clinic and figure: `clinic_id,clinic,measure,numerator,denominator,rate,lower,upper,median`.
    /// Suppressed cells are empty; the network total has an empty clinic id.
    public var csv: String {
        var lines = ["clinic_id,clinic,measure,numerator,denominator,rate,lower,upper,median"]
        func number(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        func int(_ value: Int?) -> String { value.map(String.init) ?? "" }
        for column in clinics + [network] {
            func line(_ parts: [String]) { lines.append(([column.clinicID ?? "", column.name] + parts).map(OutcomeExport.csvField).joined(separator: ",")) }
            line(["courses", int(column.courses), "", "", "", "", ""])
            line(["included", int(column.included), int(column.courses), "", "", "", ""])
            for exclusion in column.excluded { line(["excluded-\(exclusion.reason)", int(exclusion.courses), int(column.courses), "", "", "", ""]) }
            for measure in column.measures {
                line([measure.id, int(measure.rate?.numerator), int(measure.rate?.denominator), number(measure.rate?.value),
                      number(measure.rate?.lower), number(measure.rate?.upper), measure.median.map { String(format: "%g", $0) } ?? ""])
            }
            line(["log-rank-chi-square", int(column.comparison.firstSubjects), int(column.comparison.secondSubjects),
                  number(column.comparison.chiSquare), "", "", ""])
            let s = column.safety
            for (id, value) in [("bp-alerts-per-100", s.bloodPressureAlertsPer100), ("dissociation-per-100", s.dissociationPer100),
                                ("discharge-delays-per-100", s.dischargeDelaysPer100), ("suicidality-alerts-per-100", s.suicidalityAlertsPer100)] {
                line([id, "", int(s.sessions), number(value), "", "", ""])
            }
            line(["minutes-to-acknowledge", "", "", "", "", "", number(s.medianMinutesToAcknowledge)])
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
