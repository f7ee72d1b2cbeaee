import ClinicDomain
import Foundation
import Plot

extension HomePage {
    /// Renders the home page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Home", context: context,
            content:
            .h1(.text(model.clinicName)),
            .p(.class("lede"), .text("\(model.jurisdiction) · \(model.timeZone)")),
            .if(!model.alerts.isEmpty, .section(.id("open-alerts"),
                .h2(.text("Open suicidality alerts (\(model.alerts.count))")),
                SafetyAlertView.list(model.alerts, canAcknowledge: model.canAcknowledge, timeZone: model.clinicTimeZone,
                                     context: context, returnTo: "/"))),
            worklists(model, context: context),
            .if(!model.emergencyAccesses.isEmpty, .section(.id("emergency-accesses"),
                .h2(.text("Emergency access to clinical records (last 7 days)")),
                .ul(.forEach(model.emergencyAccesses) { row in
                    .li(.a(.href("/patients/\(row.grant.patientID.uuidString.lowercased())"), .text(row.patientName)),
                        .text(": \(row.grant.userName), \(Instant.text(row.grant.grantedAt, in: model.clinicTimeZone)), “\(row.grant.reason)”"))
                }))),
            .if(!model.registerDiscrepancies.isEmpty, .section(.id("register-discrepancies"), .class("notice"),
                .h2(.span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")),
                    .text("Open controlled-substance discrepancies (\(model.registerDiscrepancies.count))")),
                .p(.text("A count differed from the register. Investigate each and close it with a written reason.")),
                .ul(.forEach(model.registerDiscrepancies) { .li(.text($0)) }),
                .p(.a(.class("button"), .href("/register/discrepancies"), .text("Investigate discrepancies"))))),
            .if(!model.dayList.isEmpty, .section(.id("day-list"),
                .h2(.text("Rating scales due today or overdue")),
                .div(.class("table-scroll"), ScrollRegion.focusable("Rating scales due"), .table(.class("data"),
                    .thead(.tr(.th(.text("Patient")), .th(.text("Scale")), .th(.text("When")), .th(.text("Due")), .th(.text("Status")))),
                    .tbody(.forEach(model.dayList) { row in
                        .tr(.td(.a(.href("/patients/\(row.patientID.uuidString.lowercased())/scales"), .text(row.patientName))),
                            .td(.text(Instrument.named(row.due.instrument).shortName)),
                            .td(.text(row.due.timing.displayName + (row.due.sessionNumber.map { " \($0)" } ?? ""))),
                            .td(.text(row.due.dueOn.iso)),
                            .td(.span(.class("measurement-status \(row.due.status.rawValue)"), .text(row.due.status.rawValue))))
                    }))))),
            .div(
                .class("cards"),
                .if(model.abilities.seePatients, .section(
                    .class("card"), .attribute(named: "aria-labelledby", value: "sessions-heading"),
                    .h2(.id("sessions-heading"), .text("Treatment sessions")),
                    .div(.class("actions"),
                         .a(.class("button"), .id("sessions-today"), .href("/sessions"), .text("Today's sessions")),
                         .if(model.abilities.seeBoard, .a(.href("/board"), .id("board-link"), .text("Chair board"))))
                )),
                .if(model.abilities.seePatients, .section(
                    .class("card"), .attribute(named: "aria-labelledby", value: "patients-heading"),
                    .h2(.id("patients-heading"), .text("Patients")),
                    .p(.class("figure"), .id("patient-count"), .text(model.patientCount.formatted())),
                    .div(.class("actions"),
                         .if(model.abilities.registerPatients, .a(.class("button"), .id("register-patient"), .href("/patients/new"),
                                                                  .text("Register a patient"))),
                         .a(.href("/patients"), .text("All patients")))
                )),
                .section(
                    .class("card"), .attribute(named: "aria-labelledby", value: "clinic-heading"),
                    .h2(.id("clinic-heading"), .text("Clinic")),
                    .dl(.class("facts"),
                        .dt(.text("Jurisdiction")), .dd(.text(model.jurisdiction)),
                        .dt(.text("Time zone")), .dd(.text(model.timeZone)))
                ),
                .if(model.abilities.seeSystem, .section(
                    .class("card"), .id("system-card"), .attribute(named: "aria-labelledby", value: "system-heading"),
                    .h2(.id("system-heading"), .text("System")),
                    .dl(.class("facts"),
                        .dt(.text("Database")), .dd(.text(model.databaseEngine == "postgres" ? "PostgreSQL" : "SQLite")),
                        .dt(.text("Schema version")), .dd(.text(String(model.schemaVersion)))),
                    .p(.a(.href("/readyz"), .text("Readiness")),
                       .text(" · Metrics for Prometheus at /metrics, with an API token scoped operations.metrics"))
                ))
            )
        )
    }

    /// The clock time (HH:MM) of `date` in the clinic's time zone.
    static func clock(_ date: Date, _ timeZone: TimeZone) -> String {
        String(Instant.text(date, in: timeZone).dropFirst(11).prefix(5))
    }

    /// The viewer's work lists, each with its count in the heading and a plain "none" when empty.
    static func worklists(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        let lists = model.worklists
        let zone = model.clinicTimeZone
        func sessionLink(_ row: SessionRow) -> Node<HTML.BodyContext> {
            .a(.href("/sessions/\(row.sessionID.uuidString.lowercased())"), .text(row.patientName))
        }
        func signatures(_ id: String, _ title: String, _ rows: [SignatureRow]?) -> Node<HTML.BodyContext> {
            .unwrap(rows) { rows in
                .section(.id(id), .class("worklist"),
                         .h2(.text("\(title) (\(rows.count))")),
                         .if(rows.isEmpty, .p(.class("empty"), .text("Nothing waits for your signature.")), else:
                            .ul(.forEach(rows) { row in
                                .li(.a(.href(row.path), .text(row.patientName)), .text(": \(row.reason)"))
                            })))
            }
        }
        return .group(
            .unwrap(lists.vitalAlerts) { alerts in
                .section(.id("vital-alerts"), .class(alerts.isEmpty ? "worklist" : "worklist notice"),
                         .h2(.text("Open vital-sign alerts (\(alerts.count))")),
                         .if(alerts.isEmpty, .p(.class("empty"), .text("No vital-sign alert is open.")), else:
                            .ul(.forEach(alerts) { alert in
                                .li(.span(.class("alert-icon"), .attribute(named: "aria-hidden", value: "true"), .text("⚠ ")),
                                    .a(.href("/sessions/\(alert.sessionID.uuidString.lowercased())"), .text(alert.patientName)),
                                    .text((alert.chair.map { ", \($0)" } ?? "") + ": \(alert.message.hasSuffix(".") ? String(alert.message.dropLast()) : alert.message)"
                                          + ", since \(clock(alert.raisedAt, zone))"
                                          + (alert.escalated ? " (escalated)" : "")))
                            })))
            },
            .unwrap(lists.chairs) { rows in
                .section(.id("todays-chairs"), .class("worklist"),
                         .h2(.text("Today's chairs (\(rows.count) sessions)")),
                         .if(rows.isEmpty, .p(.class("empty"), .text("No session is booked today.")), else:
                            .div(.class("table-scroll"), ScrollRegion.focusable("Today's chairs"), .table(.class("data"),
                                .thead(.tr(.th(.text("Chair")), .th(.text("Patient")), .th(.text("Session")), .th(.text("State")),
                                           .th(.text("Open alerts")))),
                                .tbody(.forEach(rows) { row in
                                    .tr(.td(.text(row.chair ?? "—")), .td(sessionLink(row)), .td(.text("No. \(row.number)")),
                                        .td(.text(row.state.displayName)),
                                        .td(.text(row.openAlerts == 0 ? "none" : "⚠ \(row.openAlerts)")))
                                })))))
            },
            signatures("screenings-to-sign", "Screenings to sign", lists.screeningsToSign),
            signatures("plans-to-sign", "Treatment plans to sign", lists.plansToSign),
            .unwrap(lists.arrivals) { rows in
                .section(.id("arrivals"), .class("worklist"),
                         .h2(.text("Today's arrivals (\(rows.filter { $0.checkedInAt != nil }.count) of \(rows.count) arrived)")),
                         .if(rows.isEmpty, .p(.class("empty"), .text("No patient is expected today.")), else:
                            .div(.class("table-scroll"), ScrollRegion.focusable("Today's arrivals"), .table(.class("data"),
                                .thead(.tr(.th(.text("Patient")), .th(.text("Chair")), .th(.text("Arrived")), .th(.text("State")))),
                                .tbody(.forEach(rows) { row in
                                    .tr(.td(sessionLink(row)), .td(.text(row.chair ?? "—")),
                                        .td(.text(row.checkedInAt.map { clock($0, zone) } ?? "not yet")),
                                        .td(.text(row.state.displayName)))
                                })))))
            },
            .unwrap(lists.noShows) { rows in
                .section(.id("no-shows"), .class("worklist"),
                         .h2(.text("Today's no-shows (\(rows.count))")),
                         .if(rows.isEmpty, .p(.class("empty"), .text("None so far.")), else:
                            .ul(.forEach(rows) { row in .li(sessionLink(row), .text(row.chair.map { ", \($0)" } ?? "")) })))
            },
            .unwrap(lists.remsDue) { rows in
                .section(.id("rems-due"), .class("worklist"),
                         .h2(.text("REMS monitoring forms due (\(rows.count))")),
                         .if(rows.isEmpty, .p(.class("empty"), .text("Every form is submitted.")), else:
                            .group(.ul(.forEach(rows) { row in
                                .li(.a(.href("/sessions/\(row.sessionID.uuidString.lowercased())/rems-form"), .text(row.patientName)),
                                    .text(": "), .strong(.text(row.overdue ? "⚠ \(row.status)" : row.status)))
                            }), .p(.a(.href("/rems"), .text("The REMS form queue"))))))
            }
        )
    }
}

extension Int {
    /// The number with thousands separators, the same on every server whatever its locale.
    func formatted() -> String {
        let digits = String(abs(self))
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (self < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
