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

            --model esketamine previews intranasal esketamine given as 1-3 devices of 28 mg 5 minutes \
            apart (--devices N or --dose-mg 28|56|84) with an APPROXIMATE one-compartment model built \
            from the US label values; it is not weight-scaled (leave out --weight-kg and --minutes).
            """)

    @Option(help: "Model: domino or clements (IV racemic ketamine), or esketamine (intranasal, approximate).") var model: String
    @Option(name: .customLong("weight-kg"), help: "Body weight, kg (25-350); domino and clements only.") var weightKg: Double?
    @Option(name: .customLong("dose-mg"), help: "Total dose, mg (esketamine: 28, 56 or 84).") var doseMg: Double?
    @Option(help: "Infusion duration, minutes (0 = bolus, at most 600); domino and clements only.") var minutes: Double?
    @Option(help: "Esketamine only: number of 28 mg devices, 5 minutes apart (1-3).") var devices: Int?
    @Option(name: .customLong("until-min"), help: "Last minute of the curve (default: infusion end + 120; esketamine 240).") var untilMin: Double?
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

    /// What a run computes: a racemic preview, or an approximate esketamine one.
    enum Outcome {
        /// Domino or Clements, IV racemic ketamine.
        case racemic(PKPreview)
        /// The approximate intranasal esketamine model.
        case esketamine(EsketaminePreview)
    }

    func run() throws {
        let outcome: Outcome
        do {
            outcome = try self.outcome()
        } catch {
            throw CommandSupport.fail(error.description, code: 2)
        }
        switch outcome {
        case .racemic(let preview): print(json ? try Self.jsonText(preview) : Self.report(preview))
        case .esketamine(let preview): print(json ? try Self.jsonText(preview) : Self.report(preview))
        }
    }

    /// Dispatches on `--model` and computes the preview, or says what is wrong.
    func outcome() throws(InputError) -> Outcome {
        if model.trimmed.lowercased() == "esketamine" { return .esketamine(try evaluateEsketamine()) }
        return .racemic(try evaluate())
    }

    /// Parses the options of a racemic model (domino, clements) and computes the preview, or says
    /// what is wrong.
    func evaluate() throws(InputError) -> PKPreview {
        guard let id = CompartmentModel.Identifier(rawValue: model.trimmed.lowercased()) else {
            throw InputError(description: "model: use domino, clements or esketamine.")
        }
        if devices != nil {
            throw InputError(description: "--devices: only for --model esketamine; give --dose-mg and --minutes for an infusion.")
        }
        // A missing option is reported by the domain's check, with the same words as a wrong one.
        let request = PKPreviewRequest(model: id, weightKg: weightKg ?? .nan, doseMg: doseMg ?? .nan,
                                       durationMin: minutes ?? .nan, untilMin: untilMin, stepMin: stepMin,
                                       thresholdNgPerMl: thresholdNgPerMl)
        do {
            return try PKPreview(request)
        } catch {
            throw Self.inputError(error)
        }
    }

    /// Parses the options of `--model esketamine` and computes the approximate preview, or says
    /// what is wrong.
    func evaluateEsketamine() throws(InputError) -> EsketaminePreview {
        var errors = FieldErrors()
        if weightKg != nil { errors.add("weightKg", "The esketamine model is not weight-scaled; leave out --weight-kg.") }
        if minutes != nil {
            errors.add("minutes", "Esketamine devices are given 5 minutes apart; leave out --minutes and use --devices or --dose-mg.")
        }
        var count = devices
        switch (devices, doseMg) {
        case (nil, nil):
            errors.add("devices", "Give --devices 1, 2 or 3, or --dose-mg 28, 56 or 84.")
        case (nil, let dose?):
            do { count = try EsketaminePreviewRequest.devices(forDoseMg: dose) } catch { errors = errors.merging(error) }
        case (let given?, let dose?):
            if (try? EsketaminePreviewRequest.devices(forDoseMg: dose)) != given {
                errors.add("doseMg", "The dose must be the devices × 28 mg; give --devices or --dose-mg.")
            }
        case (_?, nil):
            break
        }
        do {
            try errors.throwIfAny()
            return try EsketaminePreview(EsketaminePreviewRequest(
                devices: count ?? 0, untilMin: untilMin ?? EsketaminePreviewRequest.defaultUntilMin, stepMin: stepMin,
                thresholdNgPerMl: thresholdNgPerMl))
        } catch {
            throw Self.inputError(error)
        }
    }

    /// The message for every field error, each under its option's name.
    private static func inputError(_ errors: FieldErrors) -> InputError {
        InputError(description: "the pharmacokinetic preview cannot be computed:\n"
                   + errors.entries.map { "  \(optionName($0.field)): \($0.message)" }.joined(separator: "\n"))
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
        case "devices": "--devices"
        default: field
        }
    }

    /// A value rounded to 0.01 (half away from zero, as everywhere), so JSON output stays readable.
    private static func rounded(_ value: Double) -> Double { Rounding.halfAwayFromZero(value, places: 2) }

    /// The preview as the JSON object `--json` prints.
    static func output(_ preview: PKPreview) -> Output {
        Output(model: preview.model.id.rawValue, modelName: preview.model.displayName,
               weightKg: preview.request.weightKg, doseMg: preview.request.doseMg, minutes: preview.request.durationMin,
               cmaxNgPerMl: rounded(preview.curve.cmaxNgPerMl), tmaxMin: rounded(preview.curve.tmaxMin),
               thresholdNgPerMl: preview.request.thresholdNgPerMl,
               minutesAboveThreshold: rounded(preview.curve.minutesAboveThreshold),
               points: roundedPoints(preview.curve), note: PKPreview.disclaimer)
    }

    /// The JSON text `--json` prints.
    static func jsonText(_ preview: PKPreview) throws -> String {
        try CommandSupport.jsonText(output(preview))
    }

    /// The preview as readable text: a summary and a compact table.
    static func report(_ preview: PKPreview) -> String {
        let request = preview.request, curve = preview.curve
        let f = BodyMetrics.format
        let how = request.durationMin == 0 ? "as a bolus" : "over \(f(request.durationMin)) min"
        return reportText([
            "Pharmacokinetic preview: \(f(request.doseMg)) mg racemic ketamine \(how), \(f(request.weightKg)) kg",
            "Model: \(preview.model.displayName) — \(preview.model.citation) [\(preview.model.sources.joined(separator: "]["))]",
            "Cmax \(f(curve.cmaxNgPerMl)) ng/mL at \(f(curve.tmaxMin)) min; "
                + "\(f(curve.minutesAboveThreshold)) min at or above \(f(curve.thresholdNgPerMl)) ng/mL.",
            "Dissociation is associated with 100–250 ng/mL [R56-Zanos].",
        ], curve: curve, disclaimer: PKPreview.disclaimer)
    }
}

extension PKCommand {
    /// The sampled curve as `--json` prints it, rounded to 0.01, for every model.
    private static func roundedPoints(_ curve: ConcentrationCurve) -> [ConcentrationCurve.Point] {
        curve.points.map { .init(minute: rounded($0.minute), ngPerMl: rounded($0.ngPerMl)) }
    }

    /// Every model's readable report: its summary lines, a blank line, the curve's table, a blank
    /// line and its disclaimer.
    static func reportText(_ summary: [String], curve: ConcentrationCurve, disclaimer: String) -> String {
        (summary + [""] + curveTable(curve) + ["", disclaimer]).joined(separator: "\n")
    }

    /// The sampled curve as a two-column table, minute and concentration.
    static func curveTable(_ curve: ConcentrationCurve) -> [String] {
        var table = TextTable([.number("minute"), .number("ng/mL")])
        for point in curve.points { table.add([BodyMetrics.format(point.minute), BodyMetrics.format(point.ngPerMl)]) }
        return table.lines(indent: 2)
    }

    /// The JSON output of `--model esketamine`: the racemic keys that apply, plus `approximate`.
    struct EsketamineOutput: Codable, Equatable {
        /// Always "esketamine".
        let model: String
        /// The model's description and sources.
        let modelName: String
        /// Always true: the model is approximate.
        let approximate: Bool
        /// Why it is approximate.
        let approximateNotice: String
        /// Devices and total dose.
        let devices: Int, doseMg: Double
        /// Minutes the devices are given.
        let deviceMinutes: [Double]
        /// Highest predicted concentration, ng/mL.
        let cmaxNgPerMl: Double
        /// Minute of the peak, from the first device.
        let tmaxMin: Double
        /// The threshold, ng/mL.
        let thresholdNgPerMl: Double
        /// Minutes at or above the threshold.
        let minutesAboveThreshold: Double
        /// The sampled curve.
        let points: [ConcentrationCurve.Point]
        /// What this is: an approximate model, not a measurement.
        let note: String
    }

    /// The esketamine preview as the JSON object `--json` prints.
    static func output(_ preview: EsketaminePreview) -> EsketamineOutput {
        EsketamineOutput(
            model: "esketamine", modelName: EsketamineAbsorptionModel.citation, approximate: true,
            approximateNotice: EsketamineAbsorptionModel.approximateNotice,
            devices: preview.request.devices, doseMg: preview.doseMg,
            deviceMinutes: EsketamineAbsorptionModel.deviceMinutes(devices: preview.request.devices),
            cmaxNgPerMl: rounded(preview.curve.cmaxNgPerMl), tmaxMin: rounded(preview.curve.tmaxMin),
            thresholdNgPerMl: preview.request.thresholdNgPerMl,
            minutesAboveThreshold: rounded(preview.curve.minutesAboveThreshold),
            points: roundedPoints(preview.curve), note: EsketaminePreview.disclaimer)
    }

    /// The JSON text `--json` prints for esketamine.
    static func jsonText(_ preview: EsketaminePreview) throws -> String {
        try CommandSupport.jsonText(output(preview))
    }

    /// The esketamine preview as readable text: the APPROXIMATE notice first, a summary, a table.
    static func report(_ preview: EsketaminePreview) -> String {
        let curve = preview.curve, f = BodyMetrics.format
        let devices = preview.request.devices
        return reportText([
            "Pharmacokinetic preview: \(f(preview.doseMg)) mg intranasal esketamine "
                + "(\(devices) device\(devices == 1 ? "" : "s") of 28 mg, 5 min apart)",
            EsketamineAbsorptionModel.approximateNotice,
            "Model: \(EsketamineAbsorptionModel.citation)",
            "Cmax \(f(curve.cmaxNgPerMl)) ng/mL at \(f(curve.tmaxMin)) min "
                + "(\(f(curve.tmaxMin - preview.lastDeviceMinute)) min after the last device); "
                + "\(f(curve.minutesAboveThreshold)) min at or above \(f(curve.thresholdNgPerMl)) ng/mL.",
            "The 100–250 ng/mL band associated with dissociation comes from racemic IV ketamine [R56-Zanos].",
        ], curve: curve, disclaimer: EsketaminePreview.disclaimer)
    }
}
