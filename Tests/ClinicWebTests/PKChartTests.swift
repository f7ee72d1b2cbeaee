import ClinicDomain
@testable import ClinicWeb
import Foundation
import Plot
import Testing

@Suite("PK chart and preview page")
struct PKChartTests {
    /// Every number in an SVG attribute that carries a coordinate or size.
    private func coordinates(in html: String) -> [String] {
        let pattern = #"\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height|d|points)="([^"]*)""#
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(html.startIndex..., in: html)
        return regex.matches(in: html, range: range).compactMap { Range($0.range(at: 1), in: html).map { String(html[$0]) } }
    }

    private func comparison() throws -> PKComparison {
        try PKPreview.compare(PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40))
    }

    @Test("A comparison renders an accessible SVG with the band, the threshold, one path per series, a legend and a data table")
    func comparisonFigure() throws {
        let html = PKChart.figure(comparison: try comparison()).render()
        #expect(html.contains("<svg") && html.contains(#"role="img""#))
        #expect(html.contains("<title id=") && html.contains("<desc id="))
        #expect(html.contains(#"aria-labelledby="pk-"#))
        #expect(html.contains(#"class="pk-band""#))
        #expect(html.contains("100–250 ng/mL: range associated with dissociation [R56-Zanos]"))
        #expect(html.contains(#"class="pk-threshold""#) && html.contains(#"stroke-dasharray="6 4""#))
        #expect(html.components(separatedBy: "<path ").count - 1 == 2, "one path per series")
        #expect(html.contains(#"stroke-dasharray="10 5""#), "the second series is dashed, not only coloured")
        #expect(html.contains("pk-marker-circle") && html.contains("pk-marker-square"))
        #expect(html.contains(#"class="pk-legend""#))
        #expect(html.contains("40 min infusion (Cmax 240.3 ng/mL)") && html.contains("100 min infusion (Cmax"))
        #expect(html.contains("<details") && html.contains("Data table (minute, ng/mL)"))
        #expect(html.contains("<th scope=\"col\">40 min infusion (ng/mL)</th>"))
        #expect(html.contains("Peak with 100 min:") && html.contains("lower than with 40 min"))
        #expect(html.contains(PKPreview.disclaimer))
        #expect(html.contains("Cmax (ng/mL)") && html.contains("Tmax (min)") && html.contains("Minutes ≥ 100 ng/mL"))
        for value in coordinates(in: html) {
            #expect(!value.lowercased().contains("nan") && !value.lowercased().contains("inf"), "non-finite coordinate: \(value)")
        }
    }

    @Test("A curve that stays at 0 ng/mL draws without dividing by zero")
    func zeroPeak() {
        let flat = ConcentrationCurve(untilMin: 0, stepMin: 5, thresholdNgPerMl: 100) { _ in 0 }
        let html = PKChart.figure(title: "Nothing given", series: [.init(label: "none", curve: flat)], thresholdNgPerMl: 100,
                                  note: "A flat line.").render()
        #expect(html.contains("<svg"))
        #expect(!coordinates(in: html).isEmpty)
        for value in coordinates(in: html) {
            #expect(!value.lowercased().contains("nan") && !value.lowercased().contains("inf"), "non-finite coordinate: \(value)")
        }
        let empty = PKChart.figure(title: "No series", series: [], thresholdNgPerMl: 100, note: "").render()
        #expect(empty.contains("<svg") && !empty.lowercased().contains("nan"))
    }

    @Test("Titles and labels are escaped inside the SVG")
    func escaping() {
        let curve = ConcentrationCurve(untilMin: 10, stepMin: 5, thresholdNgPerMl: 100) { $0 * 10 }
        let html = PKChart.figure(title: "<b>&", series: [.init(label: "a<b", curve: curve)], thresholdNgPerMl: 100,
                                  note: "n").render()
        #expect(!html.contains("<b>&") && html.contains("&lt;b&gt;&amp;") && html.contains("a&lt;b"))
    }

    @Test("The esketamine figure carries the APPROXIMATE banner")
    func esketamineFigure() throws {
        let preview = try EsketaminePreview(EsketaminePreviewRequest(devices: 2))
        let html = PKChart.figure(esketamine: preview).render()
        #expect(html.contains("pk-approximate") && html.contains("Approximate."))
        #expect(html.contains("not weight-scaled") && html.contains("[R26]"))
        #expect(html.contains("56 mg (2 devices)"))
        #expect(html.contains(EsketaminePreview.disclaimer))
    }

    @Test("With no query the page shows the demo comparison: 70 kg, 35 mg, Domino, 40 vs 100 min")
    func defaultView() throws {
        let (values, result) = PKPreviewPage.evaluate([:])
        #expect(values["weightKg"] == "70" && values["doseMg"] == "35" && values["model"] == "domino")
        guard case .success(.comparison(let comparison)) = result else {
            Issue.record("expected the comparison, got \(result)")
            return
        }
        #expect(comparison.first.request.durationMin == 40 && comparison.second.request.durationMin == 100)
        #expect(abs(comparison.first.curve.cmaxNgPerMl - 240.3) < 0.1)
    }

    @Test("mg/kg gives the dose as weight × mg/kg; an empty second duration gives one curve")
    func mgPerKg() {
        let (_, result) = PKPreviewPage.evaluate(["weightKg": "80", "mgPerKg": "0,5", "compareMinutes": ""])
        guard case .success(.preview(let preview)) = result else {
            Issue.record("expected one preview, got \(result)")
            return
        }
        #expect(preview.request.doseMg == 40)
    }

    @Test("Bad input gives field errors, on the field the user typed", arguments: [
        (["weightKg": "7"], "weightKg"),
        (["weightKg": "heavy"], "weightKg"),
        (["mgPerKg": "30"], "mgPerKg"),
        (["doseMg": ""], "doseMg"),
        (["compareMinutes": "900"], "compareMinutes"),
        (["model": "marsh"], "model"),
        (["treatment": "esketamine", "devices": "4"], "devices"),
        (["thresholdNgPerMl": "-1"], "thresholdNgPerMl"),
    ])
    func badInput(query: [String: String], field: String) {
        let (_, result) = PKPreviewPage.evaluate(query)
        guard case .failure(let errors) = result else {
            Issue.record("accepted \(query)")
            return
        }
        #expect(errors[field] != nil, "\(query): \(errors.entries)")
    }
}
