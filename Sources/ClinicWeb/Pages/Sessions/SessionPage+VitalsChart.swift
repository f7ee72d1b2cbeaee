import ClinicDomain
import Foundation
import Plot

extension SessionPage {
    /// The vital-sign trend: an SVG drawn here (no script), from the series at the clinic's
    /// charting interval; blood pressure and heart rate on one scale, SpO₂ on its own below, each
    /// alerting reading marked. The summary table gives every measure's range over all readings.
    static func vitalsChart(_ model: Model) -> Node<HTML.BodyContext> {
        let interval = model.policy.chartingIntervalSeconds
        let samples = model.vitals == nil ? model.record.vitalSamples : []
        let summary = model.vitals?.summary ?? VitalSeries.summary(samples)
        guard summary.count >= 2 else { return .empty }
        let points = model.vitals?.series ?? VitalSeries.downsample(samples, intervalSeconds: interval)
        let minutes = interval / 60
        let caption = "Vital signs, one point per \(minutes == 1 ? "minute" : "\(minutes) minutes") (\(points.count) points from "
            + "\(summary.count) readings); alerting readings marked ●"
        return .element(named: "figure", nodes: [
            .class("vitals-chart"), .id("vitals-chart"),
            .raw(svg(points, model: model, label: caption)),
            .element(named: "figcaption", text: caption),
            summaryTable(summary),
        ])
    }

    private static func summaryTable(_ summary: VitalSeries.Summary) -> Node<HTML.BodyContext> {
        let rows: [(String, VitalSeries.MeasureSummary?, String)] = [
            ("Systolic", summary.systolic, "mmHg"), ("Diastolic", summary.diastolic, "mmHg"), ("Heart rate", summary.heartRate, "/min"),
            ("SpO2", summary.oxygenSaturation, "%"), ("Resp. rate", summary.respiratoryRate, "/min"),
        ]
        return .table(.class("data-table vitals-summary"), .id("vitals-summary"),
            .caption(.text("Summary of all \(summary.count) readings")),
            .thead(.tr(.th("Measure"), .th("Lowest"), .th("Highest"), .th("Latest"), .th("Readings"))),
            .tbody(.forEach(rows.filter { $0.1 != nil }) { row in
                let m = row.1!
                return .tr(.th(.attribute(named: "scope", value: "row"), .text(row.0)),
                           .td(.text("\(m.min) \(row.2)")), .td(.text("\(m.max) \(row.2)")), .td(.text("\(m.last) \(row.2)")),
                           .td(.text(String(m.count))))
            }))
    }

