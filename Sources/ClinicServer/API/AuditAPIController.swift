import ClinicDomain
import Foundation
import Hummingbird

/// `GET /api/v1/audit` (filtered pages, newest first) and `GET /api/v1/audit/verify`.
struct AuditAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/audit", .permission(.auditRead), use: list)
        routes.staff(.get, "/api/v1/audit/verify", .permission(.auditRead), use: verify)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let query = request.uri.queryParameters
        var values: [String: String] = [:]
        for key in ["user", "patient", "action", "from", "to"] { if let v = query[Substring(key)] { values[key] = String(v) } }
        var errors = FieldErrors()
        let limit = Int(query["limit"].map(String.init) ?? "100") ?? 0
        if !(1...1_000).contains(limit) { errors.add("limit", "Use a whole number from 1 to 1000.") }
        let before = query["before"].map { Int64(String($0)) }
        if let before, before == nil { errors.add("before", "Use the `next` value of the previous page.") }
        try errors.throwIfAny()
        let filter = try await AuditQuery.filter(from: values, clinic: clinic, services: services)
        let rows = try await services.audit.page(filter, before: before ?? nil, limit: limit + 1)
        try await services.audit.record(AuditEvent(.view, entityType: "audit_trail", entityID: "api",
                                                   patientID: filter.patientID, summary: AuditQuery.queryString(values)),
                                        stamp: context.stamp(at: services.now()))
        let shown = Array(rows.prefix(limit))
        return try APIResponse.json(APIResources.AuditPageResource(
            items: shown.map(APIResources.AuditEntryResource.init),
            next: rows.count > limit ? shown.last?.sequence : nil))
    }

    @Sendable func verify(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(APIResources.AuditVerificationResource(try await services.audit.verify()))
    }
}
