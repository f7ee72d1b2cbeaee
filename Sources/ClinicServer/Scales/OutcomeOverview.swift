import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation

/// The outcome sections of a patient's scales page: for each instrument with scores, the
/// trajectory chart with session markers, the outcome summary and the duration of effect.
///
/// Doses are the sessions of the patient's plans that are not cancelled and not in the future.
/// Until the session record holds administered doses, these are the planned sessions, and the
/// markers say so.
struct OutcomeOverview: Sendable {
    let services: ClinicServices

    /// The outcome policy for an instrument: the clinic's rules, with the PCL-5's reliable change of
    /// 10 points (the upper end of the 5–10 points the reference gives [R51]); other instruments have no
    /// sourced reliable-change value (NOT FOUND), so none is shown for them.
    static func policy(for instrument: InstrumentID, clinic base: OutcomePolicy) -> OutcomePolicy {
        var policy = base
        if instrument == .pcl5 { policy.reliableChangePoints = OutcomePolicy.pcl5ReliableChangeRange.upperBound }   // [R51]
        return policy
    }

    func outcomes(_ patientID: UUID, responses: [ScaleResponse], clinic: Clinic) async throws -> [ScalesPage.Outcome] {
        let today = services.today(for: clinic)
        let sessions = try await services.plans.sessions(patientID: patientID).filter { $0.state != .cancelled && $0.date <= today }
        let doseDates = sessions.map(\.date)
        let markers = sessions.map { session in
            (date: session.date, label: Self.sessionLabel(session))
        }
        let current = ScaleResponse.current(responses)
        let clinicPolicy = try await services.safetyPolicies.policy(of: clinic.id).outcomePolicy
        return Instrument.all.compactMap { instrument in
            let observations = current.filter { $0.score.instrument == instrument.id }
                .compactMap { response in response.score.total.map { ScoreObservation(date: response.administeredOn, total: $0) } }
            guard !observations.isEmpty else { return nil }
            let policy = Self.policy(for: instrument.id, clinic: clinicPolicy)
            let summary = OutcomeAnalysis.summarize(observations, doses: doseDates, remissionAtOrBelow: instrument.remissionAtOrBelow,
                                                    policy: policy)
            let responseLine = summary.baseline.map { Int(rounding: Double($0.total) * (1 - policy.responseFraction), .down) }
            let figure = TrajectoryChart.figure(
                title: "\(instrument.shortName) over time", observations: observations,
                bands: instrument.bands.map { TrajectoryChart.Band(range: $0.range, label: $0.label) },
                totalRange: instrument.totalRange ?? 0...(observations.map(\.total).max() ?? 1),
                doseMarkers: markers, baseline: summary.baseline?.total,
                responseLine: instrument.responseFraction == nil ? nil : responseLine, remissionLine: instrument.remissionAtOrBelow)
            return ScalesPage.Outcome(instrument: instrument, figure: figure, facts: Self.facts(summary, instrument: instrument, policy: policy),
                                      durations: Self.durations(summary, markers: markers),
                                      medianText: Self.medianText(summary))
        }
    }

    static func facts(_ summary: OutcomeSummary, instrument: Instrument, policy: OutcomePolicy) -> [(label: String, value: String)] {
        var facts: [(String, String)] = []
        if let baseline = summary.baseline { facts.append(("Baseline", "\(baseline.total) on \(baseline.date.iso)")) }
        if let latest = summary.latest {
            let band = instrument.bands.first { $0.range.contains(latest.total) }?.label
            facts.append(("Latest", "\(latest.total) on \(latest.date.iso)" + (band.map { " (\($0))" } ?? "")))
        }
        if let change = summary.changeFromBaseline {
            facts.append(("Change from baseline", "\(change > 0 ? "+" : "")\(change)"
                          + (summary.percentChange.map { " (\(Rounding.text($0, places: 1))%)" } ?? "")))
        }
        if instrument.responseFraction != nil {
            facts.append(("Response (≥\(Int(rounding: policy.responseFraction * 100))% drop [R55-ELEKT])",
                          summary.isResponse ? "yes" + (summary.firstResponseDate.map { ", first on \($0.iso)" } ?? "")
                                             : summary.firstResponseDate.map { "not now (the score had dropped enough on \($0.iso))" } ?? "not yet"))
        }
        if let remission = instrument.remissionAtOrBelow {
            facts.append(("Remission (≤\(remission))", summary.isRemission ? "yes" : "no"))
        }
        facts.append(("Reliable change", summary.reliableChange?.label ?? "not assessed (no sourced threshold for this scale)"))
        facts.append(("Relapse after response", summary.relapses.isEmpty ? "none"
                      : summary.relapses.map(\.iso).joined(separator: ", ")))
        return facts
    }

    static func durations(_ summary: OutcomeSummary, markers: [(date: CalendarDate, label: String)]) -> [String] {
        summary.effectDurations.map { duration in
            let label = markers.first { $0.date == duration.doseDate }?.label ?? "dose"
            let what: String = switch duration.status {
            case .ended: "the effect lasted \(Self.days(duration.days ?? 0)) (the score was back above the threshold on \(duration.endDate?.iso ?? "?"))"
            case .ongoing: "still in effect after \(Self.days(duration.censoredAtDays ?? 0)), at the last rating"
            case .notReached: "no effect seen (never at or below the threshold)"
            case .notObserved: "not measured before the next dose"
            }
            return "\(duration.doseDate.iso) — \(label): \(what)"
        }
    }

    /// "1 day", "3 days".
    static func days(_ count: Int) -> String { count == 1 ? "1 day" : "\(count) days" }

    /// A session on the outcome chart: given (with the dose given when recorded, else the planned
    /// one), missed, or still planned.
    static func sessionLabel(_ session: ScheduledSession) -> String {
        let dose = session.planned.doseMg.map { ", \($0)" } ?? session.planned.devices.map { ", \($0 * DeviceUse.milligramsPerDevice) mg" } ?? ""
        switch session.state {
        case .dosing, .observation, .readyForDischarge, .discharged, .stoppedEarly: return "Session \(session.number), given\(dose)"
        case .noShow: return "Session \(session.number), missed"
        case .cancelled: return "Session \(session.number), cancelled"
        case .scheduled, .checkedIn, .preTreatmentChecks: return "Session \(session.number), planned\(dose)"
        }
    }

    static func medianText(_ summary: OutcomeSummary) -> String {
        let ended = summary.effectDurations.filter { $0.status == .ended }.count
        let censored = summary.effectDurations.filter { $0.status == .ongoing }.count
        let counts = "\(ended) dose\(ended == 1 ? "" : "s") with an observed end, \(censored) still in effect at the last rating"
        guard let median = summary.medianEffectDays else {
            return "Median duration of effect: not yet known (fewer than half the doses were seen to wear off; \(counts))."
        }
        return "Median duration of effect (Kaplan–Meier): \(Rounding.text(median, places: 1)) days (\(counts))."
            + " Plan the next dose a little before this [R3]."
    }
}