    /// The chart's SVG markup.
    static func svg(_ points: [VitalSeries.Point], model: Model, label: String) -> String {
        let (width, left, right) = (720.0, 40.0, 10.0)
        let (top, mainHeight, gap, lowHeight, bottom) = (10.0, 170.0, 24.0, 60.0, 22.0)
        let height = top + mainHeight + gap + lowHeight + bottom
        guard let first = points.first?.takenAt, let last = points.last?.takenAt else { return "" }
        let span = max(last.timeIntervalSince(first), 60)
        func x(_ date: Date) -> Double { left + (width - left - right) * date.timeIntervalSince(first) / span }
        let (mainLow, mainHigh) = (30.0, 220.0)        // mmHg and beats per minute share this scale
        func yMain(_ value: Int) -> Double { top + mainHeight * (1 - (min(max(Double(value), mainLow), mainHigh) - mainLow) / (mainHigh - mainLow)) }
        let (lowTop, satLow, satHigh) = (top + mainHeight + gap, 80.0, 100.0)
        func ySat(_ value: Int) -> Double { lowTop + lowHeight * (1 - (min(max(Double(value), satLow), satHigh) - satLow) / (satHigh - satLow)) }
        func line(_ key: KeyPath<VitalReading, Int?>, _ y: (Int) -> Double, _ style: String) -> String {
            let coordinates = points.compactMap { point in
                point.values[keyPath: key].map { "\(SVGMarkup.coordinate(x(point.takenAt))),\(SVGMarkup.coordinate(y($0)))" }
            }
            guard coordinates.count >= 2 else { return "" }
            return "<polyline class=\"\(style)\" points=\"\(coordinates.joined(separator: " "))\"/>"
        }
        var parts: [String] = []
        for value in stride(from: 40, through: 220, by: 40) {
            let y = SVGMarkup.coordinate(yMain(value))
            parts.append("<line class=\"vc-grid\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y)\" y2=\"\(y)\"/>"
                         + "<text class=\"vc-label\" x=\"2\" y=\"\(y)\">\(value)</text>")
        }
        for value in [90, 100] {
            let y = SVGMarkup.coordinate(ySat(value))
            parts.append("<line class=\"vc-grid\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y)\" y2=\"\(y)\"/>"
                         + "<text class=\"vc-label\" x=\"2\" y=\"\(y)\">\(value)%</text>")
        }
        parts.append("<text class=\"vc-label\" x=\"\(left)\" y=\"\(SVGMarkup.coordinate(lowTop - 6))\">SpO2</text>")
        parts.append("<text class=\"vc-label\" x=\"\(left)\" y=\"\(SVGMarkup.coordinate(height - 6))\">\(SVGMarkup.escape(model.clock(first)))</text>")
        parts.append("<text class=\"vc-label\" x=\"\(SVGMarkup.coordinate(width - right))\" y=\"\(SVGMarkup.coordinate(height - 6))\" "
                     + "text-anchor=\"end\">\(SVGMarkup.escape(model.clock(last)))</text>")
        parts.append(line(\.systolic, yMain, "vc-systolic"))
        parts.append(line(\.diastolic, yMain, "vc-diastolic"))
        parts.append(line(\.heartRate, yMain, "vc-heart-rate"))
        parts.append(line(\.oxygenSaturation, ySat, "vc-saturation"))
        for point in points where point.alerted {
            let v = point.values
            let text = [v.systolic.map { "BP \($0)/\(v.diastolic.map(String.init) ?? "–")" }, v.heartRate.map { "HR \($0)" },
                        v.oxygenSaturation.map { "SpO2 \($0)%" }].compactMap { $0 }.joined(separator: ", ")
            let y = v.systolic.map(yMain) ?? v.heartRate.map(yMain) ?? v.oxygenSaturation.map(ySat) ?? top
            parts.append("<circle class=\"vc-alert\" cx=\"\(SVGMarkup.coordinate(x(point.takenAt)))\" cy=\"\(SVGMarkup.coordinate(y))\" r=\"5\">"
                         + "<title>Alert at \(SVGMarkup.escape(model.clock(point.takenAt))): \(SVGMarkup.escape(text))</title></circle>")
        }
        let legend = "Legend: systolic solid red, diastolic dashed red, heart rate teal, SpO2 dotted blue."
        return "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"vc-title vc-desc\">"
            + "<title id=\"vc-title\">\(SVGMarkup.escape(label))</title><desc id=\"vc-desc\">\(legend)</desc>"
            + parts.joined() + "</svg>"
    }

    /// The monitor's raw readings, folded: the latest ones not in the flowsheet, and where the
    /// whole stream is (the API's raw pages).
    static func rawStream(_ model: Model, listed: Int) -> Node<HTML.BodyContext> {
        let record = model.record
        let unlisted = (model.vitals?.stored ?? record.storedReadings.count) - listed
        guard unlisted > 0 else { return .empty }
        let shown = Set(record.flowsheetReadings.map(\.id))
        let latest = model.vitals.map { Array($0.latestUnlisted.reversed()) }
            ?? Array(record.storedReadings.filter { !shown.contains($0.id) }.suffix(60))
        return disclosure("Monitor stream: \(unlisted) readings not listed above", .div(
            .class("raw-stream"), .id("raw-stream"),
            .p(.class("hint"), .text("The latest \(latest.count) are below; the chart and the summary above cover all of them. "
                                     + "The record keeps every reading: GET /api/v1/sessions/\(record.session.id.uuidString.lowercased())/vitals?raw=1 "
                                     + "returns them in pages.")),
            .table(.class("data-table"),
                .thead(.tr(.th("Time"), .th("HR"), .th("SpO2"), .th("RR"), .th("Source"))),
                .tbody(.forEach(latest.reversed()) { reading in
                    .tr(.td(.text(model.clock(reading.takenAt))), .td(.text(reading.values.heartRate.map(String.init) ?? "–")),
                        .td(.text(reading.values.oxygenSaturation.map(String.init) ?? "–")),
                        .td(.text(reading.values.respiratoryRate.map(String.init) ?? "–")), .td(.text(reading.source.rawValue)))
                }))))
    }
}
