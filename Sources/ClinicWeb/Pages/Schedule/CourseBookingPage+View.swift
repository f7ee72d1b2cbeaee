import ClinicDomain
import Foundation
import Plot

extension CourseBookingPage {
    /// Renders the course page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let movable = model.sessions.filter { $0.state == .scheduled }
        return Layout.page(
            title: "Bookings: \(model.patientName)", context: context,
            content:
            .h1(.text("Bookings: \(model.patientName)")),
            .p(.text("Course of \(model.treatment) from the current signed plan. "), .a(.href("/schedule"), .text("Calendar")), .text(" · "),
               .a(.href("\(model.path)/appointments.ics"), .id("appointments-file"),
                  .text("Appointments file (.ics) for the patient's calendar: times and place only"))),
            .if(!model.conflicts.isEmpty, .div(.class("error-summary"), .id("booking-conflicts"), .attribute(named: "role", value: "alert"),
                .h2(.span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")), .text("The booking was refused")),
                .ul(.forEach(model.conflicts) { .li(.text($0)) }))),
            .if(!model.warnings.isEmpty, .div(.class("warning-box"), .id("booking-warnings"), .attribute(named: "role", value: "status"),
                .h2(.span(.attribute(named: "aria-hidden", value: "true"), .text("! ")), .text("Check before the day")),
                .ul(.forEach(model.warnings) { .li(.text($0)) }))),
            .table(.class("data-table"), .id("course-sessions"),
                .thead(.tr(.th("Session"), .th("Planned day"), .th("Booked"), .th("State"))),
                .tbody(.forEach(model.sessions) { row in
                    .tr(.attribute(named: "data-session", value: "\(row.number)"),
                        .td(.text("\(row.number)")), .td(.text(row.plannedDate.iso)), .td(.text(row.booking ?? "Not booked")),
                        .td(.span(.class("state-badge state-\(row.state.rawValue)"), .text(row.state.displayName))))
                })),
            .if(!model.proposals.isEmpty, .section(.id("proposal"),
                .h2(.text("Proposed slots")),
                .ul(.forEach(model.proposals) { .li(.text($0)) }),
                .form(.method(.post), .action(model.path + "/book-proposal"),
                      .csrfField(context),
                      .button(.type(.submit), .id("book-proposal"), .text("Book these slots"))))),
            .if(!movable.isEmpty, .section(.id("move"),
                .h2(.text("Book or move one session")),
                FormField.errorSummary(model.errors),
                .form(.class("stacked"), .method(.post), .action(model.path + "/move"), .attribute(named: "novalidate", value: "novalidate"),
                      .csrfField(context),
                      FormField.select("session", label: "Session", choices: movable.map { ("\($0.sessionID.uuidString.lowercased())", "Session \($0.number)") },
                                       selected: model.values["session"], errors: model.errors),
                      FormField.input("date", label: "Day", type: .date, value: model.values["date"], errors: model.errors, required: true),
                      FormField.input("start", label: "Start", value: model.values["start"], errors: model.errors, hint: "24-hour clock, HH:MM.", required: true),
                      FormField.select("chair", label: "Chair", choices: model.chairs, selected: model.values["chair"], errors: model.errors),
                      .button(.type(.submit), .id("move-session"), .text("Book"))))),
            .if(!movable.isEmpty, .section(.id("cancel"),
                .h2(.text("Cancel one session")),
                .p(.class("hint"), .text("A booked session frees its chair; the waitlist then shows who is waiting for it.")),
                .form(.class("stacked"), .method(.post), .action(model.path + "/cancel"), .attribute(named: "novalidate", value: "novalidate"),
                      .csrfField(context),
                      FormField.select("cancel-session", label: "Session",
                                       choices: movable.map { ("\($0.sessionID.uuidString.lowercased())", "Session \($0.number)") },
                                       selected: model.values["cancel-session"], errors: model.errors),
                      FormField.input("cancel-reason", label: "Reason", value: model.values["cancel-reason"], errors: model.errors, required: true),
                      .button(.type(.submit), .class("secondary"), .id("cancel-session"), .text("Cancel session"))))))
    }
}
