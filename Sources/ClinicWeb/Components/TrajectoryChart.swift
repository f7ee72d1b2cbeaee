import ClinicDomain
import Foundation
import Plot

/// A rating-scale trajectory drawn by the app as inline SVG (no script, no third-party code), so it
/// renders without JavaScript, scales to a phone (viewBox, width 100%) and prints.
///
/// Dates run along the x axis, the total score up the y axis. Severity bands are shaded and
/// labelled with their name and range (never colour alone); the scores are a line with a point
/// per observation; each session or dose is a dashed vertical marker with its label ("35 mg");
/// the baseline, response and remission levels are dashed horizontal lines, each labelled and
/// each with its own dash pattern. The SVG has `role="img"` with a `<title>` and a `<desc>`; a
/// `<details>` data table beneath gives every date, score, band and dose to screen readers and to print.
public enum TrajectoryChart {
    /// A severity band of the instrument ("Moderate", 10–14).
    public struct Band: Sendable {
        /// The totals the band covers, inclusive.
        public let range: ClosedRange<Int>
        /// Its name, shown inside the band and in the data table.
        public let label: String

        /// A band: its range of totals and its name.
        public init(range: ClosedRange<Int>, label: String) {
            self.range = range
            self.label = label
        }
    }

    // MARK: Geometry

    private static let width = 640.0
    private static let plotLeft = 52.0
    private static let plotRight = 624.0
    private static let plotTop = 40.0
    private static let plotBottom = 280.0
    private static let height = 326.0
    /// Horizontal room a dose label needs before the next one in the same row is drawn.
    private static let doseLabelSpacing = 44.0

    // MARK: Figure

    /// The chart of `observations` (any order) on an axis covering `totalRange`, with `bands`
    /// shaded, `doseMarkers` as vertical lines, and dashed lines at `baseline`, `responseLine` and
    /// `remissionLine` when given; captioned with `title` and followed by the data table.
    public static func figure(title: String, observations: [ScoreObservation], bands: [Band], totalRange: ClosedRange<Int>,
                              doseMarkers: [(date: CalendarDate, label: String)], baseline: Int?, responseLine: Int?,
                              remissionLine: Int?) -> Node<HTML.BodyContext> {
        let points = observations.sorted { $0.date < $1.date }
        let doses = doseMarkers.map { Dose(date: $0.date, label: $0.label) }.sorted { $0.date < $1.date }
        let lines = ReferenceLines(baseline: baseline, response: responseLine, remission: remissionLine)
        return .element(named: "figure", nodes: [
            .class("traj-chart"),
            .element(named: "figcaption", nodes: [.strong(.text(title))]),
            .raw(svg(title: title, points: points, bands: bands, totalRange: totalRange, doses: doses, lines: lines)),
            dataTable(points: points, bands: bands, doses: doses),
        ])
    }

    /// A dose or session marker.
    struct Dose {
        let date: CalendarDate
        let label: String
    }

    /// The optional horizontal reference levels.
    struct ReferenceLines {
        let baseline: Int?
        let response: Int?
        let remission: Int?
    }

    // MARK: Data table

