import ClinicDomain
@testable import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Issue 22's findings, each reproduced and shown closed.
@Suite("Security hardening: redirects, client addresses, secrets in logs and links, concurrent guesses")
struct SecurityHardeningTests {
    @Test("Only same-site paths are redirect targets", arguments: [
        ("/patients", "/patients"),
        ("/patients?q=a#b", "/patients?q=a#b"),
        ("/\t/evil.example", nil),                 // browsers drop the tab: //evil.example
        ("/\n/evil.example", nil),
        ("//evil.example", nil),
        ("/\\evil.example", nil),
        ("/x\\y", nil),
        ("https://evil.example", nil),
        ("evil.example", nil),
        ("/\u{2028}/evil.example", nil),
        ("/\u{200B}/evil.example", nil),
        ("", nil),
    ] as [(String, String?)])
    func localRedirect(candidate: String, expected: String?) {
        #expect(LocalRedirect.path(candidate) == expected)
    }

    @Test("The client is the right-most hop not added by a trusted proxy", arguments: [
        // (peer, X-Forwarded-For, trusted proxies, expected client)
        ("203.0.113.9", "1.2.3.4", [] as [String], "203.0.113.9"),                 // no trusted proxy: the header is ignored
        ("10.0.0.2", "1.2.3.4", ["10.0.0.2"], "1.2.3.4"),
        ("10.0.0.2", "6.6.6.6, 1.2.3.4", ["10.0.0.2"], "1.2.3.4"),                 // a made-up first hop is not believed
        ("10.0.0.2", "1.2.3.4, 10.0.0.3", ["10.0.0.2", "10.0.0.3"], "1.2.3.4"),
        ("10.0.0.2", "not-an-address", ["10.0.0.2"], "10.0.0.2"),
        ("198.51.100.7", "1.2.3.4", ["10.0.0.2"], "198.51.100.7"),                 // the peer is not a proxy
        ("10.0.0.2", "2001:db8::1", ["10.0.0.2"], "2001:db8::1"),
    ])
    func clientAddress(peer: String, forwarded: String, trusted: [String], expected: String) {
        #expect(ClientAddress.resolve(peer: peer, forwardedFor: forwarded, trustedProxies: trusted) == expected)
    }

    @Test("Self-report codes and feed tokens never reach the request log", arguments: [
        ("/r/CQ58Z-K2WCV", "/r/***"),
        ("/r/CQ58ZK2WCV/extra", "/r/***/extra"),
        ("/calendar/feeds/abc123.ics", "/calendar/feeds/***"),
        ("/patients/1", "/patients/1"),
        ("/r", "/r"),
    ])
    func logRedaction(path: String, expected: String) {
        #expect(LogRedaction.path(path) == expected)
    }

