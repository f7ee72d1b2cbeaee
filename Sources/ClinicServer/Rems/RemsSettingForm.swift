import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// `/admin/clinic/rems`: the clinic's REMS setting details (the healthcare setting and its
/// monitoring provider, printed on every monitoring form). The repository audits each change.
enum RemsSettingForm: ClinicPolicyForm {
    static let path = "/admin/clinic/rems"
    static let savedMessage = "REMS details saved."

    static func load(_ services: ClinicServices, clinic: Clinic) async throws -> RemsSettingDetails {
        try await RemsRepository(database: services.database).settingDetails(of: clinic.id)
    }

    static func store(_ details: RemsSettingDetails, _ services: ClinicServices, clinic: Clinic, stamp: AuditStamp) async throws {
        try await RemsRepository(database: services.database).updateSettingDetails(details, of: clinic.id, stamp: stamp)
    }

    static func values(_ d: RemsSettingDetails) -> [String: String] {
        ["kind": d.kind.rawValue, "settingName": d.settingName, "address1": d.address1, "address2": d.address2,
         "city": d.city, "state": d.state, "zip": d.zip, "telephone": d.telephone,
         "monitoringFirstName": d.monitoringFirstName, "monitoringLastName": d.monitoringLastName,
         "monitoringEmail": d.monitoringEmail]
    }

    static func policy(from fields: [String: String], current: RemsSettingDetails) throws(FieldErrors) -> RemsSettingDetails {
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
            return valid
        } catch {
            throw errors.merging(error)
        }
    }

    static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        RemsSettingPage.render(values: values, errors: errors, context: context)
    }
}
