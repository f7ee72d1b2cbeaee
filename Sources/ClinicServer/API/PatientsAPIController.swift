import ClinicDomain
import Foundation
import Hummingbird

/// `/api/v1/patients`: list (keyset paged), register, read one.
struct PatientsAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/patients", .permission(.patientsRead), use: list)
        routes.staff(.post, "/api/v1/patients", .permission(.patientsRegister), request: .requestBody(APIResources.PatientRegistrationBody.self), use: register)
        routes.staff(.get, "/api/v1/patients/:id", .permission(.patientsRead), use: show)
        routes.staff(.put, "/api/v1/patients/:id/identity", .permission(.patientsRegister), request: .requestBody(IdentityCorrectionBody.self), use: correctIdentity)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let query = request.uri.queryParameters
        var errors = FieldErrors()
        let limitText = query["limit"].map(String.init) ?? "50"
        let limit = Int(limitText) ?? 0
        if !(1...500).contains(limit) { errors.add("limit", "Use a whole number from 1 to 500.") }
        try errors.throwIfAny()
        let cursor = try query["after"].map { try PatientCursorToken.decode(String($0)) }
        async let total = services.patients.count(in: clinic.id)
        let search = query["q"].flatMap { PatientSearch(String($0)) }
        let rows = try await services.patients.page(in: clinic.id, matching: search, after: cursor, limit: limit + 1)
        let shown = Array(rows.prefix(limit))
        let next = rows.count > limit ? shown.last.map { PatientCursorToken.encode(.init(after: $0)) } : nil
        try await services.audit.record(AuditEvent(.view, entityType: "patient_list", entityID: clinic.id.uuidString,
                                                   summary: "API page of \(shown.count)"), stamp: context.stamp(at: services.now()))
        return try APIResponse.json(APIResources.Page(
            items: shown.map(APIResources.PatientResource.init), total: try await total, next: next))
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(APIResources.PatientRegistrationBody.self, from: request)
        let registration = try PatientRegistration.parse(body.fields, today: services.today(for: clinic))
        let patient = try await services.patients.register(registration, in: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(APIResources.PatientResource(patient), status: .created,
                                    location: "/api/v1/patients/\(patient.id.uuidString.lowercased())")
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let patient = try await services.patients.find(id, in: clinic.id) else {
            throw Problem.notFound("No patient of this clinic has that id.")
        }
        try await services.audit.record(AuditEvent(.view, entityType: "patient", entityID: patient.id.uuidString,
                                                   patientID: patient.id, summary: "API"), stamp: context.stamp(at: services.now()))
        return try APIResponse.json(APIResources.PatientResource(patient))
    }

    /// `PUT /api/v1/patients/:id/identity` with the registration fields and a `reason`: an amendment.
    @Sendable func correctIdentity(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let body = try await StrictJSON.decode(IdentityCorrectionBody.self, from: request)
        var errors = FieldErrors()
        var registration: PatientRegistration?
        do { registration = try PatientRegistration.parse(body.registration.fields, today: services.today(for: clinic)) }
        catch { errors = error }
        var reason = ""
        do { reason = try AmendmentReason.validated(body.reason) } catch { errors = errors.merging(error) }
        try errors.throwIfAny()
        _ = try await services.records.amendIdentity(of: chart.summary.id, to: registration!, reason: reason,
                                                     stamp: context.stamp(at: services.now()))
        guard let patient = try await services.patients.find(chart.summary.id, in: clinic.id) else {
            throw Problem.notFound("No patient of this clinic has that id.")
        }
        return try APIResponse.json(APIResources.PatientResource(patient))
    }
}

/// The body of an identity correction: the registration fields plus the reason.
struct IdentityCorrectionBody: StrictlyKeyed {
    static let acceptedFields: Set<String> = APIResources.PatientRegistrationBody.acceptedFields.union(["reason"])
    let registration: APIResources.PatientRegistrationBody
    let reason: String?

    init(from decoder: any Decoder) throws {
        registration = try APIResources.PatientRegistrationBody(from: decoder)
        let container = try decoder.container(keyedBy: ReasonKey.self)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
    }

    private enum ReasonKey: String, CodingKey { case reason }
}
