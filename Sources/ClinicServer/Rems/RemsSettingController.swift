import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// `/admin/clinic/rems`: the clinic's REMS details, changed by administrators and audited.
struct RemsSettingController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var repository: RemsRepository { RemsRepository(database: services.database) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/admin/clinic/rems", .permission(.clinicConfigure), use: form)
        routes.staff(.post, "/admin/clinic/rems", .permission(.clinicConfigure), use: save)
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let d = try await repository.settingDetails(of: clinic.id)
        let values = ["kind": d.kind.rawValue, "settingName": d.settingName, "address1": d.address1, "address2": d.address2,
                      "city": d.city, "state": d.state, "zip": d.zip, "telephone": d.telephone,
                      "monitoringFirstName": d.monitoringFirstName, "monitoringLastName": d.monitoringLastName,
                      "monitoringEmail": d.monitoringEmail]
        let html = RemsSettingPage.render(values: values, errors: FieldErrors(),
                                          context: WebResponses.pageContext(clinic, request, context, section: .clinic))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        var errors = FieldErrors()
        let kind = RemsSettingDetails.SettingKind(rawValue: fields["kind"] ?? "")
        if kind == nil { errors.add("kind", "Choose outpatient or inpatient.") }
        let draft = RemsSettingDetails(
            kind: kind ?? .outpatient, settingName: fields["settingName"] ?? "", address1: fields["address1"] ?? "",
            address2: fields["address2"] ?? "", city: fields["city"] ?? "", state: fields["state"] ?? "", zip: fields["zip"] ?? "",
            telephone: fields["telephone"] ?? "", monitoringFirstName: fields["monitoringFirstName"] ?? "",
            monitoringLastName: fields["monitoringLastName"] ?? "", monitoringEmail: fields["monitoringEmail"] ?? "")
        do {
            let valid = try draft.validated()
            try errors.throwIfAny()
            try await repository.updateSettingDetails(valid, of: clinic.id, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/admin/clinic/rems", flash: Flash(.success, "REMS details saved."))
        } catch let invalid as FieldErrors {
            let html = RemsSettingPage.render(values: fields, errors: errors.merging(invalid),
                                              context: WebResponses.pageContext(clinic, request, context, section: .clinic))
            return WebResponses.page(html, status: .unprocessableContent)
        }
    }
}
