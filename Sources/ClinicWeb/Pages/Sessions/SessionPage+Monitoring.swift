import ClinicDomain
import Foundation
import Plot

extension SessionPage {
    static func alerts(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let alerts = model.record.alerts
        return .if(!alerts.isEmpty, .section(.id("alerts"), .h2(.text("Alerts")),
            .ul(.class("session-alerts"), .forEach(alerts.reversed()) { alert in
                // The `role=alert` sits on a `div` inside the `li`, so the list keeps only list items.
                .li(.class(alert.acknowledgement == nil ? "session-alert open" : "session-alert"), .id("alert-\(alert.id.uuidString.lowercased())"),
                    .div(.attribute(named: "role", value: alert.acknowledgement == nil ? "alert" : nil),
                         .p(.strong(.text(alert.acknowledgement == nil ? "⚠ \(alert.message)" : alert.message)),
                            .if(alert.escalatedAt != nil && alert.acknowledgement == nil, .span(.class("escalated"), .text(" · ESCALATED"))))),
                    .p(.class("item-meta"), .text("Raised \(model.clock(alert.raisedAt))")),
                    .unwrap(alert.acknowledgement) { ack in
                        .p(.class("item-meta"), .text("Acknowledged by \(ack.byName) at \(model.clock(ack.at)): \(ack.action.displayName)"
                                                      + (ack.note.map { " — \($0)" } ?? "")))
                    },
                    .if(alert.acknowledgement == nil && model.canAcknowledge, acknowledgeForm(alert, model: model, context: context)))
            })))
    }

    private static func acknowledgeForm(_ alert: SessionVitalAlert, model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let prefix = "ack-\(alert.id.uuidString.lowercased().prefix(8))"
        return .form(.method(.post), .action("\(model.path)/alerts/\(alert.id.uuidString.lowercased())/acknowledge"), .class("acknowledge-form"),
                     .csrfField(context),
                     .element(named: "fieldset", nodes: [
                        .element(named: "legend", text: "Action taken"),
                        .group(VitalAlertAction.allCases.map { action in
                            .div(.class("checkbox"),
                                 .input(.type(.radio), .name("action"), .id("\(prefix)-\(action.rawValue)"), .value(action.rawValue)),
                                 .label(.for("\(prefix)-\(action.rawValue)"), .text(action.displayName)))
                        }),
                     ]),
                     .label(.for("\(prefix)-note"), .text("Note (optional)")),
                     .input(.type(.text), .name("note"), .id("\(prefix)-note")),
                     .div(.class("actions"), .button(.type(.submit), .class("primary"), .text("Acknowledge alert"))))
    }

    static func vitals(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let record = model.record
        let errors = model.errors(for: "vitals")
        let alertedReadings = Set(record.alerts.map(\.readingID))
        let baselineID = record.baseline?.id
        let charted = Self.charted(record, alerted: alertedReadings)
        // Focus: the first field in error after a refused reading, the first field after a saved one.
        let focused = errors.entries.first.map(\.field) ?? (model.focusVitals ? "systolic" : nil)
        func number<C: HTML.BodyContext>(_ field: String, _ label: String, _ unit: String) -> Node<C> {
            let error = errors[field]
            return .div(.class(error == nil ? "vital-field" : "vital-field has-error"),
                        .label(.for("vital-\(field)"), .text(label), .span(.class("unit"), .text(unit))),
                        .unwrap(error) { .p(.class("error-message"), .id("\(field)-error"), .text($0)) },
                        .input(.type(.text), .id("vital-\(field)"), .name(field), .value(model.value("vitals", field) ?? ""),
                               .attribute(named: "inputmode", value: field == "temperatureCelsius" ? "decimal" : "numeric"),
                               .attribute(named: "autocomplete", value: "off"),
                               .attribute(named: "autofocus", value: focused == field ? "autofocus" : nil),
                               .attribute(named: "aria-invalid", value: error == nil ? nil : "true")))
        }
        return .section(.id("vitals"), .h2(.text("Vital signs")),
            .if(!model.points.isEmpty, .ul(.class("required-points"), .id("required-points"), .forEach(model.points) { point in
                .li(.class("point point-\(point.status.rawValue)"),
                    .text("\(point.label)\(point.dueAt.map { " (\(model.clock($0)))" } ?? ""): \(point.status.rawValue)"))
            })),
            .if(model.canRecordVitals && record.session.state.isActive, .form(
                .method(.post), .action("\(model.path)/vitals"), .class("vitals-entry"), .id("vitals-entry"),
                .attribute(named: "novalidate", value: "novalidate"), .csrfField(context),
                .div(.class("vital-grid"),
                     number("systolic", "Systolic", "mmHg"), number("diastolic", "Diastolic", "mmHg"), number("heartRate", "Heart rate", "/min"),
                     number("oxygenSaturation", "SpO2", "%"), number("respiratoryRate", "Resp. rate", "/min"),
                     number("temperatureCelsius", "Temp.", "°C")),
                .button(.type(.submit), .class("primary big"), .id("save-reading"), .text("Save reading")))),
            .if(record.storedReadings.isEmpty, .p(.class("hint"), .text("No readings yet."))),
            vitalsChart(model),
            .if(!record.storedReadings.isEmpty, .table(.class("data-table flowsheet"), .id("flowsheet"),
                .thead(.tr(.th("Time"), .th("Min"), .th("BP"), .th("HR"), .th("SpO2"), .th("RR"), .th("T"), .th("Source"), .th(""))),
                .tbody(.forEach(charted.reversed()) { reading in
                    flowsheetRow(reading, model: model, alerted: alertedReadings.contains(reading.id), baseline: reading.id == baselineID,
                                 context: context)
                }))),
            rawStream(model, listed: charted.count))
    }

