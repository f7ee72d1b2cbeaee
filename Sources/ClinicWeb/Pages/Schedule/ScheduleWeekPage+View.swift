import ClinicDomain
import Foundation
import Plot

extension ScheduleWeekPage {
    /// Renders the calendar.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: model.title, context: context,
            content:
            .h1(.text(model.title)),
            .nav(.class("day-nav"), .attribute(named: "aria-label", value: "Calendar"),
                 .a(.href(model.previousLink), .text("← Previous")), .text(" · "),
                 .a(.href("/schedule"), .text("This week")), .text(" · "),
                 .a(.href(model.nextLink), .text("Next →"))),
            .p(.class("related-links"), .a(.href("/schedule/waitlist"), .text("Waitlist")), .text(" · "),
               .a(.href("/schedule/calendar-feeds"), .text("Calendar feeds for chairs and staff"))),
            .if(model.chairs.isEmpty, .p(.class("hint"), .text("The clinic has no chairs yet: add them in the clinic settings."))),
            .table(.class("data-table schedule-grid"), .id("schedule-grid"),
                .thead(.tr(.th(.text("Chair")), .forEach(model.days) { day in
                    .th(.attribute(named: "scope", value: "col"),
                        .a(.href("/schedule/day?date=\(day.iso)"), .text("\(day.weekday.displayName) \(day.iso)")),
                        .br(),
                        .span(.class("hint"), .text(model.closures[day].map { "Closed: \($0)" } ?? model.hours[day] ?? "Closed")))
                })),
                .tbody(.forEach(model.chairs) { chair in
                    .tr(.th(.attribute(named: "scope", value: "row"), .text(chair.name)),
                        .forEach(Array(zip(model.days, chair.cells)), { cell in
                            .td(.attribute(named: "data-day", value: cell.0.iso),
                                .forEach(cell.1) { entry in
                                    .div(.class(entry.conflict == nil ? "booking" : "booking has-conflict"),
                                         .strong(.text(entry.hours)), .text(" "),
                                         .a(.href(entry.courseLink), .text(entry.patientName)),
                                         .br(), .span(.class("hint"), .text("Appointment · \(entry.treatment)")),
                                         .unwrap(entry.conflict) { conflict in
                                             .p(.class("field-error booking-conflict"),
                                                .span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")),
                                                .span(.class("visually-hidden"), .text("Conflict: ")), .text(conflict))
                                         })
                                })
                        }))
                }))
        )
    }
}
