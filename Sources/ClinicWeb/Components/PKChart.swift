import ClinicDomain
import Foundation
import Plot

/// A concentration–time chart drawn by the app as inline SVG (no script, no third-party code), so
/// it renders without JavaScript and prints.
///
/// The figure shows plasma concentration (ng/mL) against minutes, the 100–250 ng/mL band
/// associated with dissociation [R56-Zanos] shaded and labelled, the threshold as a dashed line, each
/// series with its own dash pattern and Cmax marker shape (never colour alone) and a legend. The
/// SVG has `role="img"` with a `<title>` and a `<desc>`; a `<details>` data table beneath it
/// gives every point to screen readers and to print.
public enum PKChart {
    /// One curve on the chart.
    public struct Series: Sendable {
        /// What the legend and the data table call it ("40 min infusion").
        public let label: String
        /// The sampled curve with its peak.
        public let curve: ConcentrationCurve

        /// A series: its label and its curve.
        public init(label: String, curve: ConcentrationCurve) {
            self.label = label
            self.curve = curve
        }
    }

    // MARK: Geometry

    private static let width = 640.0
    private static let plotLeft = 64.0
    private static let plotRight = 624.0
    private static let plotTop = 16.0
    private static let plotBottom = 276.0
    private static let legendRowHeight = 22.0
    /// Dash patterns by series index: solid, long dashes, dots, dash-dot.
    private static let dashPatterns: [String?] = [nil, "10 5", "2 4", "12 4 2 4"]
    /// Cmax marker shapes by series index, so series differ by shape as well as by line.
    private static let markerNames = ["circle", "square", "triangle", "diamond"]

    // MARK: Figures

    /// The chart of `series` with the dissociation band, a dashed line at `thresholdNgPerMl`, a
    /// legend, a caption (`title` and `note`) and the data table.
    public static func figure(title: String, series: [Series], thresholdNgPerMl: Double,
                              note: String) -> Node<HTML.BodyContext> {
        .element(named: "figure", nodes: [
            .class("pk-chart"),
            .element(named: "figcaption", nodes: [.strong(.text(title)), .text(" "), .span(.class("pk-note"), .text(note))]),
            .raw(svg(title: title, series: series, thresholdNgPerMl: thresholdNgPerMl)),
            dataTable(series),
        ])
    }

    /// One preview: the chart, a summary (Cmax, Tmax, minutes above the threshold) and the
    /// population-model disclaimer.
    public static func figure(preview: PKPreview) -> Node<HTML.BodyContext> {
        let series = [Series(label: infusionLabel(preview.request.durationMin), curve: preview.curve)]
        return .div(
            .class("pk-preview"),
            figure(title: title(preview), series: series, thresholdNgPerMl: preview.request.thresholdNgPerMl,
                   note: modelNote(preview.model)),
            summaryTable(series, thresholdNgPerMl: preview.request.thresholdNgPerMl),
            .p(.class("pk-disclaimer"), .text(PKPreview.disclaimer))
        )
    }

    /// The same dose over two durations on one axis: the chart, the summary with the peak
    /// reduction, and the disclaimer.
    public static func figure(comparison: PKComparison) -> Node<HTML.BodyContext> {
        let first = comparison.first, second = comparison.second
        let series = [Series(label: infusionLabel(first.request.durationMin), curve: first.curve),
                      Series(label: infusionLabel(second.request.durationMin), curve: second.curve)]
        let request = first.request
        let title = "\(number(request.doseMg)) mg racemic ketamine, \(number(request.weightKg)) kg: "
            + "\(number(first.request.durationMin)) vs \(number(second.request.durationMin)) min"
        let reduction = comparison.peakReduction
        let reductionText = reduction.isFinite
            ? "Peak with \(number(second.request.durationMin)) min: \(percent(abs(reduction))) "
                + (reduction >= 0 ? "lower" : "higher") + " than with \(number(first.request.durationMin)) min."
            : "Peak reduction cannot be computed (a peak of 0 ng/mL)."
        return .div(
            .class("pk-preview"),
            figure(title: title, series: series, thresholdNgPerMl: request.thresholdNgPerMl, note: modelNote(first.model)),
            summaryTable(series, thresholdNgPerMl: request.thresholdNgPerMl),
            .p(.class("pk-reduction"), .text(reductionText)),
            .p(.class("pk-disclaimer"), .text(PKPreview.disclaimer))
        )
    }

