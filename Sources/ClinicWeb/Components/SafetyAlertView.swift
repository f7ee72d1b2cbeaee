import ClinicDomain
import Foundation
import Plot

/// A suicidality alert as staff see it on the chart and on the day's list: what fired, when,
/// whether it escalated, and (while open) the form that acknowledges it with the action taken.
public enum SafetyAlertView {
    /// One alert row for a page.
    public struct Row: Sendable {
        /// The alert.
        public let alert: SafetyAlert
        /// The patient's list name, when the page lists several patients.
        public let patientName: String?

        /// Creates a row.
        public init(alert: SafetyAlert, patientName: String? = nil) {
            self.alert = alert
            self.patientName = patientName
        }
    }

    /// The alerts as a list; open ones carry the acknowledgement form when `canAcknowledge`.
    public static func list(_ rows: [Row], canAcknowledge: Bool, timeZone: TimeZone, context: PageContext,
                            returnTo: String) -> Node<HTML.BodyContext> {
        .ul(.class("safety-alerts"), .forEach(rows) { row in
            let alert = row.alert
            let chart = "/patients/\(alert.patientID.uuidString.lowercased())"
            return .li(.class(alert.isOpen ? "safety-alert open" : "safety-alert"), .id("alert-\(alert.id.uuidString.lowercased())"),
                .p(.strong(.text(alert.isOpen ? "⚠ Suicidality alert — open" : "Suicidality alert — acknowledged")),
                   .if(alert.escalatedAt != nil && alert.isOpen, .span(.class("escalated"), .text(" · ESCALATED")))),
                .unwrap(row.patientName) { name in .p(.a(.href("\(chart)/scales"), .text(name))) },
                .p(.text(alert.detail)),
                .p(.class("item-meta"), .text("Raised \(Instant.text(alert.raisedAt, in: timeZone))"
                                              + (alert.escalatedAt.map { "; escalated \(Instant.text($0, in: timeZone))" } ?? ""))),
                .unwrap(alert.acknowledgement) { ack in
                    .p(.class("item-meta"), .text("Acknowledged by \(ack.byName) at \(Instant.text(ack.at, in: timeZone)): "
                                                  + ack.action.displayName + (ack.note.map { " — \($0)" } ?? "")))
                },
                .if(alert.isOpen && canAcknowledge, acknowledgeForm(alert, context: context, returnTo: returnTo)))
        })
    }

    private static func acknowledgeForm(_ alert: SafetyAlert, context: PageContext, returnTo: String) -> Node<HTML.BodyContext> {
        let prefix = "ack-\(alert.id.uuidString.lowercased().prefix(8))"
        return .form(.method(.post), .action("/alerts/\(alert.id.uuidString.lowercased())/acknowledge"), .class("acknowledge-form"),
                     .csrfField(context),
                     .input(.type(.hidden), .name("returnTo"), .value(returnTo)),
                     .element(named: "fieldset", nodes: [
                        .element(named: "legend", text: "Action taken"),
                        .group(SafetyAction.allCases.map { action in
                            .div(.class("checkbox"),
                                 .input(.type(.radio), .name("action"), .id("\(prefix)-\(action.rawValue)"), .value(action.rawValue)),
                                 .label(.for("\(prefix)-\(action.rawValue)"), .text(action.displayName)))
                        }),
                     ]),
                     .label(.for("\(prefix)-note"), .text("Note (optional)")),
                     .input(.type(.text), .name("note"), .id("\(prefix)-note")),
                     .div(.class("actions"), .button(.type(.submit), .text("Acknowledge alert"))))
    }
}
