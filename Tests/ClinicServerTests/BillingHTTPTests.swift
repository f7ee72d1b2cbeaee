import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Billing through the pages and the API")
struct BillingHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("Demo charges, statement, superbill (HTML and CSV), payments with field errors, roles, and the API")
    func pagesAndAPI() async throws {
        try await TestApp.withServices { services in
            // setup
            _ = try await DemoClinicLoader(database: services.database).load(patients: 30, seed: 1, now: Fixtures.now)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let billing = BillingRepository(database: services.database)
            let accounts = try await billing.openAccounts(in: clinic.id)
            #expect(accounts.count >= 2, "a month of charges for the demo's self-pay and insured patients")
            let relapse = try #require(accounts.first { $0.name.hasPrefix("Relapse") })
            let ledger = try await billing.ledger(of: relapse.patientID, in: clinic.id)
            #expect(ledger.contains { $0.kind == .payment && $0.method == .card }, "the demo's card payment")
            let charge = try #require(ledger.first { $0.kind == .charge && $0.code == "96365" })
            let sessionID = try #require(charge.sessionID)
            let account = "/billing/patients/\(relapse.patientID.uuidString.lowercased())"
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // pages
                try await client.execute(uri: "/billing", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    for text in ["Fee schedule", "G2083", "J0013", "[B3]", "Relapse", account] { #expect(html.contains(text), "\(text)") }
                    #expect(!html.contains("Add a price"), "the front desk does not configure fees")
                }
                try await client.execute(uri: "/billing", method: .get, headers: nurse.page) { response in
                    #expect(response.status == .forbidden, "clinical staff see no money")
                }
                try await client.execute(uri: account, method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(html.contains("96365") && html.contains("Payment") && html.contains("TERM-0042-7781"))
                    #expect(html.contains("Print statement"))
                }
                let superbill = "/billing/sessions/\(sessionID.uuidString.lowercased())/superbill"
                try await client.execute(uri: superbill, method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    for text in ["1234567893", "12-3456789", "1993999998", "F33.2", "96365", "J3490", "Place of service 11"] {
                        #expect(html.contains(text), "\(text)")
                    }
                }
                try await client.execute(uri: superbill + ".csv", method: .get, headers: desk.page) { response in
                    let csv = Self.body(response)
                    #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                    #expect(csv.hasPrefix("date_of_service,place_of_service,code"))
                    #expect(csv.contains(",11,96365,"))
                }
                // a payment: errors re-render, then a good one
                try await client.execute(uri: account + "/postings", method: .post, headers: desk.form,
                                         body: desk.formBody("kind=payment&amount=999999&method=card&reference=4111111111111111&postedOn=\(Fixtures.today.iso)")) { response in
                    let html = Self.body(response)
                    #expect(response.status == .unprocessableContent)
                    #expect(html.contains("id=\"amount-error\""), "more than the balance")
                    #expect(html.contains("card number"))
                }
                try await client.execute(uri: account + "/postings", method: .post, headers: desk.form,
                                         body: desk.formBody("kind=payment&amount=-5&method=cash&postedOn=\(Fixtures.today.iso)")) { response in
                    #expect(response.status == .unprocessableContent)
                }
                let before = try await billing.summary(of: relapse.patientID, in: clinic.id)
                try await client.execute(uri: account + "/postings", method: .post, headers: desk.form,
                                         body: desk.formBody("kind=payment&amount=10.50&method=cash&postedOn=\(Fixtures.today.iso)")) { response in
                    #expect(response.status == .seeOther)
                }
                #expect(try await billing.summary(of: relapse.patientID, in: clinic.id).balance == Cents(before.balance.value - 1050))
                try await client.execute(uri: account + "/postings", method: .post, headers: nurse.form,
                                         body: nurse.formBody("kind=payment&amount=1&method=cash")) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: "/billing/fee-schedule", method: .post, headers: admin.form,
                                         body: admin.formBody("service=Bad&code=G2082&price=-1&selfPayPrice=1&validFrom=2026-01-01")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"price-error\""))
                }
                try await client.execute(uri: "/billing/provider", method: .post, headers: admin.form,
                                         body: admin.formBody("practiceName=X&billingNPI=1234567890&taxID=12&renderingName=Y&renderingNPI=1993999998"
                                                              + "&placeOfService=11&address=a&city=b&state=OR&postalCode=97201&phone=1")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"billingNPI-error\""), "check digit")
                    #expect(Self.body(response).contains("id=\"taxID-error\""))
                }
                // API
                try await client.execute(uri: "/api/v1/billing/patients/\(relapse.patientID.uuidString.lowercased())/ledger", method: .get,
                                         headers: desk.api) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("\"balance\""))
                }
                try await client.execute(uri: "/api/v1/billing/patients/\(relapse.patientID.uuidString.lowercased())/postings", method: .post,
                                         headers: desk.json, body: ByteBuffer(string: #"{"kind":"write-off","amountCents":100}"#)) { response in
                    #expect(response.status == .unprocessableContent, "a write-off needs a reason")
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                try await client.execute(uri: "/api/v1/billing/fee-schedule", method: .post, headers: admin.json,
                                         body: ByteBuffer(string: #"{"service":"x","code":"Z9999","priceCents":100,"selfPayPriceCents":100,"validFrom":"2026-01-01"}"#)) { response in
                    #expect(response.status == .unprocessableContent, "unknown code")
                }
                try await client.execute(uri: "/api/v1/billing/codes", method: .post, headers: admin.json,
                                         body: ByteBuffer(string: #"{"system":"hcpcs","code":"J0013","description":"x","source":"clinic","validFrom":"2026-05-01","validTo":"2026-01-01"}"#)) { response in
                    #expect(response.status == .unprocessableContent, "ends before it starts")
                }
                try await client.execute(uri: "/api/v1/billing/sessions/\(sessionID.uuidString.lowercased())/charges", method: .post,
                                         headers: desk.json, body: ByteBuffer(string: #"{"payer":"self-pay"}"#)) { response in
                    #expect(response.status == .ok, "already captured, unchanged")
                }
                try await client.execute(uri: "/api/v1/billing/codes", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .forbidden)
                }
            }
        }
    }
}
