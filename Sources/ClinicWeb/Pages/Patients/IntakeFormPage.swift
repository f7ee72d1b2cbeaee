import ClinicDomain
import Plot

/// The form that adds an item to a patient's intake record, or amends one (then a reason is
/// required, because a correction records who, when and why).
public struct IntakeFormPage: Sendable {
    /// What the form shows.
    public struct Model: Sendable {
        /// The patient the record belongs to.
        public var patient: PatientSummary
        /// The section edited.
        public var section: RecordSection
        /// Where the form posts.
        public var action: String
        /// True when the form changes an existing item: the reason field is shown and required.
        public var isAmendment: Bool
        /// The values typed (or the current value, when amending).
        public var values: [String: String]
        /// What was wrong with the last attempt.
        public var errors: FieldErrors
        /// Where the "withdraw this entry" form posts; nil when the item cannot be withdrawn.
        public var retractAction: String?
        /// Where the item's version history is.
        public var historyLink: String?

        /// Creates the model.
        public init(patient: PatientSummary, section: RecordSection, action: String, isAmendment: Bool,
                    values: [String: String] = [:], errors: FieldErrors = FieldErrors(), retractAction: String? = nil,
                    historyLink: String? = nil) {
            self.patient = patient
            self.section = section
            self.action = action
            self.isAmendment = isAmendment
            self.values = values
            self.errors = errors
            self.retractAction = retractAction
            self.historyLink = historyLink
        }
    }

    /// Renders the form.
    public static func render(_ model: Model, context: PageContext) -> String {
        let spec = IntakeFormSpec.of(model.section)
        let heading = (model.isAmendment ? "Amend: " : "") + spec.title
        let chart = "/patients/\(model.patient.id.uuidString.lowercased())"
        return Layout.page(
            title: (model.errors.isEmpty ? "" : "Error: ") + "\(heading) · \(model.patient.listName)", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href(chart), .text("\(model.patient.listName) · \(model.patient.mrn.text)"))),
            .h1(.text(heading)),
            FormField.errorSummary(model.errors),
            .form(
                .class("stacked intake-form"), .action(model.action), .method(.post),
                .attribute(named: "novalidate", value: "novalidate"), .csrfField(context),
                .group(spec.fields.map { field(for: $0, values: model.values, errors: model.errors) }),
                .if(model.isAmendment,
                    FormField.input("reason", label: "Reason for the change", value: model.values["reason"],
                                    errors: model.errors, hint: "Who asked, what was wrong. Kept with the record.",
                                    required: true)),
                .div(.class("actions"),
                     .button(.type(.submit), .text(model.isAmendment ? "Save amendment" : "Save")),
                     .a(.href(chart), .text("Cancel")))
            ),
            .unwrap(model.historyLink) { .p(.a(.href($0), .class("history-link"), .text("Earlier versions of this entry"))) },
            .unwrap(model.retractAction) { action in
                .form(
                    .class("stacked retract-form"), .action(action), .method(.post),
                    .attribute(named: "novalidate", value: "novalidate"), .csrfField(context),
                    .h2(.text("Withdraw this entry")),
                    .p(.class("hint"), .text("For an entry made in error or that no longer applies (a medication stopped). "
                        + "It leaves the current record but stays in its history.")),
                    FormField.input("retractReason", label: "Reason for withdrawing", value: model.values["retractReason"],
                                    errors: model.errors, required: true),
                    .div(.class("actions"), .button(.type(.submit), .class("secondary"), .text("Withdraw entry"))))
            }
        )
    }

    private static func field(for field: IntakeField, values: [String: String], errors: FieldErrors) -> Node<HTML.FormContext> {
        let value = values[field.name]
        switch field.kind {
        case .text:
            return FormField.input(field.name, label: field.label, value: value, errors: errors, hint: field.hint,
                                   required: field.required, autocomplete: "off")
        case .longText:
            return FormField.textArea(field.name, label: field.label, value: value, errors: errors, hint: field.hint)
        case .number(let unit), .integer(let unit):
            return FormField.input(field.name, label: "\(field.label) (\(unit))", value: value, errors: errors,
                                   hint: field.hint, required: field.required, autocomplete: "off")
        case .date:
            return FormField.input(field.name, label: field.label, type: .date, value: value, errors: errors,
                                   hint: field.hint, required: field.required)
        case .select(let choices):
            return FormField.select(field.name, label: field.label, choices: choices.map { ($0.value, $0.label) },
                                    selected: value, errors: errors, hint: field.hint)
        case .checkbox:
            return FormField.checkbox(field.name, label: field.label, checked: value == "on", hint: field.hint)
        case .interactionClasses:
            return .fieldset(
                .class(errors[field.name] == nil ? "field checkboxes" : "field checkboxes has-error"), .id(field.name),
                .element(named: "legend", nodes: [.text(field.label)]),
                .unwrap(field.hint) { .p(.class("hint"), .text($0)) },
                .unwrap(errors[field.name]) {
                    .p(.class("field-error"), .id("\(field.name)-error"),
                       .span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")),
                       .span(.class("visually-hidden"), .text("Error: ")), .text($0))
                },
                .group(InteractionClass.allCases.map { kind in
                    FormField.checkbox("classes.\(kind.rawValue)", label: kind.displayName,
                                       checked: values["classes.\(kind.rawValue)"] == "on")
                }))
        case .vascularEvents:
            let kinds = MedicalHistory.VascularEvent.Kind.allCases.map { ($0.rawValue, $0.displayName) }
            return .fieldset(
                .class("field event-rows"), .element(named: "legend", nodes: [.text(field.label)]),
                .unwrap(field.hint) { .p(.class("hint"), .text($0)) },
                .group((1...IntakeFormCoding.vascularEventRows).map { row in
                    .div(.class("event-row"),
                         FormField.select("event\(row)Kind", label: "Event \(row)", choices: kinds,
                                          selected: values["event\(row)Kind"], errors: errors),
                         FormField.input("event\(row)Date", label: "Date", type: .date, value: values["event\(row)Date"],
                                         errors: errors))
                }))
        }
    }
}
