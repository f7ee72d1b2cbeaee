import ClinicDomain
import Foundation
import Plot

/// A patient's measurement-based care: open suicidality alerts, each instrument's trajectory with
/// its outcome summary and duration of effect, the measurements due, every response (with
/// corrections), self-report links, and the forms to enter a scale or send a link.
public enum ScalesPage {
    /// One instrument's outcome, already worked out by the server.
    public struct Outcome {
        /// The instrument.
        public let instrument: Instrument
        /// The trajectory chart.
        public let figure: Node<HTML.BodyContext>
        /// Label → value lines: baseline, latest, change, response, remission, reliable change, relapse.
        public let facts: [(label: String, value: String)]
        /// One line per dose: "2026-11-30 (35 mg): 6 days".
        public let durations: [String]
        /// "Median duration of effect (Kaplan–Meier): 6 days (…)" or why there is none.
        public let medianText: String

        /// Creates an outcome.
        public init(instrument: Instrument, figure: Node<HTML.BodyContext>, facts: [(label: String, value: String)], durations: [String],
                    medianText: String) {
            self.instrument = instrument
            self.figure = figure
            self.facts = facts
            self.durations = durations
            self.medianText = medianText
        }
    }

    /// What the page shows.
    public struct Model {
        /// The patient.
        public var patient: PatientSummary
        /// Alerts, newest first.
        public var alerts: [SafetyAlert]
        /// Outcomes per instrument with responses.
        public var outcomes: [Outcome]
        /// Measurements the treatment schedule asks for.
        public var due: [MeasurementDue]
        /// Every response, newest first.
        public var responses: [ScaleResponse]
        /// Self-report links, newest first.
        public var links: [SelfReportLink]
        /// True when the viewer may enter scales and send links.
        public var canRecord: Bool
        /// True when the viewer may acknowledge alerts.
        public var canAcknowledge: Bool
        /// Now, for link states.
        public var now: Date
        /// The clinic's time zone.
        public var timeZone: TimeZone

