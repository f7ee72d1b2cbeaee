import ClinicDomain
import Plot

/// The administrator's protocol form: edit a protocol (saving its next version) or write a new
/// custom protocol based on one. Every save needs a reason, kept with the version.
public enum ProtocolFormPage {
    /// Renders the form for `base` with `values` (as stored, or as typed after an error).
    public static func render(base: TreatmentProtocol, isNew: Bool, values: [String: String], errors: FieldErrors,
                              context: PageContext) -> String {
        let title = isNew ? "New protocol based on \(base.name)" : "Edit \(base.name)"
        let action = isNew ? "/admin/protocols" : "/admin/protocols/\(base.id)"
        return Layout.page(
            title: errors.isEmpty ? title : "Error: \(title)", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/dosing/protocols/\(base.id)"), .text(base.name))),
            .h1(.text(title)),
            .p(.class("hint"), .text(isNew ? "A custom protocol starts at version 1. The treatment and the phase structure come from \(base.name)."
                                     : "Saving creates version \(base.version + 1); version \(base.version) and the plans signed on it do not change.")),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action(action), .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  .input(.type(.hidden), .name("basedOn"), .value(base.id)),
                  .input(.type(.hidden), .name("basedOnVersion"), .value(String(base.version))),
                  .if(isNew, FormField.input("id", label: "Identifier", value: values["id"], errors: errors,
                                             hint: "Lower-case letters, digits and hyphens, e.g. iv-ketamine-60-min.", required: true)),
                  FormField.input("name", label: "Name", value: values["name"], errors: errors, required: true),
                  FormField.textArea("summary", label: "Summary", value: values["summary"], errors: errors),
                  .unwrap(base.weightBased) { _ in weightBasedFields(base, values: values, errors: errors) },
                  .unwrap(base.esketamine) { _ in esketamineFields(values: values, errors: errors) },
                  .fieldset(.element(named: "legend", text: "Course"),
                            .div(.class("form-grid"),
                                 FormField.input("minimumDaysBetweenSessions", label: "Minimum days between sessions",
                                                 value: values["minimumDaysBetweenSessions"], errors: errors,
                                                 hint: "Clinic policy: no source gives a minimum.", required: true),
                                 .group(base.schedule.phases.enumerated().map { index, phase in
                                     .group(
                                        FormField.select(ProtocolForm.frequencyField(index), label: "\(phase.name): frequency",
                                                         choices: phase.allowedFrequencies.map { ($0.code, $0.description) },
                                                         selected: values[ProtocolForm.frequencyField(index)], errors: errors,
                                                         hint: phase.sources.map { "[\($0)]" }.joined()),
                                        .if(phase.sessions != nil || phase.weeks != nil,
                                            FormField.input(ProtocolForm.lengthField(index),
                                                            label: "\(phase.name): \(phase.sessions != nil ? "sessions" : "weeks")",
                                                            value: values[ProtocolForm.lengthField(index)], errors: errors, required: true)))
                                 }))),
                  .fieldset(.id("measurement-schedule"), .element(named: "legend", text: "Rating scales the course asks for"),
                            .p(.class("hint"), .text("Clinic policy: the reference sets no schedule. Default: PHQ-9 at baseline, "
                                                     + "before and 24 h after each session, and weekly in maintenance.")),
                            .div(.class("table-scroll"), ScrollRegion.focusable("Measurement schedule"), .table(.class("data"),
                                .thead(.tr(.th(.text("Scale")), .group(MeasurementTiming.allCases.map { .th(.text($0.displayName)) }))),
                                .tbody(.forEach(Instrument.all) { instrument in
                                    .tr(.th(.attribute(named: "scope", value: "row"), .text(instrument.shortName)),
                                        .group(MeasurementTiming.allCases.map { timing in
                                            let name = ProtocolForm.measurementField(instrument.id, timing)
                                            return .td(.input(.type(.checkbox), .name(name), .id(name), .value("on"),
                                                              .attribute(named: "aria-label", value: "\(instrument.shortName): \(timing.displayName)"),
                                                              .attribute(named: "checked", value: values[name] == "on" ? "checked" : nil)))
                                        }))
                                })))),
                  .if(!isNew, FormField.checkbox("retired", label: "Retired: keep for signed plans, do not offer for new plans",
                                                 checked: values["retired"] == "on")),
                  FormField.input("reason", label: "Reason for this version", value: values["reason"], errors: errors,
                                  hint: "Kept with the version and in the audit trail.", required: true),
                  .div(.class("actions"), .button(.type(.submit), .text(isNew ? "Create protocol" : "Save version \(base.version + 1)")),
                       .a(.href("/dosing/protocols/\(base.id)"), .text("Cancel"))))
        )
    }

    private static func weightBasedFields(_ base: TreatmentProtocol, values: [String: String], errors: FieldErrors) -> Node<HTML.FormContext> {
        let infusion = base.treatment == .ivKetamine
        return .group(
            .fieldset(.element(named: "legend", text: "Dose"),
                      .div(.class("form-grid"),
                           FormField.input("mgPerKg", label: "Default dose (mg/kg)", value: values["mgPerKg"], errors: errors, required: true),
                           .if(infusion, FormField.input("minutes", label: "Infusion duration (min)", value: values["minutes"],
                                                         errors: errors, required: true)),
                           FormField.select("weightBasis", label: "Weight basis",
                                            choices: WeightBasis.allCases.map { ($0.rawValue, $0.displayName) },
                                            selected: values["weightBasis"], errors: errors,
                                            hint: "Trials dosed on actual weight [R2]; ideal weight was suggested at BMI ≥ 30 [R2]."),
                           FormField.select("vialMgPerMl", label: "Vial strength",
                                            choices: VialConcentration.allCases.map { (String($0.rawValue), $0.displayName) },
                                            selected: values["vialMgPerMl"], errors: errors, hint: "100 mg/mL must be diluted for IV use [R32]."),
                           .if(infusion, FormField.input("bagMl", label: "Bag volume (mL)", value: values["bagMl"], errors: errors)),
                           .div(FormField.checkbox("drugVolumeCountsInTotal", label: "Drug volume counts in the infused total",
                                                   checked: values["drugVolumeCountsInTotal"] == "on"),
                                FormField.checkbox("useActualWeightWhenLower",
                                                   label: "Use the measured weight when ideal or adjusted weight is higher",
                                                   checked: values["useActualWeightWhenLower"] == "on")))),
            .fieldset(.element(named: "legend", text: "Dose limits"),
                      .p(.class("hint"), .text("Past a soft limit a prescriber must give a reason; past a hard limit the dose is refused. "
                                               + "Leave a limit empty for none.")),
                      .div(.class("form-grid"),
                           .group(ProtocolForm.limitFields.filter { !$0.infusionOnly || infusion }.map { limit in
                               FormField.input(limit.field, label: limit.label, value: values[limit.field], errors: errors)
                           }))))
    }

    private static func esketamineFields(values: [String: String], errors: FieldErrors) -> Node<HTML.FormContext> {
        .fieldset(.element(named: "legend", text: "Esketamine devices"),
                  .div(.class("form-grid"),
                       FormField.input("startDevices", label: "Day-1 devices", value: values["startDevices"], errors: errors,
                                       hint: "US label: 2 (56 mg) [R14].", required: true),
                       FormField.input("olderAdultStartDevices", label: "Day-1 devices for older adults", value: values["olderAdultStartDevices"],
                                       errors: errors, hint: "EU: 1 (28 mg) at 65 or over [R22]; empty where the label has none."),
                       FormField.input("olderAdultAgeYears", label: "Older-adult age (years)", value: values["olderAdultAgeYears"],
                                       errors: errors, required: true),
                       FormField.input("minutesBetweenDevices", label: "Minutes between devices", value: values["minutesBetweenDevices"],
                                       errors: errors, hint: "5 minutes [R14].", required: true)),
                  .group((1...3).map { devices in
                      FormField.checkbox("allowedDevices\(devices)", label: "Allow \(devices * 28) mg (\(devices) device\(devices == 1 ? "" : "s"))",
                                         checked: values["allowedDevices\(devices)"] == "on")
                  }),
                  .unwrap(errors["allowedDevices1"]) { .p(.class("field-error"), .text($0)) },
                  FormField.checkbox("largestDoseOnlyAfterStart", label: "Largest dose only after the starting dose [R14]",
                                     checked: values["largestDoseOnlyAfterStart"] == "on"))
    }
}
