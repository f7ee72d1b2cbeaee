import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("The waitlist through the API and the pages: a freed slot lists who is waiting; offer, book, remove")
struct WaitlistHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }
    private static func object(_ response: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(body(response).utf8)) }

    @Test("Cancelling a booking answers the freed slot with the matching waitlist; the front desk offers and books it; bad input is refused")
    func freedSlotToWaitlist() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let monday = Fixtures.today.adding(days: 1)   // 2026-11-23
            let (ada, adaFirst) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, on: monday, given: "Ada")
            let (bob, bobFirst) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, on: monday.adding(days: 2),
                                                                           given: "Bob", family: "Waiting")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await ScheduleAPITests.staffWeekdays(client, admin: admin, nurse: nurse)
                var chair = ""
                try await client.execute(uri: "/api/v1/schedule/chairs", method: .get, headers: desk.api) { response in
                    let list = try #require(try Self.object(response) as? [[String: Any]])
                    chair = try #require(list.first?["id"] as? String)
                }
                let adaBase = "/api/v1/schedule/patients/\(ada.id.uuidString)"
                try await client.execute(uri: adaBase + "/sessions/\(adaFirst.uuidString)", method: .put, headers: desk.json,
                                         body: ByteBuffer(string: #"{"chair":"\#(chair)","date":"\#(monday.iso)","start":"10:00"}"#)) {
                    #expect($0.status == .ok, "\(Self.body($0))")
                }

                // Bob joins the waitlist for Mondays; bad input is refused with the field named.
                let badAdds: [(String, String)] = [
                    (#"{"patient":"\#(bob.id.uuidString)","treatment":"iv-ketamine","referredOn":"2027-01-01"}"#, "referredOn"),
                    (#"{"patient":"\#(bob.id.uuidString)","treatment":"laughing-gas","referredOn":"2026-11-01"}"#, "treatment"),
                    (#"{"patient":"\#(bob.id.uuidString)","treatment":"iv-ketamine","referredOn":"2026-11-01","weekdays":["someday"]}"#, "weekdays"),
                    (#"{"patient":"\#(bob.id.uuidString)","treatment":"iv-ketamine","referredOn":"2026-11-01","earliest":"15:00","latest":"09:00"}"#, "latest"),
                ]
                for (body, field) in badAdds {
                    try await client.execute(uri: "/api/v1/schedule/waitlist", method: .post, headers: desk.json, body: ByteBuffer(string: body)) { response in
                        #expect(response.status == .unprocessableContent, "\(body)")
                        #expect(Self.body(response).contains(#""field":"\#(field)""#), "\(Self.body(response))")
                    }
                }
                var entryID = ""
                try await client.execute(uri: "/api/v1/schedule/waitlist", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"patient":"\#(bob.id.uuidString)","treatment":"iv-ketamine","referredOn":"2026-11-01","weekdays":["mon"]}"#)) { response in
                    #expect(response.status == .created, "\(Self.body(response))")
                    entryID = try #require((try Self.object(response) as? [String: Any])?["id"] as? String)
                }

                // Ada cancels: the answer names the freed slot and Bob.
                try await client.execute(uri: adaBase + "/sessions/\(adaFirst.uuidString)/cancel", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"reason":"Patient unwell"}"#)) { response in
                    #expect(response.status == .ok, "\(Self.body(response))")
                    let answer = try #require(try Self.object(response) as? [String: Any])
                    let freed = try #require(answer["freed"] as? [String: Any])
                    #expect(freed["start"] as? String == "10:00" && freed["date"] as? String == monday.iso)
                    let waiting = try #require(freed["waitlist"] as? [[String: Any]])
                    #expect(waiting.compactMap { ($0["entry"] as? [String: Any])?["patient"] as? String } == [bob.id.uuidString])
                }
                let query = "chair=\(chair)&date=\(monday.iso)&start=10:00&end=12:00"
                try await client.execute(uri: "/api/v1/schedule/waitlist/matches?\(query)", method: .get, headers: desk.api) { response in
                    #expect(Self.body(response).contains(bob.id.uuidString))
                }
                try await client.execute(uri: "/api/v1/schedule/waitlist/matches?chair=\(chair)&date=\(monday.iso)&start=12:00&end=10:00",
                                         method: .get, headers: desk.api) { #expect($0.status == .unprocessableContent) }

                // The page shows the freed slot with Offer and Book; offering is recorded.
                try await client.execute(uri: "/schedule/waitlist?\(query)", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(html.contains("Slot freed:") && html.contains("Waiting, Bob") && html.contains("/schedule/waitlist/\(entryID.lowercased())/book"))
                }
                let offer = try await client.execute(uri: "/schedule/waitlist/\(entryID.lowercased())/offer", method: .post, headers: desk.form,
                                                     body: desk.formBody("chair=\(chair)&date=\(monday.iso)&start=10:00&end=12:00"))
                #expect(offer.status == .seeOther)
                try await client.execute(uri: "/api/v1/schedule/waitlist", method: .get, headers: desk.api) { response in
                    let list = try #require(try Self.object(response) as? [[String: Any]])
                    #expect(list.first?["status"] as? String == "offered")
                }

                // Booking brings Bob's first session forward into the slot and closes the entry.
                try await client.execute(uri: "/api/v1/schedule/waitlist/\(entryID)/book", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"chair":"\#(chair)","date":"\#(monday.iso)","start":"10:00","end":"12:00"}"#)) { response in
                    #expect(response.status == .ok, "\(Self.body(response))")
                    let booked = try #require((try Self.object(response) as? [String: Any])?["booking"] as? [String: Any])
                    #expect(booked["session"] as? String == bobFirst.uuidString && booked["date"] as? String == monday.iso)
                }
                try await client.execute(uri: "/api/v1/schedule/waitlist", method: .get, headers: desk.api) { response in
                    let list = try Self.object(response) as? [[String: Any]]
                    #expect(list?.isEmpty == true)
                }
                try await client.execute(uri: "/api/v1/schedule/waitlist/\(entryID)/book", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"chair":"\#(chair)","date":"\#(monday.iso)","start":"10:00","end":"12:00"}"#)) { response in
                    #expect(response.status == .unprocessableContent, "a closed entry cannot be booked twice")
                }

                // The course page's cancel form sends the front desk to the waitlist for the freed slot.
                let cancel = try await client.execute(uri: "/schedule/patients/\(bob.id.uuidString.lowercased())/cancel", method: .post,
                                                      headers: desk.form, body: desk.formBody("cancel-session=\(bobFirst.uuidString.lowercased())&cancel-reason=Travel"))
                #expect(cancel.status == .seeOther)
                #expect(cancel.headers[.location]?.hasPrefix("/schedule/waitlist?chair=") == true)
                let badCancel = try await client.execute(uri: "/schedule/patients/\(bob.id.uuidString.lowercased())/cancel", method: .post,
                                                         headers: desk.form, body: desk.formBody("cancel-session=nonsense&cancel-reason=x"))
                #expect(badCancel.status == .unprocessableContent)

                // Adding from the page by medical record number; an unknown one is a field error.
                let added = try await client.execute(uri: "/schedule/waitlist", method: .post, headers: desk.form,
                                                     body: desk.formBody("mrn=\(ada.mrn.text)&treatment=iv-ketamine&referredOn=2026-11-20&wd-tue=on&earliest=09:00"))
                #expect(added.status == .seeOther)
                try await client.execute(uri: "/schedule/waitlist", method: .post, headers: desk.form,
                                         body: desk.formBody("mrn=KC-999999-0&treatment=iv-ketamine&referredOn=2026-11-20")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("Enter the medical record number of a registered patient."))
                }
                try await client.execute(uri: "/schedule/waitlist", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Testwood, Ada") && html.contains("Tue · starts 09:00–24:00"), "the waiting list with preferences")
                }
                let audit = try await services.audit.page(AuditFilter(patientID: bob.id), limit: 50).map(\.event.summary)
                #expect(audit.contains("booked from the waitlist: \(monday.iso) 10:00–12:00"), "\(audit)")
            }
        }
    }
}
