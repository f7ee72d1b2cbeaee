import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// `/fhir/r4/…`: the CapabilityStatement, read and search of every supported type, with the same
/// Bearer tokens and permissions as `/api/v1`. Every read of patient data writes audit entries
/// before the answer is sent: one per resource read, and one per patient on each search page.
struct FHIRController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    /// The path every FHIR route is under.
    static let base = "/fhir/r4"

    func addRoutes(to routes: SecureRoutes) {
        routes.open(.get, "\(Self.base)/metadata") { _, _ in
            FHIRResponses.resource(FHIRCapability.statement(base: services.settings.linkBase + Self.base, now: services.now()))
        }
        for kind in FHIRResourceKinds.all {
            let access: Access = kind.permission.map(Access.permission) ?? .signedIn
            routes.staff(.get, "\(Self.base)/\(kind.type)", access) { request, context in
                try await search(kind, request: request, context: context)
            }
            routes.staff(.get, "\(Self.base)/\(kind.type)/:id", access) { request, context in
                try await read(kind, context: context)
            }
        }
        FHIRBulkExportController(services: services).addRoutes(to: routes)
        routes.staff(.get, "\(Self.base)/:type", .signedIn) { _, context in throw unknownType(context) }
        routes.staff(.get, "\(Self.base)/:type/:id", .signedIn) { _, context in throw unknownType(context) }
    }

    private func unknownType(_ context: Context) -> FHIRError {
        let type = context.parameters.get("type") ?? ""
        return FHIRError(status: 404, code: "not-supported",
                         "This server has no resource type '\(type)'; see /fhir/r4/metadata for the supported types.")
    }

    func store() async throws -> FHIRStore {
        let clinic = try await services.currentClinic()
        return FHIRStore(database: services.database, context: try await .of(clinic, database: services.database))
    }

    @Sendable func read(_ kind: FHIRResourceKind, context: Context) async throws -> Response {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.count <= 64 else {
            throw FHIRError.invalid("The id is missing or too long.")
        }
        let store = try await store()
        guard let resource = try await store.read(kind, id: id) else {
            throw FHIRError.notFound("\(kind.type)/\(id) is not known here.")
        }
        if kind.isPatientData, kind.type != "AuditEvent" {
            let patient = Self.patientID(of: resource).flatMap(UUID.init(uuidString:))
            try await services.audit.record(AuditEvent(.view, entityType: "fhir_\(kind.type)", entityID: id, patientID: patient,
                                                       summary: "FHIR read"), stamp: context.stamp(at: services.now()))
        }
        return FHIRResponses.resource(resource.json)
    }

    @Sendable func search(_ kind: FHIRResourceKind, request: Request, context: Context) async throws -> Response {
        let store = try await store()
        let items = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let search = try FHIRSearch.parse(items, kind: kind, timeZone: store.context.timeZone)
        let page = try await store.search(kind, search)
        // One audit entry per patient whose data is on the page or who was searched for (their chart's
        // access log shows it), or one for the page when it names no patient.
        var patients: [UUID] = []
        var seen: Set<UUID> = []
        if kind.isPatientData, kind.type != "AuditEvent" {
            // A search narrowed to patients looks into their charts even when it finds nothing.
            for id in search.filter.patientIDs ?? [] where seen.insert(id).inserted { patients.append(id) }
            for resource in page.resources {
                if let id = Self.patientID(of: resource).flatMap(UUID.init(uuidString:)), seen.insert(id).inserted { patients.append(id) }
            }
        }
        let summary = "FHIR search, \(page.resources.count) resources"
        let events = patients.isEmpty
            ? [AuditEvent(.view, entityType: "fhir_\(kind.type)", entityID: "search", summary: summary)]
            : patients.map { AuditEvent(.view, entityType: "fhir_\(kind.type)", entityID: "search", patientID: $0, summary: summary) }
        try await services.audit.record(events, stamp: context.stamp(at: services.now()))
        let bundle = FHIRResponses.searchset(page.resources, base: services.settings.linkBase + Self.base, type: kind.type,
                                             parameters: search.linkParameters, current: search.cursor, next: page.next,
                                             count: search.count)
        return FHIRResponses.resource(bundle)
    }

    /// The patient a resource is about: itself for a Patient, else its subject or patient reference.
    static func patientID(of resource: FHIRResource) -> String? {
        if resource.type == "Patient" { return resource.id }
        for member in ["subject", "patient"] {
            if let reference = resource.json[member]?["reference"]?.stringValue, reference.hasPrefix("Patient/") {
                return String(reference.dropFirst("Patient/".count))
            }
        }
        return nil
    }
}

/// Presents every error on a `/fhir/` path as an OperationOutcome (never problem+json or HTML).
enum FHIRErrorPresentation {
    static func response(for error: any Error, request: Request, context: some RequestContext,
                         problem: (any Error) -> Problem) -> Response {
        switch error {
        case let refusal as FHIRError:
            return FHIRResponses.outcome(status: refusal.status, code: refusal.code, diagnostics: refusal.diagnostics)
        case is AuthenticationRequired:
            return FHIRResponses.outcome(status: 401, code: "login", diagnostics: "Send Authorization: Bearer <API token>.")
        case let required as AccountSetupRequired:
            return FHIRResponses.outcome(status: 403, code: "forbidden",
                                         diagnostics: "The account must finish setting up first (\(required.setup.path)).")
        default:
            let problem = problem(error)
            var response = FHIRResponses.outcome(status: problem.statusCode, code: FHIRResponses.issueCode(forStatus: problem.statusCode),
                                                 diagnostics: [problem.title, problem.detail].compactMap { $0 }.joined(separator: ": "))
            if let seconds = problem.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
    }
}
