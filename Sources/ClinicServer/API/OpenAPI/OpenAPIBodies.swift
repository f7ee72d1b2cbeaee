import ClinicDomain
import Hummingbird
import OpenAPIKit

/// The routes whose bodies and query parameters the document describes precisely, by
/// `METHOD path`. Every other route gets a permissive schema saying it is not described, never
/// a guessed one. The OpenAPI test checks each key here is a registered route.
enum OpenAPIBodies {
    /// A described success response.
    struct Success: Sendable {
        /// Its status (200, 201…).
        let status: Int
        /// What it carries.
        let description: String
        /// Its JSON schema, nil for no body.
        let schema: JSONSchema?
    }

    /// What the document states about one route beyond its access and errors.
    struct Described: Sendable {
        var summary: String?
        var request: JSONSchema?
        var response: Success?
        var query: [OpenAPI.Parameter] = []
    }

    /// The key of a route in ``described``.
    static func key(_ method: HTTPRequest.Method, _ path: String) -> String { "\(method.rawValue) \(path)" }

    private static func ok(_ schema: String, _ description: String) -> Success {
        Success(status: 200, description: description, schema: OpenAPISchemas.ref(schema))
    }

    /// The described routes.
    static let described: [String: Described] = [
        key(.get, OpenAPIDocumentBuilder.documentPath): Described(
            summary: "This OpenAPI 3.1 document",
            response: Success(status: 200, description: "The OpenAPI document.",
                              schema: .object(properties: ["openapi": .string, "paths": .object]))),
        key(.get, "/api/v1/clinic"): Described(summary: "The clinic and its settings", response: ok("Clinic", "The clinic.")),
        key(.get, "/api/v1/me"): Described(summary: "The caller and the permissions this request carries",
                                           response: ok("Me", "The caller.")),
        key(.get, "/api/v1/users"): Described(
            summary: "The clinic's staff accounts",
            response: Success(status: 200, description: "Every account.", schema: .array(items: OpenAPISchemas.ref("User")))),
        key(.get, "/api/v1/patients"): Described(
            summary: "The patients, a page at a time, optionally matching a search",
            response: ok("PatientPage", "One page of patients."),
            query: [
                .query(name: "limit", schema: .integer(maximum: (500, exclusive: false), minimum: (1, exclusive: false)),
                       description: "Patients per page, 1 to 500 (default 50)."),
                .query(name: "after", schema: .string, description: "The `next` token of the previous page."),
                .query(name: "q", schema: .string, description: "Name or MRN to match."),
            ]),
        key(.post, "/api/v1/patients"): Described(
            summary: "Register a patient", request: OpenAPISchemas.ref("PatientRegistration"),
            response: Success(status: 201, description: "The registered patient; `Location` is its address.",
                              schema: OpenAPISchemas.ref("Patient"))),
        key(.get, "/api/v1/patients/:id"): Described(summary: "One patient's registration", response: ok("Patient", "The patient.")),
        key(.put, "/api/v1/patients/:id/identity"): Described(
            summary: "Correct a patient's identity (an amendment with a reason)",
            request: OpenAPISchemas.ref("IdentityCorrection"), response: ok("Patient", "The corrected patient.")),
        key(.get, "/api/v1/audit"): Described(
            summary: "The audit trail, newest first, a page at a time, optionally filtered",
            response: ok("AuditPage", "One page of the trail."),
            query: [
                .query(name: "limit", schema: .integer(maximum: (1_000, exclusive: false), minimum: (1, exclusive: false)),
                       description: "Entries per page, 1 to 1000 (default 100)."),
                .query(name: "before", schema: .integer(format: .int64), description: "The `next` value of the previous page."),
                .query(name: "user", schema: .string, description: "Only this user's entries (the user's id)."),
                .query(name: "patient", schema: .string, description: "Only entries about this patient (id or MRN)."),
                .query(name: "action", schema: .string(allowedValues: AuditAction.allCases.map { AnyCodable($0.rawValue) }),
                       description: "Only this action."),
                .query(name: "from", schema: OpenAPISchemas.date, description: "From this day (clinic time)."),
                .query(name: "to", schema: OpenAPISchemas.date, description: "Up to this day (clinic time)."),
            ]),
        key(.get, "/api/v1/audit/verify"): Described(
            summary: "Re-compute the audit trail's hash chain",
            response: ok("AuditVerification", "Whether the chain is intact, and where it breaks.")),
        key(.get, "/api/v1/sessions"): Described(
            summary: "The day's treatment sessions",
            response: Success(status: 200, description: "The sessions of the day, with their state and chair.",
                              schema: .array(items: OpenAPISchemas.ref("SessionDayRow"))),
            query: [.query(name: "date", schema: OpenAPISchemas.date, description: "The day (clinic time); today when left out.")]),
        key(.post, "/api/v1/score"): Described(
            summary: "Score a rating scale's answers without storing them", request: OpenAPISchemas.ref("ScaleAnswers")),
        key(.post, "/api/v1/patients/:id/scales"): Described(
            summary: "Record a rating scale for a patient (alerts are raised as the answers require)",
            request: OpenAPISchemas.ref("ScaleAnswers")),
    ]
}
