import ClinicDomain
import Foundation
import Plot

extension CalendarFeedsPage {
    /// Renders the feeds page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Calendar feeds", context: context,
            content:
            .h1(.text("Calendar feeds")),
            .p(.text("Subscribe a phone or desktop calendar to a chair's bookings or a staff member's shifts. "),
               .text("Feeds show the treatment type and times, never a patient's name. "),
               .a(.href("/schedule"), .text("Calendar"))),
            .unwrap(model.newAddress) { address in
                .section(.id("new-feed"), .class("warning-box"), .attribute(named: "role", value: "status"),
                    .h2(.text("New feed: copy its address now")),
                    .p(.text("This address is shown only once. Anyone who has it can read the feed, so share it only with the person it is for; revoke it if it is lost.")),
                    .label(.for("feed-address"), .text("Subscription address")),
                    .input(.type(.text), .id("feed-address"), .value(address), .attribute(named: "readonly", value: "readonly"),
                           .attribute(named: "size", value: "80")))
            },
            .h2(.text("Feeds")),
            .if(model.rows.isEmpty, .p(.class("hint"), .text("No feeds yet."))),
            .if(!model.rows.isEmpty, .table(.class("data-table"), .id("feeds"),
                .thead(.tr(.th("For"), .th("Kind"), .th("Address starts"), .th("Made"), .th("Last read"), .th("Status"))),
                .tbody(.forEach(model.rows) { row in
                    .tr(.attribute(named: "data-feed", value: row.id.uuidString.lowercased()),
                        .td(.text(row.subject)), .td(.text(row.kind)), .td(.code(.text("\(row.prefix)…"))), .td(.text(row.made)),
                        .td(.text(row.lastRead)),
                        .td(row.revoked.map { .text($0) } ?? .form(
                            .method(.post), .action("/schedule/calendar-feeds/\(row.id.uuidString.lowercased())/revoke"), .class("inline-form"),
                            .csrfField(context),
                            .button(.type(.submit), .class("secondary"),
                                    .attribute(named: "aria-label", value: "Revoke the feed for \(row.subject)"), .text("Revoke")))))
                }))),
            .section(.id("add-feed"),
                .h2(.text("Make a feed")),
                FormField.errorSummary(model.errors),
                .form(.class("stacked"), .method(.post), .action("/schedule/calendar-feeds"), .attribute(named: "novalidate", value: "novalidate"),
                      .csrfField(context),
                      FormField.select("subject", label: "Chair or staff member", choices: model.choices, selected: model.values["subject"],
                                       errors: model.errors),
                      .button(.type(.submit), .id("make-feed"), .text("Make the feed"))))
        )
    }
}
