import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Every read of the JSON API on a demo clinic, answered as the API's description states: the
/// shapes learnt from the handlers' Codable types against what the server really sends.
@Suite("API answers match their stated shapes")
struct AnswerShapeHTTPTests {
    /// The answer to the first of `users` allowed to read `uri`: status and body.
    static func get(_ client: some TestClientProtocol, _ users: [TestUser], _ uri: String) async throws -> (HTTPResponse.Status, Data) {
        var last: (HTTPResponse.Status, Data) = (.forbidden, Data())
        for user in users {
            last = try await client.execute(uri: uri, method: .get, headers: user.api) { ($0.status, Data(buffer: $0.body)) }
            if last.0 != .forbidden { return last }
        }
        return last
    }

    /// `key` of the first item of the list `uri` answers.
    static func firstID(_ client: some TestClientProtocol, _ users: [TestUser], _ uri: String, _ key: String = "id") async throws -> String? {
        let (_, data) = try await get(client, users, uri)
        let items = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
        return items.first?[key].map { "\($0)" }
    }

    /// Reads every GET route that states its answer, with ids read through the API, and checks each answer.
    static func readEverything(_ client: some TestClientProtocol, _ users: [TestUser], _ entries: [RouteEntry]) async throws {
        let conformance = AnswerConformance(entries: entries)
        // Ids to fill the paths with, read through the API itself.
        let sessions = try await Self.get(client, users, "/api/v1/sessions?date=\(Fixtures.today.iso)")
        let sessionID = ((try? JSONSerialization.jsonObject(with: sessions.1)) as? [[String: Any]])?.first?["id"] as? String
        let patientWithPlan = try await Self.firstID(client, users, "/api/v1/sessions?date=\(Fixtures.today.iso)", "patientID")
        let protocolID = try await Self.firstID(client, users, "/api/v1/protocols")
        let productID = ((try? JSONSerialization.jsonObject(with: try await Self.get(client, users, "/api/v1/register/stock").1)) as? [String: Any])
            .flatMap { ($0["products"] as? [[String: Any]])?.first?["product"] as? [String: Any] }?["id"] as? String
        let fills: [String: String?] = [
            "id": patientWithPlan, "patient": patientWithPlan, "session": sessionID, "version": "1",
            "date": Fixtures.today.iso, "protocol": protocolID, "product": productID,
        ]
        // The demo clinic keeps no controlled-substance stock, so the product routes stay unreached.
        #expect(sessionID != nil && patientWithPlan != nil && protocolID != nil, "the demo clinic has what the paths need")
        var checked = 0
        var unreached: [String] = []
        for entry in OpenAPIDocumentBuilder.apiRoutes(entries) where entry.method == .get && entry.answer != nil {
            var parts: [String] = []
            for part in entry.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
                guard part.hasPrefix(":") else { parts.append(part); continue }
                guard let value = fills[String(part.dropFirst())] ?? nil else { parts = []; break }
                parts.append(value)
            }
            guard !parts.isEmpty else { unreached.append(entry.path); continue }
            let uri = parts.joined(separator: "/")
            let (status, body) = try await Self.get(client, users, uri)
            #expect(status.code < 500, "\(uri): \(status)")
            if (200..<300).contains(status.code) { checked += conformance.check(.get, uri, status: status, body: body) } else {
                unreached.append("\(uri) (\(status.code))")
            }
        }
        #expect(checked >= 45, "answers checked: \(checked); not reached: \(unreached)")
        print("answers checked against their stated shapes: \(checked); not reached: \(unreached)")
    }

    @Test("Each GET route with a stated answer, on a demo clinic, answers that shape", arguments: TestDatabases.engines)
    func everyRead(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            _ = try await DemoClinicLoader(database: services.database).load(patients: 30, seed: 1, now: Fixtures.now)
            var made: [TestUser] = []
            for role in [Role.prescriber, .administrator, .nurse, .frontDesk] { made.append(try await TestUsers.make(services, role: role)) }
            let users = made
            let catalog = RouteCatalog()
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger, catalog: catalog)
            let entries = catalog.entries
            try await app.test(.router) { client in try await Self.readEverything(client, users, entries) }
        }
    }
}