    /// An esketamine preview: the APPROXIMATE banner, the chart, the summary and the disclaimer.
    public static func figure(esketamine preview: EsketaminePreview) -> Node<HTML.BodyContext> {
        let devices = preview.request.devices
        let label = "\(number(preview.doseMg)) mg (\(devices) device\(devices == 1 ? "" : "s"))"
        let series = [Series(label: label, curve: preview.curve)]
        return .div(
            .class("pk-preview"),
            approximateBanner(),
            figure(title: "\(label) intranasal esketamine — approximate", series: series,
                   thresholdNgPerMl: preview.request.thresholdNgPerMl,
                   note: "Devices 5 minutes apart from minute 0 [R14]; the shaded band comes from racemic IV ketamine "
                       + "data [R56-Zanos]. " + EsketamineAbsorptionModel.citation + "."),
            summaryTable(series, thresholdNgPerMl: preview.request.thresholdNgPerMl),
            .p(.class("pk-disclaimer"), .text(EsketaminePreview.disclaimer))
        )
    }

    /// The warning that the esketamine curve is approximate, with the reasons, as a banner with
    /// text and an icon.
    public static func approximateBanner() -> Node<HTML.BodyContext> {
        .div(.class("pk-approximate"), .attribute(named: "role", value: "note"),
             .span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")),
             .strong(.text("Approximate. ")),
             .text(sentence(EsketamineAbsorptionModel.approximateNotice.dropFirst("APPROXIMATE: ".count))))
    }

    // MARK: Summary and data table

