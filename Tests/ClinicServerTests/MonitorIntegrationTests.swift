import ClinicDomain
import ClinicInterop
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport

@Suite("Monitor integration: the MLLP listener, the pages and the API")
struct MonitorIntegrationTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// Runs `body` with an MLLP listener on a free loopback port, then stops it.
    static func withListener<T: Sendable>(_ services: ClinicServices, settings: MonitorListenerSettings = MonitorListenerSettings(),
                                          _ body: @Sendable (Int) async throws -> T) async throws -> T {
        var settings = settings
        settings.port = 0
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let listener = MLLPListener(services: services, settings: settings, logger: TestDatabases.quietLogger) { continuation.yield($0) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await listener.run(); return nil }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw MLLPClient.Failure(description: "the listener did not start") }
            let result = try await body(port)
            group.cancelAll()
            return result
        }
    }

    /// A seated session in `chair` with `device` registered there.
    static func seated(_ services: ClinicServices, chair: String = "Chair 1", device: String = "MON-1") async throws -> UUID {
        let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
        try await services.sessionStates.apply(.checkIn, to: sessionID, stamp: Fixtures.stamp)
        try await services.sessionRecords.append(.chair(chair), to: sessionID, stamp: Fixtures.stamp)
        try await MonitorRepository(database: services.database).register(deviceID: device, chair: chair, label: nil, stamp: Fixtures.stamp)
        return sessionID
    }

    @Test("A PCD-01 message is ACKed AA after its reading is on the seated session; a resend is not stored twice; bad messages get AE/AR")
    func listener() async throws {
        try await TestApp.withServices { services in
            let sessionID = try await Self.seated(services)
            let values = VitalReading(systolic: 128, diastolic: 82, heartRate: 71, oxygenSaturation: 90, respiratoryRate: 14)
            let message = PCD01MessageBuilder.message(deviceID: "MON-1", controlID: "T-1", observedAt: Fixtures.now, values: values, meanPressure: 97)
            let answers = try await Self.withListener(services) { port in
                try await MLLPClient.send([
                    message, message,
                    "MSH|^~\\&|X||||20240101000000||ADT^A01|BAD-1|P|2.6\rEVN|A01\r",
                    message.replacingOccurrences(of: "PV1||I|", with: "pv1 bad"),
                ], host: "127.0.0.1", port: port)
            }
            #expect(answers.map(\.code) == ["AA", "AA", "AR", "AE"])
            #expect(answers[0].text == "1 stored, 0 unmatched, 0 already stored")
            #expect(answers[1].text == "0 stored, 0 unmatched, 1 already stored")
            #expect(answers[2].raw.contains("ERR|||200^Unsupported message type^HL70357|E"))
            let record = try #require(try await services.sessionRecords.record(of: sessionID))
            #expect(record.storedReadings.map(\.values) == [values])
            #expect(record.alerts.map(\.code) == ["oxygen-saturation-low"], "90 < 92, the clinic's default [R39]")
            let uncharted = try await MonitorRepository(database: services.database).recentUncharted()
            #expect(uncharted.count == 1, "the NIBP mean is kept beside the reading")
        }
    }

    @Test("Gateways not on the allow-list are disconnected without an answer")
    func allowList() async throws {
        try await TestApp.withServices { services in
            var settings = MonitorListenerSettings()
            settings.gateways = try GatewayAllowList(parsing: "10.0.0.0/8")
            let message = PCD01MessageBuilder.message(deviceID: "MON-1", controlID: "T-2", observedAt: Fixtures.now, values: VitalReading(heartRate: 70))
            await #expect(throws: (any Error).self) {
                try await Self.withListener(services, settings: settings) { port in
                    try await MLLPClient.send([message], host: "127.0.0.1", port: port)
                }
            }
            #expect(try await MonitorRepository(database: services.database).recentMessages().isEmpty)
        }
    }

    @Test("Allow-list entries: addresses and CIDR ranges, IPv4 and IPv6, IPv4-mapped peers", arguments: [
        ("127.0.0.1,::1", "127.0.0.1", true), ("127.0.0.1,::1", "::1", true), ("127.0.0.1", "127.0.0.2", false),
        ("10.20.0.0/16", "10.20.255.1", true), ("10.20.0.0/16", "10.21.0.1", false), ("10.20.0.0/16", "::ffff:10.20.1.1", true),
        ("fd00::/8", "fd12:3456::1", true), ("fd00::/8", "fe80::1", false), ("0.0.0.0/0", "192.0.2.7", true), ("192.0.2.7", "bogus", false),
    ])
    func allowListEntries(list: String, address: String, allowed: Bool) throws {
        #expect(try GatewayAllowList(parsing: list).allows(address) == allowed)
    }

    @Test("Allow-list and listener settings refuse what they cannot use", arguments: [
        ["mllpGateways": "10.0.0.0/33"], ["mllpGateways": "example.org"], ["mllpGateways": ""], ["mllpPort": "0"], ["mllpPort": "70000"],
        ["mllpMaxFrameBytes": "10"], ["mllpFrameSeconds": "0"],
    ])
    func badSettings(flags: [String: String]) {
        #expect(throws: SettingsError.self) { try ServerSettings.resolve(flags: flags, environment: [:], configFile: [:]) }
    }

    @Test("The listener is off by default and on with a port")
    func settings() throws {
        #expect(try ServerSettings.resolve(flags: [:], environment: [:], configFile: [:]).monitors.port == nil)
        let on = try ServerSettings.resolve(flags: ["mllpPort": "2575"], environment: ["KETACLINIC_MLLP_GATEWAYS": "10.1.0.0/16"], configFile: [:])
        #expect(on.monitors.port == 2575)
        #expect(on.monitors.gateways.allows("10.1.2.3"))
    }

    @Test("Administrators register monitors and see the gateways; nurses assign or discard unmatched readings; roles are enforced")
    func pagesAndAPI() async throws {
        try await TestApp.withServices { services in
            let sessionID = try await Self.seated(services, chair: "Chair 2", device: "MON-2")
            let monitors = MonitorRepository(database: services.database)
            _ = try await monitors.ingest(MonitorMessageInput(
                gateway: "10.0.0.9", sendingApplication: "GW", deviceID: "LOOSE", controlID: "U-1", bed: "Bay 9", observationCount: 2,
                readings: [MonitorReadingInput(observedAt: Fixtures.now, values: VitalReading(heartRate: 130), observationsJSON: "[]"),
                           MonitorReadingInput(observedAt: Fixtures.now.addingTimeInterval(5), values: VitalReading(heartRate: 80),
                                               observationsJSON: "[]")]), policy: .defaults, stamp: Fixtures.stamp)
            let waiting = try await monitors.unmatched()
            let first = try #require(waiting.first), second = try #require(waiting.last)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/admin/monitors", method: .get, headers: admin.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(html.contains("Monitors and gateways") && html.contains("MON-2") && html.contains("10.0.0.9"))
                    #expect(html.contains("The listener is off"))
                }
                try await client.execute(uri: "/admin/monitors", method: .get, headers: nurse.page) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: "/admin/monitors/devices", method: .post, headers: admin.form,
                                         body: admin.formBody("deviceId=&chair=Nowhere")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"deviceId-error\"") && Self.body(response).contains("id=\"chair-error\""))
                }
                try await client.execute(uri: "/admin/monitors/devices", method: .post, headers: admin.form,
                                         body: admin.formBody("deviceId=MON-3&chair=Chair+3&label=Spare")) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: "/api/v1/monitors/devices", method: .get, headers: admin.api) { response in
                    #expect(Self.body(response).contains("\"deviceID\":\"MON-3\""))
                }
                try await client.execute(uri: "/api/v1/monitors/devices", method: .post, headers: admin.json,
                                         body: ByteBuffer(string: #"{"deviceId":"MON-4","chair":"Chair 9"}"#)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                try await client.execute(uri: "/monitors/unmatched", method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(html.contains("LOOSE") && html.contains("HR 130/min") && html.contains("is not registered to a chair"))
                }
                try await client.execute(uri: "/monitors/unmatched/\(first.id.uuidString.lowercased())/discard", method: .post,
                                         headers: nurse.form, body: nurse.formBody("reason=")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("Say why the reading is discarded."))
                }
                try await client.execute(uri: "/monitors/unmatched/\(first.id.uuidString.lowercased())/assign", method: .post,
                                         headers: nurse.form,
                                         body: nurse.formBody("sessionId=\(sessionID.uuidString.lowercased())&assignReason=monitor+moved")) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: "/api/v1/monitors/unmatched/\(second.id.uuidString.lowercased())/discard", method: .post,
                                         headers: nurse.json, body: ByteBuffer(string: #"{"reason":"probe on the wrong finger"}"#)) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("\"status\":\"discarded\""))
                }
                try await client.execute(uri: "/api/v1/monitors/unmatched/\(second.id.uuidString.lowercased())/discard", method: .post,
                                         headers: nurse.json, body: ByteBuffer(string: #"{"reason":"again"}"#)) { response in
                    #expect(response.status == .conflict)
                }
                try await client.execute(uri: "/api/v1/monitors/gateways", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .forbidden)
                }
                // (the test client stops the app's services, the database included, when this closure returns)
                let record = try #require(try await services.sessionRecords.record(of: sessionID))
                #expect(record.storedReadings.map(\.values.heartRate) == [130])
                #expect(record.alerts.map(\.code) == ["heart-rate-high"], "the assigned reading raises its alert like any other [R40]")
            }
        }
    }
}
