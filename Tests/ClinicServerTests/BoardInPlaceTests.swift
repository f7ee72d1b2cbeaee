import ClinicDomain
@testable import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("The chair board's in-place actions: a reading from the card, an alert acknowledged on it, the chair filter")
struct BoardInPlaceTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("A reading from the card is checked and audited like the session page's; its alert is acknowledged in place",
          arguments: TestDatabases.engines)
    func readingAndAcknowledgement(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            // setup
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let session = sessionID.uuidString.lowercased()
            let path = "/sessions/\(session)"
            try await app.test(.router) { client in
                _ = try await client.execute(uri: "\(path)/commands", method: .post, headers: desk.form, body: desk.formBody("command=check-in"))
                let seated = try await client.execute(uri: "\(path)/chair", method: .post, headers: nurse.form,
                                                      body: nurse.formBody("chair=Chair%202"))
                #expect(seated.status == .seeOther)

                // act: a typo from the card, with the script (fragment) and without
                let typo = try await client.execute(uri: "/board/sessions/\(session)/vitals?fragment=1", method: .post, headers: nurse.form,
                                                    body: nurse.formBody("systolic=12x&diastolic=80"))
                // validate: 422, only the card, the field marked with its own error, what was typed kept
                #expect(typo.status == .unprocessableContent)
                let card = Self.body(typo)
                #expect(card.hasPrefix("<article id=\"card-\(session)\""), "the answer is the card alone")
                #expect(card.contains("id=\"r-\(session.prefix(8))-systolic\" name=\"systolic\" value=\"12x\""))
                #expect(card.contains("aria-invalid=\"true\" aria-describedby=\"r-\(session.prefix(8))-systolic-error\""))
                #expect(card.contains("<details open=\"open\" class=\"card-reading\">"), "the form stays open")
                let plain = try await client.execute(uri: "/board/sessions/\(session)/vitals?chair=Chair+2", method: .post, headers: nurse.form,
                                                     body: nurse.formBody("systolic=&diastolic=80&heartRate=999"))
                #expect(plain.status == .unprocessableContent, "without the script: the whole board with the card's errors")
                #expect(Self.body(plain).contains("<h1 id=\"board-heading\">Chair board</h1>") && Self.body(plain).contains("has-error"))

                // act: a high reading from the card
                let high = try await client.execute(uri: "/board/sessions/\(session)/vitals?fragment=1", method: .post, headers: nurse.form,
                                                    body: nurse.formBody("systolic=192&diastolic=104&heartRate=96&oxygenSaturation=98&respiratoryRate=14"))
                #expect(high.status == .ok)
                let alerting = Self.body(high)
                #expect(alerting.contains("Reading saved. ALERT:"), "the card says the reading raised an alert")
                #expect(alerting.contains("data-vital=\"bp\">192/104<"))
                #expect(alerting.contains("class=\"chair-card state-checked-in alerting"))
                // validate: stored with the nurse as author and one audit entry, as the session page stores it
                let record = try #require(try await services.sessionRecords.record(of: sessionID))
                #expect(record.readings.count == 1 && record.readings[0].source == .nurse && record.readings[0].values.systolic == 192)
                let open = record.openAlerts
                #expect(!open.isEmpty)
                let audit = try await services.audit.page(AuditFilter(patientID: record.session.patientID), limit: 200)
                #expect(audit.contains { $0.event.entityType == "session_vital" && $0.event.entityID == record.readings[0].id.uuidString },
                        "the reading is in the audit trail")

                // act: acknowledge without an action, then with one (no script: back to the board at the card)
                let alertID = open[0].id.uuidString.lowercased()
                let missing = try await client.execute(uri: "/board/sessions/\(session)/alerts/\(alertID)/acknowledge?fragment=1",
                                                       method: .post, headers: nurse.form, body: nurse.formBody("action=&note=x"))
                #expect(missing.status == .unprocessableContent)
                #expect(Self.body(missing).contains("Choose the action taken."), "the field's own error in the card")
                let done = try await client.execute(uri: "/board/sessions/\(session)/alerts/\(alertID)/acknowledge?chair=Chair+2",
                                                    method: .post, headers: nurse.form, body: nurse.formBody("action=slowed-infusion&note=halved"))
                #expect(done.status == .seeOther)
                #expect(done.headers[.location] == "/board?chair=Chair%202#card-\(session)", "the board, as the nurse filtered it")
                let after = try #require(try await services.sessionRecords.record(of: sessionID))
                let acknowledged = try #require(after.alerts.first { $0.id == open[0].id }?.acknowledgement)
                #expect(acknowledged.action == .slowedInfusion && acknowledged.note == "halved" 
                        && [nurse.account.displayName, nurse.account.email.text].contains(acknowledged.byName), "by the signed-in nurse")
                let again = try await client.execute(uri: "/board/sessions/\(session)/alerts/\(alertID)/acknowledge?fragment=1",
                                                     method: .post, headers: nurse.form, body: nurse.formBody("action=observed"))
                #expect(again.status == .conflict, "a second acknowledgement is refused, said in the card")
                #expect(Self.body(again).contains("Not saved: This alert was already acknowledged."))

                // roles: the front desk records no readings
                let refused = try await client.execute(uri: "/board/sessions/\(session)/vitals", method: .post, headers: desk.form,
                                                       body: desk.formBody("systolic=120&diastolic=80"))
                #expect(refused.status == .forbidden)
            }
        }
    }

    @Test("The chair filter shows only the chosen chairs and ignores names that are not the clinic's")
    func filter() async throws {
        let chairs = ["Chair 1", "Chair 2", "Room B"]
        // Table: query → chairs kept, in board order.
        let cases: [(String, [String])] = [
            ("", []),
            ("chair=Chair+2", ["Chair 2"]),
            ("chair=Room%20B&chair=Chair+1", ["Chair 1", "Room B"]),
            ("chair=Chair+9&fragment=1", []),
            ("chair=Chair+2&all=1", []),
        ]
        for (query, expected) in cases {
            #expect(BoardController.chairFilter(query, chairs: chairs) == expected, "\(query)")
        }
    }
}