    /// One row per date that has a score or a dose: the score, its band and the dose label.
    static func dataTable(points: [ScoreObservation], bands: [Band], doses: [Dose]) -> Node<HTML.BodyContext> {
        let dates = Array(Set(points.map(\.date) + doses.map(\.date))).sorted()
        return .element(named: "details", nodes: [
            .class("traj-data"),
            .element(named: "summary", text: "Data table (date, score, band, dose)"),
            .div(.class("table-wrap"), ScrollRegion.focusable("Scores table"),
                 .table(.thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Date")),
                                   .th(.attribute(named: "scope", value: "col"), .text("Score")),
                                   .th(.attribute(named: "scope", value: "col"), .text("Band")),
                                   .th(.attribute(named: "scope", value: "col"), .text("Session or dose")))),
                        .tbody(.forEach(dates) { date in
                            let scores = points.filter { $0.date == date }.map(\.total)
                            let given = doses.filter { $0.date == date }.map(\.label)
                            return .tr(.th(.attribute(named: "scope", value: "row"), .text(dateLabel(date, withYear: true))),
                                       .td(.text(scores.isEmpty ? "–" : scores.map(String.init).joined(separator: ", "))),
                                       .td(.text(scores.isEmpty ? "–" : scores.map { band(for: $0, in: bands) ?? "–" }
                                           .joined(separator: ", "))),
                                       .td(.text(given.isEmpty ? "–" : given.joined(separator: ", "))))
                        }))),
        ])
    }

    /// The label of the first band containing `total`.
    static func band(for total: Int, in bands: [Band]) -> String? {
        bands.first { $0.range.contains(total) }?.label
    }

    // MARK: SVG

    /// The chart as an SVG fragment (escaped text throughout, every coordinate finite).
    static func svg(title: String, points: [ScoreObservation], bands: [Band], totalRange: ClosedRange<Int>,
                    doses: [Dose], lines: ReferenceLines) -> String {
        let dates = points.map(\.date) + doses.map(\.date)
        let first = dates.min() ?? CalendarDate(year: 2000, month: 1, day: 1)!
        let last = dates.max() ?? first
        let span = max(0, CalendarDate.daysBetween(first, last))
        let pad = max(0.5, Double(span) * 0.03)
        let low = Double(totalRange.lowerBound), high = Double(max(totalRange.upperBound, totalRange.lowerBound + 1))
        func x(_ date: CalendarDate) -> Double {
            let offset = Double(CalendarDate.daysBetween(first, date))
            return plotLeft + (plotRight - plotLeft) * (offset + pad) / (Double(span) + 2 * pad)
        }
        func y(_ value: Double) -> Double {
            let clamped = min(max(value, low), high)
            return plotBottom - (plotBottom - plotTop) * (clamped - low) / (high - low)
        }

        let id = "traj-" + SVGMarkup.identifier(title + "|" + points.map { "\($0.date.iso)=\($0.total)" }.joined(separator: ","))
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" class="traj-svg" viewBox="0 0 \#(SVGMarkup.coordinate(width)) \#(SVGMarkup.coordinate(height))" "#
            + #"role="img" aria-labelledby="\#(id)-title \#(id)-desc" preserveAspectRatio="xMidYMid meet">"#
        svg += #"<title id="\#(id)-title">\#(SVGMarkup.escape(title))</title>"#
        svg += #"<desc id="\#(id)-desc">\#(SVGMarkup.escape(description(points: points, bands: bands, doses: doses, lines: lines)))</desc>"#

        // Severity bands: contiguous (each covers its totals ± 0.5), shaded by rank, labelled at the
        // right, centred in the band (reference lines tend to sit on band edges).
        svg += #"<g class="traj-bands">"#
        for (index, band) in bands.enumerated() {
            let top = y(Double(band.range.upperBound) + 0.5), bottom = y(Double(band.range.lowerBound) - 0.5)
            guard bottom - top > 0 else { continue }
            let text = "\(band.label) \(band.range.lowerBound)–\(band.range.upperBound)"
            svg += #"<g class="traj-band traj-band-\#(min(index, 5))"><rect x="\#(SVGMarkup.coordinate(plotLeft))" y="\#(SVGMarkup.coordinate(top))" "#
                + #"width="\#(SVGMarkup.coordinate(plotRight - plotLeft))" height="\#(SVGMarkup.coordinate(bottom - top))"><title>\#(SVGMarkup.escape(text))</title></rect>"#
                + #"<text x="\#(SVGMarkup.coordinate(plotRight - 6))" y="\#(SVGMarkup.coordinate((top + bottom) / 2 + 4))" text-anchor="end">\#(SVGMarkup.escape(text))</text></g>"#
        }
        svg += "</g>"

        // Y axis: score ticks and grid.
        svg += #"<g class="traj-axis traj-axis-y">"#
        for tick in scoreTicks(totalRange) {
            svg += #"<line class="traj-grid" x1="\#(SVGMarkup.coordinate(plotLeft))" x2="\#(SVGMarkup.coordinate(plotRight))" y1="\#(SVGMarkup.coordinate(y(Double(tick))))" y2="\#(SVGMarkup.coordinate(y(Double(tick))))"/>"#
            svg += #"<text x="\#(SVGMarkup.coordinate(plotLeft - 6))" y="\#(SVGMarkup.coordinate(y(Double(tick)) + 4))" text-anchor="end">\#(tick)</text>"#
        }
        svg += #"<line class="traj-axis-line" x1="\#(SVGMarkup.coordinate(plotLeft))" x2="\#(SVGMarkup.coordinate(plotLeft))" y1="\#(SVGMarkup.coordinate(plotTop))" y2="\#(SVGMarkup.coordinate(plotBottom))"/>"#
        svg += #"<text class="traj-axis-label" transform="translate(14 \#(SVGMarkup.coordinate((plotTop + plotBottom) / 2))) rotate(-90)" "#
            + #"text-anchor="middle">Total score</text></g>"#

        // X axis: date ticks.
        svg += #"<g class="traj-axis traj-axis-x">"#
        svg += #"<line class="traj-axis-line" x1="\#(SVGMarkup.coordinate(plotLeft))" x2="\#(SVGMarkup.coordinate(plotRight))" y1="\#(SVGMarkup.coordinate(plotBottom))" y2="\#(SVGMarkup.coordinate(plotBottom))"/>"#
        var previousYear: Int?
        for date in dates.isEmpty ? [] : dateTicks(from: first, span: span) {
            let tx = x(date)
            let label = dateLabel(date, withYear: previousYear != date.year)
            previousYear = date.year
            svg += #"<line class="traj-tick" x1="\#(SVGMarkup.coordinate(tx))" x2="\#(SVGMarkup.coordinate(tx))" y1="\#(SVGMarkup.coordinate(plotBottom))" y2="\#(SVGMarkup.coordinate(plotBottom + 5))"/>"#
            svg += #"<text x="\#(SVGMarkup.coordinate(tx))" y="\#(SVGMarkup.coordinate(plotBottom + 18))" text-anchor="middle">\#(SVGMarkup.escape(label))</text>"#
        }
        svg += #"<text class="traj-axis-label" x="\#(SVGMarkup.coordinate((plotLeft + plotRight) / 2))" y="\#(SVGMarkup.coordinate(plotBottom + 38))" "#
            + #"text-anchor="middle">Date</text></g>"#

        // Sessions and doses: dashed vertical markers; labels in two staggered rows, skipped where
        // they would overlap (every marker keeps its <title> and its row in the data table).
        svg += #"<g class="traj-doses">"#
        var lastLabelled: [Double] = [-.infinity, -.infinity]
        for (index, dose) in doses.enumerated() {
            let dx = x(dose.date)
            let text = "\(dose.label), \(dateLabel(dose.date, withYear: true))"
            svg += #"<g class="traj-dose"><line x1="\#(SVGMarkup.coordinate(dx))" x2="\#(SVGMarkup.coordinate(dx))" y1="\#(SVGMarkup.coordinate(plotTop - 4))" y2="\#(SVGMarkup.coordinate(plotBottom))" "#
                + #"stroke-dasharray="3 3"><title>\#(SVGMarkup.escape(text))</title></line>"#
            let row = index % 2
            if dx - lastLabelled[row] >= doseLabelSpacing {
                lastLabelled[row] = dx
                svg += #"<text x="\#(SVGMarkup.coordinate(dx))" y="\#(SVGMarkup.coordinate(plotTop - 8 - Double(row) * 14))" text-anchor="middle">\#(SVGMarkup.escape(dose.label))</text>"#
            }
            svg += "</g>"
        }
        svg += "</g>"

        // Reference levels: each its own dash pattern and a text label at the left (the band
        // labels sit at the right); a label that would collide with one already placed goes below its line.
        let references: [(value: Int?, text: (Int) -> String, className: String, dash: String)] = [
            (lines.baseline, { "Baseline \($0)" }, "traj-baseline", "2 3"),
            (lines.response, { "Response ≤ \($0)" }, "traj-response", "8 4"),
            (lines.remission, { "Remission ≤ \($0)" }, "traj-remission", "12 3 2 3"),
        ]
        var placed: [Double] = []
        for reference in references {
            guard let value = reference.value else { continue }
            let ly = y(Double(value))
            var labelY = ly - 4
            if placed.contains(where: { abs($0 - labelY) < 12 }) { labelY = ly + 13 }
            if placed.contains(where: { abs($0 - labelY) < 12 }) { labelY = ly + 26 }
            placed.append(labelY)
            svg += #"<g class="traj-reference \#(reference.className)"><line x1="\#(SVGMarkup.coordinate(plotLeft))" x2="\#(SVGMarkup.coordinate(plotRight))" "#
                + #"y1="\#(SVGMarkup.coordinate(ly))" y2="\#(SVGMarkup.coordinate(ly))" stroke-dasharray="\#(reference.dash)"/>"#
                + #"<text x="\#(SVGMarkup.coordinate(plotLeft + 4))" y="\#(SVGMarkup.coordinate(labelY))">\#(SVGMarkup.escape(reference.text(value)))</text></g>"#
        }

        // Scores: one path and a point per observation.
        let path = points.enumerated().map { offset, point in
            (offset == 0 ? "M" : "L") + "\(SVGMarkup.coordinate(x(point.date))) \(SVGMarkup.coordinate(y(Double(point.total))))"
        }.joined(separator: " ")
        svg += #"<g class="traj-series">"#
        if !points.isEmpty { svg += #"<path d="\#(path)" fill="none"/>"# }
        for point in points {
            svg += #"<circle class="traj-point" cx="\#(SVGMarkup.coordinate(x(point.date)))" cy="\#(SVGMarkup.coordinate(y(Double(point.total))))" r="4">"#
                + #"<title>\#(SVGMarkup.escape(dateLabel(point.date, withYear: true))): \#(point.total)</title></circle>"#
        }
        svg += "</g></svg>"
        return svg
    }

    /// What the chart shows, in words, for the SVG's `<desc>`.
    static func description(points: [ScoreObservation], bands: [Band], doses: [Dose], lines: ReferenceLines) -> String {
        var parts: [String] = []
        if let first = points.first, let last = points.last {
            let count = points.count
            parts.append("Line chart of \(count) score\(count == 1 ? "" : "s") from \(dateLabel(first.date, withYear: true)) "
                         + "to \(dateLabel(last.date, withYear: true)): first \(first.total), latest \(last.total).")
        } else {
            parts.append("No scores recorded yet.")
        }
        if !bands.isEmpty {
            parts.append("Shaded bands: " + bands.map { "\($0.label) \($0.range.lowerBound)–\($0.range.upperBound)" }
                .joined(separator: ", ") + ".")
        }
        if !doses.isEmpty {
            parts.append("\(doses.count) session\(doses.count == 1 ? "" : "s") marked with vertical dashed lines.")
        }
        var levels: [String] = []
        if let baseline = lines.baseline { levels.append("baseline \(baseline)") }
        if let response = lines.response { levels.append("response at or below \(response)") }
        if let remission = lines.remission { levels.append("remission at or below \(remission)") }
        if !levels.isEmpty { parts.append("Dashed lines mark " + levels.joined(separator: ", ") + ".") }
        parts.append("The data table below lists every date.")
        return parts.joined(separator: " ")
    }

    // MARK: Ticks

    /// Score ticks: multiples of 1, 2, 5, 10 or 20 (the smallest giving at most 7 intervals) within the range.
    static func scoreTicks(_ range: ClosedRange<Int>) -> [Int] {
        let span = max(1, range.upperBound - range.lowerBound)
        let step = [1, 2, 5, 10, 20, 50].first { span / $0 <= 7 } ?? 100
        let start = Int(rounding: Double(range.lowerBound) / Double(step), .up) * step
        return Array(stride(from: start, through: max(range.upperBound, range.lowerBound), by: step))
    }

    /// Date ticks from `first` every 1, 2, 7, 14, 28, 56, 91, 182 or 364 days: the smallest step
    /// giving at most 7 intervals. Weekly steps count weeks from the first date, the start of care.
    static func dateTicks(from first: CalendarDate, span: Int) -> [CalendarDate] {
        let step = [1, 2, 7, 14, 28, 56, 91, 182, 364].first { span / $0 <= 7 } ?? max(1, span / 7)
        return stride(from: 0, through: span, by: step).map { first.adding(days: $0) }
    }

    // MARK: Text

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "5 Jan" or "5 Jan 2026": the same in every locale.
    static func dateLabel(_ date: CalendarDate, withYear: Bool) -> String {
        "\(date.day) \(months[date.month - 1])" + (withYear ? " \(date.year)" : "")
    }

}
