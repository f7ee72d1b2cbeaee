import ClinicDomain
import Foundation
import Plot

extension SessionPage {
    static func checklist(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let current = model.record.checklist ?? .empty
        let errors = model.errors(for: "checklist")
        let editable = model.canRun && [.checkedIn, .preTreatmentChecks].contains(model.record.session.state)
        func checked(_ field: String, _ value: Bool) -> Bool {
            model.postedForm == "checklist" ? ["on", "true"].contains(model.values[field] ?? "") : value
        }
        return .section(.id("checklist"), .h2(.text("Pre-treatment checklist")),
            .ul(.class("checklist-items"), .forEach(model.checklist.items) { item in
                .li(.class(item.passed == nil ? "na" : (item.passed == true ? "pass" : "fail")), .id("check-\(item.key)"),
                    .span(.class("mark"), .attribute(named: "aria-hidden", value: "true"),
                          .text(item.passed == nil ? "–" : (item.passed == true ? "✓" : "✗"))),
                    .strong(.text(" \(item.label): ")), .text(item.detail))
            }),
            .p(.id("checklist-result"), .class(model.checklist.passed && model.record.checklist != nil ? "pass" : "fail"),
               .text(model.record.checklist == nil ? "Not yet completed."
                     : (model.checklist.passed ? "Checklist passed: dosing may start." : "Checklist not passed: dosing waits, or a prescriber overrides."))),
            .if(editable, .form(.method(.post), .action("\(model.path)/checklist"), .class("stacked checklist-form"),
                .csrfField(context),
                FormField.checkbox("identityConfirmed", label: "Identity confirmed (two identifiers)", checked: checked("identityConfirmed", current.identityConfirmed)),
                FormField.checkbox("consentOnFile", label: "Consent on file", checked: checked("consentOnFile", current.consentOnFile)),
                .if(model.facts.fastingInstruction != nil,
                    FormField.checkbox("fastingConfirmed", label: "Fasting confirmed", checked: checked("fastingConfirmed", current.fastingConfirmed),
                                       hint: model.facts.fastingInstruction)),
                FormField.checkbox("escortAndTransportArranged", label: "Escort and transport arranged",
                                   checked: checked("escortAndTransportArranged", current.escortAndTransportArranged),
                                   hint: "No driving until the next day after restful sleep [R14]."),
                .if(model.facts.pregnancyRelevant,
                    FormField.select("pregnancy", label: "Pregnancy status",
                                     choices: PregnancyStatus.allCases.filter { $0 != .notApplicable }.map { ($0.rawValue, $0.displayName) },
                                     selected: model.value("checklist", "pregnancy") ?? current.pregnancy.rawValue, errors: errors)),
                .if(model.facts.remsRequired,
                    FormField.checkbox("remsEnrolmentConfirmed", label: "REMS patient enrolment confirmed",
                                       checked: checked("remsEnrolmentConfirmed", current.remsEnrolmentConfirmed),
                                       hint: "Enrol before the first treatment [R19][R21].")),
                FormField.input("note", label: "Note", value: model.value("checklist", "note") ?? current.note, errors: errors),
                .p(.class("hint"), .text("Pre-dose vital signs, same-day scales and the screening are checked from the record.")),
                .div(.class("actions"), .button(.type(.submit), .class("primary"), .text("Save checklist")))))
        )
    }

