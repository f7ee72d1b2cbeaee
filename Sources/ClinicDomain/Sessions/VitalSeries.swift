import Foundation

/// A session's vital signs as a chart and a summary shows them: a monitor gateway may post a
/// reading every second for hours, which no person reads row by row. The series keeps one point
/// per charting interval and never drops what matters: a reading that raised an alert stays a
/// point of its own with its exact values, and the summary's minimum and maximum come from every
/// reading. The record itself keeps every reading (the raw stream is one request away).
public enum VitalSeries {
    /// One measure over a set of readings.
    public struct MeasureSummary: Codable, Equatable, Sendable {
        /// The lowest value.
        public let min: Int
        /// The highest value.
        public let max: Int
        /// The value of the latest reading that carries the measure.
        public let last: Int
        /// How many readings carry it.
        public let count: Int

        /// Creates a measure's summary.
        public init(min: Int, max: Int, last: Int, count: Int) {
            self.min = min
            self.max = max
            self.last = last
            self.count = count
        }
    }

    /// Every measure over a set of readings, and how many readings there were.
    public struct Summary: Codable, Equatable, Sendable {
        /// Readings summarised.
        public let count: Int
        /// When the first and the latest were taken.
        public let first: Date?
        /// When the latest was taken.
        public let last: Date?
        /// Systolic pressure, mmHg.
        public let systolic: MeasureSummary?
        /// Diastolic pressure, mmHg.
        public let diastolic: MeasureSummary?
        /// Heart rate, per minute.
        public let heartRate: MeasureSummary?
        /// SpO₂, %.
        public let oxygenSaturation: MeasureSummary?
        /// Respiratory rate, per minute.
        public let respiratoryRate: MeasureSummary?

        /// Creates a summary.
        public init(count: Int, first: Date?, last: Date?, systolic: MeasureSummary?, diastolic: MeasureSummary?,
                    heartRate: MeasureSummary?, oxygenSaturation: MeasureSummary?, respiratoryRate: MeasureSummary?) {
            self.count = count
            self.first = first
            self.last = last
            self.systolic = systolic
            self.diastolic = diastolic
            self.heartRate = heartRate
            self.oxygenSaturation = oxygenSaturation
            self.respiratoryRate = respiratoryRate
        }
    }

    /// What the session page and the API show of a session's vital signs, as storage reads it
    /// without loading every reading: the summary, the series, how many readings are stored, and
    /// the latest of those the flowsheet does not list.
    public struct Overview: Equatable, Sendable {
        /// Over every current reading.
        public let summary: Summary
        /// At the charting interval.
        public let series: [Point]
        /// Readings stored (corrections and struck ones included).
        public let stored: Int
        /// The latest monitor readings the flowsheet does not list, newest first.
        public let latestUnlisted: [StoredVitalReading]

        /// Creates an overview.
        public init(summary: Summary, series: [Point], stored: Int, latestUnlisted: [StoredVitalReading]) {
            self.summary = summary
            self.series = series
            self.stored = stored
            self.latestUnlisted = latestUnlisted
        }
    }

    /// One point of the series.
    public struct Point: Codable, Equatable, Sendable {
        /// When the point's latest reading was taken (the alerting reading's own time for an alert point).
        public let takenAt: Date
        /// The start of its charting interval.
        public let intervalStart: Date
        /// The latest value of each measure in the interval (an alert point: that reading's values).
        public let values: VitalReading
        /// How many readings it stands for.
        public let readings: Int
        /// True when it is a reading that raised an alert, kept on its own.
        public let alerted: Bool

        /// Creates a point.
        public init(takenAt: Date, intervalStart: Date, values: VitalReading, readings: Int, alerted: Bool) {
            self.takenAt = takenAt
            self.intervalStart = intervalStart
            self.values = values
            self.readings = readings
            self.alerted = alerted
        }
    }

    /// One reading as the series takes it: when, what, and whether it raised an alert.
    public struct Sample: Equatable, Sendable {
        /// When it was taken.
        public let takenAt: Date
        /// Its values.
        public let values: VitalReading
        /// True when it raised an alert.
        public let alerted: Bool

        /// Creates a sample.
        public init(takenAt: Date, values: VitalReading, alerted: Bool) {
            self.takenAt = takenAt
            self.values = values
            self.alerted = alerted
        }
    }

