import ClinicDomain
import Foundation

/// ``ClinicPolicies`` as named text fields, shared by the administrator page and
/// `ketaclinic clinic policy`: screening settings keep their descriptor field names
/// (`restingSystolicLimit`), treatment-resistance settings are prefixed with `resistance.`
/// (`resistance.minimumFailedTrials`), so the two policies' names can never collide.
extension ClinicPolicies {
    /// The prefix of treatment-resistance field names.
    public static let resistancePrefix = "resistance."

    /// Every field name, screening settings first, in the order the page lists them.
    public static var fieldNames: [String] {
        ScreeningPolicy.descriptors.map(\.field)
            + TreatmentResistancePolicy.settings.map { resistancePrefix + $0.field }
    }

    /// The stored values as the form and the CLI show them (`on`/`off` for switches).
    public var fieldValues: [String: String] {
        var values: [String: String] = [:]
        for setting in ScreeningPolicy.descriptors {
            values[setting.field] = screening[setting.field].map(Self.format) ?? ""
        }
        values[Self.resistancePrefix + "adequateTrialWeeks"] = String(resistance.adequateTrialWeeks)
        values[Self.resistancePrefix + "minimumFailedTrials"] = String(resistance.minimumFailedTrials)
        values[Self.resistancePrefix + "requireDifferentDrugs"] = resistance.requireDifferentDrugs ? "on" : "off"
        return values
    }

    /// These policies with `values` (field name → typed text) applied and both policies validated.
    /// Fields not in `values` keep their current value. Errors are keyed by the field names above:
    /// unknown names, text that is not a number (or not on/off), and everything `validated()` refuses.
    public func applying(_ values: [String: String]) throws(FieldErrors) -> ClinicPolicies {
        var errors = FieldErrors()
        var screening = self.screening
        var resistance = self.resistance
        let known = Set(Self.fieldNames)
        for field in values.keys.sorted() where !known.contains(field) {
            errors.add(field, "'\(field)' is not a policy setting.")
        }
        for setting in ScreeningPolicy.descriptors {
            guard let text = values[setting.field] else { continue }
            guard let value = Self.number(text) else {
                errors.add(setting.field, "\(setting.label) must be a number, in \(setting.unit).")
                continue
            }
            // Ranges and ordering are checked once, by `validated()` below.
            if setting.isWholeNumber, value != value.rounded() {
                errors.add(setting.field, "\(setting.label) must be a whole number.")
            } else if !screening.set(setting.field, to: value) {
                errors.add(setting.field, "\(setting.label) must be between \(Self.format(setting.allowedRange.lowerBound)) "
                           + "and \(Self.format(setting.allowedRange.upperBound)) \(setting.unit).")
            }
        }
        for field in ["adequateTrialWeeks", "minimumFailedTrials"] {
            let name = Self.resistancePrefix + field
            guard let text = values[name] else { continue }
            guard let value = Self.number(text), let whole = Int(exactly: value) else {
                errors.add(name, "Enter a whole number.")
                continue
            }
            if field == "adequateTrialWeeks" { resistance.adequateTrialWeeks = whole } else { resistance.minimumFailedTrials = whole }
        }
        let switchName = Self.resistancePrefix + "requireDifferentDrugs"
        if let text = values[switchName] {
            switch text.trimmed.lowercased() {
            case "on", "true", "yes", "1": resistance.requireDifferentDrugs = true
            case "off", "false", "no", "0", "": resistance.requireDifferentDrugs = false
            default: errors.add(switchName, "Enter on or off.")
            }
        }
        do { screening = try screening.validated() } catch {
            for entry in error.entries where errors[entry.field] == nil { errors.add(entry.field, entry.message) }
        }
        do { resistance = try resistance.validated() } catch {
            for entry in error.entries where errors[Self.resistancePrefix + entry.field] == nil {
                errors.add(Self.resistancePrefix + entry.field, entry.message)
            }
        }
        try errors.throwIfAny()
        return ClinicPolicies(screening: screening, resistance: resistance)
    }

    /// A value as typed: digits with an optional decimal point (a decimal comma is accepted).
    private static func number(_ text: String) -> Double? {
        let cleaned = text.trimmed.replacingOccurrences(of: ",", with: ".")
        guard !cleaned.isEmpty, let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    /// A value without a trailing ".0".
    public static func format(_ value: Double) -> String {
        NumberText.exact(value)
    }
}
