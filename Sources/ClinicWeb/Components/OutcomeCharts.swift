import ClinicDomain
import Foundation
import Plot

/// The clinic outcome report's charts, drawn by the app as inline SVG like ``TrajectoryChart``: no
/// script, `viewBox` with width 100% so they fit a phone and print, `role="img"` with a title and a
/// one-sentence description, and a `<details>` data table under each with every number drawn.
/// Colour is never the only signal: bars and curves carry text labels and the tables say it all.
public enum OutcomeCharts {
    static let width = 640.0
    static let left = 56.0
    static let right = 620.0

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    static func svgOpen(_ title: String, _ description: String, height: Double) -> String {
        let id = SVGMarkup.identifier(title + description)
        return "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"t\(id) d\(id)\" class=\"outcome-svg\">"
            + "<title id=\"t\(id)\">\(SVGMarkup.escape(title))</title><desc id=\"d\(id)\">\(SVGMarkup.escape(description))</desc>"
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start", cls: String = "oc-label") -> String {
        "<text x=\"\(SVGMarkup.coordinate(x))\" y=\"\(SVGMarkup.coordinate(y))\" text-anchor=\"\(anchor)\" class=\"\(cls)\">\(SVGMarkup.escape(content))</text>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String) -> String {
        "<line x1=\"\(SVGMarkup.coordinate(x1))\" y1=\"\(SVGMarkup.coordinate(y1))\" x2=\"\(SVGMarkup.coordinate(x2))\" y2=\"\(SVGMarkup.coordinate(y2))\" class=\"\(cls)\"/>"
    }

    static func figure(_ className: String, caption: String, svg: String, table: Node<HTML.BodyContext>) -> Node<HTML.BodyContext> {
        .element(named: "figure", nodes: [.class("outcome-chart \(className)"), .element(named: "figcaption", nodes: [.strong(.text(caption))]),
                                          .raw(svg), table])
    }

    static func details(_ summary: String, header: [String], rows: [[String]]) -> Node<HTML.BodyContext> {
        .element(named: "details", nodes: [
            .element(named: "summary", nodes: [.text(summary)]),
            .table(.class("data"),
                   .thead(.tr(.group(header.map { .th(.attribute(named: "scope", value: "col"), .text($0)) }))),
                   .tbody(.group(rows.map { row in .tr(.group(row.map { .td(.text($0)) })) }))),
        ])
    }

    // MARK: Waterfall

    /// Percent change from baseline per counted course, best improvement on the right, one bar per
    /// whole-percent bin (width = courses in it), with the −50% response line.
    public static func waterfall(_ bins: [WaterfallBin], instrumentNote: String) -> Node<HTML.BodyContext> {
        let title = "Change from baseline per course (waterfall)"
        let total = bins.reduce(0) { $0 + $1.courses }
        let height = 300.0, top = 20.0, bottom = 250.0
        // Worse (positive change) is drawn upwards from zero, improvement downwards.
        func yValue(_ percent: Double) -> Double { top + (100 - percent) / 200 * (bottom - top) }
        let responders = bins.filter { $0.percent <= -50 }.reduce(0) { $0 + $1.courses }
        var svg = svgOpen(title, "\(total) courses; \(responders) fell by 50% or more (response line at −50%).", height: height)
        for tick in stride(from: -100, through: 100, by: 50) {
            let yy = yValue(Double(tick))
            svg += line(left, yy, right, yy, cls: tick == 0 ? "oc-axis" : "oc-grid")
            svg += text(left - 6, yy + 4, "\(tick > 0 ? "+" : "")\(tick)%", anchor: "end")
        }
        let ordered = bins.sorted { $0.percent > $1.percent }
        var x = left
        let scale = total > 0 ? (right - left) / Double(total) : 0
        for bin in ordered {
            let w = Double(bin.courses) * scale
            let y0 = yValue(0), y1 = yValue(Double(bin.percent))
            let cls = bin.percent <= -50 ? "oc-bar oc-responder" : bin.percent < 0 ? "oc-bar oc-improved" : "oc-bar oc-worse"
            svg += "<rect x=\"\(SVGMarkup.coordinate(x))\" y=\"\(SVGMarkup.coordinate(min(y0, y1)))\" width=\"\(SVGMarkup.coordinate(max(w, 0.5)))\" height=\"\(SVGMarkup.coordinate(max(abs(y1 - y0), 0.5)))\" class=\"\(cls)\"><title>\(bin.percent)%: \(bin.courses) course\(bin.courses == 1 ? "" : "s")</title></rect>"
            x += w
        }
        svg += line(left, yValue(-50), right, yValue(-50), cls: "oc-ref")
        svg += text(right, yValue(-50) - 4, "Response: −50% [R55-ELEKT]", anchor: "end")
        svg += text((left + right) / 2, height - 24, "Courses, ordered from most worse (left) to most improved (right) — \(instrumentNote)", anchor: "middle")
        svg += "</svg>"
        return figure("oc-waterfall", caption: title, svg: svg,
                      table: details("Data: courses per percent change", header: ["Change from baseline", "Courses"],
                                     rows: ordered.map { ["\($0.percent > 0 ? "+" : "")\($0.percent)%", String($0.courses)] }))
    }

