import Foundation

/// The vital-sign time points a session must record, timed to the dose.
///
/// IV racemic ketamine: every 10 minutes during the infusion and every 15 minutes after it until
/// discharge (Emory, 684 infusions [R36]; every 10 min at Yale [R37]). Esketamine: before dosing,
/// at about 40 minutes (the blood-pressure peak) and before discharge [R14][R17], with pulse oximetry
/// every session [R14], and at least 2 hours of observation [R13][R19]. The minimum observation after
/// IV ketamine has no published number (§4: NOT FOUND) and is clinic policy (default unset).
public struct MonitoringSchedule: Codable, Equatable, Sendable {
    /// Minutes between readings while the dose is being given (nil: none required).
    public var duringDosingEveryMinutes: Int?
    /// Minutes between readings after the dose until discharge (nil: none required).
    public var afterDosingEveryMinutes: Int?
    /// Fixed readings, minutes after the dose started (e.g. 40 for esketamine).
    public var fixedMinutesAfterStart: [Int]
    /// A reading before dosing is required.
    public var requiresPreDose: Bool
    /// A reading just before discharge is required.
    public var requiresPreDischarge: Bool
    /// Pulse oximetry is required with every reading.
    public var requiresPulseOximetry: Bool
    /// Shortest observation after the dose ends, minutes (nil: clinic policy unset).
    public var minimumObservationMinutes: Int?
    /// Minutes a reading may be late and still count for its point (clinic policy).
    public var toleranceMinutes: Int

    /// Creates a schedule.
    public init(duringDosingEveryMinutes: Int?, afterDosingEveryMinutes: Int?, fixedMinutesAfterStart: [Int], requiresPreDose: Bool,
                requiresPreDischarge: Bool, requiresPulseOximetry: Bool, minimumObservationMinutes: Int?, toleranceMinutes: Int) {
        self.duringDosingEveryMinutes = duringDosingEveryMinutes
        self.afterDosingEveryMinutes = afterDosingEveryMinutes
        self.fixedMinutesAfterStart = fixedMinutesAfterStart
        self.requiresPreDose = requiresPreDose
        self.requiresPreDischarge = requiresPreDischarge
        self.requiresPulseOximetry = requiresPulseOximetry
        self.minimumObservationMinutes = minimumObservationMinutes
        self.toleranceMinutes = toleranceMinutes
    }

    /// IV racemic ketamine [R36][R37]; observation minimum unset (NOT FOUND, clinic policy).
    public static let intravenous = MonitoringSchedule(
        duringDosingEveryMinutes: 10, afterDosingEveryMinutes: 15, fixedMinutesAfterStart: [],   // [R36][R37]
        requiresPreDose: true, requiresPreDischarge: true, requiresPulseOximetry: false,
        minimumObservationMinutes: nil, toleranceMinutes: 5)                                       // clinic policy

    /// Esketamine nasal spray [R14][R17][R13][R19].
    public static let esketamine = MonitoringSchedule(
        duringDosingEveryMinutes: nil, afterDosingEveryMinutes: nil, fixedMinutesAfterStart: [40],  // [R14][R17]
        requiresPreDose: true, requiresPreDischarge: true, requiresPulseOximetry: true,              // [R14]
        minimumObservationMinutes: 120, toleranceMinutes: 5)                                         // [R13][R19]; tolerance: clinic policy

    /// One required reading.
    public struct Point: Equatable, Sendable {
        /// What it is: "pre-dose", "10 min", "40 min", "pre-discharge"….
        public let label: String
        /// When it is due (nil for pre-dose and pre-discharge, which are due before those events).
        public let dueAt: Date?

        /// Creates a point.
        public init(label: String, dueAt: Date?) {
            self.label = label
            self.dueAt = dueAt
        }
    }

    /// The timed points from the dose's start until `until` (the end of the dose and, after it, now
    /// or discharge), plus pre-dose and pre-discharge.
    public func points(doseStartedAt start: Date, doseEndedAt end: Date?, until: Date) -> [Point] {
        var points: [Point] = requiresPreDose ? [Point(label: "pre-dose", dueAt: nil)] : []
        var timed: [(Int, String)] = fixedMinutesAfterStart.map { ($0, "\($0) min") }
        let dosingEnd = end ?? until
        if let every = duringDosingEveryMinutes, every > 0 {
            var minute = every
            while start.addingTimeInterval(Double(minute) * 60) <= dosingEnd {
                timed.append((minute, "\(minute) min"))
                minute += every
            }
        }
        if let end, let every = afterDosingEveryMinutes, every > 0 {
            let offset = Int(saturating: end.timeIntervalSince(start) / 60)
            var minute = offset + every
            while start.addingTimeInterval(Double(minute) * 60) <= until {
                timed.append((minute, "\(minute) min"))
                minute += every
            }
        }
        var seen = Set<Int>()
        for (minute, label) in timed.sorted(by: { $0.0 < $1.0 }) where seen.insert(minute).inserted {
            points.append(Point(label: label, dueAt: start.addingTimeInterval(Double(minute) * 60)))
        }
        if requiresPreDischarge { points.append(Point(label: "pre-discharge", dueAt: nil)) }
        return points
    }

    /// Where a timed point stands at `now`, given the times readings were taken.
    public enum Status: String, Sendable {
        /// A reading within the tolerance of the due time exists.
        case done
        /// Due now (within the tolerance).
        case due
        /// Past its tolerance without a reading.
        case overdue
        /// Later.
        case upcoming
    }

    /// The status of a timed point.
    public func status(of point: Point, readings: [Date], now: Date) -> Status {
        guard let due = point.dueAt else { return readings.isEmpty ? .due : .done }
        let tolerance = Double(toleranceMinutes) * 60
        if readings.contains(where: { abs($0.timeIntervalSince(due)) <= tolerance }) { return .done }
        if now > due.addingTimeInterval(tolerance) { return .overdue }
        return now >= due ? .due : .upcoming
    }

    /// True when the observation minimum (if any) has passed since the dose ended.
    public func observationComplete(doseEndedAt end: Date, now: Date) -> Bool {
        guard let minimum = minimumObservationMinutes else { return true }
        return now.timeIntervalSince(end) >= Double(minimum) * 60
    }
}
