import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Check-in hard stop: REMS enrolment for esketamine, a current screening for IV and IM")
struct CheckInHardStopTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("Esketamine without REMS enrolment: the API answers 409 naming it [R19][R21], the page shows the refusal; after enrolment check-in works")
    func remsEnrolmentMissing() async throws {
        try await TestApp.withServices { services in
            let (patient, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .esketamine, remsEnrolled: false)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let api = "/api/v1/sessions/\(sessionID.uuidString.lowercased())/commands"
            let page = "/sessions/\(sessionID.uuidString.lowercased())"
            try await app.test(.router) { client in
                try await client.execute(uri: api, method: .post, headers: desk.json, body: ByteBuffer(string: #"{"command":"check-in"}"#)) { response in
                    #expect(response.status == .conflict)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = Self.body(response)
                    #expect(problem.contains("check-in-refused") && problem.contains("rems-not-enrolled") && problem.contains("[R19][R21]"), "\(problem)")
                }
                try await client.execute(uri: page + "/commands", method: .post, headers: desk.form, body: desk.formBody("command=check-in")) { response in
                    #expect(response.status == .conflict)
                    let html = Self.body(response)
                    #expect(html.contains("Check-in refused") && html.contains("REMS enrolment is not on file"), "the refusal is shown on the page")
                }
                let record = try #require(try await services.sessionRecords.record(of: sessionID))
                #expect(record.session.state == .scheduled, "nothing changed")

                try await client.execute(uri: "/api/v1/schedule/patients/\(patient.id.uuidString)/rems-enrolment", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"enrolledOn":"\#(Fixtures.today.iso)","reference":"REMS-77"}"#)) {
                    #expect($0.status == .noContent)
                }
                try await client.execute(uri: api, method: .post, headers: desk.json, body: ByteBuffer(string: #"{"command":"check-in"}"#)) { response in
                    #expect(response.status == .ok, "\(Self.body(response))")
                }
            }
        }
    }

    @Test("IV with a screening past the clinic's validity: refused with screening-expired (clinic policy); a longer validity lets it through")
    func screeningExpired() async throws {
        let clock = TestClock()
        try await TestApp.withServices(now: clock.function) { services in
            let day = Fixtures.today.adding(days: 3)
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, on: day)
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let api = "/api/v1/sessions/\(sessionID.uuidString.lowercased())/commands"
            var short = SchedulingPolicy.defaults, long = SchedulingPolicy.defaults
            short.screeningValidDays = 1
            long.screeningValidDays = 30
            let shortBody = try JSONEncoder().encode(short), longBody = try JSONEncoder().encode(long)
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/schedule/policy", method: .put, headers: admin.json,
                                         body: ByteBuffer(data: shortBody)) { #expect($0.status == .ok) }
                clock.advance(3 * 86_400)   // the session's day; the screening (signed on the 22nd) held through the 23rd
                try await client.execute(uri: api, method: .post, headers: nurse.json, body: ByteBuffer(string: #"{"command":"check-in"}"#)) { response in
                    #expect(response.status == .conflict)
                    let problem = Self.body(response)
                    #expect(problem.contains("screening-expired") && problem.contains("clinic policy") && problem.contains("2026-11-23"), "\(problem)")
                }
                try await client.execute(uri: "/api/v1/schedule/policy", method: .put, headers: admin.json,
                                         body: ByteBuffer(data: longBody)) { #expect($0.status == .ok) }
                try await client.execute(uri: api, method: .post, headers: nurse.json, body: ByteBuffer(string: #"{"command":"check-in"}"#)) { response in
                    #expect(response.status == .ok, "\(Self.body(response))")
                }
            }
        }
    }
}