    /// Cmax, Tmax and minutes at or above the threshold, one row per series.
    static func summaryTable(_ series: [Series], thresholdNgPerMl: Double) -> Node<HTML.BodyContext> {
        .div(.class("table-wrap"), ScrollRegion.focusable("Concentration summary"),
             .table(.class("pk-summary"),
                    .caption(.text("Summary")),
                    .thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Series")),
                               .th(.attribute(named: "scope", value: "col"), .text("Cmax (ng/mL)")),
                               .th(.attribute(named: "scope", value: "col"), .text("Tmax (min)")),
                               .th(.attribute(named: "scope", value: "col"),
                                   .text("Minutes ≥ \(number(thresholdNgPerMl)) ng/mL")))),
                    .tbody(.forEach(series) { item in
                        .tr(.th(.attribute(named: "scope", value: "row"), .text(item.label)),
                            .td(.class("pk-cmax"), .text(number(item.curve.cmaxNgPerMl))),
                            .td(.text(number(item.curve.tmaxMin))),
                            .td(.text(number(item.curve.minutesAboveThreshold))))
                    })))
    }

    /// Every sampled point, minute by minute, one column per series ("–" where a series has no
    /// point at that minute).
    static func dataTable(_ series: [Series]) -> Node<HTML.BodyContext> {
        let minutes = Array(Set(series.flatMap { $0.curve.points.map(\.minute) })).sorted()
        let lookups = series.map { item in
            Dictionary(item.curve.points.map { ($0.minute, $0.ngPerMl) }, uniquingKeysWith: { first, _ in first })
        }
        return .element(named: "details", nodes: [
            .class("pk-data"),
            .element(named: "summary", text: "Data table (minute, ng/mL)"),
            .div(.class("table-wrap"), ScrollRegion.focusable("Concentration table"),
                 .table(.thead(.tr(.th(.attribute(named: "scope", value: "col"), .text("Minute")),
                                   .forEach(series) { .th(.attribute(named: "scope", value: "col"), .text("\($0.label) (ng/mL)")) })),
                        .tbody(.forEach(minutes) { minute in
                            .tr(.th(.attribute(named: "scope", value: "row"), .text(number(minute))),
                                .forEach(lookups) { lookup in .td(.text(lookup[minute].map(number) ?? "–")) })
                        }))),
        ])
    }

    // MARK: SVG

    /// The chart as an SVG document fragment (escaped text throughout).
    static func svg(title: String, series: [Series], thresholdNgPerMl: Double) -> String {
        let band = (PKPreviewRequest.dissociationBandLowerNgPerMl, PKPreviewRequest.dissociationBandUpperNgPerMl)  // [R56-Zanos]
        let finite = { (value: Double) in value.isFinite ? value : 0 }
        let lastMinute = series.flatMap { $0.curve.points.map { finite($0.minute) } }.max() ?? 0
        let highest = series.map { finite($0.curve.cmaxNgPerMl) }.max() ?? 0
        let xAxis = Axis(upTo: max(lastMinute, 1), targetTicks: 8)
        let yAxis = Axis(upTo: max(highest, finite(thresholdNgPerMl), band.1) * 1.05, targetTicks: 6)
        func x(_ minute: Double) -> Double { plotLeft + (plotRight - plotLeft) * finite(minute) / xAxis.maximum }
        func y(_ value: Double) -> Double { plotBottom - (plotBottom - plotTop) * min(finite(value), yAxis.maximum) / yAxis.maximum }

        let id = "pk-" + SVGMarkup.identifier(title + series.map(\.label).joined(separator: "|"))
        let rows = (series.count + 1) / 2
        let height = plotBottom + 44 + Double(rows) * legendRowHeight
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" class="pk-svg" viewBox="0 0 \#(SVGMarkup.coordinate(width)) \#(SVGMarkup.coordinate(height))" "#
            + #"role="img" aria-labelledby="\#(id)-title \#(id)-desc" preserveAspectRatio="xMidYMid meet">"#
        svg += #"<title id="\#(id)-title">\#(SVGMarkup.escape(title))</title>"#
        svg += #"<desc id="\#(id)-desc">\#(SVGMarkup.escape(description(series, thresholdNgPerMl: thresholdNgPerMl)))</desc>"#

        // Band associated with dissociation [R56-Zanos], labelled inside.
        svg += #"<g class="pk-band"><rect x="\#(SVGMarkup.coordinate(plotLeft))" y="\#(SVGMarkup.coordinate(y(band.1)))" width="\#(SVGMarkup.coordinate(plotRight - plotLeft))" "#
            + #"height="\#(SVGMarkup.coordinate(y(band.0) - y(band.1)))"/>"#
            + #"<text x="\#(SVGMarkup.coordinate(plotRight - 6))" y="\#(SVGMarkup.coordinate(y(band.1) + 14))" text-anchor="end">\#(number(band.0))–\#(number(band.1)) ng/mL: "#
            + #"range associated with dissociation [R56-Zanos]</text></g>"#

        // Grid and axes.
        svg += #"<g class="pk-axis pk-axis-y">"#
        for tick in yAxis.ticks {
            svg += #"<line class="pk-grid" x1="\#(SVGMarkup.coordinate(plotLeft))" x2="\#(SVGMarkup.coordinate(plotRight))" y1="\#(SVGMarkup.coordinate(y(tick)))" y2="\#(SVGMarkup.coordinate(y(tick)))"/>"#
            svg += #"<text x="\#(SVGMarkup.coordinate(plotLeft - 6))" y="\#(SVGMarkup.coordinate(y(tick) + 4))" text-anchor="end">\#(number(tick))</text>"#
        }
        svg += #"<text class="pk-axis-label" transform="translate(14 \#(SVGMarkup.coordinate((plotTop + plotBottom) / 2))) rotate(-90)" "#
            + #"text-anchor="middle">Plasma concentration (ng/mL)</text></g>"#
        svg += #"<g class="pk-axis pk-axis-x">"#
        svg += #"<line class="pk-axis-line" x1="\#(SVGMarkup.coordinate(plotLeft))" x2="\#(SVGMarkup.coordinate(plotRight))" y1="\#(SVGMarkup.coordinate(plotBottom))" y2="\#(SVGMarkup.coordinate(plotBottom))"/>"#
        svg += #"<line class="pk-axis-line" x1="\#(SVGMarkup.coordinate(plotLeft))" x2="\#(SVGMarkup.coordinate(plotLeft))" y1="\#(SVGMarkup.coordinate(plotTop))" y2="\#(SVGMarkup.coordinate(plotBottom))"/>"#
        for tick in xAxis.ticks {
            svg += #"<line class="pk-tick" x1="\#(SVGMarkup.coordinate(x(tick)))" x2="\#(SVGMarkup.coordinate(x(tick)))" y1="\#(SVGMarkup.coordinate(plotBottom))" y2="\#(SVGMarkup.coordinate(plotBottom + 5))"/>"#
            svg += #"<text x="\#(SVGMarkup.coordinate(x(tick)))" y="\#(SVGMarkup.coordinate(plotBottom + 18))" text-anchor="middle">\#(number(tick))</text>"#
        }
        svg += #"<text class="pk-axis-label" x="\#(SVGMarkup.coordinate((plotLeft + plotRight) / 2))" y="\#(SVGMarkup.coordinate(plotBottom + 36))" "#
            + #"text-anchor="middle">Minutes</text></g>"#

        // Threshold.
        if thresholdNgPerMl.isFinite, thresholdNgPerMl > 0 {
            let ty = y(thresholdNgPerMl)
            svg += #"<g class="pk-threshold"><line x1="\#(SVGMarkup.coordinate(plotLeft))" x2="\#(SVGMarkup.coordinate(plotRight))" y1="\#(SVGMarkup.coordinate(ty))" y2="\#(SVGMarkup.coordinate(ty))" "#
                + #"stroke-dasharray="6 4"/><text x="\#(SVGMarkup.coordinate(plotRight - 4))" y="\#(SVGMarkup.coordinate(ty - 4))" text-anchor="end">"#
                + #"threshold \#(number(thresholdNgPerMl)) ng/mL</text></g>"#
        }

        // Series, each with its Cmax marker.
        for (index, item) in series.enumerated() {
            var points = item.curve.points.filter { $0.minute.isFinite && $0.ngPerMl.isFinite }
            let peak = ConcentrationCurve.Point(minute: item.curve.tmaxMin, ngPerMl: item.curve.cmaxNgPerMl)
            if peak.minute.isFinite, peak.ngPerMl.isFinite, !points.contains(where: { $0.minute == peak.minute }) {
                points.append(peak)
                points.sort { $0.minute < $1.minute }
            }
            let path = points.enumerated().map { offset, point in
                (offset == 0 ? "M" : "L") + "\(SVGMarkup.coordinate(x(point.minute))) \(SVGMarkup.coordinate(y(point.ngPerMl)))"
            }.joined(separator: " ")
            let dash = dashPatterns[index % dashPatterns.count].map { #" stroke-dasharray="\#($0)""# } ?? ""
            svg += #"<g class="pk-series pk-series-\#(index % dashPatterns.count)">"#
            svg += #"<path d="\#(path)" fill="none"\#(dash)><title>\#(SVGMarkup.escape(item.label))</title></path>"#
            if peak.minute.isFinite, peak.ngPerMl.isFinite {
                svg += marker(index, x: x(peak.minute), y: y(peak.ngPerMl),
                              title: "\(item.label): Cmax \(number(peak.ngPerMl)) ng/mL at \(number(peak.minute)) min")
            }
            svg += "</g>"
        }

        // Legend: line sample, marker shape and label, two per row under the axis.
        svg += #"<g class="pk-legend">"#
        for (index, item) in series.enumerated() {
            let left = plotLeft + Double(index % 2) * (plotRight - plotLeft) / 2
            let top = plotBottom + 50 + Double(index / 2) * legendRowHeight
            let dash = dashPatterns[index % dashPatterns.count].map { #" stroke-dasharray="\#($0)""# } ?? ""
            svg += #"<g class="pk-series pk-series-\#(index % dashPatterns.count)">"#
            svg += #"<line x1="\#(SVGMarkup.coordinate(left))" x2="\#(SVGMarkup.coordinate(left + 36))" y1="\#(SVGMarkup.coordinate(top))" y2="\#(SVGMarkup.coordinate(top))"\#(dash)/>"#
            svg += marker(index, x: left + 18, y: top, title: nil)
            svg += #"<text x="\#(SVGMarkup.coordinate(left + 44))" y="\#(SVGMarkup.coordinate(top + 4))">\#(SVGMarkup.escape(item.label)) (Cmax \#(number(item.curve.cmaxNgPerMl)) ng/mL)</text>"#
            svg += "</g>"
        }
        svg += "</g></svg>"
        return svg
    }

    /// What the chart shows, in words, for the SVG's `<desc>`.
    static func description(_ series: [Series], thresholdNgPerMl: Double) -> String {
        var parts = ["Line chart of predicted plasma concentration in ng/mL against minutes."]
        for item in series {
            parts.append("\(item.label): Cmax \(number(item.curve.cmaxNgPerMl)) ng/mL at \(number(item.curve.tmaxMin)) min, "
                         + "\(number(item.curve.minutesAboveThreshold)) min at or above \(number(thresholdNgPerMl)) ng/mL.")
        }
        parts.append("A shaded band marks \(number(PKPreviewRequest.dissociationBandLowerNgPerMl))–"
                     + "\(number(PKPreviewRequest.dissociationBandUpperNgPerMl)) ng/mL, the range associated with dissociation; "
                     + "a dashed line marks the threshold of \(number(thresholdNgPerMl)) ng/mL. The data table below lists every point.")
        return parts.joined(separator: " ")
    }

    /// The Cmax marker of series `index`: circle, square, triangle or diamond.
    private static func marker(_ index: Int, x: Double, y: Double, title: String?) -> String {
        let tip = title.map { "<title>\(SVGMarkup.escape($0))</title>" } ?? ""
        let shape: String
        switch markerNames[index % markerNames.count] {
        case "circle":
            shape = #"<circle cx="\#(SVGMarkup.coordinate(x))" cy="\#(SVGMarkup.coordinate(y))" r="5""#
        case "square":
            shape = #"<rect x="\#(SVGMarkup.coordinate(x - 4.5))" y="\#(SVGMarkup.coordinate(y - 4.5))" width="9" height="9""#
        case "triangle":
            shape = #"<polygon points="\#(SVGMarkup.coordinate(x)),\#(SVGMarkup.coordinate(y - 6)) \#(SVGMarkup.coordinate(x + 5.5)),\#(SVGMarkup.coordinate(y + 4)) \#(SVGMarkup.coordinate(x - 5.5)),\#(SVGMarkup.coordinate(y + 4))""#
        default:
            shape = #"<polygon points="\#(SVGMarkup.coordinate(x)),\#(SVGMarkup.coordinate(y - 6)) \#(SVGMarkup.coordinate(x + 6)),\#(SVGMarkup.coordinate(y)) \#(SVGMarkup.coordinate(x)),\#(SVGMarkup.coordinate(y + 6)) \#(SVGMarkup.coordinate(x - 6)),\#(SVGMarkup.coordinate(y))""#
        }
        let element = shape.hasPrefix("<circle") ? "circle" : shape.hasPrefix("<rect") ? "rect" : "polygon"
        return shape + #" class="pk-marker pk-marker-\#(markerNames[index % markerNames.count])">\#(tip)</\#(element)>"#
    }

    // MARK: Text

    private static func title(_ preview: PKPreview) -> String {
        let request = preview.request
        let how = request.durationMin == 0 ? "as a bolus" : "over \(number(request.durationMin)) min"
        return "\(number(request.doseMg)) mg racemic ketamine \(how), \(number(request.weightKg)) kg"
    }

    private static func infusionLabel(_ minutes: Double) -> String {
        minutes == 0 ? "Bolus" : "\(number(minutes)) min infusion"
    }

    private static func modelNote(_ model: CompartmentModel) -> String {
        "Model: \(model.displayName) — \(model.citation) [\(model.sources.joined(separator: "]["))]."
    }

    /// A number for people: at most one decimal, no trailing ".0".
    static func number(_ value: Double) -> String {
        NumberText.plain(value)
    }

    /// `text` with its first letter capitalised, to follow a heading word.
    private static func sentence(_ text: Substring) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    private static func percent(_ fraction: Double) -> String { "\(number(fraction * 100))%" }


    /// An axis from 0 to a "nice" maximum with evenly spaced ticks (1, 2, 2.5 or 5 × 10ⁿ apart).
    struct Axis {
        /// The top of the axis.
        let maximum: Double
        /// Tick values from 0 to ``maximum``.
        let ticks: [Double]

        init(upTo value: Double, targetTicks: Int) {
            let span = value.isFinite && value > 0 ? value : 1
            let raw = span / Double(max(1, targetTicks))
            let magnitude = pow(10, (log10(raw)).rounded(.down))
            let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
            let count = min(max(Int(saturating: (span / step).rounded(.up)), 1), 1_000)
            maximum = Double(count) * step
            ticks = (0...count).map { Double($0) * step }
        }
    }
}