    /// The summary of `samples` (any order).
    public static func summary(_ samples: [Sample]) -> Summary {
        let sorted = samples.sorted { $0.takenAt < $1.takenAt }
        func measure(_ key: KeyPath<VitalReading, Int?>) -> MeasureSummary? {
            let values = sorted.compactMap { $0.values[keyPath: key] }
            guard let low = values.min(), let high = values.max(), let last = values.last else { return nil }
            return MeasureSummary(min: low, max: high, last: last, count: values.count)
        }
        return Summary(count: sorted.count, first: sorted.first?.takenAt, last: sorted.last?.takenAt,
                       systolic: measure(\.systolic), diastolic: measure(\.diastolic), heartRate: measure(\.heartRate),
                       oxygenSaturation: measure(\.oxygenSaturation), respiratoryRate: measure(\.respiratoryRate))
    }

    /// `samples` (any order) at one point per `intervalSeconds` (intervals aligned to whole
    /// multiples of it since 1970, so two requests chart the same points): each interval's point
    /// carries the latest value of each measure in it; every alerting reading is a point of its own
    /// and does not feed its interval's point. An interval of 0 or less keeps every sample.
    public static func downsample(_ samples: [Sample], intervalSeconds: Int) -> [Point] {
        let sorted = samples.sorted { $0.takenAt < $1.takenAt }
        guard intervalSeconds > 0 else {
            return sorted.map { Point(takenAt: $0.takenAt, intervalStart: $0.takenAt, values: $0.values, readings: 1, alerted: $0.alerted) }
        }
        let width = Double(intervalSeconds)
        var points: [Point] = []
        var bucket: (start: Date, last: Date, values: VitalReading, count: Int)?
        func flush() {
            if let open = bucket {
                points.append(Point(takenAt: open.last, intervalStart: open.start, values: open.values, readings: open.count, alerted: false))
            }
            bucket = nil
        }
        for sample in sorted {
            let seconds = sample.takenAt.timeIntervalSince1970
            guard seconds.isFinite else { continue }
            let start = Date(timeIntervalSince1970: (seconds / width).rounded(.down) * width)
            if sample.alerted {
                points.append(Point(takenAt: sample.takenAt, intervalStart: start, values: sample.values, readings: 1, alerted: true))
                continue
            }
            if let open = bucket, open.start != start { flush() }
            var values = bucket?.values ?? VitalReading()
            let v = sample.values
            values.systolic = v.systolic ?? values.systolic
            values.diastolic = v.diastolic ?? values.diastolic
            values.heartRate = v.heartRate ?? values.heartRate
            values.oxygenSaturation = v.oxygenSaturation ?? values.oxygenSaturation
            values.respiratoryRate = v.respiratoryRate ?? values.respiratoryRate
            values.temperatureCelsius = v.temperatureCelsius ?? values.temperatureCelsius
            bucket = (start, sample.takenAt, values, (bucket?.count ?? 0) + 1)
        }
        flush()
        return points.sorted { ($0.takenAt, $0.alerted ? 1 : 0) < ($1.takenAt, $1.alerted ? 1 : 0) }
    }
}

extension TreatmentSessionRecord {
    /// The readings a person charts row by row (the flowsheet): every reading a nurse entered or
    /// corrected, every one with blood pressure or that raised an alert, and the latest. A
    /// gateway's stream of heart rate and SpO₂ in between is left to the chart and the summary
    /// (and stays in the record).
    public var flowsheetReadings: [StoredVitalReading] {
        let alerted = Set(alerts.map(\.readingID))
        let amended = Set(storedReadings.compactMap(\.amends))
        let latest = storedReadings.last?.id
        return storedReadings.filter {
            $0.source == .nurse || $0.values.hasBloodPressure || alerted.contains($0.id) || $0.amends != nil || amended.contains($0.id)
                || $0.id == latest
        }
    }

    /// The session's current readings (corrections applied, struck ones gone) as the series takes them.
    public var vitalSamples: [VitalSeries.Sample] {
        let alerted = Set(alerts.map(\.readingID))
        return readings.map { VitalSeries.Sample(takenAt: $0.takenAt, values: $0.values, alerted: alerted.contains($0.id)) }
    }
}