    @Test("Links to patients come from the configured address, never from the Host header")
    func linkBase() throws {
        var settings = ServerSettings()
        settings.host = "127.0.0.1"
        settings.port = 8080
        #expect(settings.linkBase == "http://127.0.0.1:8080")
        settings = try ServerSettings.resolve(flags: ["publicBaseUrl": "https://clinic.example/"], environment: [:], configFile: [:])
        #expect(settings.linkBase == "https://clinic.example")
        #expect(throws: SettingsError.self) {
            try ServerSettings.resolve(flags: ["publicBaseUrl": "javascript:alert(1)"], environment: [:], configFile: [:])
        }
        #expect(throws: SettingsError.self) {
            try ServerSettings.resolve(flags: ["trustedProxies": "10.0.0.1, evil"], environment: [:], configFile: [:])
        }
    }

    @Test("Signed in, /login?next=/<TAB>/evil.example leads home, not off the site")
    func loginNextRedirect() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let signedIn = try await SignInTests.signIn(client, email: "nia@clinic.org", password: nurse.password)
                let cookie = try #require(SignInTests.sessionCookie(signedIn))
                for next in ["/%09/evil.example", "/%5Cevil.example", "//evil.example", "/%0A/evil.example"] {
                    let response = try await client.execute(uri: "/login?next=\(next)", method: .get, headers: [.cookie: cookie]) { $0 }
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/", "next=\(next)")
                }
            }
        }
    }

    @Test("25 wrong passwords sent at once: only the first 5 are checked, the rest wait", arguments: TestDatabases.engines)
    func concurrentGuesses(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            _ = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<25 {
                        group.addTask {
                            try await SignInTests.signIn(client, email: "nia@clinic.org", password: "wrong guess \(index)").status
                        }
                    }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .unauthorized }.count == 5)
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 20)
                let checked = try await services.audit.page(AuditFilter(action: .failedLogin), limit: 100)
                    .filter { $0.event.summary.hasSuffix("wrong password") }
                #expect(checked.count == 5)
            }
        }
    }

    @Test("Two-factor: replacing it needs proof; recovery codes sign in once each", arguments: TestDatabases.engines)
    func twoFactorChangesNeedProof(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            @Sendable func secret(_ page: String) throws -> String {
                try #require(page.range(of: #"name="secret" value=""#).map { String(page[$0.upperBound...].prefix(32)) })
            }
            try await app.test(.router) { client in
                let setup = try await client.execute(uri: "/account/two-factor", method: .get, headers: nurse.page) { String(buffer: $0.body) }
                let first = try secret(setup)
                let enabled = try await client.execute(uri: "/account/two-factor", method: .post, headers: nurse.form,
                                                       body: nurse.formBody("secret=\(first)&code=\(TwoFactor.code(secret: first, at: services.now()))")) {
                    String(buffer: $0.body)
                }
                let codes = enabled.matches(of: try Regex(#"<code>([A-Z2-9]{5}-[A-Z2-9]{5})</code>"#)).map { String(enabled[$0.range].dropFirst(6).dropLast(7)) }
                #expect(codes.count == 10)
                #expect(try await services.recoveryCodeCount(nurse.account.id) == 10)

                // A session left open cannot move the second factor to another phone without proof.
                let second = try secret(enabled)
                let secondCode = TwoFactor.code(secret: second, at: services.now())
                let unproven = try await client.execute(uri: "/account/two-factor", method: .post, headers: nurse.form,
                                                        body: nurse.formBody("secret=\(second)&code=\(secondCode)")) { $0 }
                #expect(unproven.status == .unprocessableContent)
                #expect(try await services.users.find(nurse.account.id)?.totpSecret == first)
                let wrongPassword = try await client.execute(
                    uri: "/account/two-factor", method: .post, headers: nurse.form,
                    body: nurse.formBody("secret=\(second)&code=\(secondCode)&password=wrong&recoveryCode=\(codes[0])")) { $0 }
                #expect(wrongPassword.status == .unprocessableContent)
                let proven = try await client.execute(
                    uri: "/account/two-factor", method: .post, headers: nurse.form,
                    body: nurse.formBody("secret=\(second)&code=\(secondCode)&password=\(nurse.password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&recoveryCode=\(codes[0])")) { $0 }
                #expect(proven.status == .ok)
                #expect(try await services.users.find(nurse.account.id)?.totpSecret == second)

                // A new set was made with the new authenticator; one of them signs in, once.
                let fresh = try await RecoveryCodeRepository(database: services.database).replace(for: nurse.account.id, stamp: Fixtures.stamp)
                let pending = try await SignInTests.signIn(client, email: "nia@clinic.org", password: nurse.password)
                let cookie = try #require(SignInTests.sessionCookie(pending))
                let signedIn = try await SignInTests.secondFactor(client, pending: cookie, code: fresh[3])
                #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/")
                let again = try await SignInTests.signIn(client, email: "nia@clinic.org", password: nurse.password)
                let reused = try await SignInTests.secondFactor(client, pending: try #require(SignInTests.sessionCookie(again)), code: fresh[3])
                #expect(reused.status == .unauthorized)
            }
        }
    }

    @Test("Least privilege: front desk and administrators see demographics only; breaking the glass opens one record for 30 minutes, shown to prescribers",
          arguments: TestDatabases.engines)
    func leastPrivilege(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let clinic = try await services.clinics.primaryClinic()!
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            let base = "/patients/\(patient.id.uuidString.lowercased())"
            let frontDesk = try await TestUsers.make(services, role: .frontDesk)
            let admin = try await TestUsers.make(services, role: .administrator)
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                for user in [frontDesk, admin] {
                    let chart = try await client.execute(uri: base, method: .get, headers: user.page) { $0 }
                    #expect(chart.status == .ok)
                    let html = String(buffer: chart.body)
                    #expect(html.contains("id=\"clinical-hidden\"") && html.contains("MRN "))
                    #expect(!html.contains("Psychiatric history") && !html.contains("screening-link"))
                    for path in ["\(base)/scales", "\(base)/screening", "\(base)/plans"] {
                        #expect(try await client.execute(uri: path, method: .get, headers: user.page) { $0.status } == .forbidden, "\(path)")
                    }
                    #expect(try await client.execute(uri: "/api/v1\(base)/record", method: .get, headers: user.api) { $0.status } == .forbidden)
                    #expect(try await client.execute(uri: "/board", method: .get, headers: user.page) { $0.status } == .forbidden)
                }
                #expect(try await client.execute(uri: "\(base)/scales", method: .get, headers: prescriber.page) { $0.status } == .ok)
                // The front desk cannot break the glass; an administrator must give a reason.
                #expect(try await client.execute(uri: "\(base)/emergency-access", method: .post, headers: frontDesk.form,
                                                 body: frontDesk.formBody("reason=The+patient+collapsed+in+the+waiting+room")) { $0.status } == .forbidden)
                let short = try await client.execute(uri: "\(base)/emergency-access", method: .post, headers: admin.form,
                                                     body: admin.formBody("reason=because")) { $0 }
                #expect(short.status == .unprocessableContent)
                let granted = try await client.execute(uri: "\(base)/emergency-access", method: .post, headers: admin.form,
                                                       body: admin.formBody("reason=Paramedics+ask+for+the+medication+list+now")) { $0 }
                #expect(granted.status == .seeOther)
                #expect(try await client.execute(uri: "\(base)/scales", method: .get, headers: admin.page) { $0.status } == .ok)
                let opened = try await client.execute(uri: base, method: .get, headers: admin.page) { String(buffer: $0.body) }
                #expect(opened.contains("screening-link") && opened.contains("Paramedics ask for the medication list now"))
                // Only that patient, and never through an API token.
                #expect(try await client.execute(uri: "/api/v1\(base)/record", method: .get, headers: admin.api) { $0.status } == .forbidden)
                let home = try await client.execute(uri: "/", method: .get, headers: prescriber.page) { String(buffer: $0.body) }
                #expect(home.contains("Emergency access to clinical records") && home.contains("Paramedics ask for the medication list now"))
                let overrides = try await services.audit.page(AuditFilter(patientID: patient.id, action: .override), limit: 10)
                #expect(overrides.contains { $0.event.summary.contains("break the glass") })
            }
        }
    }

    @Test("A yes/no field that is neither is a field error, not a silent no")
    func strictFlags() async throws {
        #expect(throws: FieldErrors.self) { try SessionForms.flag(["serious": "Y"], "serious") }
        #expect(try SessionForms.flag(["serious": "true"], "serious"))
        #expect(try !SessionForms.flag([:], "serious"))
    }
}

extension ClinicServices {
    /// Unused recovery codes of a user, for tests.
    func recoveryCodeCount(_ id: UUID) async throws -> Int { try await RecoveryCodeRepository(database: database).remaining(for: id) }
}