        /// Creates the model.
        public init(patient: PatientSummary, alerts: [SafetyAlert], outcomes: [Outcome], due: [MeasurementDue],
                    responses: [ScaleResponse], links: [SelfReportLink], canRecord: Bool, canAcknowledge: Bool, now: Date,
                    timeZone: TimeZone) {
            self.patient = patient
            self.alerts = alerts
            self.outcomes = outcomes
            self.due = due
            self.responses = responses
            self.links = links
            self.canRecord = canRecord
            self.canAcknowledge = canAcknowledge
            self.now = now
            self.timeZone = timeZone
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let base = "/patients/\(model.patient.id.uuidString.lowercased())"
        let amended = Set(model.responses.compactMap(\.amends))
        let open = model.alerts.filter(\.isOpen)
        return Layout.page(
            title: "Rating scales", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href(base), .text("\(model.patient.listName) · \(model.patient.mrn.text)"))),
            .h1(.text("Rating scales and outcomes")),
            .if(!model.alerts.isEmpty, .section(.id("alerts"),
                .h2(.text(open.isEmpty ? "Suicidality alerts" : "Open suicidality alerts (\(open.count))")),
                SafetyAlertView.list(model.alerts.prefix(open.isEmpty ? 3 : model.alerts.count).map { .init(alert: $0) },
                                     canAcknowledge: model.canAcknowledge, timeZone: model.timeZone, context: context,
                                     returnTo: "\(base)/scales"))),
            .if(model.canRecord, .div(.class("chart-actions"),
                .form(.method(.get), .action("\(base)/scales/new"), .class("inline-action"),
                      .label(.for("instrument"), .text("Enter a scale ")),
                      .element(named: "select", nodes: [.id("instrument"), .attribute(named: "name", value: "instrument"),
                        .group(Instrument.all.map { .element(named: "option", nodes: [.attribute(named: "value", value: $0.id.rawValue),
                                                                                      .text($0.shortName)]) })]),
                      .button(.type(.submit), .class("secondary"), .text("Open form"))),
                .a(.href("#self-report"), .class("button secondary"), .text("Send a self-report link")))),
            .group(model.outcomes.map { outcome in
                .section(.class("record-section"), .id("outcome-\(outcome.instrument.id.rawValue)"),
                         .h2(.text(outcome.instrument.shortName)),
                         outcome.figure,
                         .dl(.class("facts"), .group(outcome.facts.map { .group(.dt(.text($0.label)), .dd(.text($0.value))) })),
                         .h3(.text("Duration of effect after each dose")),
                         .p(.id("median-effect-\(outcome.instrument.id.rawValue)"), .text(outcome.medianText)),
                         .if(!outcome.durations.isEmpty, .ul(.forEach(outcome.durations) { .li(.text($0)) })))
            }),
            .if(model.outcomes.isEmpty, .p(.class("empty"), .text("No scores yet."))),
            .section(.id("measurements"),
                     .h2(.text("Measurements due")),
                     .if(model.due.isEmpty, .p(.class("empty"), .text("No course with a measurement schedule is planned."))),
                     .if(!model.due.isEmpty, .div(.class("table-scroll"), ScrollRegion.focusable("Measurements due"), .table(.class("data"),
                        .thead(.tr(.th(.text("Due")), .th(.text("Scale")), .th(.text("When")), .th(.text("Status")))),
                        .tbody(.forEach(model.due.filter { $0.status != .done }.prefix(12)) { due in
                            .tr(.td(.text(due.dueOn.iso)), .td(.text(Instrument.named(due.instrument).shortName)),
                                .td(.text(due.timing.displayName + (due.sessionNumber.map { " \($0)" } ?? ""))),
                                .td(.span(.class("measurement-status \(due.status.rawValue)"), .text(due.status.rawValue))))
                        }))))),
            .section(.id("responses"),
                     .h2(.text("Responses")),
                     .if(model.responses.isEmpty, .p(.class("empty"), .text("None recorded."))),
                     .if(!model.responses.isEmpty, .div(.class("table-scroll"), ScrollRegion.focusable("Responses"), .table(.class("data"), .id("responses-table"),
                        .thead(.tr(.th(.text("Day")), .th(.text("Scale")), .th(.text("Total")), .th(.text("Severity")),
                                   .th(.text("Flags")), .th(.text("Entered")), .th(.text("")))),
                        .tbody(.forEach(model.responses) { response in
                            .tr(.class(amended.contains(response.id) ? "amended" : ""),
                                .td(.text(response.administeredOn.iso)),
                                .td(.text(Instrument.named(response.score.instrument).shortName)),
                                .td(.text(response.score.total.map(String.init) ?? "—")),
                                .td(.text(response.score.severity ?? "—")),
                                .td(.text(response.score.flags.joined(separator: ", "))),
                                .td(.text("\(response.source.displayName), \(response.recordedByName)"
                                          + (response.reason.map { "; correction: \($0)" } ?? "")
                                          + (amended.contains(response.id) ? " (corrected)" : ""))),
                                .td(.if(model.canRecord && !amended.contains(response.id),
                                        .a(.href("\(base)/scales/\(response.id.uuidString.lowercased())/amend"), .text("Correct")))))
                        }))))),
            .section(.id("self-report"),
                     .h2(.text("Self-report links")),
                     .p(.class("hint"), .text("A one-time link lets the patient answer on their phone without an account. "
                                              + "It opens once, expires, and asks for the patient's date of birth first.")),
                     .if(!model.links.isEmpty, .ul(.forEach(model.links) { link in
                        .li(.text("\(link.instruments.map { Instrument.named($0).shortName }.joined(separator: ", ")) — created by "
                                  + "\(link.createdByName) \(Instant.text(link.createdAt, in: model.timeZone)), "
                                  + "\(link.stateText(at: model.now))"
                                  + (link.status(at: model.now) == nil ? " until \(Instant.text(link.expiresAt, in: model.timeZone))" : "")),
                            .if(model.canRecord && link.status(at: model.now) == nil,
                                .form(.method(.post), .action("\(base)/self-report-links/\(link.id.uuidString.lowercased())/revoke"),
                                      .class("inline-action"), .csrfField(context),
                                      .button(.type(.submit), .class("link-button"), .text("Withdraw")))))
                     })),
                     .if(model.canRecord, .form(.method(.post), .action("\(base)/self-report-links"), .id("new-link"), .class("stacked"),
                        .csrfField(context),
                        .element(named: "fieldset", nodes: [
                            .element(named: "legend", text: "Questionnaires"),
                            .group(Instrument.all.filter(\.isSelfReport).map { instrument in
                                FormField.checkbox("instrument-\(instrument.id.rawValue)", label: "\(instrument.shortName) — \(instrument.name)",
                                                   checked: instrument.id == .phq9)
                            }),
                        ]),
                        FormField.select("send", label: "Also send it", choices: [("sms", "By SMS to the patient's phone"),
                                                                                  ("email", "By email to the patient")],
                                         selected: nil, errors: FieldErrors(), hint: "Leave empty to hand it over in person (code and QR code)."),
                        .div(.class("actions"), .button(.type(.submit), .text("Create link"))))))
        )
    }
}
