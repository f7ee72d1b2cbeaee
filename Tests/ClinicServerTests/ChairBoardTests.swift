import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Bounded in time: a listener that never connects must fail its test, not hold up the run.
@Suite("The live chair board: page, snapshot and event stream", .timeLimit(.minutes(10)))
struct ChairBoardTests {
    static let sessionID = UUID(uuidString: "5A1E0000-0000-4000-8000-000000000001")!
    static let patientID = UUID(uuidString: "5A1E0000-0000-4000-8000-000000000002")!
    static let alertID = UUID(uuidString: "5A1E0000-0000-4000-8000-000000000003")!

    /// One IV session mid-infusion with an open alert; whole seconds, as the API's ISO dates carry.
    static var snapshot: BoardSnapshot {
        let now = Fixtures.now
        let alert = ChairCard.OpenAlert(alert: .init(id: alertID, code: "systolic-high", message: "Systolic 182 mmHg is above 180 mmHg"),
                                        raisedAt: now.addingTimeInterval(-120), escalatedAt: nil)
        let card = ChairCard(
            sessionID: sessionID, patientID: patientID, patientName: "Lovelace, Ada <b>", chair: "Chair 3", state: .dosing,
            route: "intravenous", doseSummary: "35 mg IV over 40 min", checkedInAt: now.addingTimeInterval(-1_800),
            doseStartedAt: now.addingTimeInterval(-600), doseEndedAt: nil, plannedInfusionMinutes: 40, infusionProgress: 0.25,
            paused: true,
            lastReading: .init(takenAt: now.addingTimeInterval(-60),
                               values: VitalReading(systolic: 182, diastolic: 96, heartRate: 91, oxygenSaturation: 97, respiratoryRate: 15)),
            duePoints: ["15 min after dose start"], overduePoints: ["5 min after dose start"], openAlerts: [alert])
        return BoardSnapshot(generatedAt: now, cards: [card])
    }

