import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Patients API")
struct PatientsAPITests {
    struct PatientJSON: Decodable { let id: String; let mrn: String; let givenName: String; let dateOfBirth: String }
    struct PageJSON: Decodable { let items: [PatientJSON]; let total: Int; let next: String? }

    @Test("A patient registered through the API reads back, and the list pages", arguments: TestDatabases.engines)
    func registerAndList(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let user = try await TestUsers.make(services, role: .prescriber)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // act: register three
                var created: [PatientJSON] = []
                for name in ["Cora", "Ada", "Bea"] {
                    let body = #"{"givenName":"\#(name)","familyName":"Testwood","dateOfBirth":"1980-05-17","sexAtBirth":"female"}"#
                    let patient = try await client.execute(uri: "/api/v1/patients", method: .post,
                                                           headers: user.json,
                                                           body: ByteBuffer(string: body)) { response in
                        #expect(response.status == .created)
                        let patient = try JSONDecoder().decode(PatientJSON.self, from: Data(buffer: response.body))
                        #expect(response.headers[.location] == "/api/v1/patients/\(patient.id.lowercased())")
                        return patient
                    }
                    created.append(patient)
                }
                #expect(created.map(\.mrn) == ["KC-000001-8", "KC-000002-6", "KC-000003-4"])
                // validate: read one back
                try await client.execute(uri: "/api/v1/patients/\(created[0].id)", method: .get, headers: user.api) { response in
                    #expect(response.status == .ok)
                    let patient = try JSONDecoder().decode(PatientJSON.self, from: Data(buffer: response.body))
                    #expect(patient.givenName == "Cora")
                    #expect(patient.dateOfBirth == "1980-05-17")
                }
                // validate: pages of two, in name order
                let first = try await client.execute(uri: "/api/v1/patients?limit=2", method: .get, headers: user.api) {
                    try JSONDecoder().decode(PageJSON.self, from: Data(buffer: $0.body))
                }
                #expect(first.total == 3)
                #expect(first.items.map(\.givenName) == ["Ada", "Bea"])
                let next = try #require(first.next)
                let second = try await client.execute(uri: "/api/v1/patients?limit=2&after=\(next)", method: .get, headers: user.api) {
                    try JSONDecoder().decode(PageJSON.self, from: Data(buffer: $0.body))
                }
                #expect(second.items.map(\.givenName) == ["Cora"])
                #expect(second.next == nil)
            }
        }
    }

    @Test("The largest page still links to the next one")
    func largestPage() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .prescriber)
            let clinic = try await services.clinics.primaryClinic()!
            var people = ClinicDomainPeople(seed: 9)
            _ = try await services.patients.registerAll((0..<501).map { _ in people.next() }, in: clinic.id, stamp: Fixtures.stamp)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let page = try await client.execute(uri: "/api/v1/patients?limit=500", method: .get, headers: user.api) {
                    try JSONDecoder().decode(PageJSON.self, from: Data(buffer: $0.body))
                }
                #expect(page.items.count == 500)
                #expect(page.next != nil)
            }
        }
    }

    @Test("The clinic resource shows the stored settings")
    func clinic() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .prescriber)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/clinic", method: .get, headers: user.api) { response in
                    let text = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(text.contains(#""jurisdiction":"US""#))
                    #expect(text.contains(#""name":"KetaClinic""#))
                }
            }
        }
    }
}
