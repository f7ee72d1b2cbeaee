import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// A JSON client for the sessions API, so each step of a session reads as one line.
struct SessionAPIClient {
    let client: any TestClientProtocol
    let sessionID: UUID
    /// When given, every success answer is checked against the shape the API's description states.
    var conformance: AnswerConformance? = nil

    /// Sends `body` to `path` under the session as `user`; returns the status and the JSON object.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, _ body: String?, as user: TestUser) async throws
        -> (status: HTTPResponse.Status, json: [String: Any]) {
        let uri = path.hasPrefix("/") ? path : "/api/v1/sessions/\(sessionID.uuidString)/\(path)"
        let response = try await client.execute(uri: uri, method: method, headers: body == nil ? user.api : user.json,
                                                body: body.map { ByteBuffer(string: $0) })
        let data = Data(buffer: response.body)
        conformance?.check(method, uri, status: response.status, body: data)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    /// Posts a lifecycle command.
    @discardableResult
    func command(_ name: String, reason: String? = nil, as user: TestUser) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        let body = reason.map { #"{"command": "\#(name)", "reason": "\#($0)"}"# } ?? #"{"command": "\#(name)"}"#
        return try await send(.post, "commands", body, as: user)
    }

    /// Posts a reading.
    @discardableResult
    func reading(_ systolic: Int, _ diastolic: Int, heartRate: Int = 72, as user: TestUser) async throws
        -> (status: HTTPResponse.Status, json: [String: Any]) {
        try await send(.post, "vitals", #"{"systolic": \#(systolic), "diastolic": \#(diastolic), "heartRate": \#(heartRate), "#
                       + #""oxygenSaturation": 98, "respiratoryRate": 14}"#, as: user)
    }
}

@Suite("Treatment sessions through the API: lifecycle, checklist, readings and alerts, discharge, note")
struct SessionAPITests {
    static let checklist = #"{"identityConfirmed": true, "consentOnFile": true, "fastingConfirmed": true, "#
        + #""escortAndTransportArranged": true, "pregnancy": "not-pregnant-confirmed"}"#
    static let administration = #"{"product": "Ketamine hydrochloride 50 mg/mL", "lotNumber": "KX-2291", "expiry": "2027-06-30", "#
        + #""concentrationMgPerMl": 50, "doseMg": 35, "route": "intravenous", "pumpRateMlPerHour": 151.1, "#
        + #""administeredBy": "Nurse Kim", "checkedBy": "Nurse Lee"}"#
    static let phq9 = #"{"instrument": "phq9", "answers": [2, 2, 2, 1, 1, 1, 1, 1, 0]}"#

    @Test("A full IV session: check-in, checklist, administration, readings every 10 min, an alert acknowledged, discharge, signed note")
    func fullIntravenousSession() async throws {
        let clock = TestClock()
        try await TestApp.withServices(now: clock.function) { services in
            let (patient, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let catalog = RouteCatalog()
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger, catalog: catalog)
            try await app.test(.router) { client in
                let api = SessionAPIClient(client: client, sessionID: sessionID, conformance: AnswerConformance(entries: catalog.entries))
                #expect(try await api.command("check-in", as: desk).json["state"] as? String == "checked-in")
                #expect(try await api.command("start-dosing", as: desk).status == .forbidden, "front desk cannot start a dose")
                #expect(try await api.send(.post, "chair", #"{"chair": "Chair 9"}"#, as: nurse).status == .unprocessableContent)
                #expect(try await api.send(.post, "chair", #"{"chair": "Chair 2"}"#, as: nurse).json["chair"] as? String == "Chair 2")
                let afterChecklist = try await api.send(.put, "checklist", Self.checklist, as: nurse).json
                #expect(afterChecklist["state"] as? String == "pre-treatment-checks", "saving the checklist begins the checks")
                try await api.send(.post, "/api/v1/patients/\(patient.id.uuidString)/scales", Self.phq9, as: nurse)
                #expect(try await api.reading(124, 78, as: nurse).status == .created)
                #expect(try await api.command("start-dosing", as: nurse).status == .conflict, "no administration recorded yet")
                #expect(try await api.send(.post, "administration", Self.administration.replacingOccurrences(of: "Nurse Lee", with: "Nurse Kim"),
                                           as: nurse).status == .unprocessableContent, "the checker must be a second person")
                #expect(try await api.send(.post, "administration", Self.administration, as: nurse).status == .created)
                let started = try await api.command("start-dosing", as: nurse)
                #expect(started.status == .ok)
                #expect(started.json["state"] as? String == "dosing")

                clock.advance(minutes: 10)
                #expect((try await api.reading(132, 84, as: nurse).json["alerts"] as? [Any])?.isEmpty == true)
                clock.advance(minutes: 10)
                let high = try await api.reading(186, 96, as: nurse)
                let alerts = try #require(high.json["alerts"] as? [[String: Any]])
                #expect(Set(alerts.compactMap { $0["code"] as? String }) == ["systolic-high", "systolic-rise"],
                        "186 > 180 (clinic policy [R40]) and a 62 mmHg rise from 124 (≥ 40 [R18])")
                let alertID = try #require(alerts.first?["id"] as? String)
                #expect(try await api.send(.post, "alerts/\(alertID)/acknowledge", #"{"action": "shrugged"}"#, as: nurse).status
                        == .unprocessableContent)
                let acked = try await api.send(.post, "alerts/\(alertID)/acknowledge",
                                               #"{"action": "slowed-infusion", "note": "Rate halved; BP rechecked in 5 min"}"#, as: nurse)
                #expect(acked.status == .ok)
                #expect(try await api.send(.post, "alerts/\(alertID)/acknowledge", #"{"action": "observed"}"#, as: nurse).status == .conflict)
                let riseID = try #require(alerts.last?["id"] as? String)
                #expect(try await api.send(.post, "alerts/\(riseID)/acknowledge", #"{"action": "informed-physician"}"#, as: nurse).status == .ok)
                #expect(try await api.send(.post, "infusion-changes", #"{"kind": "rate-changed", "newRateMlPerHour": 75.5}"#, as: nurse).status
                        == .unprocessableContent, "a rate change needs a reason")
                #expect(try await api.send(.post, "infusion-changes",
                                           #"{"kind": "rate-changed", "newRateMlPerHour": 75.5, "reason": "BP 186/96"}"#, as: nurse).status == .created)
                clock.advance(minutes: 10)
                try await api.reading(150, 88, as: nurse)
                clock.advance(minutes: 10)
                try await api.reading(138, 82, as: nurse)
                #expect(try await api.command("end-dosing", as: nurse).json["state"] as? String == "observation")
                #expect(try await api.send(.post, "side-effects", #"{"cadssTotal": 7, "moaas": 4, "symptoms": ["nausea"]}"#, as: nurse)
                    .status == .created)
                #expect(try await api.command("ready-for-discharge", as: nurse).status == .conflict, "no Aldrete score yet")
                clock.advance(minutes: 15)
                try await api.reading(128, 80, as: nurse)
                clock.advance(minutes: 15)
                try await api.reading(126, 79, as: nurse)
                #expect(try await api.send(.post, "discharge-assessment", #"{"consciousness": 2, "circulation": 2, "respiration": 2, "#
                                           + #""oxygenSaturation": 2, "activity": 3, "escortPresent": true}"#, as: nurse).status == .unprocessableContent)
                #expect(try await api.send(.post, "discharge-assessment", #"{"consciousness": 2, "circulation": 2, "respiration": 2, "#
                                           + #""oxygenSaturation": 2, "activity": 2, "escortPresent": true}"#, as: nurse).status == .created)
                #expect(try await api.command("ready-for-discharge", as: nurse).json["state"] as? String == "ready-for-discharge")
                let discharged = try await api.command("discharge", as: nurse)
                #expect(discharged.json["state"] as? String == "discharged", "\(discharged.json)")
                #expect(try await api.reading(120, 80, as: nurse).status == .conflict, "no readings after discharge")