    static func administration(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let record = model.record
        let state = record.session.state
        let editable = model.canRun && [.preTreatmentChecks, .dosing, .observation, .readyForDischarge].contains(state)
        let errors = model.errors(for: "administration")
        let current = record.administration
        func value(_ field: String, _ stored: String?) -> String? { model.value("administration", field) ?? stored }
        let esketamine = record.treatment == .esketamine
        let form: Node<HTML.BodyContext> = .form(
            .method(.post), .action("\(model.path)/administration"), .class("stacked administration-form"),
            .attribute(named: "novalidate", value: "novalidate"), .csrfField(context),
            .unwrap(current) { .input(.type(.hidden), .name("amends"), .value($0.entry.id.uuidString.lowercased())) },
            FormField.input("product", label: "Product", value: value("product", current?.details.product ?? (esketamine ? "Spravato (esketamine) 28 mg nasal spray device" : "Ketamine hydrochloride")),
                            errors: errors, required: true),
            FormField.input("lotNumber", label: "Lot number", value: value("lotNumber", current?.details.lotNumber), errors: errors, required: true),
            FormField.input("expiry", label: "Expiry", type: .date, value: value("expiry", current?.details.expiry.iso), errors: errors, required: true),
            .if(!esketamine, FormField.input("concentrationMgPerMl", label: "Concentration drawn (mg/mL)",
                                             value: value("concentrationMgPerMl", current?.details.concentrationMgPerMl.map { Rounding.text($0, places: 1) }),
                                             errors: errors, required: true)),
            FormField.input("doseMg", label: "Dose (mg)", value: value("doseMg", current.map { Rounding.text($0.details.doseMg, places: 1) }
                                                                        ?? record.session.planned.doseMg.map(\.formattedValue)
                                                                        ?? record.session.planned.devices.map { "\($0 * DeviceUse.milligramsPerDevice)" }),
                            errors: errors, required: true),
            FormField.select("route", label: "Route", choices: AdministrationDetails.routes.map { ($0, $0.capitalized) },
                             selected: value("route", current?.details.route ?? (esketamine ? "intranasal" : (record.treatment == .imKetamine ? "intramuscular" : "intravenous"))),
                             errors: errors),
            .if(record.treatment == .ivKetamine, FormField.input("pumpRateMlPerHour", label: "Pump rate (mL/h)",
                                                                 value: value("pumpRateMlPerHour", current?.details.pumpRateMlPerHour.map { Rounding.text($0, places: 1) }),
                                                                 errors: errors, required: true)),
            .p(.class("given-by"), .id("given-by"), .strong(.text("Given by: ")),
               .text("\(context.user?.displayName ?? "you") (you, signed in)")),
            checkerFields(values: model.postedForm == "administration" ? model.values : [:], errors: errors),
            FormField.select("registerDrawID", label: "Controlled-substance register draw",
                             choices: model.registerDraws.map { ($0.value, $0.label) },
                             selected: value("registerDrawID", current?.details.registerDrawID?.uuidString.lowercased()), errors: errors,
                             hint: model.registerDraws.isEmpty ? "Draw the dose from the register first (Controlled-substance draws below)."
                                 : "The register's draw this dose came from."),
            .if(current != nil, FormField.input("reason", label: "Reason for the correction", value: model.value("administration", "reason"), errors: errors, required: true)),
            .div(.class("actions"), .button(.type(.submit), .class(current == nil ? "primary" : "secondary"),
                                            .text(current == nil ? "Record administration" : "Save correction"))))
        return .section(.id("administration"), .h2(.text("Administration")),
            .unwrap(current) { current in
                .dl(.class("administration"),
                    .dt("Product"), .dd(.text(current.details.product)), .dt("Lot"), .dd(.text("\(current.details.lotNumber), expires \(current.details.expiry.iso)")),
                    .dt("Dose"), .dd(.text("\(Rounding.text(current.details.doseMg, places: 1)) mg \(current.details.route)"
                                           + (current.details.concentrationMgPerMl.map { " at \(Rounding.text($0, places: 1)) mg/mL" } ?? "")
                                           + (current.details.pumpRateMlPerHour.map { ", \(Rounding.text($0, places: 1)) mL/h" } ?? ""))),
                    .dt("Given by"), .dd(.text("\(current.details.administeredBy), checked by \(current.details.checkedBy)")),
                    .unwrap(current.details.registerDrawID) { id in
                        .group(.dt("Register draw"), .dd(.a(.href("\(model.path)/register"),
                            .text(model.registerDraws.first { $0.value == id.uuidString.lowercased() }?.label ?? "Draw \(id.uuidString.lowercased().prefix(8))"))))
                    },
                    .unwrap(current.details.registerReference) { .group(.dt("Register reference (recorded as text)"), .dd(.text($0))) },
                    .unwrap(current.entry.reason) { .group(.dt("Corrected"), .dd(.text("\($0) (\(current.entry.recordedByName))"))) })
            },
            .p(.class("no-print"), .a(.href("\(model.path)/register"), .id("register-draws-link"), .text("Controlled-substance draws")),
               .text(model.registerReconciliation.map { $0.isReconciled ? " · ✓ reconciled" : " · ⚠ not reconciled: \($0.unaccounted) unaccounted for" } ?? "")),
            .if(editable && current == nil, form),
            .if(editable && current != nil, disclosure("Correct the administration record", form)),
            .if(record.treatment == .ivKetamine && (state == .dosing || !record.infusionChanges.isEmpty), infusion(model, context: context)),
            .if(esketamine && (state == .dosing || !record.devices.isEmpty), devices(model, context: context)))
    }

