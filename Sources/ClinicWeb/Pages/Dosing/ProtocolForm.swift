import ClinicDomain
import Foundation

/// A protocol as named form fields, both ways: the administrator's edit form shows
/// ``values(of:)`` and saves ``apply(_:to:isNew:)``. The phase structure itself (how many phases)
/// is kept; each phase's frequency and length are editable. The API takes the whole protocol.
public enum ProtocolForm {
    /// The limit fields, in form order, with their labels.
    public static var limitFields: [(field: String, label: String, keyPath: WritableKeyPath<DoseLimits, Double?>, infusionOnly: Bool)] { [
        ("softMinimumMgPerKg", "Soft minimum (mg/kg)", \.softMinimumMgPerKg, false),
        ("softMaximumMgPerKg", "Soft maximum (mg/kg)", \.softMaximumMgPerKg, false),
        ("hardMaximumMgPerKg", "Hard maximum (mg/kg)", \.hardMaximumMgPerKg, false),
        ("hardMaximumMg", "Hard maximum per dose (mg)", \.hardMaximumMg, false),
        ("softMinimumMinutes", "Soft minimum duration (min)", \.softMinimumMinutes, true),
        ("softMaximumMinutes", "Soft maximum duration (min)", \.softMaximumMinutes, true),
        ("hardMinimumMinutes", "Hard minimum duration (min)", \.hardMinimumMinutes, true),
        ("hardMaximumMinutes", "Hard maximum duration (min)", \.hardMaximumMinutes, true),
    ] }

    /// The form field of phase `index`'s frequency.
    public static func frequencyField(_ index: Int) -> String { "phase\(index)Frequency" }
    /// The form field of phase `index`'s length (sessions or weeks, as the phase is measured).
    public static func lengthField(_ index: Int) -> String { "phase\(index)Length" }

    /// The form field that turns on `instrument` at `timing` in the measurement schedule.
    public static func measurementField(_ instrument: InstrumentID, _ timing: MeasurementTiming) -> String {
        "measure-\(instrument.rawValue)-\(timing.rawValue)"
    }

    /// The protocol's values as form text.
    public static func values(of item: TreatmentProtocol) -> [String: String] {
        func text(_ value: Double?) -> String { value.map { Rounding.text($0, places: 3) } ?? "" }
        var values: [String: String] = ["id": item.id, "name": item.name, "summary": item.summary,
                                        "retired": item.isRetired ? "on" : "",
                                        "minimumDaysBetweenSessions": String(item.schedule.minimumDaysBetweenSessions)]
        for (index, phase) in item.schedule.phases.enumerated() {
            values[frequencyField(index)] = phase.frequency.code
            values[lengthField(index)] = (phase.sessions ?? phase.weeks).map(String.init) ?? ""
        }
        for rule in item.measurementSchedule.rules { values[measurementField(rule.instrument, rule.timing)] = "on" }
        if let dosing = item.weightBased {
            values["mgPerKg"] = text(dosing.mgPerKg)
            values["minutes"] = text(dosing.minutes)
            values["weightBasis"] = dosing.weightBasis.rawValue
            values["vialMgPerMl"] = String(dosing.vial.rawValue)
            values["bagMl"] = text(dosing.bagMl)
            values["drugVolumeCountsInTotal"] = dosing.drugVolumeCountsInTotal ? "on" : ""
            values["useActualWeightWhenLower"] = dosing.useActualWeightWhenLower ? "on" : ""
            for limit in limitFields { values[limit.field] = text(dosing.limits[keyPath: limit.keyPath]) }
        }
        if let rules = item.esketamine {
            values["startDevices"] = String(rules.startDevices)
            values["olderAdultStartDevices"] = rules.olderAdultStartDevices.map(String.init) ?? ""
            values["olderAdultAgeYears"] = String(rules.olderAdultAgeYears)
            values["minutesBetweenDevices"] = text(rules.minutesBetweenDevices)
            for devices in 1...3 { values["allowedDevices\(devices)"] = rules.allowedDevices.contains(devices) ? "on" : "" }
            values["largestDoseOnlyAfterStart"] = rules.largestDoseOnlyAfterStart ? "on" : ""
        }
        return values
    }

