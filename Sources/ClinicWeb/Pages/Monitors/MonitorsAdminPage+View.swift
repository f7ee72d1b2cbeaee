import ClinicDomain
import Foundation
import Plot

extension MonitorsAdminPage {
    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Monitors and gateways", context: context,
            content:
            .h1(.text("Monitors and gateways")),
            listenerSection(model),
            gatewaysSection(model),
            devicesSection(model, context: context),
            messagesSection(model),
            unchartedSection(model)
        )
    }

    private static func time(_ date: Date, _ model: Model) -> String { Instant.text(date, in: model.timeZone) }

    private static func outcomeText(_ outcome: String) -> String {
        switch outcome {
        case "AA": "✓ AA (stored)"
        case "AE": "⚠ AE (error)"
        case "AR": "⚠ AR (rejected)"
        case "closed": "⚠ connection closed"
        default: outcome
        }
    }

    private static func listenerSection(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .h2(.text("MLLP listener")),
            .unwrap(model.listener.address, { address in
                .p(.text("Listening on \(address)" + (model.listener.tls ? " (TLS)" : " (plain TCP: terminate TLS at a proxy such as stunnel)")
                         + "; gateways allowed: \(model.listener.gateways)."))
            }, else: .p(.class("notice"), .text(
                "The listener is off. Set mllp-port (and mllp-gateways) to let monitor gateways send HL7 v2 PCD-01 messages; see docs/monitors.md."))),
            .p(.a(.href("/monitors/unmatched"), .text("Unmatched readings waiting for a nurse: \(model.unmatchedTotal)")))
        )
    }

    private static func gatewaysSection(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .h2(.text("Gateways")),
            .if(model.gateways.isEmpty, .p(.text("No gateway has sent a message in the last 30 days."))),
            .if(!model.gateways.isEmpty, .table(
                .class("monitor-gateways"),
                .thead(.tr(.th("Gateway"), .th("Sending applications"), .th("Last message"), .th("Messages per minute (last 5 min)"),
                           .th("Errors (24 h)"), .th("Last error"), .th("Unmatched"))),
                .tbody(.forEach(model.gateways) { gateway in
                    .tr(
                        .td(.text(gateway.address)),
                        .td(.text(gateway.applications.joined(separator: ", "))),
                        .td(.text("\(time(gateway.lastMessageAt, model)) — \(outcomeText(gateway.lastOutcome))")),
                        .td(.text(String(format: "%.1f", gateway.perMinute))),
                        .td(.text("\(gateway.errorsLastDay)")),
                        .td(.text(gateway.lastError.map { "\($0) (\(gateway.lastErrorAt.map { time($0, model) } ?? ""))" } ?? "—")),
                        .td(.text("\(gateway.unmatched)"))
                    )
                })
            ))
        )
    }

    private static func devicesSection(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        .section(
            .h2(.text("Monitors by chair")),
            .p(.text("A reading goes to the session seated in its monitor's chair at the reading's time. The device id is what the "
                     + "monitor sends in OBX-18 (equipment instance identifier), or MSH-3 for a gateway that speaks for one monitor.")),
            .if(model.devices.isEmpty, .p(.text("No monitor is registered yet."))),
            .if(!model.devices.isEmpty, .table(
                .class("monitor-devices"),
                .thead(.tr(.th("Device id"), .th("Chair"), .th("Label"), .th("Status"), .th("Last changed"), .th(""))),
                .tbody(.forEach(model.devices) { device in
                    .tr(
                        .td(.code(.text(device.deviceID))),
                        .td(.text(device.chair)),
                        .td(.text(device.label ?? "")),
                        .td(.text(device.active ? "Active" : "Retired")),
                        .td(.text("\(time(device.updatedAt, model)) (registered by \(device.registeredByName))")),
                        .td(.if(device.active, .actionButton(
                            "Retire", action: "/admin/monitors/devices/\(device.deviceID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")/retire",
                            page: context)))
                    )
                })
            )),
            .h3(.text("Register a monitor")),
            FormField.errorSummary(model.errors),
            .form(
                .method(.post), .action("/admin/monitors/devices"),
                .csrfField(context),
                FormField.input("deviceId", label: "Device id", value: model.values["deviceId"], errors: model.errors,
                                hint: "As the monitor sends it, e.g. 0123456789ABCDEF.", required: true),
                FormField.select("chair", label: "Chair", choices: model.chairs.map { ($0, $0) }, selected: model.values["chair"],
                                 errors: model.errors),
                FormField.input("label", label: "Label", value: model.values["label"], errors: model.errors, hint: "Make, model or asset tag."),
                .button(.type(.submit), .class("primary"), .text("Register"))
            )
        )
    }

    private static func messagesSection(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .h2(.text("Latest messages")),
            .if(model.messages.isEmpty, .p(.text("No messages yet."))),
            .if(!model.messages.isEmpty, .table(
                .class("monitor-messages"),
                .thead(.tr(.th("Received"), .th("Gateway"), .th("Device"), .th("Control id"), .th("Answer"), .th("Observations"),
                           .th("Stored / unmatched / already stored"), .th("Reason"))),
                .tbody(.forEach(model.messages) { message in
                    .tr(
                        .td(.text(time(message.receivedAt, model))), .td(.text(message.gateway)), .td(.text(message.deviceID ?? "")),
                        .td(.text(message.controlID ?? "")), .td(.text(outcomeText(message.outcome))), .td(.text("\(message.observations)")),
                        .td(.text("\(message.stored) / \(message.unmatched) / \(message.repeated)")), .td(.text(message.error ?? ""))
                    )
                })
            ))
        )
    }

    private static func unchartedSection(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .h2(.text("Observations not charted")),
            .p(.text("Codes KetaClinic does not map, values in units it does not convert or outside what the flowsheet accepts, and "
                     + "values the flowsheet has no column for are kept and listed here (latest first).")),
            .if(model.uncharted.isEmpty, .p(.text("None."))),
            .if(!model.uncharted.isEmpty, .table(
                .class("monitor-uncharted"),
                .thead(.tr(.th("Observed"), .th("Device"), .th("Chair"), .th("Code"), .th("Value"), .th("Why not charted"))),
                .tbody(.forEach(model.uncharted) { item in
                    .tr(
                        .td(.text(time(item.observedAt, model))), .td(.text(item.deviceID)), .td(.text(item.chair ?? "")),
                        .td(.text(item.code + (item.name.map { " \($0)" } ?? ""))),
                        .td(.text(item.value + (item.unit.map { " \($0)" } ?? ""))),
                        .td(.text(item.note ?? item.disposition))
                    )
                })
            ))
        )
    }
}
