import ArgumentParser
import ClinicDomain
import Foundation

/// `ketaclinic dose`: the dose calculator (docs/dosing.md). Turns a weight-based racemic ketamine
/// dose into milligrams, millilitres and a pump rate, checked against a protocol's limits.
/// Exits 2 for invalid input and for a dose past a hard limit.
struct DoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dose",
        abstract: "Calculate a weight-based ketamine dose: mg, mL and pump rate, with limit checks.",
        discussion: """
            Example (the worked example of the clinical reference): \
            ketaclinic dose --weight-kg 70 --mg-per-kg 0.5 --minutes 40 --vial-mg-per-ml 50 --bag-ml 100 \
            → 35 mg, 0.7 mL, 100.7 mL, 151.1 mL/h. Limits come from the protocol (default \
            iv-ketamine-standard of the built-in library). A soft-limit warning is printed; a dose past a \
            hard limit is refused with exit code 2. Rounding rules: docs/dosing.md.
            """)

    @Option(name: .customLong("weight-kg"), help: "Measured body weight, kg (25-350).") var weightKg: Double
    @Option(name: .customLong("mg-per-kg"), help: "Dose, mg per kg of dosing weight.") var mgPerKg: Double
    @Option(help: "Infusion duration, minutes (intravenous).") var minutes: Double?
    @Option(name: .customLong("height-cm"), help: "Height, cm (for BMI and ideal or adjusted weight).") var heightCm: Double?
    @Option(help: "Sex at birth: female or male (for ideal or adjusted weight).") var sex: String?
    @Option(name: .customLong("weight-basis"), help: "actual, ideal or adjusted (default: the protocol's).") var weightBasis: String?
    @Option(name: .customLong("vial-mg-per-ml"), help: "Vial strength: 10, 50 or 100 mg/mL (default: the protocol's).")
    var vialMgPerMl: Int?
    @Option(name: .customLong("bag-ml"), help: "Diluent bag, mL; 0 for none (default: the protocol's).") var bagMl: Double?
    @Flag(name: .customLong("exclude-drug-volume"), help: "Do not count the drug volume in the infused total.")
    var excludeDrugVolume = false
    @Option(name: .customLong("protocol"), help: "Built-in protocol whose route, defaults and limits apply.")
    var protocolID: String = ProtocolLibrary.ivStandard.id
    @Flag(help: "Print the result as JSON.") var json = false

    /// Why the input was refused.
    struct InputError: Error, CustomStringConvertible {
        /// One problem per line.
        let description: String
    }

    /// The JSON `--json` prints: the order's figures (``DoseOrder``) and the protocol used.
    struct Output: Encodable {
        let order: DoseOrder
        let protocolID: String
        let protocolVersion: Int

        func encode(to encoder: any Encoder) throws {
            try order.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(protocolID, forKey: .protocolID)
            try container.encode(protocolVersion, forKey: .protocolVersion)
        }

        private enum Keys: String, CodingKey { case protocolID = "protocol", protocolVersion }
    }

    func run() throws {
        let dose: WeightBasedDose
        do { dose = try calculate() } catch { throw CommandSupport.fail(error.description, code: 2) }
        if dose.warnings.hasHardLimit {
            let refusals = dose.warnings.filter { $0.level == .hardLimit }.map { "  \($0.code): \($0.message)" }
            throw CommandSupport.fail("dose refused, past a hard limit:\n" + refusals.joined(separator: "\n"), code: 2)
        }
        print(json ? try jsonText(dose) : Self.report(dose))
    }

    /// The protocol named by `--protocol`.
    func treatmentProtocol() throws(InputError) -> TreatmentProtocol {
        guard let found = ProtocolLibrary.builtIn(id: protocolID.trimmed), found.weightBased != nil else {
            let ids = ProtocolLibrary.builtIn.filter { $0.weightBased != nil }.map(\.id).joined(separator: ", ")
            throw InputError(description: "--protocol: use one of \(ids).")
        }
        return found
    }

    /// Parses the options and calculates, or says every thing that is wrong.
    func calculate() throws(InputError) -> WeightBasedDose {
        let chosen = try treatmentProtocol()
        let dosing = chosen.weightBased!
        var problems: [String] = []
        var parsedSex: SexAtBirth?
        if let sex {
            parsedSex = SexAtBirth(rawValue: sex.trimmed.lowercased())
            if parsedSex == nil || parsedSex == .unknown { problems.append("--sex: use female or male.") }
        }
        var basis = dosing.weightBasis
        if let weightBasis {
            if let parsed = WeightBasis(rawValue: weightBasis.trimmed.lowercased()) { basis = parsed } else {
                problems.append("--weight-basis: use actual, ideal or adjusted.")
            }
        }
        var vial = dosing.vial
        if let vialMgPerMl {
            if let parsed = VialConcentration(rawValue: vialMgPerMl) { vial = parsed } else {
                problems.append("--vial-mg-per-ml: use 10, 50 or 100.")
            }
        }
        guard problems.isEmpty else { throw InputError(description: problems.joined(separator: "\n")) }
        let route = chosen.route ?? .intravenous
        let request = WeightBasedDoseRequest(
            route: route, weight: Kilograms(weightKg), height: heightCm.map(Centimetres.init), sex: parsedSex,
            weightBasis: basis, dosePerKilogram: MilligramsPerKilogram(mgPerKg),
            duration: route == .intravenous ? (minutes ?? dosing.minutes).map(Minutes.init) : nil,
            vial: vial, bagVolume: (bagMl ?? dosing.bagMl).map(Millilitres.init),
            drugVolumeCountsInTotal: excludeDrugVolume ? false : dosing.drugVolumeCountsInTotal,
            useActualWeightWhenLower: dosing.useActualWeightWhenLower)
        do {
            return try WeightBasedDose(request, limits: dosing.limits)
        } catch {
            throw InputError(description: "the dose cannot be calculated:\n"
                             + error.entries.map { "  \(Self.optionName($0.field)): \($0.message)" }.joined(separator: "\n"))
        }
    }

    /// The command-line option a domain field comes from.
    static func optionName(_ field: String) -> String {
        switch field {
        case "weightKg": "--weight-kg"
        case "heightCm": "--height-cm"
        case "mgPerKg": "--mg-per-kg"
        case "minutes": "--minutes"
        case "bagMl": "--bag-ml"
        case "sex": "--sex"
        default: field
        }
    }

    /// The JSON text `--json` prints.
    func jsonText(_ dose: WeightBasedDose) throws -> String {
        let chosen = try treatmentProtocol()
        return try CommandSupport.jsonText(Output(order: dose.order, protocolID: chosen.id, protocolVersion: chosen.version))
    }

    /// The dose as an order a nurse can check line by line.
    static func report(_ dose: WeightBasedDose) -> String {
        let request = dose.request
        var lines = ["Dose calculation (\(request.route.displayName.lowercased()))"]
        var weight = "  Dosing weight      \(dose.dosingWeight) (\(request.weightBasis.displayName.lowercased()))"
        if request.weightBasis != .actual { weight += "; measured \(request.weight.rounded)" }
        lines.append(weight)
        if let ideal = dose.idealWeight, let adjusted = dose.adjustedWeight {
            lines.append("  Ideal / adjusted   \(ideal) / \(adjusted)")
        }
        if let bmi = dose.bodyMassIndex { lines.append("  BMI                \(bmi.formattedValue)") }
        lines.append("  Dose               \(request.dosePerKilogram) × \(dose.dosingWeight) = \(dose.dose)")
        lines.append("  Drug volume        \(dose.dose) ÷ \(request.vial.displayName) = \(dose.drugVolume)")
        if let total = dose.totalVolume, let rate = dose.pumpRate, let doseRate = dose.doseRate,
           let perKg = dose.doseRatePerKilogram, let duration = request.duration {
            let bag = (request.bagVolume ?? .zero).rounded
            let counted = request.drugVolumeCountsInTotal || bag.value == 0
            lines.append("  Total volume       \(bag)\(counted ? " + \(dose.drugVolume)" : " (drug volume not counted)") = \(total)")
            if let concentration = dose.infusionConcentration { lines.append("  Bag concentration  \(concentration)") }
            lines.append("  Pump rate          \(total) ÷ \(duration.rounded) × 60 = \(rate)")
            lines.append("  Dose rate          \(doseRate) (\(perKg))")
        }
        if dose.warnings.isEmpty {
            lines.append("No warnings.")
        } else {
            lines.append("Warnings:")
            lines += dose.warnings.map { "  [\($0.level.rawValue)] \($0.code): \($0.message)" }
        }
        return lines.joined(separator: "\n")
    }
}
