import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Web pages")
struct WebPagesTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test("The home page shows the clinic's name and real counts")
    func home() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .nurse)
            let clinic = try await services.clinics.primaryClinic()!
            _ = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/", method: .get, headers: user.page) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(html.contains("<title>Home · KetaClinic</title>"))
                    #expect(html.contains(#"<p class="figure" id="patient-count">1</p>"#))
                    #expect(html.contains(#"<main id="main""#))
                    #expect(html.contains(#"aria-current="page""#))
                    #expect(!html.lowercased().contains("coming soon"))
                }
            }
        }
    }

    @Test("A rejected form comes back with field-level errors and the values typed")
    func formErrors() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let body = "givenName=Ada&familyName=&dateOfBirth=2090-01-01&sexAtBirth=female"
                try await client.execute(uri: "/patients", method: .post, headers: user.form, body: user.formBody(body)) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .unprocessableContent)
                    #expect(html.contains(#"class="error-summary""#))
                    #expect(html.contains("Enter the patient&#39;s family name.") || html.contains("Enter the patient's family name."))
                    #expect(html.contains("The date of birth is in the future."))
                    #expect(html.contains(#"id="familyName-error""#))
                    #expect(html.contains(#"aria-invalid="true""#))
                    #expect(html.contains(#"value="Ada""#))
                }
                let stored = try await services.patients.count(in: services.clinics.primaryClinic()!.id)
                #expect(stored == 0)
            }
        }
    }

    @Test("Registering through the form redirects to the chart with a one-off message")
    func registerFlow() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let body = "givenName=Ada&familyName=%3Cscript%3Ealert(1)%3C%2Fscript%3E&dateOfBirth=1980-05-17&sexAtBirth=female"
                let (location, cookie) = try await client.execute(uri: "/patients", method: .post, headers: user.form,
                                                                  body: user.formBody(body)) { response in
                    #expect(response.status == .seeOther)
                    return (try #require(response.headers[.location]), try #require(response.headers[.setCookie]))
                }
                #expect(location.hasPrefix("/patients/"))
                let flash = String(cookie.split(separator: ";")[0])
                try await client.execute(uri: location, method: .get, headers: [.cookie: flash + "; kc_session=\(user.sessionToken)"]) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(html.contains("flash flash-success"))
                    #expect(html.contains("KC-000001-8"))
                    #expect(!html.contains("<script>"))
                    #expect(html.contains("&lt;script&gt;"))
                    #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
                }
            }
        }
    }

    @Test("Unknown pages get an HTML 404 that says where to go")
    func notFoundPage() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                for uri in ["/nowhere", "/patients/not-a-uuid", "/patients/00000000-0000-0000-0000-000000000000"] {
                    try await client.execute(uri: uri, method: .get, headers: user.page) { response in
                        #expect(response.status == .notFound, "\(uri)")
                        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                        #expect(String(buffer: response.body).contains("Go to the home page"))
                    }
                }
            }
        }
    }

    @Test("The patient list pages through the clinic with a next link")
    func listPaging() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .nurse)
            let clinic = try await services.clinics.primaryClinic()!
            var people = ClinicDomainPeople(seed: 5)
            _ = try await services.patients.registerAll((0..<60).map { _ in people.next() }, in: clinic.id, stamp: Fixtures.stamp)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let next = try await client.execute(uri: "/patients", method: .get, headers: user.page) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("60 registered"))
                    #expect(html.components(separatedBy: "<tr>").count - 2 == 50)
                    let range = try #require(html.range(of: #"href="/patients?after="#))
                    return String(html[range.upperBound...].prefix { $0 != "\"" })
                }
                try await client.execute(uri: "/patients?after=\(next)", method: .get, headers: user.page) { response in
                    let html = String(buffer: response.body)
                    #expect(html.components(separatedBy: "<tr>").count - 2 == 10)
                    #expect(!html.contains(#"rel="next""#))
                }
            }
        }
    }
}

import ClinicDomain

/// Synthetic people for page tests.
struct ClinicDomainPeople {
    private var generator: DemoPatients
    init(seed: UInt64) { generator = DemoPatients(seed: seed, today: Fixtures.today) }
    mutating func next() -> PatientRegistration { generator.next() }
}
