import ClinicDomain
import Foundation
import Plot

extension PatientChartPage {
    /// Renders the chart.
    public static func render(_ model: Model, context: PageContext) -> String {
        let patient = model.patient
        let registration = patient.registration
        return Layout.page(
            title: patient.listName, context: context,
            content:
            .section(
                .class("chart-header"), .attribute(named: "aria-label", value: "Patient identity"),
                .h1(.text(patient.listName)),
                .span(.class("mono"), .text("MRN \(patient.mrn.text)")),
                .span(.text("Born \(registration.dateOfBirth.iso) (\(registration.dateOfBirth.age(on: model.today)) years)")),
                .span(.text("Sex at birth: \(registration.sexAtBirth.displayName)")),
                .unwrap(registration.genderIdentity) { .span(.text("Gender identity: \($0)")) }
            ),
            .h2(.text("Registration")),
            .dl(.class("facts"),
                .dt(.text("Registered")),
                .dd(.time(.datetime(ISO8601DateFormatter().string(from: patient.registeredAt)),
                          .text(CalendarDate(instant: patient.registeredAt, in: model.timeZone).iso)))),
            .if(model.canSeeAccessLog,
                .p(.a(.href("/patients/\(patient.id.uuidString.lowercased())/access-log"), .id("access-log-link"),
                      .text("Who has seen or changed this record"))))
        )
    }
}
