import ClinicDomain
import ClinicServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Pharmacokinetic preview page and API")
struct PKHTTPTests {
    /// A fresh clinic, a signed-in user of `role` and a test client.
    private static func withClient(
        _ role: Role, _ body: @escaping @Sendable (TestUser, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: role)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in try await body(user, client) }
        }
    }

    @Test("With no query the page shows the 40 and 100 minute series side by side, in the Dosing section")
    func defaultView() async throws {
        try await Self.withClient(.prescriber) { user, client in
            try await client.execute(uri: "/dosing/pk", method: .get, headers: user.page) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("<svg") && html.contains(#"class="pk-band""#))
                #expect(html.contains("40 min infusion") && html.contains("100 min infusion"))
                #expect(html.components(separatedBy: "<path ").count - 1 == 2)
                #expect(html.contains(#"name="weightKg" value="70""#) && html.contains(#"name="doseMg" value="35""#))
                #expect(html.contains(#"<form class="stacked pk-form" method="get" action="/dosing/pk""#))
                #expect(html.contains(#"href="/dosing" aria-current="page""#))
                #expect(html.contains(PKPreview.disclaimer))
                #expect(!html.contains("pk-approximate"))
            }
        }
    }

    @Test("A query changes the preview; the same query is a shareable URL")
    func query() async throws {
        try await Self.withClient(.nurse) { user, client in
            try await client.execute(uri: "/dosing/pk?model=clements&weightKg=70&doseMg=35&minutes=40&compareMinutes=&thresholdNgPerMl=100",
                                     method: .get, headers: user.page) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("177.3"), "Clements worked example Cmax")
                #expect(html.components(separatedBy: "<path ").count - 1 == 1)
            }
        }
    }

    @Test("A bad weight shows a field error with 422, not a server error")
    func badWeight() async throws {
        try await Self.withClient(.prescriber) { user, client in
            try await client.execute(uri: "/dosing/pk?weightKg=7", method: .get, headers: user.page) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains(#"id="weightKg-error""#))
                #expect(html.contains("Enter a body weight between 25 and 350 kg."))
                #expect(html.contains(#"name="weightKg" value="7""#), "the typed value is shown again")
                #expect(!html.contains("<svg"))
            }
            try await client.execute(uri: "/dosing/pk?weightKg=%%%&devices=x", method: .get, headers: user.page) { response in
                #expect(response.status.code < 500)
            }
        }
    }

    @Test("Esketamine shows the approximate banner and one series")
    func esketamine() async throws {
        try await Self.withClient(.prescriber) { user, client in
            try await client.execute(uri: "/dosing/pk?treatment=esketamine&devices=3", method: .get, headers: user.page) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("pk-approximate") && html.contains("Approximate."))
                #expect(html.contains("84 mg (3 devices)"))
                #expect(html.components(separatedBy: "<path ").count - 1 == 1)
            }
        }
    }

    @Test("Nurses may open the page; front desk may not, on the page or the API")
    func access() async throws {
        try await Self.withClient(.nurse) { nurse, client in
            try await client.execute(uri: "/dosing/pk", method: .get, headers: nurse.page) { #expect($0.status == .ok) }
        }
        try await Self.withClient(.frontDesk) { desk, client in
            try await client.execute(uri: "/dosing/pk", method: .get, headers: desk.page) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/pk", method: .post, headers: desk.json,
                                     body: ByteBuffer(string: #"{"model":"domino","weightKg":70,"doseMg":35,"minutes":40}"#)) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test("POST /api/v1/pk answers the curve, and a second curve with compareMinutes")
    func apiHappyPath() async throws {
        try await Self.withClient(.prescriber) { user, client in
            let body = #"{"model":"domino","weightKg":70,"doseMg":35,"minutes":40,"untilMin":60,"stepMin":10}"#
            try await client.execute(uri: "/api/v1/pk", method: .post, headers: user.json, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(object["cmaxNgPerMl"] as? Double == 240.33)
                #expect(object["tmaxMin"] as? Double == 40)
                #expect(object["model"] as? String == "domino")
                #expect((object["points"] as? [[String: Double]])?.map { $0["minute"] } == [0, 10, 20, 30, 40, 50, 60])
                #expect((object["disclaimer"] as? String) == PKPreview.disclaimer)
                #expect(object["minutesAboveThreshold"] is Double)
                #expect(object["compare"] == nil)
            }
            let compare = #"{"model":"domino","weightKg":70,"doseMg":35,"minutes":40,"compareMinutes":100}"#
            try await client.execute(uri: "/api/v1/pk", method: .post, headers: user.json, body: ByteBuffer(string: compare)) { response in
                #expect(response.status == .ok)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let second = try #require(object["compare"] as? [String: Any])
                #expect(second["minutes"] as? Double == 100)
                #expect((second["cmaxNgPerMl"] as? Double ?? 1000) < (object["cmaxNgPerMl"] as? Double ?? 0))
                #expect((second["peakReduction"] as? Double ?? 0) > 0.3)
                #expect((second["points"] as? [Any])?.count == (object["points"] as? [Any])?.count, "one common time axis")
            }
        }
    }

    @Test("POST /api/v1/pk/esketamine takes devices or doseMg and says it is approximate")
    func apiEsketamine() async throws {
        try await Self.withClient(.nurse) { user, client in
            for body in [#"{"devices":2}"#, #"{"doseMg":56}"#] {
                try await client.execute(uri: "/api/v1/pk/esketamine", method: .post, headers: user.json,
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok, "\(body)")
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                    #expect(object["approximate"] as? Bool == true)
                    #expect(object["devices"] as? Int == 2 && object["doseMg"] as? Double == 56)
                    #expect(object["model"] as? String == "esketamine")
                    #expect((object["tmaxMin"] as? Double).map { $0 > 25 && $0 < 45 } == true)
                    #expect(object["cmaxNgPerMl"] is Double && object["points"] is [Any])
                }
            }
        }
    }

    @Test("Bad API input is problem+json naming the field", arguments: [
        ("/api/v1/pk", #"{"model":"domino","weightKg":7,"doseMg":35,"minutes":40}"#, ["weightKg"]),
        ("/api/v1/pk", #"{"model":"marsh","weightKg":70,"doseMg":0,"minutes":40}"#, ["model", "doseMg"]),
        ("/api/v1/pk", #"{"model":"domino","weightKg":70,"doseMg":35,"minutes":40,"compareMinutes":-5}"#, ["compareMinutes"]),
        ("/api/v1/pk", #"{"model":"domino","weightKg":70,"doseMg":35}"#, ["minutes"]),
        ("/api/v1/pk", #"{"model":"domino","weightKg":70,"doseMg":35,"minutes":40,"rate":3}"#, ["rate"]),
        ("/api/v1/pk/esketamine", #"{"devices":4}"#, ["devices"]),
        ("/api/v1/pk/esketamine", #"{"doseMg":50}"#, ["doseMg"]),
        ("/api/v1/pk/esketamine", #"{}"#, ["devices"]),
        ("/api/v1/pk/esketamine", #"{"devices":1,"doseMg":56}"#, ["doseMg"]),
    ])
    func apiProblems(path: String, body: String, fields: [String]) async throws {
        try await Self.withClient(.prescriber) { user, client in
            try await client.execute(uri: path, method: .post, headers: user.json, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.errors?.map(\.field) == fields, "\(body)")
            }
        }
    }
}
