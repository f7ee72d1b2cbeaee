import ClinicDomain
import ClinicWeb
import Hummingbird

/// `/admin/clinic`: the clinic's settings, changed by administrators and audited with their
/// before and after values.
struct ClinicSettingsController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/admin/clinic", .permission(.clinicConfigure), use: form)
        routes.staff(.post, "/admin/clinic", .permission(.clinicConfigure), use: save)
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let s = clinic.settings
        let values = ["name": s.name, "timeZone": s.timeZone, "jurisdiction": s.jurisdiction.code, "mrnPrefix": s.mrnPrefix,
                      "requireAdministratorTwoFactor": s.requireAdministratorTwoFactor ? "on" : "",
                      "workingDays": ClinicSettings.workingDaysCode(s.workingDays)]
        let html = ClinicSettingsPage.render(values: values, errors: FieldErrors(),
                                             context: WebResponses.pageContext(clinic, request, context, section: .clinic))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        var errors = FieldErrors()
        let jurisdiction = Jurisdiction(code: fields["jurisdiction"] ?? "")
        if jurisdiction == nil { errors.add("jurisdiction", "Use a jurisdiction KetaClinic has a profile for, e.g. US-NY, CA-ON, AU-VIC, GB, EU-DE.") }
        let draft = ClinicSettings(name: fields["name"] ?? "", timeZone: fields["timeZone"] ?? "",
                                   jurisdiction: jurisdiction ?? clinic.settings.jurisdiction, mrnPrefix: fields["mrnPrefix"] ?? "",
                                   requireAdministratorTwoFactor: fields["requireAdministratorTwoFactor"] == "on",
                                   workingDays: Set(Weekday.allCases.filter { fields["workingDay-\($0.code)"] == "on" }))
        do {
            let valid = try draft.validated()
            try errors.throwIfAny()
            _ = try await services.clinics.updateSettings(of: clinic.id, to: valid, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/admin/clinic", flash: Flash(.success, "Clinic settings saved."))
        } catch let invalid as FieldErrors {
            let html = ClinicSettingsPage.render(values: fields, errors: errors.merging(invalid),
                                                 context: WebResponses.pageContext(clinic, request, context, section: .clinic))
            return WebResponses.page(html, status: .unprocessableContent)
        }
    }
}