    // MARK: Rates per cohort

    /// One bar per cohort with its 95% interval as a whisker, n in the label, and each benchmark as
    /// a labelled tick; a cohort whose interval lies wholly below a benchmark says so in words.
    public static func rates(title: String, rows: [(label: String, rate: Proportion, benchmarks: [BenchmarkComparison])]) -> Node<HTML.BodyContext> {
        let rowHeight = 34.0, top = 28.0, labelWidth = 190.0
        let plotLeft = left + labelWidth - 40, plotRight = right - 10
        let height = top + Double(max(rows.count, 1)) * rowHeight + 30
        func x(_ value: Double) -> Double { plotLeft + value * (plotRight - plotLeft) }
        let description = rows.map { "\($0.label): \(percent($0.rate.value)) of \($0.rate.total)" }.joined(separator: "; ")
        var svg = svgOpen(title, description.isEmpty ? "No cohort." : description, height: height)
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += line(x(tick), top - 6, x(tick), height - 26, cls: "oc-grid")
            svg += text(x(tick), height - 10, String(format: "%.0f%%", tick * 100), anchor: "middle")
        }
        for (index, row) in rows.enumerated() {
            let yy = top + Double(index) * rowHeight
            svg += text(left - 40, yy + 16, "\(row.label) (n=\(row.rate.total))")
            if let value = row.rate.value {
                svg += "<rect x=\"\(SVGMarkup.coordinate(x(0)))\" y=\"\(SVGMarkup.coordinate(yy + 4))\" width=\"\(SVGMarkup.coordinate(x(value) - x(0)))\" height=\"16\" class=\"oc-bar oc-rate\"><title>\(SVGMarkup.escape(row.label)): \(percent(value)), 95% CI \(percent(row.rate.lower))–\(percent(row.rate.upper))</title></rect>"
                if let lower = row.rate.lower, let upper = row.rate.upper {
                    svg += line(x(lower), yy + 12, x(upper), yy + 12, cls: "oc-whisker")
                    svg += line(x(lower), yy + 7, x(lower), yy + 17, cls: "oc-whisker")
                    svg += line(x(upper), yy + 7, x(upper), yy + 17, cls: "oc-whisker")
                }
            } else {
                svg += text(x(0) + 4, yy + 16, "no counted course")
            }
            for benchmark in row.benchmarks {
                let bx = x(benchmark.benchmark.value)
                svg += "<path d=\"M\(SVGMarkup.coordinate(bx)) \(SVGMarkup.coordinate(yy)) l4 -6 h-8 z\" class=\"oc-benchmark\"><title>\(SVGMarkup.escape(benchmark.benchmark.study)): \(percent(benchmark.benchmark.value)) [\(benchmark.benchmark.source)]\(benchmark.isBelow ? " — clinic interval wholly below" : "")</title></path>"
            }
        }
        svg += "</svg>"
        var tableRows: [[String]] = []
        for row in rows {
            tableRows.append([row.label, "\(row.rate.count) of \(row.rate.total)", percent(row.rate.value),
                              "\(percent(row.rate.lower))–\(percent(row.rate.upper))", ""])
            for benchmark in row.benchmarks {
                tableRows.append(["  \(benchmark.benchmark.study) [\(benchmark.benchmark.source)]", "", percent(benchmark.benchmark.value), "",
                                  benchmark.isBelow ? "Clinic's 95% interval wholly below" : benchmark.benchmark.flaggable ? "" : "context only: \(benchmark.benchmark.note)"])
            }
        }
        return figure("oc-rates", caption: title, svg: svg,
                      table: details("Data: rates, 95% intervals (Wilson) and published figures",
                                     header: ["Cohort or study", "Count", "Rate", "95% CI", "Flag"], rows: tableRows))
    }

    // MARK: Kaplan–Meier

    /// Step curves with their Greenwood 95% bands, censoring ticks, the median line and a table of
    /// numbers at risk under the plot.
    public static func survival(title: String, curves: [(label: String, curve: KaplanMeierCurve)], timeLabel: String) -> Node<HTML.BodyContext> {
        let top = 20.0, bottom = 230.0, riskTop = 262.0
        let height = riskTop + Double(curves.count) * 16 + 12
        let maxTime = max(1, curves.flatMap { $0.curve.steps.map(\.time) }.max() ?? 1)
        let step = [7.0, 14, 28, 56, 91, 182, 364, 728].first { maxTime / $0 <= 8 } ?? 728
        let ticks = stride(from: 0.0, through: maxTime, by: step).map { $0 }
        func x(_ t: Double) -> Double { left + t / maxTime * (right - left) }
        func y(_ s: Double) -> Double { top + (1 - s) * (bottom - top) }
        let description = curves.map { "\($0.label): \($0.curve.subjects) followed, \($0.curve.events) events, median " + ($0.curve.median.map { "\(Int($0)) \(timeLabel)" } ?? "not reached") }.joined(separator: "; ")
        var svg = svgOpen(title, description, height: height)
        for s in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += line(left, y(s), right, y(s), cls: "oc-grid")
            svg += text(left - 6, y(s) + 4, String(format: "%.0f%%", s * 100), anchor: "end")
        }
        for t in ticks {
            svg += line(x(t), bottom, x(t), bottom + 4, cls: "oc-axis")
            svg += text(x(t), bottom + 16, String(Int(t)), anchor: "middle")
        }
        svg += text(right, bottom + 30, timeLabel, anchor: "end")
        svg += line(left, y(0.5), right, y(0.5), cls: "oc-ref")
        for (index, entry) in curves.enumerated() {
            let cls = "oc-curve oc-curve-\(index)"
            var path = "M\(SVGMarkup.coordinate(x(0))) \(SVGMarkup.coordinate(y(1)))"
            var upper = "M\(SVGMarkup.coordinate(x(0))) \(SVGMarkup.coordinate(y(1)))"
            var lowerPoints: [(Double, Double)] = [(0, 1)]
            var previous = 1.0, previousUpper = 1.0, previousLower = 1.0
            var ticksSVG = ""
            for s in entry.curve.steps {
                path += " H\(SVGMarkup.coordinate(x(s.time))) V\(SVGMarkup.coordinate(y(s.survival)))"
                upper += " H\(SVGMarkup.coordinate(x(s.time))) V\(SVGMarkup.coordinate(y(s.upper)))"
                lowerPoints.append((s.time, previousLower))
                lowerPoints.append((s.time, s.lower))
                if s.censored > 0 { ticksSVG += line(x(s.time), y(s.survival) - 4, x(s.time), y(s.survival) + 4, cls: "oc-censor oc-curve-\(index)") }
                previous = s.survival; previousUpper = s.upper; previousLower = s.lower
            }
            _ = (previous, previousUpper)
            let band = upper + " H\(SVGMarkup.coordinate(x(maxTime)))" + " V\(SVGMarkup.coordinate(y(lowerPoints.last!.1)))"
                + lowerPoints.reversed().map { " L\(SVGMarkup.coordinate(x($0.0))) \(SVGMarkup.coordinate(y($0.1)))" }.joined() + " Z"
            svg += "<path d=\"\(band)\" class=\"oc-band oc-curve-\(index)\"><title>\(SVGMarkup.escape(entry.label)): 95% band (Greenwood, log-log)</title></path>"
            svg += "<path d=\"\(path) H\(SVGMarkup.coordinate(x(maxTime)))\" class=\"\(cls)\" fill=\"none\"><title>\(SVGMarkup.escape(entry.label))</title></path>"
            svg += ticksSVG
            svg += text(right - 4, top + 14 + Double(index) * 14, "\(index == 0 ? "—" : "– –") \(entry.label)", anchor: "end", cls: "oc-label oc-curve-\(index)")
            // Numbers at risk under the plot.
            let yy = riskTop + Double(index) * 16
            svg += text(4, yy, String(entry.label.prefix(12)), cls: "oc-small")
            for t in ticks { svg += text(x(t), yy, String(entry.curve.atRisk(at: t)), anchor: "middle", cls: "oc-small") }
        }
        svg += text(4, riskTop - 14, "At risk", cls: "oc-small")
        svg += "</svg>"
        var rows: [[String]] = []
        for entry in curves {
            for s in entry.curve.steps {
                rows.append([entry.label, String(format: "%g", s.time), String(s.atRisk), String(s.events), String(s.censored),
                             String(format: "%.4f", s.survival), String(format: "%.4f–%.4f", s.lower, s.upper)])
            }
        }
        return figure("oc-km", caption: title, svg: svg,
                      table: details("Data: Kaplan–Meier table", header: ["Cohort", timeLabel, "At risk", "Events", "Censored", "S(t)", "95% band"],
                                     rows: rows))
    }
}
