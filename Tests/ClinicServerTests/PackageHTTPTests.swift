import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Prepaid packages through the pages and the API")
struct PackageHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("An administrator adds a package (field errors first), the front desk sells it with a prepayment; roles; the API")
    func packages() async throws {
        try await TestApp.withServices { services in
            // setup
            let (patient, _) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let account = "/billing/patients/\(patient.id.uuidString.lowercased())"
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // act + validate: the package form
                try await client.execute(uri: "/billing/packages", method: .post, headers: admin.form,
                                         body: admin.formBody("name=Series&sessions=1&price=-4&codes=96365&validFrom=2026-01-01")) { response in
                    let html = Self.body(response)
                    #expect(response.status == .unprocessableContent)
                    #expect(html.contains("id=\"sessions-error\"") && html.contains("id=\"price-error\""))
                }
                try await client.execute(uri: "/billing/packages", method: .post, headers: desk.form,
                                         body: desk.formBody("name=Series&sessions=6&price=2400&codes=96365&validFrom=2026-01-01")) { response in
                    #expect(response.status == .forbidden, "the front desk does not set prices")
                }
                try await client.execute(uri: "/billing/packages", method: .post, headers: admin.form,
                                         body: admin.formBody("name=Induction+series&sessions=6&price=2%2C400.00&codes=96365+J3490&validFrom=2026-01-01")) { response in
                    #expect(response.status == .seeOther)
                }
                let package = try #require(try await PackageRepository(database: services.database).packages(of: clinic.id).first)
                #expect(package.price == Cents(240_000) && package.codes == ["96365", "J3490"])
                try await client.execute(uri: "/billing", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Induction series") && html.contains("$400.00"), "per-session share shown")
                    #expect(!html.contains("id=\"package-form\""))
                }
                // the sale form
                let id = package.id.uuidString.lowercased()
                try await client.execute(uri: account + "/packages", method: .post, headers: desk.form,
                                         body: desk.formBody("packageId=\(id)&purchasedOn=\(Fixtures.today.iso)&method=card&reference=4111111111111111")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("card number"))
                }
                try await client.execute(uri: account + "/packages", method: .post, headers: nurse.form,
                                         body: nurse.formBody("packageId=\(id)&method=cash")) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: account + "/packages", method: .post, headers: desk.form,
                                         body: desk.formBody("packageId=\(id)&purchasedOn=\(Fixtures.today.iso)&method=card&reference=TX-9")) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: account, method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("0 of 6") && html.contains("$2,400.00 credit"))
                }
                // API
                try await client.execute(uri: "/api/v1/billing/patients/\(patient.id.uuidString.lowercased())/packages", method: .get,
                                         headers: desk.api) { response in
                    let json = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(json.contains("\"remaining\":6") && json.contains("\"undrawnCents\":240000"))
                }
                try await client.execute(uri: "/api/v1/billing/patients/\(patient.id.uuidString.lowercased())/packages", method: .post,
                                         headers: desk.json, body: ByteBuffer(string: #"{"packageId":"\#(UUID().uuidString)"}"#)) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                try await client.execute(uri: "/api/v1/billing/packages", method: .post, headers: admin.json,
                                         body: ByteBuffer(string: #"{"name":"x","sessions":3,"priceCents":90000,"codes":["Z9999"],"validFrom":"2026-01-01"}"#)) { response in
                    #expect(response.status == .unprocessableContent, "unknown code")
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                try await client.execute(uri: "/api/v1/billing/packages", method: .post, headers: admin.json,
                                         body: ByteBuffer(string: #"{"name":"Maintenance","sessions":3,"priceCents":105000,"codes":["96365"],"validFrom":"2026-01-01"}"#)) { response in
                    #expect(response.status == .created)
                }
                try await client.execute(uri: "/api/v1/billing/packages", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .forbidden)
                }
                #expect(try await BillingRepository(database: services.database).summary(of: patient.id, in: clinic.id).payments == Cents(240_000))
            }
        }
    }
}
