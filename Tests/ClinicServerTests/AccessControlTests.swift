import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Access control: every route × every role")
struct AccessControlTests {
    /// The only routes reachable without signing in: login, health, static assets, and the
    /// patient's self-report pages (a one-time link with a date-of-birth check).
    static let openRoutes: Set<String> = ["GET /healthz", "GET /readyz", "GET /assets/:name", "GET /login", "POST /login",
                                          "GET /login/two-factor", "POST /login/two-factor",
                                          "GET /r", "POST /r", "GET /r/:code", "POST /r/:code",
                                          // A calendar feed: its secret address is the credential (revoked or unknown: 404).
                                          "GET /calendar/:secret",
                                          // The FHIR CapabilityStatement: clients read it before they authenticate.
                                          "GET /fhir/r4/metadata"]

    static func concretePath(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part == ":name" ? "app.css" : part.hasPrefix(":") ? UUID().uuidString.lowercased() : String(part)
        }.joined(separator: "/")
    }

    static func isMachineFacing(_ path: String) -> Bool { path.hasPrefix("/api/") || path == "/metrics" || path.hasPrefix("/fhir/") }

    @Test("Each role gets exactly what the matrix grants; anonymous requests only reach the open routes",
          arguments: TestDatabases.engines)
    func routeByRole(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            var made: [Role: TestUser] = [:]
            for role in Role.allCases { made[role] = try await TestUsers.make(services, role: role) }
            let users = made
            let catalog = RouteCatalog()
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger, catalog: catalog)
            try await app.test(.router) { client in
                let entries = catalog.entries
                #expect(entries.count > 30)
                #expect(Set(entries.filter { $0.access == .open }.map { "\($0.method) \($0.path)" }) == Self.openRoutes)
                for entry in entries {
                    let path = Self.concretePath(entry.path)
                    let machine = Self.isMachineFacing(path)
                    let label = "\(entry.method) \(entry.path)"
                    // Anonymous.
                    let anonymous = try await client.execute(
                        uri: path, method: entry.method,
                        headers: entry.method == .post ? [.cookie: "kc_form=t", .contentType: "application/x-www-form-urlencoded"] : [:],
                        body: entry.method == .post ? ByteBuffer(string: "_csrf=t") : nil) { $0 }
                    if entry.access == .open {
                        #expect(anonymous.status != .forbidden && anonymous.status != .unauthorized || entry.path.hasPrefix("/login"), "\(label) anonymous")
                    } else if machine {
                        #expect(anonymous.status == .unauthorized, "\(label) anonymous")
                    } else {
                        #expect(anonymous.status == .seeOther && anonymous.headers[.location]?.hasPrefix("/login") == true, "\(label) anonymous")
                    }
                    // Each role, on a fresh session (sign-out must not spoil the next request).
                    for role in Role.allCases {
                        let user = users[role]!
                        var headers: HTTPFields
                        var body: ByteBuffer?
                        if machine {
                            headers = entry.method == .post ? user.json : user.api
                            body = entry.method == .post ? ByteBuffer(string: "{}") : nil
                        } else {
                            let session = try await services.sessions.start(userID: user.account.id, stage: .active, lifetime: 3600,
                                                                            ipAddress: "127.0.0.1", userAgent: "t", stamp: Fixtures.stamp)
                            headers = [.cookie: "kc_session=\(session.token)", .contentType: "application/x-www-form-urlencoded"]
                            body = entry.method == .post ? ByteBuffer(string: "_csrf=\(session.session.csrfToken)") : nil
                        }
                        let status = try await client.execute(uri: path, method: entry.method, headers: headers, body: body) { $0.status }
                        let allowed: Bool = switch entry.access {
                        case .open, .signedIn: true
                        case .permission(let permission): AccessMatrix.allows(role, permission)
                        }
                        if allowed {
                            #expect(status != .forbidden && status != .unauthorized || entry.path == "/login" || entry.path == "/login/two-factor",
                                    "\(label) as \(role) answered \(status.code)")
                        } else {
                            #expect(status == .forbidden, "\(label) as \(role) answered \(status.code)")
                        }
                    }
                }
            }
        }
    }

    @Test("docs/permissions.md lists every route with the access it requires")
    func documentedRoutes() async throws {
        try await TestApp.withServices { services in
            let catalog = RouteCatalog()
            _ = buildRouter(services: services, catalog: catalog)
            let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/permissions.md")
            let text = try String(contentsOf: docs, encoding: .utf8)
            for entry in catalog.entries {
                let access: String = switch entry.access {
                case .open: "open"
                case .signedIn: "any signed-in user"
                case .permission(let permission): "`\(permission.rawValue)`"
                }
                let line = "| \(entry.method) | `\(entry.path)` | \(access) |"
                #expect(text.contains(line), "docs/permissions.md lacks: \(line)")
            }
        }
    }

    @Test("A token acts only within its scope, even when the role allows more")
    func tokenScope() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let readOnly = try await services.tokens.create(userID: nurse.account.id, name: "gateway", scopes: [.patientsRead],
                                                            stamp: Fixtures.stamp)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let headers: HTTPFields = [.authorization: "Bearer \(readOnly.value)", .contentType: "application/json"]
                try await client.execute(uri: "/api/v1/patients", method: .get, headers: headers) { #expect($0.status == .ok) }
                let body = #"{"givenName":"A","familyName":"B","dateOfBirth":"1980-05-17","sexAtBirth":"female"}"#
                try await client.execute(uri: "/api/v1/patients", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    #expect($0.status == .forbidden)
                    #expect(String(buffer: $0.body).contains("urn:ketaclinic:problem:forbidden"))
                }
                try await client.execute(uri: "/api/v1/me", method: .get, headers: headers) {
                    #expect(String(buffer: $0.body).contains(#""permissions":["patients.read"]"#))
                }
            }
        }
    }

    @Test("A revoked token, a deactivated owner's token and a made-up token are refused with 401")
    func revokedToken() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let frontDesk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/me", method: .get, headers: nurse.api) { #expect($0.status == .ok) }
                let token = try #require(try await services.tokens.find(value: nurse.apiToken))
                #expect(try await services.tokens.revoke(token.id, stamp: Fixtures.stamp))
                try await client.execute(uri: "/api/v1/me", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body).contains("urn:ketaclinic:problem:invalid-token"))
                }
                _ = try await services.users.update(frontDesk.account.id, displayName: nil, role: nil, isActive: false, stamp: Fixtures.stamp)
                try await client.execute(uri: "/api/v1/me", method: .get, headers: frontDesk.api) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer kc_made_up"]) {
                    #expect($0.status == .unauthorized)
                }
                // A session cookie does not open the API, so no cross-site form can use it.
                try await client.execute(uri: "/api/v1/me", method: .get, headers: nurse.page) { #expect($0.status == .unauthorized) }
            }
        }
    }

    @Test("A state-changing form without the right CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let body = "givenName=Ada&familyName=Testwood&dateOfBirth=1980-05-17&sexAtBirth=female"
            try await app.test(.router) { client in
                for forged in [body, body + "&_csrf=wrong", body + "&_csrf="] {
                    try await client.execute(uri: "/patients", method: .post, headers: nurse.form, body: ByteBuffer(string: forged)) { response in
                        #expect(response.status == .forbidden)
                        #expect(String(buffer: response.body).contains("The form could not be accepted"))
                    }
                }
                let stored = try await services.patients.count(in: services.clinics.primaryClinic()!.id)
                #expect(stored == 0)
                try await client.execute(uri: "/patients", method: .post, headers: nurse.form, body: nurse.formBody(body)) {
                    #expect($0.status == .seeOther)
                }
            }
        }
    }

    @Test("Every response carries the browser-protection headers")
    func securityHeaders() async throws {
        try await TestApp.withServices { services in
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                for uri in ["/login", "/nowhere", "/healthz"] {
                    try await client.execute(uri: uri, method: .get) { response in
                        let csp = response.headers[.contentSecurityPolicy] ?? ""
                        #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(uri)")
                        #expect(response.headers[.xContentTypeOptions] == "nosniff")
                        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                    }
                }
            }
        }
    }
}
