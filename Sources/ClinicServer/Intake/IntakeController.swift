import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The intake pages: add an item to a section, amend or withdraw an item, see its history.
/// Contact details live under `/patients/:id/contact/…` (front desk may edit them); the clinical
/// sections under `/patients/:id/record/…`.
struct IntakeController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var intake: IntakeService { IntakeService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        for (group, permission) in [("contact", Permission.patientsContact), ("record", .patientsIntake)] {
            let base = "/patients/:id/\(group)/:section"
            let contact = group == "contact"
            routes.staff(.get, "\(base)/new", .permission(permission)) { try await newForm($0, $1, contact: contact) }
            routes.staff(.post, base, .permission(permission)) { try await add($0, $1, contact: contact) }
            routes.staff(.get, "\(base)/:key/edit", .permission(permission)) { try await editForm($0, $1, contact: contact) }
            routes.staff(.post, "\(base)/:key", .permission(permission)) { try await amend($0, $1, contact: contact) }
            routes.staff(.post, "\(base)/:key/retract", .permission(permission)) { try await retract($0, $1, contact: contact) }
            routes.staff(.get, "\(base)/:key/history", .permission(.patientsClinical)) { try await history($0, $1, contact: contact) }
        }
    }

    private static func base(_ chart: PatientChart, _ section: RecordSection) -> String {
        "/patients/\(chart.summary.id.uuidString.lowercased())/\(section.isContact ? "contact" : "record")/\(section.slug)"
    }

    private static func chartPath(_ chart: PatientChart) -> String { "/patients/\(chart.summary.id.uuidString.lowercased())" }

    func newForm(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let target = try await intake.target(context, contactGroup: contact, item: false)
        let (clinic, chart, section) = (target.clinic, target.chart, target.section)
        if let key = intake.existingSingleKey(section, in: chart) {
            return WebResponses.redirect(to: "\(Self.base(chart, section))/\(key.uuidString.lowercased())/edit")
        }
        var values: [String: String] = [:]
        let today = services.today(for: clinic).iso
        for field in IntakeFormSpec.of(section).fields {
            if case .date = field.kind, ["measuredOn"].contains(field.name) { values[field.name] = today }
            if field.name == "inCurrentEpisode" { values[field.name] = "on" }
        }
        return page(.init(patient: chart.summary, section: section, action: Self.base(chart, section),
                          isAmendment: false, values: values), clinic, request, context)
    }

    func add(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let target = try await intake.target(context, contactGroup: contact, item: false)
        let (clinic, chart, section) = (target.clinic, target.chart, target.section)
        let form = try await WebResponses.formFields(of: request)
        let existing = intake.existingSingleKey(section, in: chart)
        do {
            let summary = try await intake.save(section, form: form, chart: chart, amending: existing, clinic: clinic,
                                                context: context)
            return WebResponses.redirect(to: Self.chartPath(chart) + "#\(section.slug)",
                                         flash: Flash(.success, "Saved \(section.displayName): \(summary)."))
        } catch let errors as FieldErrors {
            return page(.init(patient: chart.summary, section: section, action: Self.base(chart, section),
                              isAmendment: existing != nil, values: form, errors: errors),
                        clinic, request, context, status: .unprocessableContent)
        }
    }

    func editForm(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let target = try await intake.target(context, contactGroup: contact, item: true)
        let (clinic, chart, section, key) = (target.clinic, target.chart, target.section, target.key!)
        try await services.recordView(of: chart, "record_item", entityID: key.uuidString, "amendment form for \(section.displayName)", context: context)
        return page(editModel(chart, section, key, values: intake.formValues(of: key, in: chart), errors: FieldErrors()),
                    clinic, request, context)
    }

    func amend(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let target = try await intake.target(context, contactGroup: contact, item: true)
        let (clinic, chart, section, key) = (target.clinic, target.chart, target.section, target.key!)
        let form = try await WebResponses.formFields(of: request)
        do {
            let summary = try await intake.save(section, form: form, chart: chart, amending: key, clinic: clinic,
                                                context: context)
            return WebResponses.redirect(to: Self.chartPath(chart) + "#\(section.slug)",
                                         flash: Flash(.success, "Amended \(section.displayName): \(summary)."))
        } catch let errors as FieldErrors {
            return page(editModel(chart, section, key, values: form, errors: errors), clinic, request, context,
                        status: .unprocessableContent)
        }
    }

    func retract(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let target = try await intake.target(context, contactGroup: contact, item: true)
        let (clinic, chart, section, key) = (target.clinic, target.chart, target.section, target.key!)
        let form = try await WebResponses.formFields(of: request)
        do {
            let reason = try AmendmentReason.validated(form["retractReason"])
            try await services.records.retract(key, of: chart.summary.id, reason: reason,
                                               stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: Self.chartPath(chart) + "#\(section.slug)",
                                         flash: Flash(.success, "Withdrew the \(section.displayName) entry."))
        } catch let errors as FieldErrors {
            var renamed = FieldErrors()
            for entry in errors.entries { renamed.add("retractReason", entry.message) }
            var values = intake.formValues(of: key, in: chart)
            values["retractReason"] = form["retractReason"]
            return page(editModel(chart, section, key, values: values, errors: renamed), clinic, request, context,
                        status: .unprocessableContent)
        }
    }

    func history(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let (clinic, chart, section, versions) = try await intake.history(context, contactGroup: contact, via: "")
        let html = RecordItemHistoryPage.render(
            .init(patient: chart.summary, section: section,
                  versions: versions.map { .init(meta: $0.version, summary: $0.summary) },
                  timeZone: clinic.settings.resolvedTimeZone),
            context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.page(html)
    }

    private func editModel(_ chart: PatientChart, _ section: RecordSection, _ key: UUID, values: [String: String],
                           errors: FieldErrors) -> IntakeFormPage.Model {
        let item = "\(Self.base(chart, section))/\(key.uuidString.lowercased())"
        return .init(patient: chart.summary, section: section, action: item, isAmendment: true, values: values,
                     errors: errors, retractAction: section.isSingle ? nil : "\(item)/retract",
                     historyLink: "\(item)/history")
    }

    private func page(_ model: IntakeFormPage.Model, _ clinic: Clinic, _ request: Request, _ context: Context,
                      status: HTTPResponse.Status = .ok) -> Response {
        WebResponses.page(IntakeFormPage.render(model, context: WebResponses.pageContext(clinic, request, context,
                                                                                        section: .patients)),
                          status: status)
    }
}
