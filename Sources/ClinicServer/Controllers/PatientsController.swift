import ClinicDomain
import ClinicWeb
import Foundation
import Hummingbird

/// The patient pages: the list, the registration form and the chart.
struct PatientsController<Context: RequestContext>: Sendable {
    let services: ClinicServices
    static var pageSize: Int { 50 }

    func addRoutes(to router: Router<Context>) {
        router.get("/patients", use: list)
        router.get("/patients/new", use: newForm)
        router.post("/patients", use: register)
        router.get("/patients/:id", use: chart)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let cursor = try request.uri.queryParameters["after"].map { try PatientCursorToken.decode(String($0)) }
        async let total = services.patients.count(in: clinic.id)
        async let rows = services.patients.page(in: clinic.id, after: cursor, limit: Self.pageSize + 1)
        let page = try await rows
        let shown = Array(page.prefix(Self.pageSize))
        let next = page.count > Self.pageSize ? shown.last.map { "after=\(PatientCursorToken.encode(.init(after: $0)))" } : nil
        let model = PatientListPage.Model(patients: shown, total: try await total, nextPageQuery: next,
                                          isContinuation: cursor != nil, today: services.today(for: clinic))
        let html = PatientListPage.render(model, context: pageContext(clinic, request))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return WebResponses.page(PatientRegistrationPage.render(.init(), context: pageContext(clinic, request)))
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        do {
            let registration = try PatientRegistration.parse(fields, today: services.today(for: clinic))
            let patient = try await services.patients.register(registration, in: clinic.id, now: services.now())
            return WebResponses.redirect(
                to: "/patients/\(patient.id.uuidString.lowercased())",
                flash: Flash(.success, "Registered \(patient.listName) as \(patient.mrn.text)."))
        } catch let errors as FieldErrors {
            let html = PatientRegistrationPage.render(.init(values: fields, errors: errors),
                                                      context: pageContext(clinic, request))
            return WebResponses.page(html, status: .unprocessableContent)
        }
    }

    @Sendable func chart(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let patient = try await services.patients.find(id, in: clinic.id) else {
            throw Problem.notFound("No patient of this clinic has that address.")
        }
        let html = PatientChartPage.render(.init(patient: patient, today: services.today(for: clinic),
                                                 timeZone: clinic.settings.resolvedTimeZone),
                                           context: pageContext(clinic, request))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    private func pageContext(_ clinic: Clinic, _ request: Request) -> PageContext {
        PageContext(clinicName: clinic.settings.name, section: .patients, flash: WebResponses.flash(in: request))
    }
}
