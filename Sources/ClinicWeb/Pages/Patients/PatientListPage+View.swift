import ClinicDomain
import Foundation
import Plot

extension PatientListPage {
    /// Renders the list.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Patients", context: context,
            content:
            .h1(.text("Patients")),
            .div(.class("actions"),
                 .a(.class("button"), .href("/patients/new"), .text("Register a patient")),
                 .span(.id("patient-total"), .text("\(model.total.formatted()) registered"))),
            .form(.class("search"), .method(.get), .action("/patients"), .attribute(named: "role", value: "search"),
                  .label(.for("q"), .text("Find a patient")),
                  .input(.type(.search), .id("q"), .name("q"), .value(model.query),
                         .attribute(named: "aria-describedby", value: "q-hint")),
                  .button(.type(.submit), .class("secondary"), .text("Search")),
                  .if(!model.query.isEmpty, .a(.href("/patients"), .text("Clear"))),
                  .p(.class("hint"), .id("q-hint"),
                     .text("The start of the family name (\"Smith\" or \"Smith, Jo\"), a medical record number, "
                           + "or a date of birth as YYYY-MM-DD."))),
            .if(model.patients.isEmpty,
                .p(.id("no-patients"), .text(model.isContinuation ? "No more patients."
                       : model.query.isEmpty ? "No patients are registered yet." : "No patient matches “\(model.query)”.")),
                else: .div(
                    .class("table-wrap"), ScrollRegion.focusable("Patients"),
                    .table(
                        .caption(.class("visually-hidden"), .text("Registered patients, by family name")),
                        .thead(.tr(.th(.text("Name")), .th(.text("MRN")), .th(.text("Date of birth")),
                                   .th(.text("Age")), .th(.text("Sex at birth")))),
                        .tbody(.forEach(model.patients) { patient in
                            .tr(
                                .td(.a(.href("/patients/\(patient.id.uuidString.lowercased())"), .text(patient.listName))),
                                .td(.class("mono"), .text(patient.mrn.text)),
                                .td(.text(patient.registration.dateOfBirth.iso)),
                                .td(.text(String(patient.registration.dateOfBirth.age(on: model.today)))),
                                .td(.text(patient.registration.sexAtBirth.displayName))
                            )
                        })
                    )
                )),
            .div(.class("pager"),
                 .if(model.isContinuation, .a(.href(model.query.isEmpty ? "/patients" : "/patients?q=\(model.query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"), .text("First page"))),
                 .unwrap(model.nextPageQuery) { query in
                     .a(.class("button secondary"), .href("/patients?\(query)"), .attribute(named: "rel", value: "next"),
                        .text("Next page"))
                 })
        )
    }
}
