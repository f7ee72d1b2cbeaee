import ClinicDomain
import Foundation
import Plot

/// Staff enter a completed scale item by item (or correct one, with a reason). Every item must be
/// answered or explicitly marked missing; licensed instruments show item numbers and neutral
/// labels, not their wording.
public enum ScaleEntryPage {
    /// The value a "missing" answer posts.
    public static let missingValue = "missing"

    /// Renders the form; `amending` names the response being corrected.
    public static func render(patient: PatientSummary, instrument: Instrument, values: [String: String], errors: FieldErrors,
                              amending: UUID?, context: PageContext) -> String {
        let base = "/patients/\(patient.id.uuidString.lowercased())"
        let title = amending == nil ? "Enter \(instrument.shortName)" : "Correct \(instrument.shortName)"
        let action = amending.map { "\(base)/scales/\($0.uuidString.lowercased())/amend" } ?? "\(base)/scales"
        return Layout.page(
            title: errors.isEmpty ? title : "Error: \(title)", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("\(base)/scales"), .text("\(patient.listName) · rating scales"))),
            .h1(.text(title)),
            .p(.class("hint"), .text(instrument.name + (instrument.isSelfReport ? "" : " — item scores only; the licensed wording is not shown.")
                                     + " Sources: " + instrument.sources.map { "[\($0)]" }.joined())),
            .unwrap(instrument.instructions) { .p(.strong(.text($0))) },
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action(action), .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  .input(.type(.hidden), .name("instrument"), .value(instrument.id.rawValue)),
                  FormField.input("administeredOn", label: "Day the answers describe", type: .date,
                                  value: values["administeredOn"], errors: errors, required: true),
                  .group(instrument.items.map { item in itemField(item, values: values, errors: errors) }),
                  .if(amending != nil, FormField.input("reason", label: "Reason for the correction", value: values["reason"], errors: errors,
                                                       hint: "Kept with the correction and in the audit trail.", required: true)),
                  .div(.class("actions"), .button(.type(.submit), .text(amending == nil ? "Save scores" : "Save correction"))))
        )
    }

    private static func itemField(_ item: InstrumentItem, values: [String: String], errors: FieldErrors) -> Node<HTML.FormContext> {
        let name = "item\(item.number)"
        let error = errors[name]
        return .element(named: "fieldset", nodes: [
            .class(error == nil ? "field question" : "field question has-error"), .id("\(name)-fieldset"),
            .element(named: "legend", text: "\(item.number). " + (item.text ?? item.shortLabel)),
            .unwrap(error) { .p(.class("field-error"), .id("\(name)-error"), .text($0)) },
            .div(.class("answer-row"),
                 .group((item.options.map { (String($0.value), "\($0.value) — \($0.label)") } + [(missingValue, "Missing / not answered")]).map { value, label in
                     .span(.class("checkbox"),
                           .input(.type(.radio), .name(name), .id("\(name)-\(value)"), .value(value),
                                  .attribute(named: "checked", value: values[name] == value ? "checked" : nil)),
                           .label(.for("\(name)-\(value)"), .text(label)))
                 })),
        ])
    }
}
