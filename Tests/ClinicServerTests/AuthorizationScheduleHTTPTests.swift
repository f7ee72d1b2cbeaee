import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Scheduling warns about esketamine prior authorisations (billing's check on the booking page and API)")
struct AuthorizationScheduleHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("A new esketamine course: missing; with an authorisation of 2 sessions ending in 10 days: used up and expiring")
    func warnings() async throws {
        try await TestApp.withServices { services in
            // setup: an esketamine patient with an eight-session plan from today
            let (patient, _) = try await SessionFixtures.plannedSession(services.database, treatment: .esketamine)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let page = "/schedule/patients/\(patient.id.uuidString.lowercased())"
            let api = "/api/v1/schedule/patients/\(patient.id.uuidString.lowercased())/course"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // act + validate: nothing on file
                try await client.execute(uri: page, method: .get, headers: desk.page) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("No prior authorisation for esketamine (G2082/G2083) is on file"))
                }
                try await client.execute(uri: api, method: .get, headers: desk.api) { response in
                    #expect(Self.body(response).contains("\"code\":\"authorization-missing\""))
                }
                try await PriorAuthorizationRepository(database: services.database).record(
                    PriorAuthorization(patientID: patient.id, payer: "Cascade Health Plan", memberID: "M1", number: "PA-77", approvedUnits: 2,
                                       validFrom: Fixtures.today.adding(days: -5), validTo: Fixtures.today.adding(days: 10), codes: ["G2082", "G2083"],
                                       drug: "Spravato"),
                    clinicID: clinic.id, stamp: Fixtures.stamp)
                try await client.execute(uri: page, method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("authorisation PA-77 approves 2 session(s)"), "used up")
                    #expect(html.contains("ends on \(Fixtures.today.adding(days: 10).iso), within 14 days"), "expiring")
                    #expect(html.contains("No prior authorisation covers the esketamine session(s) on"), "sessions after its last day")
                }
                try await client.execute(uri: api, method: .get, headers: desk.api) { response in
                    let json = Self.body(response)
                    #expect(json.contains("authorization-used-up") && json.contains("authorization-expiring"))
                }
            }
        }
    }
}
