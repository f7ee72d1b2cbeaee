import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The served OpenAPI document against the routes the server registers: none missing, none
/// extra, each with its permission and its problem responses; the precisely described schemas
/// against what the server sends and accepts.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    typealias JSON = [String: Any]

    /// The served document, read with `user`'s token.
    static func document(_ client: some TestClientProtocol, as user: TestUser) async throws -> JSON {
        let data = try await client.execute(uri: "/api/v1/openapi.json", method: .get, headers: user.api) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            return Data(buffer: response.body)
        }
        return try #require(try JSONSerialization.jsonObject(with: data) as? JSON)
    }

    /// The served document and the registered routes, the document read by a user of `role`.
    static func withDocument(_ engine: SQLEngine = .sqlite, role: Role,
                             _ body: @escaping @Sendable (JSON, [RouteEntry]) async throws -> Void) async throws {
        try await TestApp.withServices(engine) { services in
            let user = try await TestUsers.make(services, role: role)
            let catalog = RouteCatalog()
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger, catalog: catalog)
            try await app.test(.router) { client in try await body(try await Self.document(client, as: user), catalog.entries) }
        }
    }

    /// A JSON object from an answer's body.
    static func object(_ data: Data) -> JSON {
        (try? JSONSerialization.jsonObject(with: data)) as? JSON ?? [:]
    }

    /// `METHOD {template}` of every operation in the document.
    static func operations(_ document: JSON) -> [String: JSON] {
        var found: [String: JSON] = [:]
        for (path, item) in document["paths"] as? JSON ?? [:] {
            for (method, operation) in item as? JSON ?? [:] {
                if let operation = operation as? JSON { found["\(method.uppercased()) \(path)"] = operation }
            }
        }
        return found
    }

    static func template(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    @Test("Every /api/v1 route is in the document and nothing else is", arguments: TestDatabases.engines)
    func sameRoutes(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let user = try await TestUsers.make(services, role: .frontDesk)
            let catalog = RouteCatalog()
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger, catalog: catalog)
            try await app.test(.router) { client in
                let document = try await Self.document(client, as: user)
                let entries = catalog.entries
                #expect((document["openapi"] as? String)?.hasPrefix("3.1.") == true)
                let registered = entries.filter { $0.path.hasPrefix("/api/v1/") }
                #expect(registered.count > 100)
                let expected = Set(registered.map { "\($0.method.rawValue) \(Self.template($0.path))" })
                let documented = Set(Self.operations(document).keys)
                #expect(expected.subtracting(documented).isEmpty, "missing: \(expected.subtracting(documented).sorted())")
                #expect(documented.subtracting(expected).isEmpty, "extra: \(documented.subtracting(expected).sorted())")
                #expect(expected.contains("GET /api/v1/openapi.json"))
                let ids = Self.operations(document).values.compactMap { $0["operationId"] as? String }
                #expect(Set(ids).count == registered.count, "operation ids are unique")
            }
        }
    }

    /// Where a shape holds a value the derivation could not learn: a type whose decoding stopped
    /// at a placeholder (an object with no fields, or any value).
    static func unlearnt(_ shape: TypeShape, at path: String) -> [String] {
        switch shape {
        case .any: [path]
        case .object(let fields, _): fields.isEmpty ? [path + " (no fields)"] : fields.flatMap { unlearnt($0.shape, at: path + "." + $0.name) }
        case .array(let element): unlearnt(element, at: path + "[]")
        case .dictionary(let value): unlearnt(value, at: path + "{}")
        case .either(let shapes): shapes.flatMap { unlearnt($0, at: path) }
        default: []
        }
    }

    @Test("Bodies and answers are described from the types the handlers decode and encode")
    func derivedCoverage() async throws {
        try await Self.withDocument(role: .frontDesk) { document, entries in
            let schemas = (document["components"] as? JSON)?["schemas"] as? JSON ?? [:]
            let operations = Self.operations(document)
            var undescribedBodies: [String] = []
            var undescribedAnswers: [String] = []
            var incomplete: [String] = []
            for entry in OpenAPIDocumentBuilder.apiRoutes(entries) {
                let key = "\(entry.method.rawValue) \(Self.template(entry.path))"
                let operation = operations[key] ?? [:]
                if entry.method == .post || entry.method == .put {
                    let body = ((operation["requestBody"] as? JSON)?["content"] as? JSON)?["application/json"] as? JSON
                    let schema = body?["schema"] as? JSON ?? [:]
                    if schema["properties"] == nil && schema["$ref"] == nil && schema["anyOf"] == nil && entry.request != .noBody {
                        undescribedBodies.append(key)
                    }
                    // A body derived from a strictly keyed type names exactly the fields its decoder accepts.
                    if let request = entry.request, request != .noBody, case .object(_, closed: true) = request {
                        #expect(Set((schema["properties"] as? JSON ?? [:]).keys) == request.fieldNames, "\(key)")
                        #expect(schema["additionalProperties"] as? Bool == false, "\(key) refuses other fields")
                    }
                }
                let responses = operation["responses"] as? JSON ?? [:]
                let success = responses.first { $0.key.hasPrefix("2") && $0.key != "2XX" }?.value as? JSON
                let content = (success?["content"] as? JSON)?["application/json"] as? JSON
                if content == nil && success?["description"] as? String != "Done; the answer has no body." { undescribedAnswers.append(key) }
                if let answer = entry.answer, answer.status != 204 {
                    #expect(schemas[answer.name] != nil, "\(key): the schema \(answer.name) is in components")
                    incomplete += Self.unlearnt(answer.shape, at: key)
                }
            }
            // What is left undescribed is what is not JSON: an X12 remittance file in, CSV, iCalendar,
            // an event stream and an X12 claim file out (each with its media type in the document).
            #expect(undescribedBodies == ["POST /api/v1/billing/remittances"])
            #expect(Set(undescribedAnswers) == ["GET /api/v1/board/events", "GET /api/v1/outcomes/export.csv",
                                                "GET /api/v1/outcomes/network/export.csv", "GET /api/v1/schedule/patients/{id}/appointments.ics",
                                                "POST /api/v1/billing/claims"])
            #expect(incomplete.isEmpty, "parts of answers the derivation did not learn: \(incomplete)")
        }
    }

    @Test("Every operation names its permission, its path parameters and the problem responses that apply")
    func permissionsAndProblems() async throws {
        try await Self.withDocument(role: .nurse) { document, entries in
            let operations = Self.operations(document)
            let components = (document["components"] as? JSON)?["responses"] as? JSON ?? [:]
            for entry in entries where entry.path.hasPrefix("/api/v1/") {
                let label = "\(entry.method.rawValue) \(entry.path)"
                guard let operation = operations["\(entry.method.rawValue) \(Self.template(entry.path))"] else {
                    Issue.record("\(label) is missing"); continue
                }
                let permission: String = switch entry.access {
                case .open: "open"
                case .signedIn: "signed-in"
                case .permission(let permission): permission.rawValue
                }
                #expect(operation["x-permission"] as? String == permission, "\(label) x-permission")
                if case .permission(let needed) = entry.access {
                    #expect((operation["description"] as? String)?.contains("`\(needed.rawValue)`") == true, "\(label) description")
                }
                let pathNames = entry.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
                let parameters = (operation["parameters"] as? [JSON] ?? []).filter { $0["in"] as? String == "path" }
                #expect(parameters.compactMap { $0["name"] as? String } == pathNames, "\(label) path parameters")
                #expect(parameters.allSatisfy { $0["required"] as? Bool == true }, "\(label) path parameters are required")
                if let section = parameters.first(where: { $0["name"] as? String == "section" }) {
                    let names = Set((section["schema"] as? JSON)?["enum"] as? [String] ?? [])
                    let contact = entry.path.contains("/contact/")
                    let expected = Set(RecordSection.allCases.filter { $0.isContact == contact && $0 != .identity }.map(\.slug))
                    #expect(names == expected, "\(label) section names")
                    #expect(!names.isEmpty)
                }
                let responses = operation["responses"] as? JSON ?? [:]
                var expected = ["401", "403", "default"]
                if !pathNames.isEmpty { expected.append("404") }
                if entry.method == .post || entry.method == .put { expected += ["400", "409", "413", "415", "422"] }
                for status in expected {
                    guard let response = responses[status] as? JSON else { Issue.record("\(label) lacks \(status)"); continue }
                    let name = (response["$ref"] as? String)?.replacingOccurrences(of: "#/components/responses/", with: "")
                    let problem = name.flatMap { components[$0] as? JSON }
                    let content = problem?["content"] as? JSON
                    let schema = (content?["application/problem+json"] as? JSON)?["schema"] as? JSON
                    #expect(schema?["$ref"] as? String == "#/components/schemas/Problem", "\(label) \(status) is problem+json")
                }
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(label) has a success response")
            }
        }
    }

    @Test("The described schemas match the bodies the server accepts and the resources it sends")
    func schemasMatchTheTypes() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .prescriber)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let document = try await Self.document(client, as: user)
                let schemas = (document["components"] as? JSON)?["schemas"] as? JSON ?? [:]
                func properties(_ name: String) -> (all: Set<String>, required: Set<String>) {
                    let schema = schemas[name] as? JSON ?? [:]
                    return (Set((schema["properties"] as? JSON ?? [:]).keys), Set(schema["required"] as? [String] ?? []))
                }
                // Request bodies: exactly the fields the strict decoder accepts.
                let registration = APIResources.PatientRegistrationBody.acceptedFields
                #expect(properties("PatientRegistration").all == registration)
                #expect(properties("PatientRegistration").required == ["givenName", "familyName", "dateOfBirth", "sexAtBirth"])
                #expect(properties("IdentityCorrection").all == registration.union(["reason"]))
                #expect(OpenAPIDocumentBuilder.describedRequestFields.count >= 3)
                for (name, accepted) in OpenAPIDocumentBuilder.describedRequestFields {
                    #expect(properties(name).all == accepted, "\(name) names exactly the fields its decoder accepts")
                    #expect((schemas[name] as? JSON)?["additionalProperties"] as? Bool == false, "\(name) refuses other fields")
                }
                // Responses: every key the server writes is described, every required key is written.
                func conforms(_ name: String, _ body: JSON, _ label: String) {
                    let (all, required) = properties(name)
                    #expect(Set(body.keys).isSubset(of: all), "\(label): undescribed \(Set(body.keys).subtracting(all).sorted())")
                    #expect(required.isSubset(of: Set(body.keys)), "\(label): missing \(required.subtracting(Set(body.keys)).sorted())")
                }
                func get(_ uri: String, method: HTTPRequest.Method = .get, body: String? = nil) async throws -> (HTTPResponse.Status, JSON) {
                    let (status, data) = try await client.execute(uri: uri, method: method, headers: body == nil ? user.api : user.json,
                                                                  body: body.map { ByteBuffer(string: $0) }) { response in
                        (response.status, Data(buffer: response.body))
                    }
                    return (status, Self.object(data))
                }
                let (created, patient) = try await get("/api/v1/patients", method: .post,
                    body: #"{"givenName":"Ada","familyName":"Schemawood","dateOfBirth":"1980-05-17","sexAtBirth":"female","genderIdentity":"woman"}"#)
                #expect(created == .created)
                conforms("Patient", patient, "POST /api/v1/patients")
                let (_, page) = try await get("/api/v1/patients?limit=1")
                conforms("PatientPage", page, "GET /api/v1/patients")
                conforms("Patient", (page["items"] as? [JSON])?.first ?? [:], "a page's item")
                conforms("Clinic", try await get("/api/v1/clinic").1, "GET /api/v1/clinic")
                let (_, me) = try await get("/api/v1/me")
                conforms("Me", me, "GET /api/v1/me")
                conforms("User", me["user"] as? JSON ?? [:], "GET /api/v1/me user")
                let (missing, problem) = try await get("/api/v1/patients/\(UUID().uuidString)")
                #expect(missing == .notFound)
                conforms("Problem", problem, "a 404")
                let (invalid, fields) = try await get("/api/v1/patients", method: .post, body: #"{"givenName":"A","nickname":"B"}"#)
                #expect(invalid == .unprocessableContent)
                conforms("Problem", fields, "a 422")
                #expect((fields["errors"] as? [JSON])?.isEmpty == false)
                for item in fields["errors"] as? [JSON] ?? [] { #expect(Set(item.keys) == ["field", "message"]) }
                let (listed, days) = try await client.execute(uri: "/api/v1/sessions", method: .get, headers: user.api) {
                    ($0.status, (try? JSONSerialization.jsonObject(with: Data(buffer: $0.body))) as? [JSON] ?? [])
                }
                #expect(listed == .ok)
                for row in days { conforms("SessionDayRow", row, "GET /api/v1/sessions") }
                // The audit trail, read as an administrator (audit.read).
                let admin = try await TestUsers.make(services, role: .administrator)
                let (pageData, verifyData) = try await (
                    client.execute(uri: "/api/v1/audit?limit=5", method: .get, headers: admin.api) { Data(buffer: $0.body) },
                    client.execute(uri: "/api/v1/audit/verify", method: .get, headers: admin.api) { Data(buffer: $0.body) })
                let audit = Self.object(pageData)
                conforms("AuditPage", audit, "GET /api/v1/audit")
                let entries = audit["items"] as? [JSON] ?? []
                #expect(!entries.isEmpty)
                for entry in entries { conforms("AuditEntry", entry, "an audit entry") }
                conforms("AuditVerification", Self.object(verifyData), "GET /api/v1/audit/verify")
            }
        }
    }

    @Test("Without a token the document answers 401 problem+json; any role's token reads it")
    func access() async throws {
        try await TestApp.withServices { services in
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            var made: [TestUser] = []
            for role in Role.allCases { made.append(try await TestUsers.make(services, role: role)) }
            let users = made
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                for user in users {
                    try await client.execute(uri: "/api/v1/openapi.json", method: .get, headers: user.api) { response in
                        #expect(response.status == .ok, "\(user.account.role)")
                    }
                }
            }
        }
    }
}
