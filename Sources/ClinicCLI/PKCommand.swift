import ArgumentParser
import ClinicDomain
import Foundation

/// `ketaclinic pk`: a population-model preview of plasma racemic ketamine concentrations for a
/// planned dose (docs/pharmacokinetics.md). Exits 2 with every field error when the input is invalid.
struct PKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pk",
        abstract: "Preview plasma ketamine concentrations for a planned dose (population model).",
        discussion: """
            Predicts plasma racemic ketamine concentrations, ng/mL, for DOSE mg given at a constant rate \
            over MINUTES (0 = bolus), with the Domino 3-compartment or the Clements 2-compartment model \
            (parameters and sources: docs/pharmacokinetics.md). Reports Cmax, its time and the time above \
            a threshold (default 100 ng/mL, the lower edge of the 100-250 ng/mL band associated with \
            dissociation). A population-model preview for a typical adult, not a measurement; not for \
            individual dosing decisions. Exits 2 for invalid input.
            """)

    @Option(help: "Compartment model: domino or clements.") var model: String
    @Option(name: .customLong("weight-kg"), help: "Body weight, kg (25-350).") var weightKg: Double
    @Option(name: .customLong("dose-mg"), help: "Total dose, mg.") var doseMg: Double
    @Option(help: "Infusion duration, minutes (0 = bolus, at most 600).") var minutes: Double
    @Option(name: .customLong("until-min"), help: "Last minute of the curve (default: infusion end + 120).") var untilMin: Double?
    @Option(name: .customLong("step-min"), help: "Minutes between points (default 5).") var stepMin: Double = 5
    @Option(name: .customLong("threshold-ng-per-ml"), help: "Threshold for the time above, ng/mL (default 100).")
    var thresholdNgPerMl: Double = PKPreviewRequest.dissociationBandLowerNgPerMl
    @Flag(help: "Print the result as JSON.") var json = false

    /// Why the input was refused; ``run()`` prints it and exits 2.
    struct InputError: Error, CustomStringConvertible {
        /// The message, one field error per line.
        let description: String
    }

    /// The JSON output: one object per run.
    struct Output: Codable, Equatable {
        /// The model's identifier.
        let model: String
        /// The model's name and citation.
        let modelName: String
        /// Inputs, echoed.
        let weightKg: Double, doseMg: Double, minutes: Double
        /// Highest predicted concentration, ng/mL.
        let cmaxNgPerMl: Double
        /// Minute of the peak.
        let tmaxMin: Double
        /// The threshold, ng/mL.
        let thresholdNgPerMl: Double
        /// Minutes at or above the threshold.
        let minutesAboveThreshold: Double
        /// The sampled curve.
        let points: [ConcentrationCurve.Point]
        /// What this is: a population-model preview, not a measurement.
        let note: String
    }

    func run() throws {
        let preview: PKPreview
        do {
            preview = try evaluate()
        } catch {
            throw CommandSupport.fail(error.description, code: 2)
        }
        print(json ? try Self.jsonText(preview) : Self.report(preview))
    }

    /// Parses the options and computes the preview, or says what is wrong.
    func evaluate() throws(InputError) -> PKPreview {
        guard let id = CompartmentModel.Identifier(rawValue: model.trimmed.lowercased()) else {
            throw InputError(description: "model: use domino or clements.")
        }
        let request = PKPreviewRequest(model: id, weightKg: weightKg, doseMg: doseMg, durationMin: minutes,
                                       untilMin: untilMin, stepMin: stepMin, thresholdNgPerMl: thresholdNgPerMl)
        do {
            return try PKPreview(request)
        } catch {
            throw InputError(description: "the pharmacokinetic preview cannot be computed:\n"
                             + error.entries.map { "  \(Self.optionName($0.field)): \($0.message)" }.joined(separator: "\n"))
        }
    }

    /// The command-line option a domain field comes from.
    static func optionName(_ field: String) -> String {
        switch field {
        case "weightKg": "--weight-kg"
        case "doseMg": "--dose-mg"
        case "minutes": "--minutes"
        case "untilMin": "--until-min"
        case "stepMin": "--step-min"
        case "thresholdNgPerMl": "--threshold-ng-per-ml"
        default: field
        }
    }

    /// A value rounded to 0.01, so JSON output stays readable.
    private static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// The preview as the JSON object `--json` prints.
    static func output(_ preview: PKPreview) -> Output {
        Output(model: preview.model.id.rawValue, modelName: preview.model.displayName,
               weightKg: preview.request.weightKg, doseMg: preview.request.doseMg, minutes: preview.request.durationMin,
               cmaxNgPerMl: rounded(preview.curve.cmaxNgPerMl), tmaxMin: rounded(preview.curve.tmaxMin),
               thresholdNgPerMl: preview.request.thresholdNgPerMl,
               minutesAboveThreshold: rounded(preview.curve.minutesAboveThreshold),
               points: preview.curve.points.map { .init(minute: rounded($0.minute), ngPerMl: rounded($0.ngPerMl)) },
               note: PKPreview.disclaimer)
    }

    /// The JSON text `--json` prints.
    static func jsonText(_ preview: PKPreview) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output(preview)), as: UTF8.self)
    }

    /// The preview as readable text: a summary and a compact table.
    static func report(_ preview: PKPreview) -> String {
        let request = preview.request, curve = preview.curve
        let f = BodyMetrics.format
        let how = request.durationMin == 0 ? "as a bolus" : "over \(f(request.durationMin)) min"
        var lines = [
            "Pharmacokinetic preview: \(f(request.doseMg)) mg racemic ketamine \(how), \(f(request.weightKg)) kg",
            "Model: \(preview.model.displayName) — \(preview.model.citation) [\(preview.model.sources.joined(separator: "]["))]",
            "Cmax \(f(curve.cmaxNgPerMl)) ng/mL at \(f(curve.tmaxMin)) min; "
                + "\(f(curve.minutesAboveThreshold)) min at or above \(f(curve.thresholdNgPerMl)) ng/mL.",
            "Dissociation is associated with 100–250 ng/mL [R56-Zanos].",
            "",
            "  minute   ng/mL",
        ]
        for point in curve.points {
            let minute = f(point.minute), value = f(point.ngPerMl)
            lines.append(String(repeating: " ", count: max(0, 8 - minute.count)) + minute
                         + String(repeating: " ", count: max(1, 8 - value.count)) + value)
        }
        lines.append("")
        lines.append(PKPreview.disclaimer)
        return lines.joined(separator: "\n")
    }
}
