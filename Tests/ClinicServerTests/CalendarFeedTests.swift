import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Calendar feeds: chair and staff subscriptions with a revocable secret address, a patient's appointments file")
struct CalendarFeedTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }
    private static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body(response).utf8)) as? [String: Any])
    }

    /// The path part of a feed address (`http://host:port/calendar/kcf_….ics`).
    private static func path(of address: String) throws -> String {
        let range = try #require(address.range(of: "/calendar/"))
        return String(address[range.lowerBound...])
    }

    @Test("A chair feed shows the booked session by treatment type only; a staff feed shows shifts; revoked feeds answer 404; all audited",
          arguments: TestDatabases.engines)
    func feeds(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let patient = try await ScheduleAPITests.patientWithPlan(services)
            let base = "/api/v1/schedule/patients/\(patient.id.uuidString)"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await ScheduleAPITests.staffWeekdays(client, admin: admin, nurse: nurse)
                // Book the first planned session where the calendar proposes it.
                var proposed: [String: Any] = [:]
                var sessionID = ""
                try await client.execute(uri: base + "/proposal", method: .post, headers: desk.json, body: ByteBuffer(string: "{}")) { response in
                    let list = try #require(try JSONSerialization.jsonObject(with: Data(Self.body(response).utf8)) as? [[String: Any]])
                    proposed = try #require(list.first?["proposed"] as? [String: Any])
                    sessionID = try #require(list.first?["session"] as? String)
                }
                let slot = #"{"chair":"\#(proposed["chair"]!)","date":"\#(proposed["date"]!)","start":"\#(proposed["start"]!)"}"#
                try await client.execute(uri: base + "/sessions/\(sessionID)", method: .put, headers: desk.json, body: ByteBuffer(string: slot)) {
                    #expect($0.status == .ok, "\(Self.body($0))")
                }
                let chairID = try #require(proposed["chair"] as? String)

                // Make a chair feed and a staff feed; the answer holds the address once.
                var chairFeed: [String: Any] = [:], staffFeed: [String: Any] = [:]
                try await client.execute(uri: "/api/v1/schedule/calendar-feeds", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"subject":"chair:\#(chairID)"}"#)) { response in
                    #expect(response.status == .created, "\(Self.body(response))")
                    chairFeed = try Self.object(response)
                }
                try await client.execute(uri: "/api/v1/schedule/calendar-feeds", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"subject":"staff:\#(nurse.account.id.uuidString)"}"#)) { response in
                    #expect(response.status == .created, "\(Self.body(response))")
                    staffFeed = try Self.object(response)
                }
                let chairPath = try Self.path(of: try #require(chairFeed["address"] as? String))
                let staffPath = try Self.path(of: try #require(staffFeed["address"] as? String))
                #expect(chairPath.hasPrefix("/calendar/kcf_") && chairPath.hasSuffix(".ics"))

                // The list never repeats an address.
                try await client.execute(uri: "/api/v1/schedule/calendar-feeds", method: .get, headers: desk.api) { response in
                    #expect(response.status == .ok)
                    #expect(!Self.body(response).contains(chairPath.dropFirst(10).dropLast(4)))
                    #expect(Self.body(response).contains(#""kind":"chair""#) && Self.body(response).contains(#""kind":"staff""#))
                }

                // A calendar app reads the chair feed without an account.
                try await client.execute(uri: chairPath, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/calendar; charset=utf-8")
                    let text = Self.body(response)
                    #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"))
                    #expect(text.contains("UID:session-\(sessionID.lowercased())@ketaclinic"))
                    #expect(text.contains("SUMMARY:IV ketamine session"))
                    #expect(!text.contains(patient.listName) && !text.contains(patient.mrn.text), "a feed never names the patient")
                    #expect(!text.contains("mg"), "nothing about the dose")
                }
                // The staff feed: the nurse's shifts on weekdays.
                try await client.execute(uri: staffPath, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("SUMMARY:On shift (Nurse)"))
                }

                // Bad input: unknown kinds and subjects are field errors; nothing is made.
                for subject in ["room:\(chairID)", "chair:nonsense", "chair:\(UUID().uuidString)", "staff:\(desk.account.id.uuidString)"] {
                    try await client.execute(uri: "/api/v1/schedule/calendar-feeds", method: .post, headers: desk.json,
                                             body: ByteBuffer(string: #"{"subject":"\#(subject)"}"#)) { response in
                        #expect(response.status == .unprocessableContent, "\(subject) → \(Self.body(response))")
                        #expect(response.headers[.contentType] == "application/problem+json")
                        #expect(Self.body(response).contains("subject"))
                    }
                }
                try await client.execute(uri: "/calendar/kcf_guess.ics", method: .get) { #expect($0.status == .notFound) }

                // Revoke: the address answers 404 from then on; revoking twice is a 404 problem.
                let feedID = try #require(chairFeed["id"] as? String)
                try await client.execute(uri: "/api/v1/schedule/calendar-feeds/\(feedID)/revoke", method: .post, headers: desk.api) {
                    #expect($0.status == .noContent)
                }
                try await client.execute(uri: chairPath, method: .get) { #expect($0.status == .notFound) }
                try await client.execute(uri: "/api/v1/schedule/calendar-feeds/\(feedID)/revoke", method: .post, headers: desk.api) {
                    #expect($0.status == .notFound)
                }

                // The patient's appointments file: an attachment with the time and the clinic, nothing clinical.
                try await client.execute(uri: base + "/appointments.ics", method: .get, headers: desk.api) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentDisposition] == "attachment; filename=\"appointments.ics\"")
                    let text = Self.body(response)
                    #expect(text.contains("UID:appointment-\(sessionID.lowercased())@ketaclinic"))
                    #expect(text.contains("SUMMARY:Appointment at "))
                    #expect(!text.contains("ketamine"), "no treatment in the patient's file")
                }
                // Without an account the API refuses.
                try await client.execute(uri: "/api/v1/schedule/calendar-feeds", method: .get) { #expect($0.status == .unauthorized) }
                let entries = try await AuditTrail(database: services.database).page(AuditFilter(), limit: 1000)
                #expect(entries.contains { $0.event.entityType == "calendar_feed" && $0.event.action == .create })
                #expect(entries.contains { $0.event.entityType == "calendar_feed" && $0.event.action == .view })
                #expect(entries.contains { $0.event.entityType == "calendar_feed" && $0.event.action == .void })
                #expect(entries.contains { $0.event.entityType == "patient_appointments" && $0.event.patientID == patient.id })
            }
        }
    }

    @Test("The page makes a feed and shows its address once, re-renders a bad choice with a field error, and revokes")
    func page() async throws {
        try await TestApp.withServices { services in
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/schedule/calendar-feeds", method: .get, headers: desk.page) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("No feeds yet."))
                    #expect(Self.body(response).contains("Chair: Chair 1"), "chairs seeded from the session policy, as the calendar does")
                }
                let clinicID = try #require(try await services.clinics.primaryClinic()).id
                let chair = try #require(try await ScheduleRepository(database: services.database).chairs(of: clinicID).first)
                try await client.execute(uri: "/schedule/calendar-feeds", method: .post, headers: desk.form,
                                         body: desk.formBody("subject=chair:\(chair.id.uuidString.lowercased())")) { response in
                    #expect(response.status == .created)
                    let html = Self.body(response)
                    #expect(html.contains("id=\"feed-address\"") && html.contains("/calendar/kcf_"))
                    #expect(html.contains("shown only once"))
                }
                try await client.execute(uri: "/schedule/calendar-feeds", method: .post, headers: desk.form, body: desk.formBody("subject=")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("Choose a chair or a staff member."))
                }
                let feed = try #require(try await CalendarFeedRepository(database: services.database).feeds(of: clinicID).first)
                try await client.execute(uri: "/schedule/calendar-feeds", method: .get, headers: desk.page) { response in
                    #expect(!Self.body(response).contains("feed-address"), "the address is never shown again")
                    #expect(Self.body(response).contains("\(feed.prefix)…"))
                }
                try await client.execute(uri: "/schedule/calendar-feeds/\(feed.id.uuidString.lowercased())/revoke", method: .post,
                                         headers: desk.form, body: desk.formBody("")) { response in
                    #expect(response.status == .seeOther)
                }
                let after = try await CalendarFeedRepository(database: services.database).feeds(of: clinicID)
                #expect(after.first?.revokedAt != nil)
            }
        }
    }
}
