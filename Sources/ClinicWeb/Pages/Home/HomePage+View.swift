import Plot

extension HomePage {
    /// Renders the home page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Home", context: context,
            content:
            .h1(.text(model.clinicName)),
            .p(.class("lede"), .text("\(model.jurisdiction) · \(model.timeZone)")),
            .div(
                .class("cards"),
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
