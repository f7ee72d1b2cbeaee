import ClinicDomain
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
                .div(.class("table-scroll"), .table(.class("data"),
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
                .section(
                    .class("card"), .attribute(named: "aria-labelledby", value: "sessions-heading"),
                    .h2(.id("sessions-heading"), .text("Treatment sessions")),
                    .div(.class("actions"),
                         .a(.class("button"), .id("sessions-today"), .href("/sessions"), .text("Today's sessions")),
                         .a(.href("/board"), .id("board-link"), .text("Chair board")))
                ),
                .section(
                    .class("card"), .attribute(named: "aria-labelledby", value: "patients-heading"),
                    .h2(.id("patients-heading"), .text("Patients")),
                    .p(.class("figure"), .id("patient-count"), .text(model.patientCount.formatted())),
                    .div(.class("actions"),
                         .a(.class("button"), .href("/patients/new"), .text("Register a patient")),
                         .a(.href("/patients"), .text("All patients")))
                ),
                .section(
                    .class("card"), .attribute(named: "aria-labelledby", value: "clinic-heading"),
                    .h2(.id("clinic-heading"), .text("Clinic")),
                    .dl(.class("facts"),
                        .dt(.text("Jurisdiction")), .dd(.text(model.jurisdiction)),
                        .dt(.text("Time zone")), .dd(.text(model.timeZone)))
                ),
                .section(
                    .class("card"), .attribute(named: "aria-labelledby", value: "system-heading"),
                    .h2(.id("system-heading"), .text("System")),
                    .dl(.class("facts"),
                        .dt(.text("Database")), .dd(.text(model.databaseEngine == "postgres" ? "PostgreSQL" : "SQLite")),
                        .dt(.text("Schema version")), .dd(.text(String(model.schemaVersion)))),
                    .p(.a(.href("/readyz"), .text("Readiness")),
                       .text(" · Metrics for Prometheus at /metrics, with an API token scoped operations.metrics"))
                )
            )
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
