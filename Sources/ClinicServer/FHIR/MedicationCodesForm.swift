import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// `/admin/clinic/medication-codes`: the RxCUIs the clinic's exported medications carry, on the
/// shared policy page; `GET`/`PUT /api/v1/clinic/medication-codes` (``MedicationCodesAPIController``)
/// and `ketaclinic clinic medication-codes` keep the same value. The repository audits each change.
enum MedicationCodesForm: ClinicPolicyForm {
    static let path = "/admin/clinic/medication-codes"
    static let savedMessage = "Medication codes saved."

    static func load(_ services: ClinicServices, clinic: Clinic) async throws -> MedicationCodes {
        try await MedicationCodeRepository(database: services.database).policy(of: clinic.id)
    }

    static func store(_ codes: MedicationCodes, _ services: ClinicServices, clinic: Clinic, stamp: AuditStamp) async throws {
        try await MedicationCodeRepository(database: services.database).update(codes, of: clinic.id, stamp: stamp)
    }

    static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        MedicationCodesPage.render(values: values, errors: errors, context: context)
    }

    /// The codes as form text (empty for none).
    static func values(_ codes: MedicationCodes) -> [String: String] {
        ["ketamineRxCUI": codes.ketamineRxCUI ?? "", "esketamineRxCUI": codes.esketamineRxCUI ?? ""]
    }

    /// Codes from form text; a field the form leaves out keeps its value, an empty one clears it.
    static func policy(from fields: [String: String], current: MedicationCodes) throws(FieldErrors) -> MedicationCodes {
        try current.applying(fields)
    }
}

/// `GET`/`PUT /api/v1/clinic/medication-codes`: the same codes as JSON. Reading needs any sign-in
/// (the codes are not about a patient); changing them is `clinic.configure`.
struct MedicationCodesAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    /// The body of a change: both codes, each digits or null (none).
    struct Body: StrictlyKeyed {
        static let acceptedFields = MedicationCodes.fieldNames
        let ketamineRxCUI: String?
        let esketamineRxCUI: String?
    }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/clinic/medication-codes", .signedIn, answer: .encoding(MedicationCodes.self), use: show)
        routes.staff(.put, "/api/v1/clinic/medication-codes", .permission(.clinicConfigure), request: .requestBody(Body.self),
                     answer: .encoding(MedicationCodes.self), use: update)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await MedicationCodeRepository(database: services.database).policy(of: clinic.id))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(Body.self, from: request)
        let codes = try MedicationCodes(ketamineRxCUI: body.ketamineRxCUI, esketamineRxCUI: body.esketamineRxCUI).validated()
        let repository = MedicationCodeRepository(database: services.database)
        if try await repository.policy(of: clinic.id) != codes {
            try await repository.update(codes, of: clinic.id, stamp: context.stamp(at: services.now()))
        }
        return try APIResponse.json(codes)
    }
}
