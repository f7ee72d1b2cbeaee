import ClinicDomain
import Foundation
import Plot

extension SessionPage {
    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let record = model.record
        let title = "Session \(record.session.number): \(model.patient.listName)"
        return Layout.page(
            title: model.errors.isEmpty ? title : "Error: \(title)", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/sessions?date=\(record.session.date.iso)"), .text("Sessions of \(record.session.date.iso)")),
               .text(" · "), .a(.href("/patients/\(model.patient.id.uuidString.lowercased())"), .text("Chart"))),
            header(model),
            .unwrap(model.refusal) { refusal in
                .div(.class("error-summary"), .attribute(named: "role", value: "alert"), .id("refusal"),
                     .h2(.text("Not done")), .p(.text(refusal)))
            },
            FormField.errorSummary(model.errors),
            commands(model, context: context),
            .if(model.showsClinical, clinicalSections(model, context: context),
                else: .p(.class("notice"), .id("clinical-hidden"),
                         .text("Your role sees the booking and check-in. The session's clinical record is for prescribers and nurses.")))
        )
    }

    /// The record's sections, the current phase's first. Before dosing: the checklist and the
    /// administration record to fill. Once the dose has started, the checks and the administration
    /// are done steps: they fold under one line each below the monitoring (still there to read or
    /// amend), so the screen shows what the nurse does now.
    private static func clinicalSections(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let record = model.record
        let state = record.session.state
        let showsChecklist = [.checkedIn, .preTreatmentChecks].contains(state) || record.checklist != nil
        let showsAdministration = state != .scheduled
        let sideEffectsNode: Node<HTML.BodyContext> = .if(record.doseStartedAt != nil || state.isActive, sideEffects(model, context: context))
        guard record.doseStartedAt != nil else {
            return .group(
                alerts(model, context: context),
                vitals(model, context: context),
                .if(showsChecklist, checklist(model, context: context)),
                .if(showsAdministration, administration(model, context: context)),
                sideEffectsNode,
                .if(state.isFinal, note(model, context: context)),
                history(model))
        }
        let given = record.administration.map { "\($0.details.product), \(Rounding.text($0.details.doseMg, places: 1)) mg, lot \($0.details.lotNumber)" }
        return .group(
            alerts(model, context: context),
            vitals(model, context: context),
            sideEffectsNode,
            .if(record.doseEndedAt != nil, discharge(model, context: context)),
            .if(state.isFinal, note(model, context: context)),
            .if(showsChecklist, doneStep(checklist(model, context: context), summary: "Pre-treatment checklist: done before dosing")),
            .if(showsAdministration, doneStep(administration(model, context: context),
                                              summary: "Administration record" + (given.map { ": \($0)" } ?? ""))),
            history(model))
    }

    /// A finished step folded under one line; opening it shows the section as it was.
    private static func doneStep(_ section: Node<HTML.BodyContext>, summary: String) -> Node<HTML.BodyContext> {
        .element(named: "details", nodes: [.attribute(named: "class", value: "done-step"), .element(named: "summary", text: summary), section])
    }

    private static func header(_ model: Model) -> Node<HTML.BodyContext> {
        let record = model.record
        return .section(.class("session-header"), .id("session-header"),
            .h1(.text("Session \(record.session.number): "), .a(.href("/patients/\(model.patient.id.uuidString.lowercased())"),
                                                                .text(model.patient.listName))),
            .p(.span(.class("state-badge state-\(record.session.state.rawValue)"), .id("session-state"),
                     .text(record.session.state.displayName)),
               .text(model.showsClinical ? " · \(record.treatment.displayName) · planned \(record.plannedDoseSummary)" : ""),
               .unwrap(record.chair) { .text(" · \($0)") }),
            .dl(.class("session-times"),
                .unwrap(record.checkedInAt) { .group(.dt("Checked in"), .dd(.text(model.clock($0)))) },
                .unwrap(record.doseStartedAt) { .group(.dt("Dose started"), .dd(.text(model.clock($0)))) },
                .unwrap(record.doseEndedAt) { .group(.dt("Dose ended"), .dd(.text(model.clock($0)))) },
                .unwrap(record.infusionProgress(now: model.now)) { progress in
                    .group(.dt("Infusion"), .dd(.element(named: "progress", nodes: [.attribute(named: "max", value: "100"),
                                                                                    .attribute(named: "value", value: "\(Int(saturating: progress * 100))")]),
                                                 .text(" \(Int(saturating: progress * 100))%\(record.isPaused ? " — PAUSED" : "")")))
                },
                .unwrap(record.closedAt) { .group(.dt("Closed"), .dd(.text(model.clock($0)))) }))
    }

    private static func commands(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        .if(!model.commands.isEmpty || (model.canCheckIn && model.record.session.state.isActive), .section(.class("session-commands"), .id("commands"),
            .h2(.text("Next step")),
            .if(model.canCheckIn && model.record.session.state.isActive, .form(
                .method(.post), .action("\(model.path)/chair"), .class("inline-form"), .id("chair-form"), .csrfField(context),
                FormField.select("chair", label: "Chair", choices: model.policy.chairs.map { ($0, $0) },
                                 selected: model.value("chair", "chair") ?? model.record.chair, errors: model.errors(for: "chair")),
                .button(.type(.submit), .text(model.record.chair == nil ? "Seat patient" : "Move patient")))),
            .div(.class("command-row"), .forEach(model.commands.filter { !$0.destructive }) { command in
                .form(.method(.post), .action("\(model.path)/commands"), .class("command-form"), .id("command-\(command.name)"),
                      .csrfField(context),
                      .input(.type(.hidden), .name("command"), .value(command.name)),
                      .if(!command.blockers.isEmpty, .ul(.class("blockers"), .forEach(command.blockers) { .li(.text($0)) })),
                      .if(!command.blockers.isEmpty && command.canOverride, .group(
                        .label(.for("override-\(command.name)"), .text("Prescriber's override: reason (10+ characters)")),
                        .input(.type(.text), .name("reason"), .id("override-\(command.name)")))),
                      .button(.type(.submit), .class(command.blockers.isEmpty ? "primary big" : "secondary big"),
                              .text(command.blockers.isEmpty || !command.canOverride ? command.label : "\(command.label) (override)")))
            }),
            destructiveCommands(model, context: context)))
    }

    /// Cancel, stop early and no-show: apart from the next step, folded, outlined (never the
    /// filled primary), each confirmed by its own button; cancel and stop early need a reason in a
    /// labelled field that shows its own error when left empty.
    private static func destructiveCommands(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let commands = model.commands.filter(\.destructive)
        guard !commands.isEmpty else { return .empty }
        let errors = model.errors(for: "commands")
        let failed = commands.contains { errors["reason-\($0.name)"] != nil }
        var nodes: [Node<HTML.BodyContext>] = [
            .class("destructive-commands"), .id("destructive-commands"),
            .element(named: "summary", text: "Stop, cancel or mark no-show…"),
            .group(commands.map { command in
                let field = "reason-\(command.name)"
                let error = errors[field]
                return .form(.method(.post), .action("\(model.path)/commands"), .class("command-form destructive"), .id("command-\(command.name)"),
                             .attribute(named: "novalidate", value: "novalidate"), .csrfField(context),
                             .input(.type(.hidden), .name("command"), .value(command.name)),
                             .if(command.needsReason, .div(
                                .class(error == nil ? "field" : "field has-error"),
                                .label(.for(field), .text(command.name == "cancel" ? "Why is the session cancelled?" : "Why is the session stopped early?")),
                                .unwrap(error) { .p(.class("error-message"), .id("\(field)-error"), .text($0)) },
                                .input(.type(.text), .name("reason"), .id(field), .value(error == nil ? "" : model.values["reason"] ?? ""),
                                       .attribute(named: "required", value: "required"),
                                       .attribute(named: "aria-invalid", value: error == nil ? nil : "true"),
                                       .attribute(named: "aria-describedby", value: error == nil ? nil : "\(field)-error")))),
                             .button(.type(.submit), .class("secondary danger"), .text(command.label)))
            }),
        ]
        if failed { nodes.insert(.attribute(named: "open", value: "open"), at: 0) }
        return .element(named: "details", nodes: nodes)
    }

    private static func history(_ model: Model) -> Node<HTML.BodyContext> {
        .section(.id("history"), .h2(.text("History")),
            .if(model.record.transitions.isEmpty, .p(.class("hint"), .text("Nothing has happened yet."))),
            .if(!model.record.transitions.isEmpty, .table(.class("data-table"),
                .thead(.tr(.th("Time"), .th("Step"), .th("By"), .th("Detail"))),
                .tbody(.forEach(model.record.transitions) { transition in
                    .tr(.td(.text(model.clock(transition.at))), .td(.text(transition.to.displayName)), .td(.text(transition.actorName)),
                        .td(.text(transition.detail)))
                }))))
    }
}
