import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("The session page's actions: destructive steps need a reason; Given by is the signed-in user, Checked by a second person")
struct SessionPageActionsTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }
    private static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    @Test("Cancel and stop early are apart from the next step and refused without a reason, with the field's own error",
          arguments: TestDatabases.engines)
    func destructiveNeedsReason(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            // setup
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let path = "/sessions/\(sessionID.uuidString.lowercased())"
            try await app.test(.router) { client in
                _ = try await client.execute(uri: "\(path)/commands", method: .post, headers: nurse.form, body: nurse.formBody("command=check-in"))
                // validate: the page offers the next step as the primary action, cancel folded apart and outlined
                try await client.execute(uri: path, method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains(#"<form method="post" action="\#(path)/commands" class="command-form" id="command-begin-checks">"#))
                    #expect(html.contains(#"class="primary big">Begin pre-treatment checks</button>"#))
                    #expect(html.contains(#"<details class="destructive-commands" id="destructive-commands">"#))
                    #expect(html.contains(#"<label for="reason-cancel">Why is the session cancelled?</label>"#))
                    #expect(html.contains(#"class="secondary danger">Cancel session</button>"#))
                    #expect(!html.contains(#"class="primary big">Cancel session"#))
                }
                // act: cancel with an empty reason
                let empty = try await client.execute(uri: "\(path)/commands", method: .post, headers: nurse.form,
                                                     body: nurse.formBody("command=cancel&reason=%20"))
                // validate: 422, the field marked, the details open, nothing changed
                #expect(empty.status == .unprocessableContent)
                let html = Self.body(empty)
                #expect(html.contains(#"<details open="open" class="destructive-commands""#))
                #expect(html.contains(#"id="reason-cancel-error">Say why the session is cancelled.</p>"#))
                #expect(html.contains(#"aria-invalid="true" aria-describedby="reason-cancel-error""#))
                #expect(try await services.sessionRecords.record(of: sessionID)?.session.state == .checkedIn)
                // act: with a reason
                let cancelled = try await client.execute(uri: "\(path)/commands", method: .post, headers: nurse.form,
                                                         body: nurse.formBody("command=cancel&reason=Patient%20unwell%20today"))
                #expect(cancelled.status == .seeOther)
                let record = try #require(try await services.sessionRecords.record(of: sessionID))
                #expect(record.session.state == .cancelled)
                #expect(record.transitions.last?.detail.contains("Patient unwell today") == true, "the reason is on the record")
            }
        }
    }

    @Test("The administration record: Given by is the signed-in user; Checked by confirms with their own credentials",
          arguments: TestDatabases.engines)
    func givenAndCheckedBy(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            // setup
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let path = "/sessions/\(sessionID.uuidString.lowercased())"
            let details = "product=Ketamine&lotNumber=K1&expiry=2027-06-30&concentrationMgPerMl=50&doseMg=35&route=intravenous"
                + "&pumpRateMlPerHour=42&administeredBy=Somebody%20Else&checkedBy=Typed%20Name"
            try await app.test(.router) { client in
                _ = try await client.execute(uri: "\(path)/commands", method: .post, headers: nurse.form, body: nurse.formBody("command=check-in"))
                _ = try await client.execute(uri: "\(path)/commands", method: .post, headers: nurse.form, body: nurse.formBody("command=begin-checks"))
                try await client.execute(uri: path, method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains(#"<p class="given-by" id="given-by"><strong>Given by: </strong>Test Nurse (you, signed in)</p>"#))
                    #expect(html.contains(#"id="checkerEmail""#) && html.contains(#"type="password" id="checkerPassword""#))
                    #expect(!html.contains(#"id="administeredBy""#) && !html.contains(#"id="checkedBy""#), "no free-text names")
                }
                // Each refusal is a field error beside the checker's fields, and nothing is stored.
                let cases: [(String, String, String)] = [
                    ("", "checkerEmail", "A second person"),
                    ("&checkerEmail=\(Self.encoded(nurse.account.email.text))&checkerPassword=\(Self.encoded(TestUsers.password))",
                     "checkerEmail", "someone other than you"),
                    ("&checkerEmail=\(Self.encoded(prescriber.account.email.text))&checkerPassword=wrong", "checkerPassword", "not right"),
                    ("&checkerEmail=\(Self.encoded(desk.account.email.text))&checkerPassword=\(Self.encoded(TestUsers.password))",
                     "checkerEmail", "cannot confirm this"),
                ]
                for (credentials, field, message) in cases {
                    let refused = try await client.execute(uri: "\(path)/administration", method: .post, headers: nurse.form,
                                                           body: nurse.formBody(details + credentials))
                    #expect(refused.status == .unprocessableContent, "\(field): \(message)")
                    let html = Self.body(refused)
                    #expect(html.contains(#"id="\#(field)-error""#) && html.contains(message), "\(field): \(message)")
                    #expect(try await services.sessionRecords.record(of: sessionID)?.administration == nil)
                }
                // act: the prescriber checks with their own credentials
                let saved = try await client.execute(
                    uri: "\(path)/administration", method: .post, headers: nurse.form,
                    body: nurse.formBody(details + "&checkerEmail=\(Self.encoded(prescriber.account.email.text))&checkerPassword=\(Self.encoded(TestUsers.password))"))
                // validate: the signed-in nurse gave it, the confirmed prescriber checked it; typed names are ignored
                #expect(saved.status == .seeOther)
                let administration = try #require(try await services.sessionRecords.record(of: sessionID)?.administration)
                #expect(administration.details.administeredBy == nurse.account.displayName)
                #expect(administration.details.checkedBy == prescriber.account.displayName)
                let audit = try await services.audit.page(AuditFilter(userID: nurse.account.id), limit: 100)
                #expect(audit.contains { $0.event.action == .sign && $0.event.summary.contains("confirmed as second person")
                    && $0.event.summary.contains("check the dose of session") }, "the check is in the audit trail")
            }
        }
    }
}

