import ClinicDomain
@testable import ClinicWeb
import Foundation
import Plot
import Testing

@Suite("Trajectory chart")
struct TrajectoryChartTests {
    private let start = CalendarDate(year: 2026, month: 1, day: 5)!

    private func day(_ offset: Int) -> CalendarDate { start.adding(days: offset) }

    /// PHQ-9 bands [R42].
    private let phq9Bands = [
        TrajectoryChart.Band(range: 0...4, label: "Minimal"), .init(range: 5...9, label: "Mild"),
        .init(range: 10...14, label: "Moderate"), .init(range: 15...19, label: "Moderately severe"),
        .init(range: 20...27, label: "Severe"),
    ]

    /// Every number in an SVG attribute that carries a coordinate or size.
    private func coordinates(in html: String) -> [String] {
        let pattern = #"\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height|d|points|viewBox)="([^"]*)""#
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(html.startIndex..., in: html)
        return regex.matches(in: html, range: range).compactMap { Range($0.range(at: 1), in: html).map { String(html[$0]) } }
    }

    private func expectFinite(_ html: String) {
        let values = coordinates(in: html)
        #expect(!values.isEmpty)
        for value in values {
            #expect(!value.lowercased().contains("nan") && !value.lowercased().contains("inf"), "non-finite coordinate: \(value)")
        }
    }

    private func count(_ needle: String, in html: String) -> Int { html.components(separatedBy: needle).count - 1 }

