import ClinicDomain
import Foundation
import Plot

/// `/dosing/pk`: the pharmacokinetic preview as a page. A GET form, so every view is a shareable
/// URL; with no query it shows the demo comparison a newcomer sees first (70 kg, 0.5 mg/kg =
/// 35 mg, Domino model, over 40 vs 100 minutes). IV racemic ketamine uses the published
/// compartment models; intranasal esketamine the APPROXIMATE label-based model, with its banner.
public enum PKPreviewPage {
    /// What is being previewed: the form's `treatment` field.
    public enum Treatment: String, CaseIterable, Sendable {
        /// Racemic ketamine by IV infusion (compartment models).
        case ketamine
        /// Intranasal esketamine devices (approximate absorption model).
        case esketamine
    }

    /// What the page shows under the form.
    public enum Outcome: Sendable {
        /// One dose over two infusion durations.
        case comparison(PKComparison)
        /// One infusion.
        case preview(PKPreview)
        /// Intranasal esketamine.
        case esketamine(EsketaminePreview)
    }

    /// The form's values before anything is typed: the demo comparison of docs/pharmacokinetics.md,
    /// the 0.5 mg/kg antidepressant dose (35 mg for 70 kg) over 40 minutes [R56-Zanos] against 100.
    public static let defaults: [String: String] = [
        "treatment": Treatment.ketamine.rawValue, "model": CompartmentModel.Identifier.domino.rawValue,
        "weightKg": "70", "doseMg": "35", "mgPerKg": "", "minutes": "40", "compareMinutes": "100",
        "devices": "2", "thresholdNgPerMl": "100",
    ]

    /// Reads the query (fields missing from it keep their defaults; an empty optional field means
    /// "not given") and computes the preview, or returns every field error.
    public static func evaluate(_ query: [String: String]) -> (values: [String: String], result: Result<Outcome, FieldErrors>) {
        var values = defaults
        for (key, value) in query where defaults[key] != nil { values[key] = value.trimmed }
        var errors = FieldErrors()
        func number(_ field: String, optional: Bool = false) -> Double? {
            let text = (values[field] ?? "").replacingOccurrences(of: ",", with: ".")
            if text.isEmpty {
                if !optional { errors.add(field, "Enter a number.") }
                return nil
            }
            guard let value = Double(text), value.isFinite else {
                errors.add(field, "Enter a number, for example 70 or 0.5.")
                return nil
            }
            return value
        }
        guard let treatment = Treatment(rawValue: values["treatment"] ?? "") else {
            errors.add("treatment", "Choose IV racemic ketamine or intranasal esketamine.")
            return (values, .failure(errors))
        }
        let threshold = number("thresholdNgPerMl")
        switch treatment {
        case .esketamine:
            let devices = Int(values["devices"] ?? "")
            if devices == nil { errors.add("devices", "Choose 1, 2 or 3 devices (28, 56 or 84 mg).") }
            guard let devices, let threshold, errors.isEmpty else { return (values, .failure(errors)) }
            do {
                return (values, .success(.esketamine(try EsketaminePreview(
                    EsketaminePreviewRequest(devices: devices, thresholdNgPerMl: threshold)))))
            } catch {
                return (values, .failure(error))
            }
        case .ketamine:
            let model = CompartmentModel.Identifier(rawValue: values["model"] ?? "")
            if model == nil { errors.add("model", "Choose the Domino or the Clements model.") }
            let weight = number("weightKg")
            let mgPerKg = number("mgPerKg", optional: true)
            var dose = mgPerKg == nil ? number("doseMg") : nil
            let minutes = number("minutes")
            let compare = number("compareMinutes", optional: true)
            if let mgPerKg, let weight {
                if mgPerKg <= 0 { errors.add("mgPerKg", "Enter a dose per kg greater than 0, or leave it empty.") }
                dose = weight * mgPerKg
            }
            if let compare, !PKPreviewRequest.isAcceptedDuration(compare) {
                errors.add("compareMinutes", "Enter 0 for a bolus, or a second duration from 1 to 600 minutes, or leave it empty.")
            }
            guard let model, let weight, let dose, let minutes, let threshold, errors.isEmpty else {
                return (values, .failure(errors))
            }
            let request = PKPreviewRequest(model: model, weightKg: weight, doseMg: dose, durationMin: minutes,
                                           thresholdNgPerMl: threshold)
            do {
                if let compare {
                    return (values, .success(.comparison(try PKPreview.compare(request, durationsMin: (minutes, compare)))))
                }
                return (values, .success(.preview(try PKPreview(request))))
            } catch {
                // A dose computed from mg/kg is reported on the field the user typed.
                var mapped = FieldErrors()
                for entry in error.entries {
                    mapped.add(entry.field == "doseMg" && mgPerKg != nil ? "mgPerKg" : entry.field, entry.message)
                }
                return (values, .failure(mapped))
            }
        }
    }

