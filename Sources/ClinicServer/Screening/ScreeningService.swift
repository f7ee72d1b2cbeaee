import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// Screening shared by the chart, the screening pages and the API: evaluate the current record
/// under the clinic's policy and jurisdiction, and sign a review.
struct ScreeningService: Sendable {
    let services: ClinicServices

    /// The live evaluation and treatment-resistance assessment of `chart`.
    func evaluate(_ chart: PatientChart, clinic: Clinic) async throws -> (ScreeningResult, TreatmentResistanceAssessment) {
        let policies = try await services.policies.policies(of: clinic.id)
        let today = services.today(for: clinic)
        let record = chart.record
        let result = ScreeningEngine.evaluate(record, policy: policies.screening, resistancePolicy: policies.resistance,
                                              jurisdiction: clinic.settings.jurisdiction, today: today)
        let resistance = TreatmentResistanceCalculator.assess(trials: record.trials, episode: record.currentEpisode,
                                                              policy: policies.resistance, today: today)
        return (result, resistance)
    }

    /// The signed version named in the path, with a view entry in the trail; 404 when there is none.
    func signedVersion(_ context: StaffRequestContext, chart: PatientChart, via channel: String) async throws -> SignedScreening {
        guard let number = context.parameters.get("version").flatMap(Int.init),
              let signed = try await services.screenings.find(patientID: chart.summary.id, version: number) else {
            throw Problem.notFound("This patient has no screening with that version.")
        }
        try await services.audit.record(AuditEvent(.view, entityType: "screening", entityID: signed.id.uuidString,
                                                   patientID: chart.summary.id,
                                                   summary: "\(channel)signed screening version \(number)"),
                                        stamp: context.stamp(at: services.now()))
        return signed
    }

    /// The chart header's safety summary.
    func chartHeader(_ chart: PatientChart, clinic: Clinic) async throws -> PatientChartPage.Header {
        let (result, resistance) = try await evaluate(chart, clinic: clinic)
        let latest = try await services.screenings.latest(patientID: chart.summary.id)
        func lines(_ category: RuleCategory) -> [String] {
            var seen: [String: [String]] = [:]
            var order: [String] = []
            for screening in result.treatments {
                for finding in screening.findings(category) {
                    if seen[finding.title] == nil { order.append(finding.title) }
                    seen[finding.title, default: []].append(screening.treatment.shortName)
                }
            }
            return order.map { "\($0) (\(seen[$0]!.joined(separator: ", ")))" }
        }
        let status: String
        var stale = false
        if let latest {
            stale = latest.isStale(currentRevision: chart.revision)
            let decisions = latest.decisions.map { "\($0.treatment.shortName) \($0.decision.displayName.lowercased())" }
                .joined(separator: ", ")
            status = (stale ? "Stale: the record changed after version \(latest.version) was signed" :
                        "Version \(latest.version) signed by \(latest.signedBy)") + " · " + decisions
        } else {
            status = "Not screened yet"
        }
        return PatientChartPage.Header(contraindications: lines(.contraindication), cautions: lines(.caution),
                                       resistance: resistance.headline, screeningStatus: status, screeningIsStale: stale)
    }

    /// Validates `review` against the live evaluation of `chart` and signs it. The record must
    /// still be at `revision` (what the prescriber saw).
    func sign(_ review: ScreeningReview, chart: PatientChart, revision: Int64?, clinic: Clinic,
              context: StaffRequestContext) async throws -> SignedScreening {
        guard let revision else {
            var errors = FieldErrors()
            errors.add("recordRevision", "Give the record revision you reviewed (recordRevision), so a change made meanwhile is not signed unseen.")
            throw errors
        }
        if revision != chart.revision {
            var errors = FieldErrors()
            errors.add("recordRevision", "The record changed while you were reviewing it; read the screening again and sign.")
            throw errors
        }
        let (result, resistance) = try await evaluate(chart, clinic: clinic)
        let valid = try review.validated(against: result)
        do {
            return try await services.screenings.sign(
                patientID: chart.summary.id, record: chart.record, recordRevision: chart.revision, result: result,
                review: valid, resistance: resistance, stamp: context.stamp(at: services.now()))
        } catch is RecordChangedError {
            var errors = FieldErrors()
            errors.add("recordRevision", "The record changed while you were reviewing it; read the screening again and sign.")
            throw errors
        }
    }

    /// The review a screening form describes: a non-empty override field overrides that
    /// contraindication; a ticked acknowledgement field acknowledges that caution.
    static func review(from form: [String: String]) -> ScreeningReview {
        var review = ScreeningReview()
        for (field, value) in form.sorted(by: { $0.key < $1.key }) {
            let parts = field.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, let treatment = Treatment(rawValue: parts[1]) else { continue }
            if parts[0] == "override", !value.trimmed.isEmpty {
                review.overrides.append(.init(treatment: treatment, ruleID: parts[2], reason: value))
            } else if parts[0] == "acknowledgement", ["on", "true", "yes"].contains(value.lowercased()) {
                review.acknowledgements.append(.init(treatment: treatment, ruleID: parts[2]))
            }
        }
        return review
    }
}

extension Treatment {
    /// Short name for the chart header: "IV", "IM", "esketamine".
    var shortName: String {
        switch self {
        case .ivKetamine: "IV"
        case .imKetamine: "IM"
        case .esketamine: "esketamine"
        }
    }
}
