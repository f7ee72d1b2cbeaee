import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Synchronization
import Testing
import TestSupport

@Suite("Sign-in, two-factor, sessions and throttling")
struct SignInTests {
    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Posts the sign-in form as a browser would: fetch the form (for its token cookie), then post.
    static func signIn(_ client: some TestClientProtocol, email: String, password: String, extraCookie: String = "") async throws -> TestResponse {
        let token = "form-token"
        let body = "_csrf=\(token)&email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            + "&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        return try await client.execute(uri: "/login", method: .post,
                                        headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "kc_form=\(token)" + extraCookie],
                                        body: ByteBuffer(string: body)) { $0 }
    }

    /// Opens the two-factor form of a pending sign-in (for its CSRF token) and posts `code`.
    static func secondFactor(_ client: some TestClientProtocol, pending: String, code: String) async throws -> TestResponse {
        let form = try await client.execute(uri: "/login/two-factor", method: .get, headers: [.cookie: pending]) { String(buffer: $0.body) }
        let csrf = try #require(form.range(of: #"name="_csrf" value=""#).map { String(form[$0.upperBound...].prefix { $0 != "\"" }) })
        return try await client.execute(uri: "/login/two-factor", method: .post, headers: formType.merging([.cookie: pending]),
                                        body: ByteBuffer(string: "_csrf=\(csrf)&code=\(code)")) { $0 }
    }

    static func sessionCookie(_ response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix("kc_session=") && !$0.hasPrefix("kc_session=;") }
            .map { String($0.split(separator: ";")[0]) }
    }

    static func services(_ base: ClinicServices, clock: TestClock) -> ClinicServices {
        ClinicServices(database: base.database, settings: base.settings, now: { clock.now })
    }

    @Test("Right password signs in with a hardened cookie; wrong password and unknown email get the same answer",
          arguments: TestDatabases.engines)
    func passwordSignIn(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let wrong = try await Self.signIn(client, email: "nia@clinic.org", password: "not it at all")
                let unknown = try await Self.signIn(client, email: "nobody@clinic.org", password: "not it at all")
                for response in [wrong, unknown] {
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body).contains("The email or password is not right"))
                    #expect(Self.sessionCookie(response) == nil)
                }
                let right = try await Self.signIn(client, email: "NIA@clinic.org", password: nurse.password)
                #expect(right.status == .seeOther && right.headers[.location] == "/")
                let setCookie = try #require(right.headers[values: .setCookie].first { $0.hasPrefix("kc_session=") })
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && !setCookie.contains("Secure"))
                let cookie = try #require(Self.sessionCookie(right))
                try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("Test Nurse"))
                }
                let failed = try await services.audit.page(AuditFilter(action: .failedLogin), limit: 10)
                #expect(failed.count == 2)
                #expect(failed.allSatisfy { $0.event.summary.contains("email entered") })
                let logins = try await services.audit.page(AuditFilter(userID: nurse.account.id, action: .login), limit: 10)
                #expect(logins.count == 1, "this sign-in (the test fixture's own session is stamped by the system)")
            }
        }
    }

    @Test("Behind a TLS proxy the session cookie is Secure and HSTS is sent")
    func secureCookie() async throws {
        var settings = Fixtures.settings
        settings.behindTlsProxy = true
        try await TestApp.withServices(settings: settings) { services in
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let response = try await Self.signIn(client, email: "nia@clinic.org", password: nurse.password)
                #expect(response.headers[values: .setCookie].first { $0.hasPrefix("kc_session=") }?.contains("; Secure") == true)
                #expect(response.headers[.strictTransportSecurity]?.contains("max-age=") == true)
            }
        }
    }

    @Test("After too many failures sign-in is refused, even with the right password, then allowed again later")
    func throttling() async throws {
        try await TestApp.withServices { base in
            let clock = TestClock()
            let services = Self.services(base, clock: clock)
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                for _ in 0..<services.settings.signInAccountFailureLimit {
                    #expect(try await Self.signIn(client, email: "nia@clinic.org", password: "wrong password here").status == .unauthorized)
                }
                let refused = try await Self.signIn(client, email: "nia@clinic.org", password: nurse.password)
                #expect(refused.status == .tooManyRequests)
                #expect(String(buffer: refused.body).contains("Too many failed sign-ins"))
                #expect(Self.sessionCookie(refused) == nil)
                // An unknown account is throttled the same way, so throttling does not reveal which accounts exist.
                for _ in 0...services.settings.signInAccountFailureLimit {
                    _ = try await Self.signIn(client, email: "ghost@clinic.org", password: "wrong password here")
                }
                #expect(try await Self.signIn(client, email: "ghost@clinic.org", password: "x").status == .tooManyRequests)
                clock.advance(TimeInterval(services.settings.signInLockoutMinutes * 60 + 1))
                #expect(try await Self.signIn(client, email: "nia@clinic.org", password: nurse.password).status == .seeOther)
            }
        }
    }

    @Test("Many failures from one address block that address for every account")
    func addressThrottling() async throws {
        var settings = Fixtures.settings
        settings.signInAddressFailureLimit = 3
        try await TestApp.withServices(settings: settings) { services in
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                for index in 0..<3 { _ = try await Self.signIn(client, email: "guess\(index)@clinic.org", password: "wrong password") }
                #expect(try await Self.signIn(client, email: "nia@clinic.org", password: nurse.password).status == .tooManyRequests)
            }
        }
    }

    @Test("Two-factor: set up with a code, then sign-in needs the password and a fresh code; a replayed code is refused",
          arguments: TestDatabases.engines)
    func twoFactor(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { base in
            let clock = TestClock()
            let services = Self.services(base, clock: clock)
            let admin = try await TestUsers.make(services, role: .administrator, email: "ada@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let setup = try await client.execute(uri: "/account/two-factor", method: .get, headers: admin.page) { String(buffer: $0.body) }
                let secret = try #require(setup.range(of: #"name="secret" value=""#).map { String(setup[$0.upperBound...].prefix(32)) })
                let wrong = try await client.execute(uri: "/account/two-factor", method: .post, headers: admin.form,
                                                     body: admin.formBody("secret=\(secret)&code=000000")) { $0 }
                #expect(wrong.status == .unprocessableContent)
                let code = TwoFactor.code(secret: secret, at: clock.now)
                let enabled = try await client.execute(uri: "/account/two-factor", method: .post, headers: admin.form,
                                                       body: admin.formBody("secret=\(secret)&code=\(code)")) { $0 }
                #expect(enabled.status == .ok)
                #expect(String(buffer: enabled.body).contains("Your recovery codes"), "the ten recovery codes are shown once")
                #expect(try await services.users.find(admin.account.id)?.totpSecret == secret)
                #expect(try await services.database.read { db in
                    try await db.raw("SELECT totp_secret FROM users WHERE id = \(bind: admin.account.id.uuidString)").first()?
                        .decode(column: "totp_secret", as: String.self)
                }?.hasPrefix("aesgcm:") == true, "the secret is stored sealed, not in clear")

                // The code that turned it on cannot sign in.
                let early = try await Self.signIn(client, email: "ada@clinic.org", password: admin.password)
                let reused = try await Self.secondFactor(client, pending: try #require(Self.sessionCookie(early)), code: code)
                #expect(reused.status == .unauthorized)

                clock.advance(60)
                let password = try await Self.signIn(client, email: "ada@clinic.org", password: admin.password)
                #expect(password.headers[.location] == "/login/two-factor")
                let pending = try #require(Self.sessionCookie(password))
                try await client.execute(uri: "/", method: .get, headers: [.cookie: pending]) { response in
                    #expect(response.status == .seeOther, "a half-finished sign-in opens nothing")
                }
                let bad = try await Self.secondFactor(client, pending: pending, code: "123456")
                #expect(bad.status == .unauthorized)
                let good = TwoFactor.code(secret: secret, at: clock.now)
                let done = try await Self.secondFactor(client, pending: pending, code: good)
                #expect(done.status == .seeOther && done.headers[.location] == "/")
                let session = try #require(Self.sessionCookie(done))
                #expect(session != pending, "the session token changes once the second factor is done")
                try await client.execute(uri: "/account", method: .get, headers: [.cookie: session]) { #expect($0.status == .ok) }

                // The same code again, in the same 30-second step: a replay.
                let again = try await Self.signIn(client, email: "ada@clinic.org", password: admin.password)
                let replay = try await Self.secondFactor(client, pending: try #require(Self.sessionCookie(again)), code: good)
                #expect(replay.status == .unauthorized)
            }
        }
    }

    @Test("TOTP codes match RFC 6238 Appendix B (SHA-1, last 6 digits)", arguments: [
        (59.0, "287082"), (1_111_111_109.0, "081804"), (1_111_111_111.0, "050471"), (1_234_567_890.0, "005924"),
        (2_000_000_000.0, "279037"), (20_000_000_000.0, "353130"),
    ])
    func rfc6238(seconds: Double, code: String) {
        let secret = "12345678901234567890" // the RFC's SHA-1 seed
        #expect(TwoFactor.code(secret: secret, at: Date(timeIntervalSince1970: seconds)) == code)
        #expect(TwoFactor.matchingStep(of: code, secret: secret, at: Date(timeIntervalSince1970: seconds)) == Int64(seconds) / 30)
        #expect(TwoFactor.matchingStep(of: code, secret: secret, at: Date(timeIntervalSince1970: seconds + 95)) == nil,
                "more than one step of drift is refused")
    }

    @Test("Sign-out ends the session on the server; an idle session ends after the timeout, an old one at the absolute limit")
    func sessionEnds() async throws {
        try await TestApp.withServices { base in
            let clock = TestClock()
            let services = Self.services(base, clock: clock)
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // Sign-out.
                let out = try await client.execute(uri: "/logout", method: .post, headers: nurse.form, body: nurse.formBody("")) { $0 }
                #expect(out.status == .seeOther && out.headers[.location] == "/login")
                #expect(out.headers[values: .setCookie].contains { $0.hasPrefix("kc_session=;") })
                try await client.execute(uri: "/", method: .get, headers: nurse.page) { response in
                    #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true)
                }
                // Idle timeout: 30 minutes by default.
                let idle = try await Self.signIn(client, email: "nia@clinic.org", password: nurse.password)
                let idleCookie = try #require(Self.sessionCookie(idle))
                clock.advance(29 * 60)
                try await client.execute(uri: "/", method: .get, headers: [.cookie: idleCookie]) { #expect($0.status == .ok) }
                clock.advance(29 * 60)
                try await client.execute(uri: "/", method: .get, headers: [.cookie: idleCookie]) { #expect($0.status == .ok, "activity resets the idle clock") }
                clock.advance(31 * 60)
                try await client.execute(uri: "/patients", method: .get, headers: [.cookie: idleCookie]) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[values: .setCookie].contains { $0.contains("Your%20session%20has%20ended") })
                }
                // Absolute timeout: 12 hours by default, however active.
                let long = try await Self.signIn(client, email: "nia@clinic.org", password: nurse.password)
                let longCookie = try #require(Self.sessionCookie(long))
                for _ in 0..<25 {
                    clock.advance(29 * 60)
                    _ = try await client.execute(uri: "/", method: .get, headers: [.cookie: longCookie]) { $0.status }
                }
                try await client.execute(uri: "/", method: .get, headers: [.cookie: longCookie]) { #expect($0.status == .seeOther) }
                let reasons = try await services.audit.page(AuditFilter(userID: nurse.account.id, action: .logout), limit: 10).map(\.event.summary)
                #expect(reasons.contains("signed out") && reasons.contains("idle timeout") && reasons.contains("absolute timeout"))
            }
        }
    }

    @Test("An administrator's reset forces a new password first; ending a user's sessions signs them out everywhere")
    func adminReset() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let nursePath = "/admin/users/\(nurse.account.id.uuidString.lowercased())"
            try await app.test(.router) { client in
                let reset = try await client.execute(uri: nursePath + "/reset-password", method: .post, headers: admin.form,
                                                     body: admin.formBody("")) { String(buffer: $0.body) }
                let temporary = try #require(reset.range(of: #"<code id="temporary-password">"#).map { String(reset[$0.upperBound...].prefix(19)) })
                try await client.execute(uri: "/", method: .get, headers: nurse.page) {
                    #expect($0.status == .seeOther, "the reset ended the nurse's sessions")
                }
                let signedIn = try await Self.signIn(client, email: "nia@clinic.org", password: temporary)
                let cookie = try #require(Self.sessionCookie(signedIn))
                try await client.execute(uri: "/patients", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .seeOther && response.headers[.location] == "/account/password")
                }
                let session = try #require(try await services.sessions.find(token: String(cookie.dropFirst("kc_session=".count))))
                let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
                let weak = try await client.execute(uri: "/account/password", method: .post, headers: form, body: ByteBuffer(
                    string: "_csrf=\(session.csrfToken)&currentPassword=\(temporary)&newPassword=password1234&confirmPassword=password1234")) { $0 }
                #expect(weak.status == .unprocessableContent)
                #expect(String(buffer: weak.body).contains("too common"))
                let changed = try await client.execute(uri: "/account/password", method: .post, headers: form, body: ByteBuffer(
                    string: "_csrf=\(session.csrfToken)&currentPassword=\(temporary)&newPassword=quiet+infusion+room&confirmPassword=quiet+infusion+room")) { $0 }
                #expect(changed.status == .seeOther)
                try await client.execute(uri: "/patients", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .ok) }
                let ended = try await client.execute(uri: nursePath + "/end-sessions", method: .post, headers: admin.form,
                                                     body: admin.formBody("")) { $0 }
                #expect(ended.status == .seeOther)
                try await client.execute(uri: "/patients", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .seeOther) }
            }
        }
    }

    @Test("When the clinic requires it, an administrator must set up two-factor before anything else")
    func mandatoryAdminTwoFactor() async throws {
        try await TestApp.withServices { services in
            let clinic = try await services.clinics.primaryClinic()!
            var settings = clinic.settings
            settings.requireAdministratorTwoFactor = true
            _ = try await services.clinics.updateSettings(of: clinic.id, to: settings, stamp: Fixtures.stamp)
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/admin/users", method: .get, headers: admin.page) { response in
                    #expect(response.status == .seeOther && response.headers[.location] == "/account/two-factor")
                }
                try await client.execute(uri: "/account/two-factor", method: .get, headers: admin.page) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("requires administrators"))
                }
                try await client.execute(uri: "/api/v1/users", method: .get, headers: admin.api) { response in
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains("account-setup-required"))
                }
                try await client.execute(uri: "/patients", method: .get, headers: nurse.page) { #expect($0.status == .ok, "other roles are not affected") }
            }
        }
    }

    @Test("The next page after sign-in is only ever a path on this site", arguments: [
        ("/patients?after=x", "/patients?after=x"), ("https://evil.example/", "/"), ("//evil.example", "/"),
        ("/\\evil.example", "/"), (nil, "/"), ("/logout", "/"),
    ] as [(String?, String)])
    func safeNext(next: String?, expected: String) {
        #expect(SignInRedirect.safe(next) == expected)
    }
}
