import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Audit trail and user management in the web app and the API")
struct AuditAndUsersWebTests {
    @Test("Chart views are audited and show in the chart's access log; the API reads the same trail", arguments: TestDatabases.engines)
    func accessLog(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let prescriber = try await TestUsers.make(services, role: .prescriber, email: "pat@clinic.org")
            let admin = try await TestUsers.make(services, role: .administrator)
            let clinic = try await services.clinics.primaryClinic()!
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            let chart = "/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: chart, method: .get, headers: nurse.page) { response in
                    #expect(!String(buffer: response.body).contains("access-log-link"), "nurses do not see the access log link")
                }
                try await client.execute(uri: chart, method: .get, headers: prescriber.page) { response in
                    #expect(String(buffer: response.body).contains("access-log-link"))
                }
                try await client.execute(uri: chart + "/access-log", method: .get, headers: prescriber.page) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(html.contains("nia@clinic.org") && html.contains("pat@clinic.org"))
                    #expect(html.contains("registered as KC-000001-8"))
                }
                try await client.execute(uri: "/api/v1/audit?patient=\(patient.id.uuidString)&action=view", method: .get,
                                         headers: admin.api) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    #expect(text.contains("nia@clinic.org") && text.contains(#""action":"view""#) && !text.contains(#""action":"create""#))
                }
                try await client.execute(uri: "/api/v1/audit/verify", method: .get, headers: admin.api) { response in
                    #expect(String(buffer: response.body).contains(#""intact":true"#))
                }
            }
        }
    }

    @Test("Administrators filter the trail and export it as CSV; the export is itself audited")
    func browseAndExport() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse, email: "nia@clinic.org")
            let clinic = try await services.clinics.primaryClinic()!
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                _ = try await client.execute(uri: "/patients/\(patient.id.uuidString)", method: .get, headers: nurse.page) { $0.status }
                try await client.execute(uri: "/admin/audit?user=\(nurse.account.id.uuidString)&action=view&patient=\(patient.mrn.text)",
                                         method: .get, headers: admin.page) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(html.contains("nia@clinic.org") && html.contains("KC-000001-8"))
                    #expect(!html.contains("registered as"), "create entries are filtered out")
                }
                try await client.execute(uri: "/admin/audit?from=2026-13-01&patient=nonsense", method: .get, headers: admin.page) { response in
                    #expect(response.status == .unprocessableContent)
                    let html = String(buffer: response.body)
                    #expect(html.contains(#"id="from-error""#) && html.contains(#"id="patient-error""#))
                }
                let csv = try await client.execute(uri: "/admin/audit.csv?action=view", method: .get, headers: admin.page) { response in
                    #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                    #expect(response.headers[.contentDisposition]?.contains("audit-trail-2026-11-22.csv") == true)
                    return String(buffer: response.body)
                }
                #expect(csv.hasPrefix(AuditCSV.header))
                #expect(csv.contains(",view,patient,") && !csv.contains(",create,"))
                let exports = try await services.audit.page(AuditFilter(action: .export), limit: 5)
                #expect(exports.first?.stamp.userID == admin.account.id)
                #expect(try await services.audit.verify().isIntact)
            }
        }
    }

    @Test("Administrators add, edit, deactivate and reactivate users; nobody is deleted; the last administrator stays")
    func manageUsers() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let bad = try await client.execute(uri: "/admin/users", method: .post, headers: admin.form,
                                                   body: admin.formBody("email=nope&role=janitor")) { $0 }
                #expect(bad.status == .unprocessableContent)
                #expect(String(buffer: bad.body).contains(#"id="email-error""#))
                let created = try await client.execute(uri: "/admin/users", method: .post, headers: admin.form,
                                                       body: admin.formBody("email=sam%40clinic.org&displayName=Sam+Lee&role=front_desk")) { $0 }
                #expect(created.status == .created)
                #expect(String(buffer: created.body).contains(#"<code id="temporary-password">"#))
                let sam = try #require(try await services.users.find(email: EmailAddress("sam@clinic.org")!))
                #expect(sam.account.mustChangePassword && sam.account.role == .frontDesk)
                let duplicate = try await client.execute(uri: "/admin/users", method: .post, headers: admin.form,
                                                         body: admin.formBody("email=SAM%40clinic.org&role=nurse")) { $0 }
                #expect(duplicate.status == .unprocessableContent)
                let path = "/admin/users/\(sam.account.id.uuidString.lowercased())"
                _ = try await client.execute(uri: path, method: .post, headers: admin.form, body: admin.formBody("displayName=Sam+Lee&role=nurse")) { $0 }
                _ = try await client.execute(uri: path + "/deactivate", method: .post, headers: admin.form, body: admin.formBody("")) { $0 }
                #expect(try await services.users.find(sam.account.id)?.account.isActive == false)
                #expect(try await services.users.count() == 2, "deactivated, not deleted")
                _ = try await client.execute(uri: path + "/reactivate", method: .post, headers: admin.form, body: admin.formBody("")) { $0 }
                #expect(try await services.users.find(sam.account.id)?.account.isActive == true)
                let adminPath = "/admin/users/\(admin.account.id.uuidString.lowercased())"
                _ = try await client.execute(uri: adminPath + "/deactivate", method: .post, headers: admin.form, body: admin.formBody("")) { $0 }
                #expect(try await services.users.find(admin.account.id)?.account.isActive == true, "the last administrator cannot be deactivated")
                let changes = try await services.audit.page(AuditFilter(action: .update), limit: 10).map(\.event.summary)
                #expect(changes.contains("role: front_desk → nurse"))
                #expect(changes.contains("active: true → false") && changes.contains("active: false → true"))
            }
        }
    }

    @Test("API tokens: created on the account page and shown once, listed by prefix, revoked by their owner")
    func tokensOnAccountPage() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let refused = try await client.execute(uri: "/account/tokens", method: .post, headers: nurse.form,
                                                       body: nurse.formBody("name=Gateway&scope.users.manage=on")) { $0 }
                #expect(refused.status == .unprocessableContent, "a token cannot carry permissions the role lacks")
                let page = try await client.execute(uri: "/account/tokens", method: .post, headers: nurse.form,
                                                    body: nurse.formBody("name=Gateway&scope.patients.read=on")) { String(buffer: $0.body) }
                let value = try #require(page.range(of: #"<code id="new-token">"#).map { String(page[$0.upperBound...].prefix { $0 != "<" }) })
                #expect(value.hasPrefix("kc_"))
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(value)"]) { #expect($0.status == .ok) }
                try await client.execute(uri: "/account", method: .get, headers: nurse.page) { response in
                    let html = String(buffer: response.body)
                    #expect(!html.contains(value), "the value is never shown again")
                    #expect(html.contains(String(value.prefix(7))))
                }
                let record = try #require(try await services.tokens.find(value: value))
                _ = try await client.execute(uri: "/account/tokens/\(record.id.uuidString.lowercased())/revoke", method: .post,
                                             headers: nurse.form, body: nurse.formBody("")) { $0 }
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(value)"]) {
                    #expect($0.status == .unauthorized)
                }
            }
        }
    }
}

