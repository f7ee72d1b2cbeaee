import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The audit trail for administrators (browse, filter, CSV export) and a chart's
/// "who has seen or changed this record".
struct AuditController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    static let pageSize = 100

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/admin/audit", .permission(.auditRead), use: browse)
        routes.staff(.get, "/admin/audit.csv", .permission(.auditExport), use: export)
        routes.staff(.get, "/patients/:id/access-log", .permission(.patientAccessLogRead), use: accessLog)
    }

    @Sendable func browse(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let values = Self.values(of: request)
        var errors = FieldErrors()
        var rows: [AuditEntry] = []
        do {
            let filter = try await AuditQuery.filter(from: values, clinic: clinic, services: services)
            let before = values["before"].flatMap { Int64($0) }
            rows = try await services.audit.page(filter, before: before, limit: Self.pageSize + 1)
            try await services.audit.record(AuditEvent(.view, entityType: "audit_trail", entityID: "browse",
                                                       patientID: filter.patientID, summary: AuditQuery.queryString(values)),
                                            stamp: context.stamp(at: services.now()))
        } catch let invalid as FieldErrors {
            errors = invalid
        }
        let shown = Array(rows.prefix(Self.pageSize))
        let filterQuery = AuditQuery.queryString(values)
        let next = rows.count > Self.pageSize ? shown.last.map { (filterQuery.isEmpty ? "" : filterQuery + "&") + "before=\($0.sequence)" } : nil
        let users = try await services.users.all()
        let model = AuditPage.Model(
            values: values, errors: errors,
            users: users.map { ($0.id.uuidString, "\($0.displayName) (\($0.email.text))") },
            rows: try await Self.rows(shown, clinic: clinic, services: services), nextPageQuery: next, filterQuery: filterQuery,
            total: try await services.audit.count())
        let html = AuditPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .audit))
        return WebResponses.page(html, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let values = Self.values(of: request)
        let filter = try await AuditQuery.filter(from: values, clinic: clinic, services: services)
        try await services.audit.record(AuditEvent(.export, entityType: "audit_trail", entityID: "csv",
                                                   patientID: filter.patientID, summary: AuditQuery.queryString(values)),
                                        stamp: context.stamp(at: services.now()))
        let audit = services.audit
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: AuditCSV.header))
            try await audit.forEachChunk(filter) { chunk in
                try await writer.write(ByteBuffer(string: chunk.map(AuditCSV.line).joined()))
            }
            try await writer.finish(nil)
        }
        let stamp = CalendarDate(instant: services.now(), in: clinic.settings.resolvedTimeZone).iso
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"audit-trail-\(stamp).csv\"",
            .cacheControl: "no-store",
        ], body: body)
    }

    @Sendable func accessLog(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let patient = try await services.patients.find(id, in: clinic.id) else {
            throw Problem.notFound("No patient of this clinic has that address.")
        }
        let before = request.uri.queryParameters["before"].flatMap { Int64($0) }
        let rows = try await services.audit.page(AuditFilter(patientID: id), before: before, limit: Self.pageSize + 1)
        try await services.audit.record(AuditEvent(.view, entityType: "patient_access_log", entityID: id.uuidString,
                                                   patientID: id, summary: "who has seen or changed this record"),
                                        stamp: context.stamp(at: services.now()))
        let shown = Array(rows.prefix(Self.pageSize))
        let next = rows.count > Self.pageSize ? shown.last.map { "before=\($0.sequence)" } : nil
        let html = AuditPage.renderAccessLog(
            patientName: patient.listName, mrn: patient.mrn.text, chartPath: "/patients/\(id.uuidString.lowercased())",
            rows: try await Self.rows(shown, clinic: clinic, services: services), nextPageQuery: next,
            context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.page(html)
    }

    private static func values(of request: Request) -> [String: String] {
        var values: [String: String] = [:]
        for key in ["user", "patient", "action", "from", "to", "before"] {
            if let value = request.uri.queryParameters[Substring(key)] { values[key] = String(value) }
        }
        return values
    }

    /// Formats entries for the tables, naming patients by MRN.
    static func rows(_ entries: [AuditEntry], clinic: Clinic, services: ClinicServices) async throws -> [AuditPage.Row] {
        var mrns: [UUID: String] = [:]
        for id in Set(entries.compactMap(\.event.patientID)) {
            mrns[id] = try await services.patients.find(id, in: clinic.id)?.mrn.text ?? id.uuidString
        }
        let zone = clinic.settings.resolvedTimeZone
        return entries.map { entry in
            AuditPage.Row(
                sequence: entry.sequence, time: Instant.text(entry.stamp.at, in: zone), actor: entry.stamp.actorName,
                role: entry.stamp.role?.title ?? "", action: entry.event.action.title,
                entity: "\(entry.event.entityType) \(entry.event.entityID.prefix(8))",
                patient: entry.event.patientID.flatMap { mrns[$0] }, summary: entry.event.summary,
                address: entry.stamp.ipAddress)
        }
    }
}