    /// "Checked by": the second person types their own credentials on this device, as the
    /// register's witness does; the server confirms them and records their name.
    static func checkerFields(values: [String: String], errors: FieldErrors) -> Node<HTML.FormContext> {
        .fieldset(.class("witness checker"), .id("checker"),
                  .element(named: "legend", text: "Checked by: a second person confirms the dose with their own credentials"),
                  FormField.input("checkerEmail", label: "Checker's email", type: .email, value: values["checkerEmail"], errors: errors,
                                  required: true, autocomplete: "off"),
                  FormField.input("checkerPassword", label: "Checker's password", type: .password, value: nil, errors: errors, required: true,
                                  autocomplete: "off"),
                  FormField.input("checkerCode", label: "Checker's two-factor code", type: .text, value: nil, errors: errors,
                                  hint: "Only when the checker uses two-factor sign-in.", autocomplete: "one-time-code"))
    }

    private static func infusion(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let errors = model.errors(for: "infusion")
        return .div(.id("infusion"), .h3(.text("Infusion \(model.record.isPaused ? "— PAUSED" : "")")),
            .if(!model.record.infusionChanges.isEmpty, .ul(.forEach(model.record.infusionChanges) { change in
                .li(.text("\(model.clock(change.at)) \(change.kind.displayName)"
                          + (change.newRateMlPerHour.map { " to \(Rounding.text($0, places: 1)) mL/h" } ?? "") + ": \(change.reason)"))
            })),
            .if(model.canRun && model.record.session.state == .dosing, .form(
                .method(.post), .action("\(model.path)/infusion-changes"), .class("inline-form"), .csrfField(context),
                FormField.select("kind", label: "Change", choices: InfusionChange.Kind.allCases.map { ($0.rawValue, $0.displayName) },
                                 selected: model.value("infusion", "kind") ?? (model.record.isPaused ? "resumed" : nil), errors: errors),
                FormField.input("newRateMlPerHour", label: "New rate (mL/h)", value: model.value("infusion", "newRateMlPerHour"), errors: errors),
                FormField.input("reason", label: "Reason", value: model.value("infusion", "reason"), errors: errors, required: true),
                .button(.type(.submit), .text("Record change")))))
    }

    private static func devices(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let planned = model.record.session.planned.devices ?? 0
        return .div(.id("devices"), .h3(.text("Devices (\(model.record.devices.count) of \(planned))")),
            .ul(.forEach(model.record.devices) { device in .li(.text("Device \(device.number) at \(model.clock(device.at))")) }),
            .p(.class("hint"), .text("Each device delivers 28 mg; wait at least 5 minutes between devices [R14].")),
            .if(model.canRun && model.record.session.state == .dosing && model.record.devices.count < planned, .form(
                .method(.post), .action("\(model.path)/devices"), .class("inline-form"), .csrfField(context),
                .button(.type(.submit), .class("primary big"), .text("Record device \(model.record.devices.count + 1) used now")))))
    }
}
