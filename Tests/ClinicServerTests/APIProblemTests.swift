import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("API errors are problem+json, never 500")
struct APIProblemTests {
    static let big = String(repeating: "a", count: (1 << 20) + 10)

    @Test("Bad requests get a 4xx problem", arguments: [
        ("malformed JSON", "/api/v1/patients", HTTPRequest.Method.post, "application/json", #"{"givenName": "A","#, 400, "malformed-json"),
        ("not an object", "/api/v1/patients", .post, "application/json", #"[1, 2]"#, 400, "malformed-json"),
        ("unknown field", "/api/v1/patients", .post, "application/json",
         #"{"givenName":"A","familyName":"B","dateOfBirth":"1980-01-01","sexAtBirth":"male","allergies":"none"}"#, 422, "validation"),
        ("wrong type", "/api/v1/patients", .post, "application/json",
         #"{"givenName":5,"familyName":"B","dateOfBirth":"1980-01-01","sexAtBirth":"male"}"#, 422, "validation"),
        ("missing field", "/api/v1/patients", .post, "application/json", #"{"givenName":"A"}"#, 422, "validation"),
        ("impossible value", "/api/v1/patients", .post, "application/json",
         #"{"givenName":"A","familyName":"B","dateOfBirth":"2090-01-01","sexAtBirth":"male"}"#, 422, "validation"),
        ("body over the limit", "/api/v1/patients", .post, "application/json", big, 413, "body-too-large"),
        ("wrong content type", "/api/v1/patients", .post, "text/plain", "hello", 415, "unsupported-media-type"),
        ("unknown route", "/api/v1/nowhere", .get, "application/json", "", 404, "not-found"),
        ("unknown patient", "/api/v1/patients/00000000-0000-0000-0000-000000000000", .get, "application/json", "", 404, "not-found"),
        ("damaged cursor", "/api/v1/patients?after=%%%", .get, "application/json", "", 400, "invalid-cursor"),
        ("limit out of range", "/api/v1/patients?limit=0", .get, "application/json", "", 422, "validation"),
    ])
    func problem(_ label: String, uri: String, method: HTTPRequest.Method, contentType: String, body: String,
                 status: Int, type: String) async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .prescriber)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: uri, method: method, headers: user.api.merging([.contentType: contentType]),
                                         body: body.isEmpty ? nil : ByteBuffer(string: body)) { response in
                    #expect(response.status.code == status, "\(label)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(label)")
                    let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                    #expect(problem.type == "urn:ketaclinic:problem:\(type)", "\(label)")
                    #expect(problem.statusCode == status)
                    #expect(problem.requestId?.isEmpty == false)
                    #expect(response.headers.first(where: { $0.name.canonicalName == "x-request-id" })?.value == problem.requestId)
                }
            }
        }
    }

    @Test("Validation problems name each field")
    func fieldErrors() async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: .prescriber)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let body = #"{"givenName":"","familyName":"B","dateOfBirth":"1980-02-30","sexAtBirth":"x"}"#
                try await client.execute(uri: "/api/v1/patients", method: .post, headers: user.json,
                                         body: ByteBuffer(string: body)) { response in
                    let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                    #expect(problem.errors?.map(\.field) == ["givenName", "dateOfBirth", "sexAtBirth"])
                }
            }
        }
    }
}
