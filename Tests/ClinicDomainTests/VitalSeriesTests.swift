import ClinicDomain
import Foundation
import Testing

@Suite("The vital-sign series: one point per charting interval, alerting readings kept, the summary over every reading")
struct VitalSeriesTests {
    static let start = Date(timeIntervalSince1970: 1_795_420_800)   // 2026-11-23 08:00:00 UTC, a whole minute
    static func sample(_ second: Double, hr: Int? = nil, spo2: Int? = nil, sys: Int? = nil, dia: Int? = nil, alerted: Bool = false)
        -> VitalSeries.Sample {
        VitalSeries.Sample(takenAt: start.addingTimeInterval(second),
                           values: VitalReading(systolic: sys, diastolic: dia, heartRate: hr, oxygenSaturation: spo2), alerted: alerted)
    }

    /// A gateway at 1 Hz for 10 minutes (HR 70…, SpO₂ 98), one nurse BP at 5:30, and one HR of 130
    /// at 7:10 that raised an alert (above 120: the default limit, clinic policy from [R40]).
    static var stream: [VitalSeries.Sample] {
        var samples = (0..<600).map { sample(Double($0), hr: 70 + $0 / 60, spo2: 98) }
        samples[430] = sample(430, hr: 130, spo2: 97, alerted: true)
        samples.append(sample(330, sys: 150, dia: 92))
        return samples.shuffled()
    }

    /// interval (s) → points, alert points, readings they stand for.
    @Test("Downsampling 601 readings: one point per interval plus the alerting reading; every reading counted once", arguments: [
        (60, 11, 1), (300, 3, 1), (600, 2, 1), (0, 601, 1),
    ])
    func downsample(interval: Int, points: Int, alerts: Int) {
        let series = VitalSeries.downsample(Self.stream, intervalSeconds: interval)
        #expect(series.count == points)
        #expect(series.filter(\.alerted).count == alerts)
        #expect(series.map(\.readings).reduce(0, +) == 601, "no reading lost or counted twice")
        #expect(series.map(\.takenAt) == series.map(\.takenAt).sorted(), "in time order")
        let alert = series.first(where: \.alerted)
        #expect(alert?.values.heartRate == 130 && alert?.takenAt == Self.start.addingTimeInterval(430), "the extreme kept as it was")
    }

    @Test("Each interval's point carries the latest value of each measure in it, so a BP amid a 1 Hz stream stays on the chart")
    func latestPerMeasure() throws {
        let series = VitalSeries.downsample(Self.stream, intervalSeconds: 60)
        let fifth = try #require(series.first { $0.intervalStart == Self.start.addingTimeInterval(300) })
        #expect(fifth.values.systolic == 150 && fifth.values.diastolic == 92, "the nurse's BP at 5:30")
        #expect(fifth.values.heartRate == 75 && fifth.takenAt == Self.start.addingTimeInterval(359), "the last 1 Hz value of minute 5")
        #expect(fifth.readings == 61)
        let seventh = try #require(series.first { $0.intervalStart == Self.start.addingTimeInterval(420) && !$0.alerted })
        #expect(seventh.values.heartRate == 77 && seventh.readings == 59, "the alerting reading does not feed its interval's point")
    }

    @Test("The summary: lowest, highest and latest of each measure over every reading, and the count")
    func summary() {
        let summary = VitalSeries.summary(Self.stream)
        #expect(summary.count == 601)
        #expect(summary.heartRate == VitalSeries.MeasureSummary(min: 70, max: 130, last: 79, count: 600))
        #expect(summary.systolic == VitalSeries.MeasureSummary(min: 150, max: 150, last: 150, count: 1))
        #expect(summary.oxygenSaturation?.min == 97 && summary.respiratoryRate == nil)
        #expect(summary.first == Self.start && summary.last == Self.start.addingTimeInterval(599))
        #expect(VitalSeries.summary([]).count == 0 && VitalSeries.downsample([], intervalSeconds: 60).isEmpty)
    }

    @Test("The clinic's charting interval: one minute unless the clinic sets 1 to 60 (clinic policy)")
    func chartingInterval() throws {
        var policy = SessionPolicy.defaults
        #expect(policy.chartingIntervalSeconds == 60)
        policy.chartingIntervalMinutes = 5
        #expect(try policy.validated().chartingIntervalSeconds == 300)
        policy.chartingIntervalMinutes = 0
        #expect(throws: FieldErrors.self) { try policy.validated() }
    }
}
