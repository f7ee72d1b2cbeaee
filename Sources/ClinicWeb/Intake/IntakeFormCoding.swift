import ClinicDomain
import Foundation

/// Turns an intake form's fields into a record value and back, through the value's JSON form,
/// so a form and an API body are read by the same decoder and the same validation.
public enum IntakeFormCoding {
    /// The number of event rows the medical-history form offers.
    public static let vascularEventRows = 3

    /// The value the form describes, validated, or field errors named as the form names them.
    public static func decode<Value: RecordValue>(_ type: Value.Type, from form: [String: String],
                                                  context: RecordValidationContext) throws(FieldErrors) -> Value {
        let spec = IntakeFormSpec.of(Value.section)
        var errors = FieldErrors()
        var object: [String: Any] = [:]
        for field in spec.fields {
            let text = form[field.name]?.trimmed ?? ""
            switch field.kind {
            case .text, .longText:
                if !text.isEmpty || field.required { object[field.name] = text }
            case .number(let unit):
                if text.isEmpty {
                    if field.required { errors.add(field.name, "Enter the \(field.label.lowercased()) in \(unit).") }
                } else if let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite {
                    object[field.name] = value
                } else {
                    errors.add(field.name, "Enter a number in \(unit), for example 72.5.")
                }
            case .integer(let unit):
                if text.isEmpty {
                    if field.required { errors.add(field.name, "Enter the \(field.label.lowercased()) in \(unit).") }
                } else if let value = Int(text) {
                    object[field.name] = value
                } else {
                    errors.add(field.name, "Enter a whole number in \(unit).")
                }
            case .date:
                if text.isEmpty {
                    if field.required { errors.add(field.name, "Enter the date.") }
                } else if CalendarDate(iso: text) != nil {
                    object[field.name] = text
                } else {
                    errors.add(field.name, "Enter a real date as YYYY-MM-DD, for example 2026-03-27.")
                }
            case .select(let choices):
                if text.isEmpty {
                    if field.required { errors.add(field.name, "Choose the \(field.label.lowercased()).") }
                } else if choices.contains(where: { $0.value == text }) {
                    object[field.name] = text
                } else {
                    errors.add(field.name, "Choose one of the listed options.")
                }
            case .checkbox:
                object[field.name] = Self.isTicked(form[field.name])
            case .interactionClasses:
                object[field.name] = InteractionClass.allCases.filter { Self.isTicked(form["classes.\($0.rawValue)"]) }
                    .map(\.rawValue)
            case .vascularEvents:
                var events: [[String: String]] = []
                for row in 1...vascularEventRows {
                    let kind = form["event\(row)Kind"]?.trimmed ?? "", date = form["event\(row)Date"]?.trimmed ?? ""
                    if kind.isEmpty && date.isEmpty { continue }
                    if MedicalHistory.VascularEvent.Kind(rawValue: kind) == nil {
                        errors.add("event\(row)Kind", "Choose what kind of event it was.")
                    } else if CalendarDate(iso: date) == nil {
                        errors.add("event\(row)Date", "Enter the date of the event as YYYY-MM-DD.")
                    } else {
                        events.append(["kind": kind, "occurredOn": date])
                    }
                }
                object[field.name] = events
            }
        }
        try errors.throwIfAny()
        let value: Value
        do {
            let data = try JSONSerialization.data(withJSONObject: object)
            value = try JSONDecoder().decode(Value.self, from: data)
        } catch {
            errors.add(spec.fields.first?.name ?? "form", "The form could not be read; check every field.")
            throw errors
        }
        return try value.validated(in: context)
    }

    /// The form fields that show `value`, to prefill an amendment.
    public static func fields<Value: RecordValue>(of value: Value) -> [String: String] {
        guard let data = try? JSONEncoder().encode(value),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var form: [String: String] = [:]
        for field in IntakeFormSpec.of(Value.section).fields {
            let raw = object[field.name]
            switch field.kind {
            case .checkbox:
                if (raw as? Bool) == true { form[field.name] = "on" }
            case .interactionClasses:
                for name in raw as? [String] ?? [] { form["classes.\(name)"] = "on" }
            case .vascularEvents:
                for (index, event) in (raw as? [[String: Any]] ?? []).prefix(vascularEventRows).enumerated() {
                    form["event\(index + 1)Kind"] = event["kind"] as? String
                    form["event\(index + 1)Date"] = event["occurredOn"] as? String
                }
            case .number:
                if let number = raw as? NSNumber { form[field.name] = BodyMetrics.format(number.doubleValue) }
            case .integer:
                if let number = raw as? NSNumber { form[field.name] = String(number.intValue) }
            case .text, .longText, .date, .select:
                if let text = raw as? String { form[field.name] = text }
            }
        }
        return form
    }

    private static func isTicked(_ text: String?) -> Bool {
        guard let text = text?.trimmed.lowercased() else { return false }
        return ["on", "true", "yes", "1"].contains(text)
    }
}
