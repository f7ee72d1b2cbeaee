import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// `/admin/clinic/policy`: the clinic's screening thresholds and treatment-resistance
/// definition, changed by administrators. The repository audits each change with the old and
/// new policy; the API (`PUT /api/v1/clinic/policy`) and `ketaclinic clinic policy set` write
/// the same values.
struct ClinicPolicyController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/admin/clinic/policy", .permission(.clinicConfigure), use: form)
        routes.staff(.post, "/admin/clinic/policy", .permission(.clinicConfigure), use: save)
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let policies = try await services.policies.policies(of: clinic.id)
        let html = ClinicPolicyPage.render(values: policies.fieldValues, errors: FieldErrors(),
                                           context: WebResponses.pageContext(clinic, request, context, section: .clinic))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        // Every setting is on the form: a missing number is an empty one, an unticked box is off.
        var typed: [String: String] = [:]
        for name in ClinicPolicies.fieldNames { typed[name] = fields[name] ?? "" }
        let current = try await services.policies.policies(of: clinic.id)
        let updated: ClinicPolicies
        do {
            updated = try current.applying(typed)
        } catch {
            let html = ClinicPolicyPage.render(values: typed, errors: error,
                                               context: WebResponses.pageContext(clinic, request, context, section: .clinic))
            return WebResponses.page(html, status: .unprocessableContent)
        }
        guard updated != current else {
            return WebResponses.redirect(to: "/admin/clinic/policy", flash: Flash(.success, "No changes to the policy."))
        }
        try await services.policies.update(updated, of: clinic.id, stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: "/admin/clinic/policy", flash: Flash(.success, "Screening policy saved."))
    }
}