@Suite("The session's vital signs through the API: summary and series by default, the raw stream in pages on request")
struct SessionVitalsAPITests {
    @Test("GET …/vitals answers the summary and the series at the charting interval; ?raw=1 pages through every reading",
          arguments: TestDatabases.engines)
    func vitals(engine: SQLEngine) async throws {
        let clock = TestClock()
        try await TestApp.withServices(engine, now: clock.function) { services in
            // setup: a monitor posts 20 heart rates at once, three times two minutes apart, and a nurse takes a BP
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let api = SessionAPIClient(client: client, sessionID: sessionID)
                try await api.command("check-in", as: nurse)
                try await api.send(.post, "chair", #"{"chair": "Chair 1"}"#, as: nurse)
                for round in 0..<3 {
                    let batch = (0..<20).map { #"{"heartRate": \#(70 + round * 10 + $0 % 2)}"# }.joined(separator: ",")
                    #expect(try await api.send(.post, "/api/v1/chairs/Chair%201/vitals", #"{"readings": [\#(batch)]}"#, as: nurse).status == .created)
                    clock.advance(minutes: 2)
                }
                #expect(try await api.reading(128, 82, heartRate: 95, as: nurse).status == .created)

                // act
                let vitals = try await api.send(.get, "vitals", nil, as: nurse)
                // validate: the summary over all 61 readings, one point per minute with readings
                #expect(vitals.status == .ok)
                let summary = try #require(vitals.json["summary"] as? [String: Any])
                #expect(summary["count"] as? Int == 61)
                let heartRate = try #require(summary["heartRate"] as? [String: Any])
                #expect(heartRate["min"] as? Int == 70 && heartRate["max"] as? Int == 95 && heartRate["last"] as? Int == 95
                        && heartRate["count"] as? Int == 61)
                let series = try #require(vitals.json["series"] as? [[String: Any]])
                #expect(series.count == 4, "four minutes with readings, one point each")
                #expect(series.map { $0["readings"] as? Int ?? 0 } == [20, 20, 20, 1])
                #expect(vitals.json["chartingIntervalSeconds"] as? Int == 60 && vitals.json["rawReadings"] as? Int == 61)

                // the raw stream, a page at a time: nothing lost
                let first = try await api.send(.get, "vitals?raw=1&limit=25", nil, as: nurse)
                #expect(first.json["total"] as? Int == 61 && (first.json["readings"] as? [Any])?.count == 25)
                let last = try await api.send(.get, "vitals?raw=1&offset=50&limit=25", nil, as: nurse)
                #expect((last.json["readings"] as? [Any])?.count == 11)
                #expect(try await api.send(.get, "vitals?raw=1&limit=0", nil, as: nurse).status == .unprocessableContent)
                #expect(try await api.send(.get, "vitals?raw=1&offset=-1", nil, as: nurse).status == .unprocessableContent)

                // the session resource: the flowsheet's rows, the rest counted, the same series inside
                let record = try await api.send(.get, "/api/v1/sessions/\(sessionID.uuidString)", nil, as: nurse).json
                let listed = try #require(record["readings"] as? [[String: Any]])
                #expect(listed.count + (record["readingsNotListed"] as? Int ?? -1) == 61)
                #expect(listed.contains { ($0["values"] as? [String: Any])?["systolic"] as? Int == 128 }, "the BP is listed")
                #expect(((record["vitals"] as? [String: Any])?["series"] as? [Any])?.count == 4)
            }
        }
    }
}
