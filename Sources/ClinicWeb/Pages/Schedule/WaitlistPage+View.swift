import ClinicDomain
import Foundation
import Plot

extension WaitlistPage {
    /// Renders the waitlist.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Waitlist", context: context,
            content:
            .h1(.text("Waitlist")),
            .p(.text("Patients waiting for an earlier slot. "), .a(.href("/schedule"), .text("Calendar"))),
            .unwrap(model.refusal) { refusal in
                .div(.class("error-summary"), .id("waitlist-refusal"), .attribute(named: "role", value: "alert"),
                     .h2(.span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")), .text("Not done")), .p(.text(refusal)))
            },
            .unwrap(model.freed) { freed in freedSection(freed, context: context) },
            .h2(.text("Waiting")),
            .if(model.rows.isEmpty, .p(.class("hint"), .text("No one is waiting."))),
            .if(!model.rows.isEmpty, .table(.class("data-table"), .id("waitlist"),
                .thead(.tr(.th("Patient"), .th("Treatment"), .th("Referred"), .th("Can come"), .th("Status"), .th("Remove"))),
                .tbody(.forEach(model.rows) { row in
                    .tr(.attribute(named: "data-entry", value: row.entryID.uuidString.lowercased()),
                        .td(.text("\(row.patientName) (\(row.mrn))")), .td(.text(row.treatment)), .td(.text(row.referredOn.iso)),
                        .td(.text(row.preference)), .td(.text(row.status)),
                        .td(.form(.method(.post), .action("/schedule/waitlist/\(row.entryID.uuidString.lowercased())/remove"),
                                  .csrfField(context),
                                  .label(.for("reason-\(row.entryID.uuidString.lowercased())"), .text("Why remove")),
                                  .input(.type(.text), .id("reason-\(row.entryID.uuidString.lowercased())"), .name("reason"),
                                         .attribute(named: "required", value: "required")),
                                  .button(.type(.submit), .class("secondary"), .text("Remove")))))
                }))),
            .section(.id("add-waitlist"),
                .h2(.text("Add a patient")),
                FormField.errorSummary(model.errors),
                .form(.class("stacked"), .method(.post), .action("/schedule/waitlist"), .attribute(named: "novalidate", value: "novalidate"),
                      .csrfField(context),
                      FormField.input("mrn", label: "Medical record number", value: model.values["mrn"], errors: model.errors, required: true),
                      FormField.select("treatment", label: "Treatment", choices: Treatment.allCases.map { ($0.rawValue, $0.displayName) },
                                       selected: model.values["treatment"], errors: model.errors),
                      FormField.input("referredOn", label: "Referred on", type: .date, value: model.values["referredOn"], errors: model.errors,
                                      required: true),
                      .fieldset(.element(named: "legend", text: "Days the patient can come (none: any day)"),
                                .forEach(Weekday.allCases.sorted()) { day in
                                    FormField.checkbox("wd-\(day.code)", label: day.displayName, checked: model.values["wd-\(day.code)"] != nil)
                                }),
                      FormField.input("earliest", label: "Earliest start", value: model.values["earliest"], errors: model.errors,
                                      hint: "24-hour clock, HH:MM; empty for any time."),
                      FormField.input("latest", label: "Latest start", value: model.values["latest"], errors: model.errors,
                                      hint: "24-hour clock, HH:MM; empty for any time."),
                      .button(.type(.submit), .id("add-to-waitlist"), .text("Add to the waitlist"))))
        )
    }

    private static func freedSection(_ freed: Freed, context: PageContext) -> Node<HTML.BodyContext> {
        .section(.id("freed-slot"), .class("warning-box"), .attribute(named: "role", value: "status"),
            .h2(.text("Slot freed: \(freed.description)")),
            .if(freed.matches.isEmpty, .p(.text("No one waiting suits this slot."))),
            .if(!freed.matches.isEmpty, .table(.class("data-table"), .id("freed-matches"),
                .thead(.tr(.th("Patient"), .th("Treatment"), .th("Referred"), .th("Hours"), .th("Offer or book"))),
                .tbody(.forEach(freed.matches) { match in
                    let base = "/schedule/waitlist/\(match.row.entryID.uuidString.lowercased())"
                    return .tr(.attribute(named: "data-entry", value: match.row.entryID.uuidString.lowercased()),
                        .td(.text("\(match.row.patientName) (\(match.row.mrn))")), .td(.text(match.row.treatment)),
                        .td(.text(match.row.referredOn.iso)), .td(.text("\(match.start)–\(match.end)")),
                        .td(slotForm(base + "/offer", "Offer", freed, match, context: context, style: "secondary"),
                            slotForm(base + "/book", "Book", freed, match, context: context, style: "primary")))
                })))
        )
    }

    private static func slotForm(_ action: String, _ label: String, _ freed: Freed, _ match: Match, context: PageContext,
                                 style: String) -> Node<HTML.BodyContext> {
        .form(.method(.post), .action(action), .class("inline-form"),
              .csrfField(context),
              .input(.type(.hidden), .name("chair"), .value(freed.chairID.uuidString.lowercased())),
              .input(.type(.hidden), .name("date"), .value(freed.date.iso)),
              .input(.type(.hidden), .name("start"), .value(match.start)),
              .input(.type(.hidden), .name("end"), .value(match.end)),
              .button(.type(.submit), .class(style), .text(label)))
    }
}