    /// Renders the form with `values` and, below it, the outcome (nil when there are errors).
    public static func render(values: [String: String], outcome: Outcome?, errors: FieldErrors,
                              context: PageContext) -> String {
        let treatment = Treatment(rawValue: values["treatment"] ?? "") ?? .ketamine
        return Layout.page(
            title: errors.isEmpty ? "Pharmacokinetic preview" : "Error: pharmacokinetic preview", context: context,
            content:
            .h1(.text("Pharmacokinetic preview")),
            .p(.class("lede"),
               .text("Predicted plasma concentrations for a planned dose, from published population models for a typical "
                     + "adult. A preview to understand a regimen, not a measurement and not a basis for individual dosing decisions.")),
            // The result carries the banner beside the chart; without one, the page shows it here.
            .if(treatment == .esketamine && outcome == nil, PKChart.approximateBanner()),
            FormField.errorSummary(errors),
            .div(.class("pk-layout"),
            .form(.class("stacked pk-form"), .method(.get), .action("/dosing/pk"),
                  .attribute(named: "novalidate", value: "novalidate"),
                  FormField.select("treatment", label: "Treatment",
                                   choices: [(Treatment.ketamine.rawValue, "IV racemic ketamine (infusion)"),
                                             (Treatment.esketamine.rawValue, "Intranasal esketamine (approximate)")],
                                   selected: values["treatment"], errors: errors),
                  .fieldset(.element(named: "legend", text: "IV racemic ketamine"),
                            FormField.select("model", label: "Compartment model",
                                             choices: [(CompartmentModel.Identifier.domino.rawValue, CompartmentModel.domino.displayName),
                                                       (CompartmentModel.Identifier.clements.rawValue, CompartmentModel.clements.displayName)],
                                             selected: values["model"], errors: errors,
                                             hint: "Parameters as coded in opentiva [R56-opentiva]."),
                            FormField.input("weightKg", label: "Body weight (kg)", value: values["weightKg"], errors: errors,
                                            hint: "25–350 kg. The model volumes scale with weight.", required: true),
                            FormField.input("doseMg", label: "Dose (mg)", value: values["doseMg"], errors: errors,
                                            hint: "Total dose over the infusion.", required: true),
                            FormField.input("mgPerKg", label: "Or dose per kg (mg/kg)", value: values["mgPerKg"], errors: errors,
                                            hint: "When given, the dose is weight × mg/kg and the mg field is ignored."),
                            FormField.input("minutes", label: "Infusion duration (minutes)", value: values["minutes"],
                                            errors: errors, hint: "0 is a bolus; at most 600.", required: true),
                            FormField.input("compareMinutes", label: "Compare with a second duration (minutes)",
                                            value: values["compareMinutes"], errors: errors,
                                            hint: "The same dose over another duration, on the same chart. Leave empty for one curve.")),
                  .fieldset(.element(named: "legend", text: "Intranasal esketamine"),
                            FormField.select("devices", label: "28 mg devices, 5 minutes apart",
                                             choices: [("1", "1 device (28 mg)"), ("2", "2 devices (56 mg)"), ("3", "3 devices (84 mg)")],
                                             selected: values["devices"], errors: errors,
                                             hint: "28, 56 or 84 mg [R14]. The approximate model is not weight-scaled: weight and dose above are not used.")),
                  FormField.input("thresholdNgPerMl", label: "Threshold (ng/mL)", value: values["thresholdNgPerMl"], errors: errors,
                                  hint: "Time at or above it is reported. 100 ng/mL is the lower edge of the range associated with dissociation [R56-Zanos].",
                                  required: true),
                  .div(.class("actions"), .button(.type(.submit), .text("Show preview")),
                       .text(" "), .a(.href("/dosing/pk"), .text("Reset to the example")))),
            .unwrap(outcome) { outcome in
                .section(.class("pk-result"), .attribute(named: "aria-label", value: "Result"),
                         .h2(.text("Result")),
                         view(outcome))
            })
        )
    }

    private static func view(_ outcome: Outcome) -> Node<HTML.BodyContext> {
        switch outcome {
        case .comparison(let comparison): PKChart.figure(comparison: comparison)
        case .preview(let preview): PKChart.figure(preview: preview)
        case .esketamine(let preview): PKChart.figure(esketamine: preview)
        }
    }
}
