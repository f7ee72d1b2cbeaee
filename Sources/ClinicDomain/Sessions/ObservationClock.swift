import Foundation

/// The minimum observation after a dose, as a clock: when it started counting, how long it must
/// run, and so the earliest time the patient may leave. The board counts it down and the discharge
/// criteria judge it; both read this one value so they never disagree.
///
/// Esketamine counts from the first device, at least 2 hours [R13][R19]. IV and IM ketamine count
/// from the end of the dose; their minimum has no published number (§4: NOT FOUND) and is clinic
/// policy (`SessionPolicy.racemicMinimumObservationMinutes`, default unset).
public struct ObservationClock: Codable, Equatable, Sendable {
    /// What the observation counts from.
    public enum Basis: String, CaseIterable, Codable, Sendable {
        /// The first esketamine device [R13][R19].
        case firstDevice
        /// The end of an IV or IM dose (clinic policy).
        case doseEnd

        /// How the discharge criterion and the board say it: "since the first device".
        public var sinceLabel: String { self == .firstDevice ? "since the first device" : "since the infusion ended" }
    }

    /// Where the clock stands at one moment.
    public enum Status: Equatable, Sendable {
        /// The clinic set no minimum for this treatment: nothing to count.
        case noMinimum
        /// The counted period has not begun (no dose yet, or the infusion still running).
        case notStarted
        /// Counting down: this many whole seconds still to run.
        case counting(remainingSeconds: Int)
        /// The minimum has been observed.
        case complete
    }

    /// What the clock counts from.
    public let basis: Basis
    /// When counting began, nil until then.
    public let since: Date?
    /// The minimum in minutes, nil when the clinic set none.
    public let minimumMinutes: Int?

    /// Creates a clock.
    public init(basis: Basis, since: Date?, minimumMinutes: Int?) {
        self.basis = basis
        self.since = since
        self.minimumMinutes = minimumMinutes
    }

    /// The earliest moment the minimum observation is met, nil while unknown (no minimum, or not started).
    public var earliestDischarge: Date? {
        guard let since, let minutes = minimumMinutes else { return nil }
        return since.addingTimeInterval(Double(minutes) * 60)
    }

    /// The clock at `now`.
    public func status(now: Date) -> Status {
        guard minimumMinutes != nil else { return .noMinimum }
        guard let end = earliestDischarge else { return .notStarted }
        let remaining = end.timeIntervalSince(now)
        guard remaining > 0 else { return .complete }
        return .counting(remainingSeconds: Int(saturating: remaining.rounded(.up)))
    }

    /// Whole minutes observed at `now` (0 before counting starts), as the discharge criterion reports them.
    public func minutesObserved(now: Date) -> Int? {
        since.map { max(0, Int(saturating: now.timeIntervalSince($0) / 60)) }
    }
}

extension TreatmentSessionRecord {
    /// The minimum-observation clock of this session under `policy` [R13][R19] (IV/IM: clinic policy).
    public func observationClock(policy: SessionPolicy) -> ObservationClock {
        let esketamine = treatment == .esketamine
        return ObservationClock(basis: esketamine ? .firstDevice : .doseEnd, since: esketamine ? doseStartedAt : doseEndedAt,
                                minimumMinutes: policy.monitoringSchedule(for: treatment).minimumObservationMinutes)
    }
}

/// Which way a vital sign moved between the two latest readings that carry it, for the arrow on
/// the board. A plain comparison of the two numbers: the arrow shows direction only; the alert
/// policy, not the arrow, decides what is abnormal.
public enum VitalTrend: String, CaseIterable, Codable, Equatable, Sendable {
    /// Higher than the reading before.
    case rising
    /// Lower than the reading before.
    case falling
    /// The same as the reading before.
    case steady

    /// The arrow the board shows beside the value (with a text equivalent for screen readers).
    public var arrow: String {
        switch self {
        case .rising: "↑"
        case .falling: "↓"
        case .steady: "→"
        }
    }

    /// The words a screen reader hears.
    public var spoken: String {
        switch self {
        case .rising: "rising"
        case .falling: "falling"
        case .steady: "steady"
        }
    }

    /// The trend of one measure over `readings` (any order), nil with fewer than two readings of it.
    public static func of(_ measure: KeyPath<VitalReading, Int?>, in readings: [BoardEvent.Reading]) -> VitalTrend? {
        let values = readings.sorted { $0.takenAt < $1.takenAt }.compactMap { $0.values[keyPath: measure] }
        guard values.count >= 2 else { return nil }
        let (previous, latest) = (values[values.count - 2], values[values.count - 1])
        return latest > previous ? .rising : (latest < previous ? .falling : .steady)
    }
}