    /// The flowsheet's rows: every reading a nurse entered or corrected, every one with blood
    /// pressure or an alert, and the latest; a gateway's stream of heart-rate and SpO2 readings in
    /// between is summarised by a count.
    static func charted(_ record: TreatmentSessionRecord, alerted: Set<UUID>) -> [StoredVitalReading] {
        record.flowsheetReadings
    }

    private static func flowsheetRow(_ reading: StoredVitalReading, model: Model, alerted: Bool, baseline: Bool,
                                     context: PageContext) -> Node<HTML.TableContext> {
        let amended = model.record.storedReadings.contains { $0.amends == reading.id }
        let values = reading.values
        let classes = [alerted ? "alerted" : "", amended ? "amended" : "", baseline ? "baseline" : ""].filter { !$0.isEmpty }
        var source = reading.source.rawValue
        if baseline { source += " · baseline" }
        if amended { source += " · corrected" }
        if let reason = reading.reason { source += " · correction: \(reason)" }
        let bloodPressure = values.systolic.map { "\($0)/\(values.diastolic ?? 0)" } ?? "–"
        let cells: [String] = [model.clock(reading.takenAt), model.minutesFromDose(reading.takenAt), bloodPressure,
                               values.heartRate.map(String.init) ?? "–", values.oxygenSaturation.map(String.init) ?? "–",
                               values.respiratoryRate.map(String.init) ?? "–",
                               values.temperatureCelsius.map { Rounding.text($0, places: 1) } ?? "–", source]
        let canCorrect = model.canRun && !amended && !values.isEmpty
        return .tr(.class(classes.joined(separator: " ")), .forEach(cells) { .td(.text($0)) },
                   .td(.if(canCorrect, correctionForm(reading, model: model, context: context))))
    }

    /// A folded form on a flowsheet row: the corrected values (none: struck as entered in error) and why.
    private static func correctionForm(_ reading: StoredVitalReading, model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let id = reading.id.uuidString.lowercased()
        let prefix = "fix-\(id.prefix(8))"
        let fields: [(String, String, Int?)] = [("systolic", "Sys", reading.values.systolic), ("diastolic", "Dia", reading.values.diastolic),
                                                ("heartRate", "HR", reading.values.heartRate),
                                                ("oxygenSaturation", "SpO2", reading.values.oxygenSaturation),
                                                ("respiratoryRate", "RR", reading.values.respiratoryRate)]
        return disclosure("Correct", .form(
            .method(.post), .action("\(model.path)/vitals/\(id)/amend"), .class("correction-form"),
            .csrfField(context),
            .group(fields.map { field in
                .group(.label(.for("\(prefix)-\(field.0)"), .text(field.1)),
                       .input(.type(.text), .id("\(prefix)-\(field.0)"), .name(field.0), .value(field.2.map(String.init) ?? ""),
                              .attribute(named: "inputmode", value: "numeric"), .attribute(named: "size", value: "4")))
            }),
            .label(.for("\(prefix)-reason"), .text("Why")),
            .input(.type(.text), .id("\(prefix)-reason"), .name("reason"), .attribute(named: "required", value: "required")),
            .p(.class("hint"), .text("Clear every value to strike a reading entered in error.")),
            .button(.type(.submit), .text("Save correction"))))
    }

