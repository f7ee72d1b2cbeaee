import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// `/api/v1/patients/:id/record` and the item routes: the intake record as JSON, add, amend
/// (with a reason), withdraw (with a reason) and history. Contact sections live under
/// `/contact/…` so that front-desk tokens can keep them.
struct RecordAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var intake: IntakeService { IntakeService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/patients/:id/record", .permission(.patientsClinical), answer: .encoding(APIResources.RecordResource.self), use: show)
        for (group, permission) in [("contact", Permission.patientsContact), ("record", .patientsIntake)] {
            let base = "/api/v1/patients/:id/\(group)/:section"
            let contact = group == "contact"
            routes.staff(.post, base, .permission(permission), request: Self.sectionValue(contact: contact),
                         answer: .encoding(APIResources.CreatedItem.self, status: 201)) {
                try await add($0, $1, contact: contact)
            }
            routes.staff(.put, "\(base)/:key", .permission(permission), request: Self.amendmentBody(contact: contact), answer: .noContent) {
                try await amend($0, $1, contact: contact)
            }
            routes.staff(.post, "\(base)/:key/retraction", .permission(permission), request: Self.retractionBody, answer: .noContent) {
                try await retract($0, $1, contact: contact)
            }
            routes.staff(.get, "\(base)/:key/history", .permission(.patientsClinical),
                         answer: .list(of: APIResources.ItemVersionResource.self)) { try await history($0, $1, contact: contact) }
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await intake.chart(context, clinic: clinic)
        try await services.recordView(of: chart, "patient", "API record", context: context)
        return try APIResponse.json(APIResources.RecordResource(chart))
    }

    func add(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let target = try await intake.target(context, contactGroup: contact, item: false)
        let (clinic, chart, section) = (target.clinic, target.chart, target.section)
        if intake.existingSingleKey(section, in: chart) != nil {
            throw Problem.conflict("The patient already has \(section.displayName); amend it with PUT and a reason.")
        }
        let body = try await StrictJSON.object(from: request)
        let key = try await add(section.valueType, body: body, chart: chart, clinic: clinic, context: context)
        let location = "/api/v1/patients/\(chart.summary.id.uuidString.lowercased())/\(contact ? "contact" : "record")/\(section.slug)/\(key.uuidString.lowercased())"
        return try APIResponse.json(APIResources.CreatedItem(key: key.uuidString.lowercased()), status: .created,
                                    location: location)
    }

    private func add<V: RecordValue>(_ type: V.Type, body: [String: Any], chart: PatientChart, clinic: Clinic,
                                     context: Context) async throws -> UUID {
        let value = try intake.decodeValue(V.self, json: body, chart: chart, clinic: clinic)
        return try await services.records.add(value, to: chart.summary.id, stamp: context.stamp(at: services.now()))
    }

    /// A section's value as the body that adds it: one of the sections' value types (the path's
    /// section says which), with the fields its form accepts.
    static func sectionValue(contact: Bool) -> TypeShape {
        .either(RecordSection.allCases.filter { $0.isContact == contact && $0 != .identity }.map { section in
            valueShape(section.valueType, accepted: IntakeFormSpec.of(section).fieldNames)
        })
    }

    private static func valueShape<V: RecordValue>(_ type: V.Type, accepted: Set<String>) -> TypeShape {
        guard case .object(let fields, _) = TypeShape.of(V.self, dates: .reference) else { return .any }
        let kept = fields.filter { accepted.contains($0.name) }
        let missing = accepted.subtracting(kept.map(\.name)).sorted().map { TypeShape.Field(name: $0, shape: .any, required: false) }
        return .object(kept + missing, closed: true)
    }

    /// An amendment: the section's new value (shaped as when it was added) and why.
    static func amendmentBody(contact: Bool) -> TypeShape {
        .object([.init(name: "value", shape: sectionValue(contact: contact), required: true),
                 .init(name: "reason", shape: .string(format: nil), required: true)], closed: true)
    }
    /// A retraction gives only its reason.
    static let retractionBody = TypeShape.object([.init(name: "reason", shape: .string(format: nil), required: true)], closed: true)

    func amend(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let target = try await intake.target(context, contactGroup: contact, item: true)
        let (clinic, chart, section, key) = (target.clinic, target.chart, target.section, target.key!)
        let body = try await StrictJSON.object(from: request)
        var errors = FieldErrors()
        for field in body.keys.sorted() where !["value", "reason"].contains(field) {
            errors.add(field, "Unknown field. Accepted fields: reason, value.")
        }
        try errors.throwIfAny()
        try await amend(section.valueType, body: body, key: key, chart: chart, clinic: clinic, context: context)
        return Response(status: .noContent)
    }

    private func amend<V: RecordValue>(_ type: V.Type, body: [String: Any], key: UUID, chart: PatientChart, clinic: Clinic,
                                       context: Context) async throws {
        var errors = FieldErrors()
        var value: V?
        do { value = try intake.decodeValue(V.self, json: body["value"], chart: chart, clinic: clinic, prefix: "value.") }
        catch let error as FieldErrors { errors = error }
        var reason = ""
        do { reason = try AmendmentReason.validated(body["reason"] as? String) } catch { errors = errors.merging(error) }
        try errors.throwIfAny()
        try await services.records.amend(key, of: chart.summary.id, with: value!, reason: reason,
                                         stamp: context.stamp(at: services.now()))
    }

    func retract(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let target = try await intake.target(context, contactGroup: contact, item: true)
        let (chart, key) = (target.chart, target.key!)
        let body = try await StrictJSON.object(from: request)
        var errors = FieldErrors()
        for field in body.keys.sorted() where field != "reason" { errors.add(field, "Unknown field. Accepted fields: reason.") }
        try errors.throwIfAny()
        let reason = try AmendmentReason.validated(body["reason"] as? String)
        try await services.records.retract(key, of: chart.summary.id, reason: reason, stamp: context.stamp(at: services.now()))
        return Response(status: .noContent)
    }

    func history(_ request: Request, _ context: Context, contact: Bool) async throws -> Response {
        let (_, _, _, versions) = try await intake.history(context, contactGroup: contact, via: "API ")
        return try APIResponse.json(versions.map(APIResources.ItemVersionResource.init))
    }
}
