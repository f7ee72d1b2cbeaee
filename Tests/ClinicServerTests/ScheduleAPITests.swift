import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Scheduling through the API: resources, proposals, booking, conflicts, bad input")
struct ScheduleAPITests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }
    private static func object(_ response: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(body(response).utf8)) }

    /// The administrator puts `nurse` on shift 08:00–18:00 Monday to Friday through the API.
    static func staffWeekdays(_ client: some TestClientProtocol, admin: TestUser, nurse: TestUser) async throws {
        for day in ["mon", "tue", "wed", "thu", "fri"] {
            let shift = #"{"user":"\#(nurse.account.id.uuidString)","weekday":"\#(day)","start":"08:00","end":"18:00"}"#
            try await client.execute(uri: "/api/v1/schedule/shifts", method: .post, headers: admin.json, body: ByteBuffer(string: shift)) {
                #expect($0.status == .noContent, "\(String(buffer: $0.body))")
            }
        }
    }

    /// A patient with a signed screening and a signed 6-session IV plan starting Monday 23 November 2026.
    static func patientWithPlan(_ services: ClinicServices) async throws -> PatientSummary {
        let clinic = try #require(try await services.clinics.primaryClinic())
        let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
        _ = try await services.records.add(WeightMeasurement(kilograms: 70, measuredOn: Fixtures.today), to: patient.id, stamp: Fixtures.stamp)
        let chart = try #require(try await services.records.chart(patient.id, in: clinic.id))
        let result = ScreeningEngine.evaluate(chart.record, policy: .defaults, jurisdiction: clinic.settings.jurisdiction, today: Fixtures.today)
        let screening = try await services.screenings.sign(patientID: patient.id, record: chart.record, recordRevision: chart.revision, result: result,
                                                           review: ScreeningReview(), resistance: TreatmentResistanceCalculator.assess(
                                                            trials: [], episode: nil, policy: .defaults, today: Fixtures.today),
                                                           stamp: Fixtures.stamp)
        let request = TreatmentPlanRequest(protocolID: "iv-ketamine-standard", start: Fixtures.today.adding(days: 1), sessionCount: 6,
                                           target: .mgPerKg(0.5))
        let review = TreatmentPlanReview(request, protocol: ProtocolLibrary.ivStandard, patient: PlanPatient(weight: Kilograms(70)),
                                         screening: screening, recordRevision: chart.revision, today: Fixtures.today,
                                         workingDays: Weekday.mondayToFriday)
        _ = try await services.plans.sign(patientID: patient.id, recordRevision: chart.revision, request: request, review: review,
                                          screeningVersion: screening.version, stamp: Fixtures.stamp)
        return patient
    }

    @Test("The front desk proposes and books a course, moves a session, and sees conflicts and field errors; nothing clinical leaks")
    func bookCourse() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let patient = try await Self.patientWithPlan(services)
            let base = "/api/v1/schedule/patients/\(patient.id.uuidString)"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // Resources: the administrator staffs the week; the front desk may not.
                try await Self.staffWeekdays(client, admin: admin, nurse: nurse)
                try await client.execute(uri: "/api/v1/schedule/shifts", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"user":"x","weekday":"mon","start":"08:00","end":"18:00"}"#)) {
                    #expect($0.status == .forbidden)
                }
                try await client.execute(uri: "/api/v1/schedule/shifts", method: .post, headers: admin.json,
                                         body: ByteBuffer(string: #"{"user":"\#(nurse.account.id.uuidString)","weekday":"mon","start":"12:00","end":"09:00"}"#)) {
                    #expect($0.status == .unprocessableContent)
                    #expect(Self.body($0).contains("The end must be after the start."))
                }
                var chairs: [String: String] = [:]
                try await client.execute(uri: "/api/v1/schedule/chairs", method: .get, headers: desk.api) { response in
                    let list = try #require(try Self.object(response) as? [[String: Any]])
                    #expect(list.compactMap { $0["name"] as? String } == ["Chair 1", "Chair 2", "Chair 3", "Chair 4"], "seeded from the session policy")
                    for chair in list { chairs[chair["name"] as! String] = chair["id"] as? String }
                }

                // The course and a proposal for every session.
                var sessions: [[String: Any]] = []
                try await client.execute(uri: base + "/course", method: .get, headers: desk.api) { response in
                    #expect(response.status == .ok)
                    let course = try #require(try Self.object(response) as? [String: Any])
                    #expect(course["treatment"] as? String == "iv-ketamine")
                    sessions = try #require(course["sessions"] as? [[String: Any]])
                    #expect(sessions.count == 6)
                    for clinical in ["mgPerKg", "doseMg", "devices"] { #expect(!Self.body(response).contains(clinical)) }
                }
                var proposals: [[String: Any]] = []
                try await client.execute(uri: base + "/proposal", method: .post, headers: desk.json, body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .ok, "\(Self.body(response))")
                    proposals = try #require(try Self.object(response) as? [[String: Any]])
                    #expect(proposals.count == 6)
                    #expect(proposals.allSatisfy { $0["proposed"] is [String: Any] })
                }
                for proposal in proposals {
                    let slot = try #require(proposal["proposed"] as? [String: Any])
                    let body = #"{"chair":"\#(slot["chair"]!)","date":"\#(slot["date"]!)","start":"\#(slot["start"]!)"}"#
                    try await client.execute(uri: base + "/sessions/\(proposal["session"]!)", method: .put, headers: desk.json,
                                             body: ByteBuffer(string: body)) { response in
                        #expect(response.status == .ok, "\(Self.body(response))")
                    }
                }
                let first = try #require(proposals[0]["proposed"] as? [String: Any])
                let firstDate = try #require(first["date"] as? String)

                // Session 2 into session 1's chair and hour: refused with both reasons, as problem+json.
                let second = try #require(proposals[1]["session"] as? String)
                try await client.execute(uri: base + "/sessions/\(second)", method: .put, headers: desk.json,
                                         body: ByteBuffer(string: #"{"chair":"\#(first["chair"]!)","date":"\#(firstDate)","start":"\#(first["start"]!)"}"#)) { response in
                    #expect(response.status == .conflict)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = Self.body(response)
                    #expect(problem.contains("chair-double-booked") && problem.contains("patient-already-booked"), "\(problem)")
                }

                // Bad input: a field error each, nothing stored.
                let badInputs: [(String, HTTPResponse.Status, String)] = [
                    (#"{"chair":"\#(chairs["Chair 3"]!)","date":"2026-11-24","start":"14:00","end":"13:00"}"#, .unprocessableContent, "The end must be after the start."),
                    (#"{"chair":"\#(chairs["Chair 3"]!)","date":"2026-11-24","start":"25:00"}"#, .unprocessableContent, "Enter a time of day as HH:MM"),
                    (#"{"chair":"\#(chairs["Chair 3"]!)","date":"2026-11-24","start":"14:00","end":"14:30"}"#, .unprocessableContent, "at least 120 minutes"),
                    (#"{"chair":"\#(chairs["Chair 3"]!)","date":"24/11/2026","start":"14:00"}"#, .unprocessableContent, "YYYY-MM-DD"),
                    (#"{"chair":"\#(UUID().uuidString)","date":"2026-11-24","start":"14:00"}"#, .conflict, "unknown-chair"),
                    (#"{"chair":"\#(chairs["Chair 3"]!)","date":"2026-11-20","start":"14:00"}"#, .conflict, "in-the-past"),
                    (#"{"chair":"\#(chairs["Chair 3"]!)","date":"2026-11-24","start":"07:00"}"#, .conflict, "outside-opening-hours"),
                    (#"{"chair":"\#(chairs["Chair 3"]!)","date":"2026-11-24","start":"14:00","room":"B"}"#, .unprocessableContent, "Unknown field"),
                ]
                for (body, status, message) in badInputs {
                    try await client.execute(uri: base + "/sessions/\(second)", method: .put, headers: desk.json, body: ByteBuffer(string: body)) { response in
                        #expect(response.status == status, "\(body) → \(Self.body(response))")
                        #expect(Self.body(response).contains(message), "\(body) → \(Self.body(response))")
                        #expect(response.headers[.contentType] == "application/problem+json")
                    }
                }
                // Still booked where proposed.
                try await client.execute(uri: base + "/course", method: .get, headers: desk.api) { response in
                    let course = try #require(try Self.object(response) as? [String: Any])
                    let list = try #require(course["sessions"] as? [[String: Any]])
                    let booking = try #require(list[1]["booking"] as? [String: Any])
                    #expect(booking["date"] as? String == (proposals[1]["proposed"] as? [String: Any])?["date"] as? String)
                }

                // Moving session 2 to the day after session 1 stands but warns about the protocol's minimum interval.
                let nextDay = CalendarDate(iso: firstDate)!.adding(days: 1).iso
                try await client.execute(uri: base + "/sessions/\(second)", method: .put, headers: desk.json,
                                         body: ByteBuffer(string: #"{"chair":"\#(chairs["Chair 2"]!)","date":"\#(nextDay)","start":"13:00"}"#)) { response in
                    #expect(response.status == .ok, "\(Self.body(response))")
                    #expect(Self.body(response).contains("minimum-interval"))
                }
                try await client.execute(uri: "/api/v1/schedule/days/\(nextDay)", method: .get, headers: desk.api) { response in
                    let day = try #require(try Self.object(response) as? [[String: Any]])
                    #expect(day.contains { $0["session"] as? String == second && $0["start"] as? String == "13:00" && $0["chairName"] as? String == "Chair 2" })
                }
                try await client.execute(uri: "/api/v1/schedule/days/yesterday", method: .get, headers: desk.api) {
                    #expect($0.status == .unprocessableContent)
                }

                // A cancellation 17 hours ahead is late under the 24-hour policy.
                try await client.execute(uri: base + "/sessions/\(proposals[0]["session"]!)/cancel", method: .post, headers: desk.json,
                                         body: ByteBuffer(string: #"{"reason":"no transport"}"#)) { response in
                    #expect(response.status == .ok, "\(Self.body(response))")
                    #expect(Self.body(response).contains("\"lateCancellation\":true"))
                }

                // Policy: readable by the front desk, changed only by the administrator, within bounds.
                try await client.execute(uri: "/api/v1/schedule/policy", method: .get, headers: desk.api) { response in
                    #expect(Self.body(response).contains("\"chairsPerNurse\":2"))
                }
                let policy = #"{"chairsPerNurse":3,"esketamineChairMinutes":90,"racemicChairMinutes":120,"slotStepMinutes":15,"lateCancellationHours":24,"searchDays":7,"screeningValidDays":365}"#
                try await client.execute(uri: "/api/v1/schedule/policy", method: .put, headers: desk.json, body: ByteBuffer(string: policy)) {
                    #expect($0.status == .forbidden)
                }
                try await client.execute(uri: "/api/v1/schedule/policy", method: .put, headers: admin.json, body: ByteBuffer(string: policy)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("esketamineChairMinutes"))
                }
            }
        }
    }

    @Test("The pages: the course page books the proposal, the week view shows appointments only, a move re-renders with reasons or field errors")
    func pages() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let schedule = ScheduleRepository(database: services.database)
            for day in Weekday.mondayToFriday {
                try await schedule.addShift(userID: nurse.account.id, weekday: day, span: DaySpan(start: ClockTime(hour: 8)!, end: ClockTime(hour: 18)!)!,
                                            to: clinic.id, stamp: Fixtures.stamp)
            }
            let patient = try await Self.patientWithPlan(services)
            let path = "/schedule/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: path, method: .get, headers: desk.page) { response in
                    #expect(response.status == .ok)
                    let html = Self.body(response)
                    #expect(html.contains("Proposed slots") && html.contains("Session 1: 2026-11-23 08:00–10:00, Chair 1"), "\(html)")
                    #expect(!html.contains("mg/kg"), "no dose on the front desk's page")
                }
                try await client.execute(uri: path + "/book-proposal", method: .post, headers: desk.form, body: desk.formBody("")) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: "/schedule?week=2026-11-23", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Testwood, Ada") && html.contains("Appointment · IV ketamine") && html.contains("08:00–10:00"))
                    #expect(!html.contains("mg/kg") && !html.contains(" mg"), "nothing clinical on the calendar")
                }
                try await client.execute(uri: "/schedule/day?date=2026-11-23", method: .get, headers: desk.page) { response in
                    #expect(Self.body(response).contains("Chair 1"))
                }
                let sessions = try await services.plans.sessions(patientID: patient.id)
                let chairs = try await schedule.chairs(of: clinic.id)
                let second = sessions[1].id.uuidString.lowercased(), chair1 = chairs[0].id.uuidString.lowercased()
                try await client.execute(uri: path + "/move", method: .post, headers: desk.form,
                                         body: desk.formBody("session=\(second)&date=2026-11-23&start=08:00&chair=\(chair1)")) { response in
                    #expect(response.status == .conflict)
                    let html = Self.body(response)
                    #expect(html.contains("booking-conflicts") && html.contains("Chair 1 is already booked 08:00–10:00."))
                }
                try await client.execute(uri: path + "/move", method: .post, headers: desk.form,
                                         body: desk.formBody("session=\(second)&date=2026-11-24&start=26:00&chair=\(chair1)")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"start-error\""))
                }
                try await client.execute(uri: path + "/move", method: .post, headers: desk.form,
                                         body: desk.formBody("session=\(second)&date=2026-11-24&start=13:00&chair=\(chair1)")) { response in
                    #expect(response.status == .seeOther)
                }
                #expect(try await services.plans.sessions(patientID: patient.id)[1].date.iso == "2026-11-24")
            }
        }
    }
}