    @Test("A PHQ-9 course renders an accessible SVG with labelled bands, one path, a point per score, dose markers, reference lines and the table")
    func fullChart() {
        let observations = [(0, 20), (2, 8), (5, 12), (9, 6), (13, 11), (16, 7), (20, 9)]
            .map { ScoreObservation(date: day($0.0), total: $0.1) }
        let html = TrajectoryChart.figure(
            title: "PHQ-9", observations: observations, bands: phq9Bands, totalRange: 0...27,
            doseMarkers: [(day(0), "35 mg"), (day(7), "35 mg"), (day(14), "40 mg")],
            baseline: 20, responseLine: 10, remissionLine: 4).render()
        #expect(html.contains("<figure") && html.contains("<figcaption><strong>PHQ-9</strong>"))
        #expect(html.contains("<svg") && html.contains(#"role="img""#) && html.contains(#"viewBox="0 0 640.00 326.00""#))
        #expect(html.contains(#"aria-labelledby="traj-"#) && html.contains("<title id=") && html.contains("<desc id="))
        #expect(count(#"<g class="traj-band traj-band-"#, in: html) == 5)
        for label in ["Minimal 0–4", "Mild 5–9", "Moderate 10–14", "Moderately severe 15–19", "Severe 20–27"] {
            #expect(html.contains(">\(label)</text>"), "band label \(label)")
        }
        #expect(count("<path ", in: html) == 1, "one path for the scores")
        #expect(count(#"class="traj-point""#, in: html) == 7)
        #expect(count(#"<g class="traj-dose">"#, in: html) == 3)
        #expect(html.contains(">35 mg</text>") && html.contains(">40 mg</text>"))
        #expect(html.contains("<title>40 mg, 19 Jan 2026</title>"))
        #expect(html.contains(">Baseline 20</text>") && html.contains(">Response ≤ 10</text>") && html.contains(">Remission ≤ 4</text>"))
        #expect(html.contains(#"stroke-dasharray="2 3""#) && html.contains(#"stroke-dasharray="8 4""#)
            && html.contains(#"stroke-dasharray="12 3 2 3""#), "each reference line has its own dash pattern")
        #expect(html.contains(">5 Jan 2026</text>"), "the first date tick carries the year")
        #expect(html.contains(">Total score</text>") && html.contains(">Date</text>"))
        #expect(html.contains("<details") && html.contains("Data table (date, score, band, dose)"))
        #expect(html.contains(#"<th scope="row">5 Jan 2026</th><td>20</td><td>Severe</td><td>35 mg</td>"#))
        #expect(html.contains(#"<th scope="row">19 Jan 2026</th><td>–</td><td>–</td><td>40 mg</td>"#), "a dose day without a score")
        #expect(html.contains(#"<th scope="row">25 Jan 2026</th><td>9</td><td>Mild</td><td>–</td>"#))
        expectFinite(html)
    }

    @Test("The points rise with the score: a lower total is drawn lower (larger y)")
    func orientation() throws {
        let html = TrajectoryChart.figure(
            title: "t", observations: [.init(date: day(0), total: 20), .init(date: day(7), total: 5)], bands: [],
            totalRange: 0...27, doseMarkers: [], baseline: nil, responseLine: nil, remissionLine: nil).render()
        let regex = try NSRegularExpression(pattern: #"cx="([\d.]+)" cy="([\d.]+)""#)
        let matches = regex.matches(in: html, range: NSRange(html.startIndex..., in: html))
        let points = matches.map { match in
            (Double(html[Range(match.range(at: 1), in: html)!])!, Double(html[Range(match.range(at: 2), in: html)!])!)
        }
        #expect(points.count == 2)
        #expect(points[0].0 < points[1].0, "later dates to the right")
        #expect(points[0].1 < points[1].1, "20 above 5")
        #expect(!html.contains("traj-reference"), "no reference lines when none are given")
    }

    @Test("One observation, or every mark on one date, draws without dividing by zero")
    func singleObservation() {
        let one = TrajectoryChart.figure(
            title: "One", observations: [.init(date: day(0), total: 14)], bands: phq9Bands, totalRange: 0...27,
            doseMarkers: [(day(0), "0.5 mg/kg")], baseline: 14, responseLine: 7, remissionLine: 4).render()
        #expect(one.contains("<svg") && count("<path ", in: one) == 1 && count(#"class="traj-point""#, in: one) == 1)
        expectFinite(one)
        let empty = TrajectoryChart.figure(title: "None", observations: [], bands: [], totalRange: 0...0, doseMarkers: [],
                                           baseline: nil, responseLine: nil, remissionLine: nil).render()
        #expect(empty.contains("<svg") && empty.contains("No scores recorded yet."))
        #expect(count("<path ", in: empty) == 0)
        expectFinite(empty)
    }

    @Test("Out-of-range totals are clamped to the plot; text is escaped")
    func clampingAndEscaping() {
        let html = TrajectoryChart.figure(
            title: "<b>&", observations: [.init(date: day(0), total: 99), .init(date: day(3), total: -4)],
            bands: [.init(range: 0...27, label: "a<b")], totalRange: 0...27, doseMarkers: [(day(1), "x\"y")],
            baseline: nil, responseLine: nil, remissionLine: nil).render()
        #expect(!html.contains("<b>&") && html.contains("&lt;b&gt;&amp;") && html.contains("a&lt;b 0–27"))
        #expect(html.contains("x&quot;y"))
        #expect(html.contains(#"cy="40.00""#) && html.contains(#"cy="280.00""#), "clamped to the top and bottom of the plot")
        expectFinite(html)
    }

    @Test("Ticks: scores every 5 on 0–27 and every 10 on 0–60; dates daily, weekly or every 4 weeks by span")
    func ticks() {
        #expect(TrajectoryChart.scoreTicks(0...27) == [0, 5, 10, 15, 20, 25])
        #expect(TrajectoryChart.scoreTicks(0...60) == [0, 10, 20, 30, 40, 50, 60])
        #expect(TrajectoryChart.scoreTicks(0...0) == [0])
        #expect(TrajectoryChart.dateTicks(from: start, span: 0) == [start])
        #expect(TrajectoryChart.dateTicks(from: start, span: 6).count == 7)
        #expect(TrajectoryChart.dateTicks(from: start, span: 42) == (0...6).map { day($0 * 7) })
        #expect(TrajectoryChart.dateTicks(from: start, span: 180).count == 7, "every 28 days")
        #expect(TrajectoryChart.dateLabel(day(27), withYear: false) == "1 Feb")
    }

    @Test("Crowded dose labels are thinned; every marker keeps its line and title")
    func crowdedDoses() {
        let doses = (0..<60).map { (date: day($0), label: "35 mg") }
        let html = TrajectoryChart.figure(
            title: "Daily", observations: [.init(date: day(0), total: 20), .init(date: day(59), total: 8)], bands: [],
            totalRange: 0...27, doseMarkers: doses, baseline: nil, responseLine: nil, remissionLine: nil).render()
        #expect(count(#"<g class="traj-dose">"#, in: html) == 60)
        let labels = count(">35 mg</text>", in: html)
        #expect(labels > 0 && labels < 60)
        expectFinite(html)
    }
}
