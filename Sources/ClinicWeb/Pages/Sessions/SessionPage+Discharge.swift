import ClinicDomain
import Foundation
import Plot

extension SessionPage {
    /// The modified Aldrete items with their anchors [R39-omics].
    static let aldreteItems: [(field: String, label: String, anchors: [String])] = [
        ("consciousness", "Consciousness", ["0 Unresponsive", "1 Rousable on calling", "2 Fully awake"]),
        ("circulation", "Circulation", ["0 SBP < 100", "1 SBP > 100", "2 SBP within normal limits"]),
        ("respiration", "Respiration", ["0 Apnoeic", "1 Shallow / irregular", "2 Breathes deeply"]),
        ("oxygenSaturation", "SpO2", ["0 ≤ 92% on O2", "1 ≥ 92% on O2", "2 ≥ 92% on room air"]),
        ("activity", "Activity", ["0 Cannot move limbs", "1 Moves on command", "2 Moves all limbs"]),
    ]

    static func discharge(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let record = model.record
        let errors = model.errors(for: "discharge")
        let current = record.dischargeAssessment
        let editable = model.canRun && [.observation, .readyForDischarge].contains(record.session.state)
        return .section(.id("discharge"), .h2(.text("Discharge")),
            .ul(.class("checklist-items"), .id("discharge-criteria"), .forEach(model.readiness.criteria) { criterion in
                .li(.class(criterion.met ? "pass" : "fail"), .span(.class("mark"), .text(criterion.met ? "✓" : "✗")),
                    .strong(.text(" \(criterion.label): ")), .text(criterion.detail))
            }),
            .if(editable, .form(
                .method(.post), .action("\(model.path)/discharge-assessment"), .class("stacked discharge-form"),
                .attribute(named: "novalidate", value: "novalidate"), .csrfField(context),
                .group(aldreteItems.map { item in
                    FormField.select(item.field, label: item.label, choices: item.anchors.enumerated().map { ("\($0.offset)", $0.element) },
                                     selected: model.value("discharge", item.field) ?? current.map { "\(Self.score(item.field, $0.aldrete))" } ?? "2",
                                     errors: errors)
                }),
                FormField.checkbox("escortPresent", label: "Escort present", checked: current?.escortPresent ?? false),
                .if(record.treatment == .esketamine, FormField.input(
                    "readyWithoutMinimumMinutes", label: "Without the 2-hour rule, ready to leave after (minutes from the first device)",
                    value: model.value("discharge", "readyWithoutMinimumMinutes") ?? current?.readyWithoutMinimumMinutes.map(String.init), errors: errors,
                    hint: "The REMS evaluation question [R19].")),
                .div(.class("actions"), .button(.type(.submit), .class("primary"), .text("Save discharge assessment"))))))
    }

    static func score(_ field: String, _ aldrete: ModifiedAldrete) -> Int {
        switch field {
        case "consciousness": aldrete.consciousness
        case "circulation": aldrete.circulation
        case "respiration": aldrete.respiration
        case "oxygenSaturation": aldrete.oxygenSaturation
        default: aldrete.activity
        }
    }

    static func note(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let record = model.record
        let errors = model.errors(for: "note")
        return .section(.id("note"), .h2(.text("Session note")),
            .unwrap(record.note) { note in
                .div(.class("signed-note"),
                     .p(.class("item-meta"), .text("Signed by \(note.entry.recordedByName) at \(Instant.text(note.entry.recordedAt, in: model.timeZone)); "
                                                   + "a signed note cannot be changed.")),
                     .element(named: "blockquote", nodes: [.id("note-text"), .text(note.text)]),
                     .forEach(record.noteAmendments) { amendment in
                         .div(.class("amendment"),
                              .p(.class("item-meta"), .text("Amendment by \(amendment.entry.recordedByName) at "
                                                            + "\(Instant.text(amendment.entry.recordedAt, in: model.timeZone))"
                                                            + (amendment.entry.reason.map { " — reason: \($0)" } ?? ""))),
                              .p(.text(amendment.text)))
                     })
            },
            .if(model.canRun, .form(
                .method(.post), .action("\(model.path)/\(record.note == nil ? "note" : "note/amendments")"), .class("stacked"),
                .csrfField(context),
                FormField.textArea("text", label: record.note == nil ? "Note" : "Amendment", value: model.value("note", "text"), errors: errors,
                                   required: true),
                .if(record.note != nil, FormField.input("reason", label: "Reason for the amendment", value: model.value("note", "reason"),
                                                        errors: errors, required: true)),
                .div(.class("actions"), .button(.type(.submit), .class("primary"),
                                                .text(record.note == nil ? "Sign note" : "Append amendment"))))))
    }
}