    /// `base` with `values` applied and validated. `isNew` takes the id from the form (a custom
    /// protocol); otherwise the id is kept. Checkboxes missing from `values` are off.
    public static func apply(_ values: [String: String], to base: TreatmentProtocol, isNew: Bool) throws(FieldErrors) -> TreatmentProtocol {
        var errors = FieldErrors()
        var item = base
        func text(_ name: String) -> String { values[name]?.trimmed ?? "" }
        func number(_ name: String, required: Bool) -> Double? {
            let raw = text(name)
            if raw.isEmpty {
                if required { errors.add(name, "Enter a number.") }
                return nil
            }
            guard let value = Double(raw.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
                errors.add(name, "Enter a number.")
                return nil
            }
            return value
        }
        func whole(_ name: String, required: Bool) -> Int? {
            guard let value = number(name, required: required) else { return nil }
            guard let integer = Int(exactly: value) else {
                errors.add(name, "Enter a whole number.")
                return nil
            }
            return integer
        }
        func on(_ name: String) -> Bool { ["on", "true", "yes", "1"].contains(text(name).lowercased()) }

        if isNew {
            item.id = text("id").lowercased()
            item.isCustom = true
            item.version = 1
        }
        item.name = text("name")
        item.summary = text("summary")
        item.isRetired = on("retired")
        if let days = whole("minimumDaysBetweenSessions", required: true) { item.schedule.minimumDaysBetweenSessions = days }
        item.measurements = MeasurementSchedule(rules: InstrumentID.allCases.flatMap { instrument in
            MeasurementTiming.allCases.filter { on(measurementField(instrument, $0)) }.map { MeasurementRule(instrument, $0) }
        })
        for index in item.schedule.phases.indices {
            let phase = item.schedule.phases[index]
            if let frequency = CourseFrequency(code: text(frequencyField(index))), phase.allowedFrequencies.contains(frequency) {
                item.schedule.phases[index].frequency = frequency
            } else {
                errors.add(frequencyField(index), "Choose one of the phase's frequencies.")
            }
            if phase.sessions != nil || phase.weeks != nil, let length = whole(lengthField(index), required: true) {
                if phase.sessions != nil { item.schedule.phases[index].sessions = length } else { item.schedule.phases[index].weeks = length }
            }
        }
        if var dosing = item.weightBased {
            if let mgPerKg = number("mgPerKg", required: true) { dosing.mgPerKg = mgPerKg }
            if item.treatment == .ivKetamine {
                dosing.minutes = number("minutes", required: true)
                dosing.bagMl = number("bagMl", required: false)
            }
            if let basis = WeightBasis(rawValue: text("weightBasis")) { dosing.weightBasis = basis } else {
                errors.add("weightBasis", "Choose a weight basis.")
            }
            if let vial = Int(text("vialMgPerMl")).flatMap(VialConcentration.init(rawValue:)) { dosing.vial = vial } else {
                errors.add("vialMgPerMl", "Choose a vial strength.")
            }
            dosing.drugVolumeCountsInTotal = on("drugVolumeCountsInTotal")
            dosing.useActualWeightWhenLower = on("useActualWeightWhenLower")
            for limit in limitFields where !limit.infusionOnly || item.treatment == .ivKetamine {
                dosing.limits[keyPath: limit.keyPath] = number(limit.field, required: false)
            }
            item.weightBased = dosing
        }
        if var rules = item.esketamine {
            if let start = whole("startDevices", required: true) { rules.startDevices = start }
            rules.olderAdultStartDevices = whole("olderAdultStartDevices", required: false)
            if let age = whole("olderAdultAgeYears", required: true) { rules.olderAdultAgeYears = age }
            if let minutes = number("minutesBetweenDevices", required: true) { rules.minutesBetweenDevices = minutes }
            rules.allowedDevices = (1...3).filter { on("allowedDevices\($0)") }
            rules.largestDoseOnlyAfterStart = on("largestDoseOnlyAfterStart")
            item.esketamine = rules
        }
        try errors.throwIfAny()
        do {
            return try item.validated()
        } catch {
            var mapped = FieldErrors()
            for entry in error.entries {
                var field = entry.field
                if field == "allowedDevices" { field = "allowedDevices1" }
                if field.hasPrefix("phases["), let index = Int(field.dropFirst(7).prefix { $0.isNumber }) {
                    field = field.hasSuffix("frequency") ? frequencyField(index) : lengthField(index)
                }
                mapped.add(field, entry.message)
            }
            throw mapped
        }
    }
}
