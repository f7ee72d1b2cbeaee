import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Session safety: discharge judged at the door, chairs, device times, alert floods, corrections, unknown ids")
struct SessionSafetyTests {
    static let aldrete10 = #"{"consciousness": 2, "circulation": 2, "respiration": 2, "oxygenSaturation": 2, "activity": 2, "escortPresent": true}"#

    @Test("Discharge needs a post-dose reading and is judged again at the door: an alert after 'ready' stops it")
    func dischargeAtTheDoor() async throws {
        let clock = TestClock()
        try await TestApp.withServices(now: clock.function) { services in
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let api = SessionAPIClient(client: client, sessionID: sessionID)
                try await api.command("check-in", as: nurse)
                try await api.send(.put, "checklist", SessionAPITests.checklist, as: nurse)
                try await api.send(.post, "/api/v1/patients/\(try #require(try await services.sessionRecords.record(of: sessionID)).session.patientID)/scales",
                                   SessionAPITests.phq9, as: nurse)
                try await api.reading(124, 78, as: nurse)
                try await api.send(.post, "administration", SessionAPITests.administration, as: nurse)
                #expect(try await api.send(.post, "administration", SessionAPITests.administration, as: nurse).status == .conflict,
                        "a second administration is a correction with a reason, not a silent replacement")
                #expect(try await api.command("start-dosing", as: nurse).json["state"] as? String == "dosing")
                for _ in 0..<4 {
                    clock.advance(minutes: 10)
                    try await api.reading(130, 80, as: nurse)
                }
                try await api.command("end-dosing", as: nurse)
                try await api.send(.post, "discharge-assessment", Self.aldrete10, as: nurse)
                let noReading = try await api.command("ready-for-discharge", as: nurse)
                #expect(noReading.status == .conflict, "no blood pressure taken after the dose")
                clock.advance(minutes: 15)
                try await api.reading(126, 79, as: nurse)
                #expect(try await api.command("ready-for-discharge", as: nurse).json["state"] as? String == "ready-for-discharge")
                let spike = try await api.reading(188, 96, as: nurse)
                #expect((spike.json["alerts"] as? [[String: Any]])?.isEmpty == false)
                #expect(try await api.command("discharge", as: nurse).status == .conflict, "the new alert is open and BP is high")
                let again = try await api.reading(189, 96, as: nurse)
                #expect((again.json["alerts"] as? [[String: Any]])?.isEmpty == true, "the same alert is not raised twice while open")
                let record = try await api.send(.get, "/api/v1/sessions/\(sessionID.uuidString)", nil, as: nurse).json
                let open = (record["alerts"] as? [[String: Any]] ?? []).filter { $0["acknowledgement"] == nil }
                #expect(open.count == 2, "systolic-high and systolic-rise, once each: \(open.compactMap { $0["code"] })")
            }
        }
    }

    @Test("A chair holds one patient; a device cannot predate dosing; a correction keeps its time; gateways only record")
    func chairsDevicesCorrections() async throws {
        let clock = TestClock()
        try await TestApp.withServices(now: clock.function) { services in
            let (_, first) = try await SessionFixtures.plannedSession(services.database, treatment: .esketamine)
            let (_, second) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, given: "Bo", family: "Second")
            let nurse = try await TestUsers.make(services, role: .nurse)
            let gatewayToken = try await services.tokens.create(userID: nurse.account.id, name: "gateway", scopes: [.vitalsRecord],
                                                                stamp: Fixtures.stamp).value
            let gateway: HTTPFields = [.authorization: "Bearer \(gatewayToken)", .contentType: "application/json"]
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let one = SessionAPIClient(client: client, sessionID: first)
                let two = SessionAPIClient(client: client, sessionID: second)
                try await one.command("check-in", as: nurse)
                try await two.command("check-in", as: nurse)
                #expect(try await one.send(.post, "chair", #"{"chair": "Chair 1"}"#, as: nurse).status == .created)
                #expect(try await two.send(.post, "chair", #"{"chair": "Chair 1"}"#, as: nurse).status == .conflict, "Chair 1 is taken")
                let posted = try await client.execute(uri: "/api/v1/chairs/Chair%201/vitals", method: .post, headers: gateway,
                                                      body: ByteBuffer(string: #"{"systolic": 124, "diastolic": 78, "heartRate": 70, "oxygenSaturation": 98}"#))
                #expect(posted.status == .created)
                let readingID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [String: Any])?["id"] as? String)
                let struck = try await client.execute(uri: "/api/v1/sessions/\(first.uuidString)/vitals/\(readingID)/amend", method: .post,
                                                      headers: gateway, body: ByteBuffer(string: #"{"reason": "test"}"#))
                #expect(struck.status == .forbidden, "a gateway's token records readings; it does not correct them")
                clock.advance(minutes: 3)
                let fixed = try await one.send(.post, "vitals/\(readingID)/amend", #"{"systolic": 122, "diastolic": 78, "heartRate": 70, "#
                                               + #""oxygenSaturation": 98, "reason": "Cuff slipped"}"#, as: nurse)
                #expect(fixed.status == .created)
                let original = try #require(try await services.sessionRecords.reading(UUID(uuidString: readingID)!, of: first))
                #expect(fixed.json["takenAt"] as? String == ISO8601DateFormatter().string(from: original.takenAt),
                        "the correction keeps the corrected reading's time")
                try await one.send(.put, "checklist", #"{"identityConfirmed": true}"#, as: nurse)
                try await one.send(.post, "administration", #"{"product": "Spravato 28 mg", "lotNumber": "L1", "expiry": "2027-01-01", "#
                                   + #""doseMg": 56, "route": "intranasal", "administeredBy": "Kim", "checkedBy": "Lee"}"#, as: nurse)
                let prescriber = try await TestUsers.make(services, role: .prescriber)
                try await one.command("start-dosing", reason: "Checklist completed on paper today", as: prescriber)
                let early = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(-3600))
                #expect(try await one.send(.post, "devices", #"{"at": "\#(early)"}"#, as: nurse).status == .conflict,
                        "a device cannot be timed before dosing started (it would shorten the 2-hour observation [R13])")
                #expect(try await one.send(.post, "devices", "{}", as: nurse).status == .created)
                let unknown = try await one.send(.post, "/api/v1/sessions/\(UUID().uuidString)/vitals", #"{"heartRate": 70}"#, as: nurse)
                #expect(unknown.status == .notFound)
                let unknownAlert = try await one.send(.post, "alerts/\(UUID().uuidString)/acknowledge", #"{"action": "observed"}"#, as: nurse)
                #expect(unknownAlert.status == .notFound)
                let board = try await client.execute(uri: "/api/v1/board", method: .get, headers: nurse.api) { $0.status }
                #expect(board == .ok)
                let views = try await services.audit.page(AuditFilter(action: .view), limit: 50)
                #expect(views.contains { $0.event.summary == "API chair board" && $0.event.entityID == first.uuidString },
                        "the board's view of each patient is audited")
            }
        }
    }

    @Test("A session booked for a later day cannot be checked in today")
    func futureCheckIn() async throws {
        try await TestApp.withServices { services in
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, on: Fixtures.today.adding(days: 3))
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let refused = try await SessionAPIClient(client: client, sessionID: sessionID).command("check-in", as: desk)
                #expect(refused.status == .conflict)
                #expect((refused.json["detail"] as? String)?.contains("booked for") == true)
            }
        }
    }
}
