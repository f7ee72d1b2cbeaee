import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Bounded in time: a listener that never connects must fail its test, not hold up the run.
@Suite("The live board with real sessions: readings reach the board across instances and at gateway rates", .timeLimit(.minutes(10)))
struct LiveBoardTests {
    /// Checks patients in (seated in `chairs`) so the board shows them.
    static func seat(_ services: ClinicServices, sessions: [UUID], chairs: [String]) async throws {
        for (sessionID, chair) in zip(sessions, chairs) {
            try await services.sessionStates.apply(.checkIn, to: sessionID, stamp: Fixtures.stamp)
            try await services.sessionRecords.append(.chair(chair), to: sessionID, stamp: Fixtures.stamp)
        }
    }

    @Test("Two instances on one PostgreSQL database: a reading posted to one reaches the board stream of the other")
    func twoInstances() async throws {
        guard TestDatabases.engines.contains(.postgres) else { return }
        try await TestDatabases.withDatabase(.postgres) { database in
            _ = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let second = try ClinicDatabase(location: database.location, poolSize: 2, logger: TestDatabases.quietLogger)
            let first = ClinicServices(database: database, settings: Fixtures.settings)
            var other = ClinicServices(database: second, settings: Fixtures.settings)
            other.boardStreamLimit = .seconds(3)
            let (_, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine, on: first.todayInUTC())
            try await Self.seat(first, sessions: [sessionID], chairs: ["Chair 1"])
            let nurse = try await TestUsers.make(first, role: .nurse)
            let appA = buildApplication(services: first, logger: TestDatabases.quietLogger)
            let appB = buildApplication(services: other, logger: TestDatabases.quietLogger)
            let busB = try #require(other.board as? PostgresBoardBus)
            try await appA.test(.router) { clientA in
                try await appB.test(.router) { clientB in
                    await busB.waitUntilListening()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for _ in 0..<2000 where busB.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
                            let posted = try await clientA.execute(uri: "/api/v1/sessions/\(sessionID.uuidString)/vitals", method: .post,
                                                                   headers: nurse.json,
                                                                   body: ByteBuffer(string: #"{"systolic": 191, "diastolic": 88, "heartRate": 77}"#))
                            #expect(posted.status == .created)
                        }
                        let stream = try await clientB.execute(uri: "/api/v1/board/events", method: .get, headers: nurse.api) {
                            String(buffer: $0.body)
                        }
                        #expect(stream.contains("event: reading\ndata: {"))
                        #expect(stream.contains(sessionID.uuidString))
                        #expect(stream.contains(#""systolic":191"#))
                        #expect(stream.contains("event: alert-raised"), "191 > 180 raises an alert that crosses instances too")
                        try await group.waitForAll()
                    }
                    let board = try await clientB.execute(uri: "/api/v1/board", method: .get, headers: nurse.api) { String(buffer: $0.body) }
                    #expect(board.contains(#""systolic":191"#) && board.contains("Chair 1"), "the other instance's board shows the reading")
                }
            }
            await second.shutDown()
        }
    }

    @Test("A gateway posts readings at 1 Hz for 10 chairs while the board stays current")
    func gatewayTenChairs() async throws {
        try await TestDatabases.withDatabase(.sqlite) { database in
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            var services = ClinicServices(database: database, settings: Fixtures.settings)
            // Long enough for three rounds of posts even when the machine is loaded (the stream ends at its limit).
            services.boardStreamLimit = .seconds(12)
            let chairs = (1...10).map { "Chair \($0)" }
            var policy = SessionPolicy.defaults
            policy.chairs = chairs
            try await services.sessionPolicies.update(policy, of: clinic.id, stamp: Fixtures.stamp)
            var sessions: [UUID] = []
            for index in 1...10 {
                let (_, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine, on: services.todayInUTC(),
                                                                            given: "Patient\(index)", family: "Chair\(index)")
                sessions.append(sessionID)
            }
            try await Self.seat(services, sessions: sessions, chairs: chairs)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let gateway = try await services.tokens.create(userID: nurse.account.id, name: "monitor gateway", scopes: [.vitalsRecord],
                                                           stamp: Fixtures.stamp).value
            let gatewayHeaders: HTTPFields = [.authorization: "Bearer \(gateway)", .contentType: "application/json"]
            let bus = try #require(services.board as? InProcessBoardBus)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for _ in 0..<2000 where bus.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
                        for second in 0..<3 {
                            let tick = ContinuousClock.now
                            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { posts in
                                for (index, chair) in chairs.enumerated() {
                                    posts.addTask {
                                        let body = #"{"systolic": \#(110 + index), "diastolic": 70, "heartRate": \#(60 + second)}"#
                                        return try await client.execute(uri: "/api/v1/chairs/\(chair.replacingOccurrences(of: " ", with: "%20"))/vitals",
                                                                        method: .post, headers: gatewayHeaders, body: ByteBuffer(string: body)).status
                                    }
                                }
                                for try await status in posts { #expect(status == .created) }
                            }
                            try await Task.sleep(until: tick + .seconds(1))
                        }
                    }
                    let stream = try await client.execute(uri: "/api/v1/board/events", method: .get, headers: nurse.api) { String(buffer: $0.body) }
                    #expect(stream.components(separatedBy: "event: reading\n").count - 1 == 30, "every reading reached the board")
                    try await group.waitForAll()
                }
                let board = try await client.execute(uri: "/api/v1/board", method: .get, headers: nurse.api) { $0.body }
                let snapshot = try JSONSerialization.jsonObject(with: Data(buffer: board)) as? [String: Any]
                let cards = try #require(snapshot?["cards"] as? [[String: Any]])
                #expect(cards.count == 10)
                for card in cards {
                    let chair = try #require(card["chair"] as? String)
                    let index = try #require(chairs.firstIndex(of: chair))
                    let values = (card["lastReading"] as? [String: Any])?["values"] as? [String: Any]
                    #expect(values?["systolic"] as? Int == 110 + index && values?["heartRate"] as? Int == 62, "\(chair) shows its latest reading")
                }
                #expect(cards.map { $0["chair"] as? String } == chairs, "cards in the clinic's chair order")
            }
        }
    }
}

extension ClinicServices {
    /// Today where the clinic is, by the services' clock (tests of sessions booked today).
    func todayInUTC() -> CalendarDate { CalendarDate(instant: now(), in: .gmt) }
}
