import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Billing reports through the page, the CSV and the API")
struct BillingReportHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("The demo's month: figures, ageing, the expiring authorisation; bad dates; CSV; roles")
    func reports() async throws {
        try await TestApp.withServices { services in
            // setup
            _ = try await DemoClinicLoader(database: services.database).load(patients: 30, seed: 1, now: Fixtures.now)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let from = Fixtures.today.adding(days: -40).iso, to = Fixtures.today.iso
            try await app.test(.router) { client in
                // act + validate
                try await client.execute(uri: "/billing/reports?from=\(from)&to=\(to)", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    for text in ["id=\"report-ageing\"", "0–30 days", "Over 90", "G2082", "Self-pay", "Insurer", "PA-2026-118734", "Expiring soon",
                                 "Download CSV"] {
                        #expect(html.contains(text), "\(text)")
                    }
                }
                try await client.execute(uri: "/billing/reports?from=\(to)&to=\(from)", method: .get, headers: desk.page) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"to-error\""))
                }
                try await client.execute(uri: "/billing/reports.csv?from=\(from)&to=\(to)", method: .get, headers: desk.page) { response in
                    let csv = Self.body(response)
                    #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                    #expect(csv.hasPrefix("section,group,charges,units,payments,refunds,write_offs,collected\r\n"))
                    #expect(csv.contains("\r\nageing as of \(to),patient,payer,0-30,31-60,61-90,90+,total\r\n"))
                }
                try await client.execute(uri: "/api/v1/billing/reports?from=\(from)&to=\(to)", method: .get, headers: desk.api) { response in
                    let json = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(json.contains("\"ageing\"") && json.contains("\"byService\"") && json.contains("\"balanceAtEnd\""))
                }
                try await client.execute(uri: "/api/v1/billing/reports?from=2026-02-30", method: .get, headers: desk.api) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                try await client.execute(uri: "/billing/reports", method: .get, headers: nurse.page) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: "/api/v1/billing/reports", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .forbidden)
                }
            }
        }
    }
}