@Suite("Clinic settings page")
struct ClinicSettingsPageTests {
    @Test("Administrators change the settings with field-level errors; the change is audited before → after")
    func saveSettings() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let bad = try await client.execute(uri: "/admin/clinic", method: .post, headers: admin.form,
                                                   body: admin.formBody("name=&timeZone=Mars%2FBase&jurisdiction=FR&mrnPrefix=KC")) { $0 }
                #expect(bad.status == .unprocessableContent)
                let html = String(buffer: bad.body)
                #expect(html.contains(#"id="name-error""#) && html.contains(#"id="timeZone-error""#) && html.contains(#"id="jurisdiction-error""#))
                #expect(html.contains(#"id="workingDays-error""#), "no working day ticked")
                let good = try await client.execute(uri: "/admin/clinic", method: .post, headers: admin.form, body: admin.formBody(
                    "name=North+Clinic&timeZone=Europe%2FLondon&jurisdiction=GB&mrnPrefix=nc&requireAdministratorTwoFactor=on"
                    + "&workingDay-mon=on&workingDay-wed=on&workingDay-sat=on")) { $0 }
                #expect(good.status == .seeOther)
                let settings = try await services.clinics.primaryClinic()!.settings
                #expect(settings.name == "North Clinic" && settings.mrnPrefix == "NC" && settings.requireAdministratorTwoFactor)
                #expect(settings.workingDays == [.monday, .wednesday, .saturday])
                let summary = try await services.audit.page(AuditFilter(action: .update), limit: 1).first?.event.summary ?? ""
                #expect(summary.contains("name: KetaClinic → North Clinic") && summary.contains("administrators need two-factor: false → true"))
                #expect(summary.contains("working days: mon,tue,wed,thu,fri → mon,wed,sat"))
            }
        }
    }
}