                #expect(try await api.send(.post, "note", #"{"text": "Uneventful apart from a transient BP rise."}"#, as: nurse).status == .created)
                #expect(try await api.send(.post, "note", #"{"text": "Replacing the note"}"#, as: nurse).status == .conflict)
                #expect(try await api.send(.post, "note/amendments", #"{"text": "Escort was her brother."}"#, as: nurse).status
                        == .unprocessableContent)
                let amended = try await api.send(.post, "note/amendments", #"{"text": "Escort was her brother.", "reason": "Late entry"}"#,
                                                 as: nurse).json
                let note = try #require(amended["note"] as? [String: Any])
                #expect(note["text"] as? String == "Uneventful apart from a transient BP rise.", "the signed note is unchanged")
                #expect((note["amendments"] as? [[String: Any]])?.first?["reason"] as? String == "Late entry")

                let record = try await api.send(.get, "/api/v1/sessions/\(sessionID.uuidString)", nil, as: nurse).json
                let transitions = try #require(record["transitions"] as? [[String: Any]])
                #expect(transitions.compactMap { $0["to"] as? String } == ["checked-in", "pre-treatment-checks", "dosing", "observation",
                                                                           "ready-for-discharge", "discharged"])
                #expect(transitions.allSatisfy { ($0["by"] as? String)?.isEmpty == false && $0["at"] != nil })
                let points = try #require(record["requiredPoints"] as? [[String: Any]])
                #expect(points.allSatisfy { $0["status"] as? String == "done" }, "\(points)")
                #expect(points.compactMap { $0["label"] as? String }.prefix(5) == ["pre-dose", "10 min", "20 min", "30 min", "40 min"],
                        "every 10 minutes during the infusion [R36][R37]")
                #expect((record["alerts"] as? [[String: Any]])?.allSatisfy { $0["acknowledgement"] != nil } == true)
                #expect((record["sideEffects"] as? [[String: Any]])?.first?["dissociation"] as? Bool == true, "CADSS 7 > 4 [R27]")
                let trail = try await services.audit.page(AuditFilter(patientID: patient.id), limit: 500)
                #expect(trail.contains { $0.event.entityType == "session_vital" && $0.event.summary.contains("systolic-high") })
                #expect(trail.contains { $0.event.action == .view && $0.event.entityType == "treatment_session" })
            }
        }
    }

    @Test("Hard stops: dosing with a failed checklist and discharge with missing points need a prescriber's override with a reason")
    func overrides() async throws {
        let clock = TestClock()
        try await TestApp.withServices(now: clock.function) { services in
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let api = SessionAPIClient(client: client, sessionID: sessionID)
                try await api.command("check-in", as: nurse)
                try await api.send(.put, "checklist", #"{"identityConfirmed": true}"#, as: nurse)
                try await api.reading(150, 95, as: nurse)
                try await api.send(.post, "administration", Self.administration, as: nurse)
                let refused = try await api.command("start-dosing", as: nurse)
                #expect(refused.status == .conflict)
                #expect((refused.json["detail"] as? String)?.contains("checklist") == true)
                #expect(try await api.command("start-dosing", reason: "Consent confirmed by phone", as: nurse).status == .conflict,
                        "only a prescriber may override")
                #expect(try await api.command("start-dosing", reason: "short", as: prescriber).status == .conflict, "a reason of 10+ characters")
                let overridden = try await api.command("start-dosing", reason: "BP 150/95 is her usual; benefit outweighs risk", as: prescriber)
                #expect(overridden.json["state"] as? String == "dosing")
                let override = (overridden.json["transitions"] as? [[String: Any]])?.last?["override"] as? [String: Any]
                #expect(override?["reason"] as? String == "BP 150/95 is her usual; benefit outweighs risk")
                clock.advance(minutes: 40)
                try await api.command("end-dosing", as: nurse)
                try await api.send(.post, "discharge-assessment", #"{"consciousness": 2, "circulation": 2, "respiration": 2, "#
                                   + #""oxygenSaturation": 2, "activity": 2, "escortPresent": true}"#, as: nurse)
                clock.advance(minutes: 2)
                try await api.reading(130, 82, as: nurse)
                #expect(try await api.command("ready-for-discharge", as: nurse).json["state"] as? String == "ready-for-discharge")
                let missing = try await api.command("discharge", as: nurse)
                #expect(missing.status == .conflict, "the 10, 20 and 30 min readings are missing")
                #expect(try await api.command("discharge", reason: "Readings on the paper chart", as: nurse).status == .conflict)
                let closed = try await api.command("discharge", reason: "Monitor failed; readings on the paper chart", as: prescriber)
                #expect(closed.json["state"] as? String == "discharged")
                let overrides = try await services.audit.page(AuditFilter(action: .override), limit: 10)
                #expect(overrides.filter { $0.event.entityType == "treatment_session" }.count == 2)
            }
        }
    }

    @Test("Readings: bad values are field errors, a gateway posts by chair, a correction keeps the original")
    func readings() async throws {
        try await TestApp.withServices { services in
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let api = SessionAPIClient(client: client, sessionID: sessionID)
                #expect(try await api.reading(120, 80, as: nurse).status == .conflict, "not checked in yet")
                try await api.command("check-in", as: nurse)
                // "serious": "Y" is neither yes nor no: a field error, never stored as false (issue 22, point 7).
                let unclear = try await api.send(.post, "adverse-events",
                                                 #"{"description": "Vomited twice", "severity": "mild", "serious": "Y"}"#, as: nurse)
                #expect(unclear.status == .unprocessableContent)
                #expect(unclear.json["errors"].map { "\($0)".contains("serious") } == true)
                let bad = try await api.send(.post, "vitals", #"{"systolic": 1200, "diastolic": 80, "pulse": 70}"#, as: nurse)
                #expect(bad.status == .unprocessableContent)
                #expect(try await api.send(.post, "vitals", #"{"systolic": 80, "diastolic": 120}"#, as: nurse).status == .unprocessableContent)
                #expect(try await api.send(.post, "vitals", #"{"systolic": "high"}"#, as: nurse).status == .unprocessableContent)
                #expect(try await api.send(.post, "/api/v1/chairs/Chair%201/vitals", #"{"heartRate": 70}"#, as: nurse).status == .notFound)
                try await api.send(.post, "chair", #"{"chair": "Chair 1"}"#, as: nurse)
                let byChair = try await api.send(.post, "/api/v1/chairs/Chair%201/vitals", #"{"systolic": 121, "diastolic": 79}"#, as: nurse)
                #expect(byChair.status == .created)
                #expect(byChair.json["sessionID"] as? String == sessionID.uuidString)
                let readingID = try #require(byChair.json["id"] as? String)
                #expect(try await api.send(.post, "vitals/\(readingID)/amend", #"{"systolic": 112, "diastolic": 79}"#, as: nurse).status
                        == .unprocessableContent, "a correction needs a reason")
                #expect(try await api.send(.post, "vitals/\(readingID)/amend", #"{"systolic": 112, "diastolic": 79, "reason": "Typo"}"#,
                                           as: nurse).status == .created)
                let record = try await api.send(.get, "/api/v1/sessions/\(sessionID.uuidString)", nil, as: nurse).json
                let readings = try #require(record["readings"] as? [[String: Any]])
                #expect(readings.count == 2, "the original stays in the record")
                #expect(readings.contains { ($0["values"] as? [String: Any])?["systolic"] as? Int == 121 })
            }
        }
    }

    @Test("A gateway's batch: stored together in order under one audit entry that lists every reading; one bad reading refuses the whole batch by its index")
    func readingBatch() async throws {
        try await TestApp.withServices { services in
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let api = SessionAPIClient(client: client, sessionID: sessionID)
                try await api.command("check-in", as: nurse)
                try await api.send(.post, "chair", #"{"chair": "Chair 1"}"#, as: nurse)
                let chair = "/api/v1/chairs/Chair%201/vitals"
                let auditBefore = try await services.audit.page(AuditFilter(), limit: 10_000).count
                let bad = try await api.send(.post, chair, #"{"readings": [{"heartRate": 70}, {"systolic": 80, "diastolic": 120}]}"#, as: nurse)
                #expect(bad.status == .unprocessableContent)
                #expect("\(bad.json["errors"] ?? "")".contains("readings[1]"), "the error names the reading")
                #expect(try await api.send(.post, chair, #"{"readings": []}"#, as: nurse).status == .unprocessableContent)
                #expect(try await api.send(.post, chair, #"{"readings": [{"heartRate": 70}], "heartRate": 70}"#, as: nurse).status
                        == .unprocessableContent)
                #expect(try await api.send(.post, chair, #"{"readings": [{"pulse": 70}]}"#, as: nurse).status == .unprocessableContent)
                let many = (0..<601).map { _ in #"{"heartRate": 70}"# }.joined(separator: ",")
                #expect(try await api.send(.post, chair, #"{"readings": [\#(many)]}"#, as: nurse).status == .unprocessableContent)
                #expect(try await services.audit.page(AuditFilter(), limit: 10_000).count == auditBefore, "a refused batch stores nothing")
                let batch = try await api.send(.post, chair, #"{"readings": [{"heartRate": 71}, {"heartRate": 72}, {"heartRate": 73}]}"#,
                                               as: nurse)
                #expect(batch.status == .created)
                let stored = try #require(batch.json["readings"] as? [[String: Any]])
                #expect(stored.count == 3)
                let trail = try await services.audit.page(AuditFilter(), limit: 10_000)
                #expect(trail.count == auditBefore + 1, "the batch has one audit entry")
                // The raw stream holds every reading of the batch (the session resource lists the flowsheet's rows).
                let raw = try await api.send(.get, "vitals?raw=1", nil, as: nurse).json
                let readings = try #require(raw["readings"] as? [[String: Any]])
                #expect(Set(readings.compactMap { ($0["values"] as? [String: Any])?["heartRate"] as? Int }) == [71, 72, 73])
                let batchEntry = try #require(trail.first { $0.event.entityType == "session_vital_batch" })
                #expect(batchEntry.event.summary.hasPrefix("session \(sessionID): 3 readings\n"))
                for created in stored {
                    let id = try #require(created["id"] as? String)
                    #expect(batchEntry.event.summary.localizedCaseInsensitiveContains("reading \(id) taken "), "the entry names reading \(id)")
                }
                #expect(["HR 71 (", "HR 72 (", "HR 73 ("].allSatisfy(batchEntry.event.summary.contains), "each reading's values")
            }
        }
    }
}
