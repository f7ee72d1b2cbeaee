import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Good Faith Estimates through the account page and the API")
struct GoodFaithEstimateHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("The demo's estimate on the account; a bad one re-renders; one billed $400 over is flagged on the overview; the API")
    func estimates() async throws {
        try await TestApp.withServices { services in
            // setup
            _ = try await DemoClinicLoader(database: services.database).load(patients: 30, seed: 1, now: Fixtures.now)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let relapse = try #require(try await BillingRepository(database: services.database).openAccounts(in: clinic.id).first { $0.name.hasPrefix("Relapse") })
            let account = "/billing/patients/\(relapse.patientID.uuidString.lowercased())"
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let first = Fixtures.today.adding(days: -31).iso, today = Fixtures.today.iso
            try await app.test(.router) { client in
                try await client.execute(uri: account, method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Good Faith Estimates") && html.contains("$2,700.00") && html.contains("id=\"estimate-form\""))
                }
                try await client.execute(uri: account + "/estimates", method: .post, headers: desk.form,
                                         body: desk.formBody("sessions=6&codes=Z9999&firstServiceOn=\(first)&lastServiceOn=\(today)&scheduledOn=\(today)")) { response in
                    let html = Self.body(response)
                    #expect(response.status == .unprocessableContent)
                    #expect(html.contains("id=\"scheduledOn-error\""), "booked after the first session")
                }
                // an estimate of one J3490 for the whole month: the month's infusions are far more than $400 over it
                try await client.execute(uri: account + "/estimates", method: .post, headers: desk.form,
                                         body: desk.formBody("sessions=1&codes=J3490&firstServiceOn=\(first)&lastServiceOn=\(today)&scheduledOn=\(Fixtures.today.adding(days: -40).iso)&givenOn=\(Fixtures.today.adding(days: -39).iso)")) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: "/billing", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Good Faith Estimates exceeded by $400.00 or more") && html.contains("Relapse"))
                }
                try await client.execute(uri: account + "/estimates", method: .post, headers: nurse.form,
                                         body: nurse.formBody("sessions=1&codes=J3490&firstServiceOn=\(first)&lastServiceOn=\(today)&scheduledOn=\(first)")) { response in
                    #expect(response.status == .forbidden)
                }
                let api = "/api/v1/billing/patients/\(relapse.patientID.uuidString.lowercased())/estimates"
                try await client.execute(uri: api, method: .get, headers: desk.api) { response in
                    let json = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(json.contains("\"overThreshold\":true") && json.contains("\"overThreshold\":false"))
                }
                try await client.execute(uri: api, method: .post, headers: desk.json, body: ByteBuffer(string:
                    #"{"sessions":6,"codes":["96365","J3490"],"firstServiceOn":"2026-12-20","lastServiceOn":"2026-12-10","scheduledOn":"2026-11-20"}"#)) { response in
                    #expect(response.status == .unprocessableContent, "ends before it starts")
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                try await client.execute(uri: api, method: .post, headers: desk.json, body: ByteBuffer(string:
                    #"{"sessions":6,"codes":["96365","J3490"],"firstServiceOn":"2026-12-21","lastServiceOn":"2027-01-08","scheduledOn":"2026-11-20"}"#)) { response in
                    #expect(response.status == .created)
                    #expect(Self.body(response).contains("\"dueOn\""))
                }
            }
        }
    }
}