    /// Services over a fresh database on `engine` with `bus` (the engine's own when nil) and the fixed snapshot.
    static func withBoard(_ bus: InProcessBoardBus? = InProcessBoardBus(), engine: SQLEngine = .sqlite,
                          _ body: (ClinicServices) async throws -> Void) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            var services = ClinicServices(database: database, settings: Fixtures.settings, now: { Fixtures.now }, board: bus,
                                          boardSnapshots: FixedBoardSnapshotSource(snapshot))
            // Long enough that a publisher starved of CPU (a loaded CI machine) still publishes inside the stream.
            services.boardStreamLimit = .seconds(3)
            try await body(services)
        }
    }

    @Test("GET /api/v1/board answers the snapshot as JSON with ISO-8601 dates")
    func snapshotJSON() async throws {
        try await Self.withBoard { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let text = try await client.execute(uri: "/api/v1/board", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json")
                    return String(buffer: response.body)
                }
                #expect(text.contains(#""generatedAt":"2"#))
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                #expect(try decoder.decode(BoardSnapshot.self, from: Data(text.utf8)) == Self.snapshot)
            }
        }
    }

    @Test("GET /board shows a card with its vital signs, alert and acknowledge form, the template and the script")
    func page() async throws {
        try await Self.withBoard { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/board", method: .get, headers: nurse.page) { response in
                    let html = String(buffer: response.body)
                    let session = Self.sessionID.uuidString.lowercased(), alert = Self.alertID.uuidString.lowercased()
                    #expect(response.status == .ok)
                    #expect(html.contains(#"<a href="/board" aria-current="page">Chair board</a>"#))
                    #expect(html.contains(#"data-session-id="\#(session)""#))
                    #expect(html.contains(#"class="chair-card state-dosing alerting overdue""#))
                    #expect(html.contains("Chair 3"))
                    #expect(html.contains(#"<a href="/patients/\#(Self.patientID.uuidString.lowercased())">Lovelace, Ada &lt;b&gt;</a>"#))
                    #expect(html.contains(#"data-vital="bp">182/96<"#))
                    #expect(html.contains(#"data-vital="oxygenSaturation">97%<"#))
                    #expect(html.contains("Infusion 25% of 40 min — PAUSED"))
                    #expect(html.contains("⚠ Overdue: ") && html.contains("5 min after dose start"))
                    #expect(html.contains("Systolic 182 mmHg is above 180 mmHg"))
                    #expect(html.contains(#"data-alert-id="\#(alert)""#))
                    #expect(html.contains(#"action="/board/sessions/\#(session)/alerts/\#(alert)/acknowledge" class="acknowledge-form" data-in-place="alert""#))
                    #expect(html.contains(#"action="/board/sessions/\#(session)/vitals""#))
                    // axe `list`: the role=alert sits in a div inside the li, never directly in the ul.
                    #expect(html.contains(#"data-alert-id="\#(alert)"><div class="alert-body" role="alert">"#))
                    #expect(!html.contains(#"<li class="card-alert" role="alert""#))
                    #expect(html.contains(#"name="_csrf" value="\#(nurse.csrf)""#))
                    #expect(html.contains(#"<option value="paused-infusion">Paused the infusion</option>"#))
                    #expect(html.contains(#"<option value="observed">Observed; no action needed</option>"#))
                    #expect(html.contains(#"name="note""#))
                    #expect(html.contains(#"href="/sessions/\#(session)" aria-label="Session page of Chair 3">Session page</a>"#))
                    #expect(html.contains(#"data-since="#))
                    #expect(html.contains(#"<template id="board-alert-template">"#))
                    #expect(html.contains(#"id="board-connection""#) && html.contains(#"id="board-clock""#))
                    #expect(html.contains(#"aria-live="assertive""#))
                    #expect(html.contains(#"<script src="/assets/board.js?v="#) && html.contains(#"defer="defer""#))
                    #expect(!html.contains("<script>"))
                }
                try await client.execute(uri: "/assets/board.js", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                    #expect(String(buffer: response.body).contains("new EventSource(STREAM_URL)"))
                }
            }
        }
    }

    @Test("Roles without the clinical record (administrators, front desk) do not open the board")
    func pageWithoutClinicalAccess() async throws {
        try await Self.withBoard { services in
            let administrator = try await TestUsers.make(services, role: .administrator)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                for user in [administrator, desk] {
                    try await client.execute(uri: "/board", method: .get, headers: user.page) { response in
                        #expect(response.status == .forbidden)
                        #expect(!String(buffer: response.body).contains("Systolic 182 mmHg"))
                    }
                }
            }
        }
    }

    @Test("GET /board?fragment=1 answers only the cards")
    func fragment() async throws {
        try await Self.withBoard { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/board?fragment=1", method: .get, headers: nurse.page) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(html.hasPrefix(#"<div id="board-cards" class="board-cards""#))
                    #expect(html.hasSuffix("</div>"))
                    #expect(html.contains(#"data-session-id="\#(Self.sessionID.uuidString.lowercased())""#))
                    #expect(html.contains(#"name="_csrf" value="\#(nurse.csrf)""#))
                    #expect(!html.contains("<html") && !html.contains("<template") && !html.contains("<nav"))
                }
            }
        }
    }

    @Test("The event streams relay a published event as server-sent events, for the page and the API",
          arguments: ["/board/events", "/api/v1/board/events"])
    func stream(path: String) async throws {
        let bus = InProcessBoardBus()
        try await Self.withBoard(bus) { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let event = BoardEvent(kind: .alertRaised, sessionID: Self.sessionID, storedAt: Date(timeIntervalSince1970: 1_795_000_000.123),
                                   alert: .init(id: Self.alertID, code: "systolic-high", message: "Systolic 182 mmHg"))
            try await app.test(.router) { client in
                let headers = path.hasPrefix("/api/") ? nurse.api : nurse.page
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // Publishes once the stream has subscribed; the stream then ends at its limit.
                        for _ in 0..<2000 where bus.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
                        try await bus.publish(event)
                    }
                    try await client.execute(uri: path, method: .get, headers: headers) { response in
                        let body = String(buffer: response.body)
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
                        #expect(response.headers[.cacheControl] == "no-store")
                        #expect(response.headers[HTTPField.Name("X-Accel-Buffering")!] == "no")
                        #expect(body.hasPrefix("retry: 2000\n\n"))
                        #expect(body.contains("event: alert-raised\ndata: {"))
                        #expect(body.contains(#""storedAt":1795000000123"#))
                        #expect(body.contains("Systolic 182 mmHg"))
                        #expect(body.hasSuffix("}\n\n"))
                        // The server ended the stream (its limit): the last frame tells the client to reconnect and redraw.
                        #expect(body.hasSuffix("retry: 2000\nevent: reconnect\ndata: {\"reconnectAfterMs\":2000,\"resync\":true}\n\n"))
                    }
                    try await group.waitForAll()
                }
            }
            #expect(bus.subscriberCount == 0, "the stream unsubscribed when it ended")
        }
    }

    @Test("The stream relays events through the engine's own bus (LISTEN/NOTIFY on PostgreSQL)", arguments: TestDatabases.engines)
    func streamOnEngine(engine: SQLEngine) async throws {
        try await Self.withBoard(nil, engine: engine) { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let event = BoardEvent(kind: .phaseChanged, sessionID: Self.sessionID, storedAt: Date(timeIntervalSince1970: 1_795_000_000.987),
                                   state: .observation)
            let postgres = services.board as? PostgresBoardBus
            #expect((postgres != nil) == (engine == .postgres))
            try await app.test(.router) { client in
                await postgres?.waitUntilListening()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        let subscribed: @Sendable () -> Bool = {
                            (postgres?.subscriberCount ?? (services.board as? InProcessBoardBus)?.subscriberCount ?? 0) > 0
                        }
                        for _ in 0..<2000 where !subscribed() { try await Task.sleep(for: .milliseconds(5)) }
                        try await services.board.publish(event)
                    }
                    let body = try await client.execute(uri: "/board/events", method: .get, headers: nurse.page) { String(buffer: $0.body) }
                    #expect(body.contains("event: phase-changed\ndata: {"))
                    #expect(body.contains(#""state":"observation""#) && body.contains(#""storedAt":1795000000987"#))
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test("Without signing in, the page's stream redirects to sign-in and the API's answers 401")
    func anonymous() async throws {
        try await Self.withBoard { services in
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/board/events", method: .get) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location]?.hasPrefix("/login") == true)
                }
                try await client.execute(uri: "/api/v1/board/events", method: .get) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/api/v1/board", method: .get) { response in
                    #expect(response.status == .unauthorized)
                }
            }
        }
    }

    @Test("A token without patients.read (a monitor gateway's) may not watch the board")
    func forbidden() async throws {
        try await Self.withBoard { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let gateway = try await services.tokens.create(userID: nurse.account.id, name: "monitor gateway", scopes: [.vitalsRecord],
                                                           stamp: Fixtures.stamp)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                for path in ["/api/v1/board/events", "/api/v1/board"] {
                    let status = try await client.execute(uri: path, method: .get,
                                                          headers: [.authorization: "Bearer \(gateway.value)"]) { $0.status }
                    #expect(status == .forbidden, "\(path)")
                }
            }
        }
    }
}
