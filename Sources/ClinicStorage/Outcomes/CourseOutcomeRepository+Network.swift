import ClinicDomain
import Foundation

extension CourseOutcomeRepository {
    /// One clinic of a network report, with what its figures are judged by.
    public struct NetworkClinic: Sendable {
        /// The clinic.
        public let clinic: Clinic
        /// Its outcome policy (response, relapse and effect thresholds).
        public let policy: OutcomePolicy

        /// A clinic and its policy.
        public init(clinic: Clinic, policy: OutcomePolicy) {
            self.clinic = clinic
            self.policy = policy
        }
    }

    /// Each clinic's outcomes on the same filter, side by side, with the network total: every
    /// clinic's rows are refreshed, counted with the same grouped queries as one clinic's report,
    /// and the total is their sum. With `filter.clinicID` set, only that clinic is reported.
    public func networkReport(_ filter: OutcomeCohortFilter, clinics: [NetworkClinic], now: Date,
                              labels: [OutcomeDimension: [String: String]] = [:]) async throws -> NetworkOutcomeReport {
        let chosen = clinics.filter { filter.clinicID == nil || $0.clinic.id == filter.clinicID }
        var parts: [(clinicID: UUID, name: String, aggregates: OutcomeAggregates, safety: SafetyMeasures)] = []
        for entry in chosen {
            let id = entry.clinic.id
            var own = filter
            own.clinicID = id
            try await refresh(clinicID: id, policy: entry.policy, now: now)
            let aggregates = try await aggregates(own, clinicID: id)
            let safety = try await safety(own, clinicID: id, timeZone: entry.clinic.settings.resolvedTimeZone)
            parts.append((id, entry.clinic.settings.name, aggregates, safety))
        }
        var clinicNames = labels[.clinic] ?? [:]
        for entry in chosen { clinicNames[entry.clinic.id.uuidString] = entry.clinic.settings.name }
        var allLabels = labels
        allLabels[.clinic] = clinicNames
        return NetworkOutcomeReport.assemble(filter: filter, clinics: parts, labels: allLabels)
    }
}
