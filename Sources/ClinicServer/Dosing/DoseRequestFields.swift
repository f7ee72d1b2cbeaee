import ClinicDomain
import Foundation

/// Reads a dose calculation from named text fields (the calculator's query string) or typed
/// values (the API), with the protocol's defaults for anything not given.
enum DoseRequestFields {
    /// The weight-based request for `fields` under `treatmentProtocol`, or every field error.
    static func request(_ fields: [String: String], protocol treatmentProtocol: TreatmentProtocol) throws(FieldErrors) -> WeightBasedDoseRequest {
        var errors = FieldErrors()
        guard let dosing = treatmentProtocol.weightBased, let route = treatmentProtocol.route else {
            errors.add("protocol", "Choose a ketamine protocol; esketamine is dosed in devices.")
            throw errors
        }
        func number(_ name: String) -> Double? { Self.number(name, in: fields, &errors) }
        let weight = number("weightKg")
        if weight == nil && errors["weightKg"] == nil { errors.add("weightKg", "Enter the measured weight in kg.") }
        let mgPerKg = number("mgPerKg") ?? dosing.mgPerKg
        let height = number("heightCm")
        let minutes = number("minutes") ?? dosing.minutes
        let bag = number("bagMl") ?? dosing.bagMl
        var sex: SexAtBirth?
        if let text = fields["sex"]?.trimmed, !text.isEmpty {
            sex = SexAtBirth(rawValue: text.lowercased())
            if sex == nil { errors.add("sex", "Choose female or male.") }
        }
        var basis = dosing.weightBasis
        if let text = fields["weightBasis"]?.trimmed, !text.isEmpty {
            if let parsed = WeightBasis(rawValue: text.lowercased()) { basis = parsed } else { errors.add("weightBasis", "Choose a weight basis.") }
        }
        var vial = dosing.vial
        if let text = fields["vialMgPerMl"]?.trimmed, !text.isEmpty {
            if let parsed = Int(text).flatMap(VialConcentration.init(rawValue:)) { vial = parsed } else {
                errors.add("vialMgPerMl", "Choose 10, 50 or 100 mg/mL.")
            }
        }
        let excluded = ["on", "true", "1", "yes"].contains(fields["excludeDrugVolume"]?.lowercased() ?? "")
        try errors.throwIfAny()
        return WeightBasedDoseRequest(route: route, weight: Kilograms(weight ?? 0), height: height.map(Centimetres.init), sex: sex,
                                      weightBasis: basis, dosePerKilogram: MilligramsPerKilogram(mgPerKg),
                                      duration: route == .intravenous ? minutes.map(Minutes.init) : nil, vial: vial,
                                      bagVolume: route == .intravenous ? bag.map(Millilitres.init) : nil,
                                      drugVolumeCountsInTotal: excluded ? false : dosing.drugVolumeCountsInTotal,
                                      useActualWeightWhenLower: dosing.useActualWeightWhenLower)
    }

    /// A field's number, written with a decimal point or comma; nil when empty, and nil with
    /// "Enter a number." in `errors` when unreadable. The dose calculator and the plan form read
    /// their numbers alike.
    static func number(_ name: String, in fields: [String: String], _ errors: inout FieldErrors) -> Double? {
        guard let text = fields[name]?.trimmed, !text.isEmpty else { return nil }
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            errors.add(name, "Enter a number.")
            return nil
        }
        return value
    }

    /// The form's values with the protocol's defaults filled in where a field is empty.
    static func valuesWithDefaults(_ fields: [String: String], protocol treatmentProtocol: TreatmentProtocol) -> [String: String] {
        var values = fields
        values["protocol"] = treatmentProtocol.id
        if let dosing = treatmentProtocol.weightBased {
            func fill(_ name: String, _ value: String?) { if (values[name] ?? "").trimmed.isEmpty, let value { values[name] = value } }
            fill("mgPerKg", Rounding.text(dosing.mgPerKg, places: 3))
            fill("minutes", dosing.minutes.map { Rounding.text($0, places: 1) })
            fill("bagMl", dosing.bagMl.map { Rounding.text($0, places: 2) })
            fill("vialMgPerMl", String(dosing.vial.rawValue))
            fill("weightBasis", dosing.weightBasis.rawValue)
        }
        return values
    }
}
