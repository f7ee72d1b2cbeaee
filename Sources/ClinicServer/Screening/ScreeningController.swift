import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The screening pages: the live evaluation with the signing form, signing, and signed versions.
struct ScreeningController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var screening: ScreeningService { ScreeningService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/patients/:id/screening", .permission(.patientsClinical), use: live)
        routes.staff(.post, "/patients/:id/screenings", .permission(.screeningSign), use: sign)
        routes.staff(.get, "/patients/:id/screenings/:version", .permission(.patientsClinical), use: version)
    }

    @Sendable func live(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        try await services.recordView(of: chart, "screening", "screening evaluation", context: context)
        return try await page(chart, clinic: clinic, request: request, context: context)
    }

    @Sendable func sign(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let form = try await WebResponses.formFields(of: request)
        do {
            let signed = try await screening.sign(ScreeningService.review(from: form), chart: chart,
                                                  revision: form["recordRevision"].flatMap { Int64($0) },
                                                  clinic: clinic, context: context)
            return WebResponses.redirect(
                to: "/patients/\(chart.summary.id.uuidString.lowercased())/screenings/\(signed.version)",
                flash: Flash(.success, "Screening version \(signed.version) signed."))
        } catch let errors as FieldErrors {
            return try await page(chart, clinic: clinic, request: request, context: context, values: form, errors: errors,
                                  status: .unprocessableContent)
        }
    }

    @Sendable func version(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let signed = try await screening.signedVersion(context, chart: chart, via: "")
        let versions = try await services.screenings.list(patientID: chart.summary.id)
        let html = ScreeningPage.render(
            .init(patient: chart.summary, result: signed.result, resistance: signed.resistance, signed: signed,
                  signedIsStale: signed.isStale(currentRevision: chart.revision), versions: versions,
                  recordRevision: chart.revision, canSign: false, timeZone: clinic.settings.resolvedTimeZone),
            context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    private func page(_ chart: PatientChart, clinic: Clinic, request: Request, context: Context,
                      values: [String: String] = [:], errors: FieldErrors = FieldErrors(),
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let (result, resistance) = try await screening.evaluate(chart, clinic: clinic)
        let versions = try await services.screenings.list(patientID: chart.summary.id)
        let html = ScreeningPage.render(
            .init(patient: chart.summary, result: result, resistance: resistance, versions: versions,
                  recordRevision: chart.revision, canSign: context.identity.can(.screeningSign), values: values,
                  errors: errors, timeZone: clinic.settings.resolvedTimeZone),
            context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.page(html, status: status)
    }
}