    /// A folded section: a summary line that opens `content`.
    static func disclosure(_ summary: String, _ content: Node<HTML.BodyContext>) -> Node<HTML.BodyContext> {
        .element(named: "details", nodes: [.element(named: "summary", text: summary), content])
    }

    static func sideEffects(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let record = model.record
        let errors = model.errors(for: "side-effects")
        let eventErrors = model.errors(for: "adverse-event")
        let canRecord = model.canRun && (record.session.state.isActive || record.session.state == .stoppedEarly)
        return .section(.id("side-effects"), .h2(.text("Side effects")),
            .if(!record.sideEffects.isEmpty, .ul(.forEach(record.sideEffects) { observation in
                var parts: [String] = []
                if let cadss = observation.cadssTotal { parts.append("CADSS \(cadss)\(observation.dissociation ? " (dissociation)" : "")") }
                if let moaas = observation.moaas { parts.append("MOAA/S \(moaas)\(observation.sedation ? " (sedated)" : "")") }
                parts += observation.symptoms.map(\.displayName)
                if observation.respiratoryDepression { parts.append("respiratory depression") }
                if let note = observation.note { parts.append(note) }
                return .li(.text("\(model.clock(observation.at)): " + parts.joined(separator: ", ")))
            })),
            .if(canRecord, disclosure("Record side effects", .form(
                .method(.post), .action("\(model.path)/side-effects"), .class("stacked"), .attribute(named: "novalidate", value: "novalidate"),
                .csrfField(context),
                FormField.input("cadssTotal", label: "CADSS total (0–92)", value: model.value("side-effects", "cadssTotal"), errors: errors,
                                hint: "A total above 4 counts as dissociation [R27]."),
                FormField.input("moaas", label: "MOAA/S (0–5)", value: model.value("side-effects", "moaas"), errors: errors,
                                hint: "5 responds readily to name; 0 no response to a painful stimulus."),
                .fieldset(.element(named: "legend", text: "Symptoms"),
                          .group(SessionSymptom.allCases.map { symptom in
                              FormField.checkbox("symptom-\(symptom.rawValue)", label: symptom.displayName, checked: false)
                          })),
                FormField.checkbox("respiratoryDepression", label: "Respiratory depression", checked: false),
                FormField.input("note", label: "Note", value: model.value("side-effects", "note"), errors: errors),
                .div(.class("actions"), .button(.type(.submit), .text("Save side effects")))))),
            .h3(.text("Adverse events")),
            .if(record.adverseEvents.isEmpty, .p(.class("hint"), .text("None recorded."))),
            .ul(.forEach(record.adverseEvents) { event in
                .li(.strong(.text("\(event.severity.displayName)\(event.serious ? ", serious" : ""): ")),
                    .text("\(event.description) — \(event.interventions) — \(event.outcome.displayName) (\(model.clock(event.at)))"))
            }),
            .if(canRecord, disclosure("Record an adverse event", .form(
                .method(.post), .action("\(model.path)/adverse-events"), .class("stacked"), .csrfField(context),
                FormField.input("description", label: "What happened", value: model.value("adverse-event", "description"), errors: eventErrors, required: true),
                FormField.select("severity", label: "Severity", choices: SessionAdverseEvent.Severity.allCases.map { ($0.rawValue, $0.displayName) },
                                 selected: model.value("adverse-event", "severity"), errors: eventErrors),
                FormField.checkbox("serious", label: "Serious adverse event", checked: false),
                FormField.input("interventions", label: "Interventions", value: model.value("adverse-event", "interventions"), errors: eventErrors, required: true),
                FormField.select("outcome", label: "Outcome", choices: SessionAdverseEvent.Outcome.allCases.map { ($0.rawValue, $0.displayName) },
                                 selected: model.value("adverse-event", "outcome"), errors: eventErrors),
                .div(.class("actions"), .button(.type(.submit), .text("Save adverse event")))))))
    }
}
