import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("REMS monitoring forms through the pages and the API")
struct RemsHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("Queue, printable form (audited), submission with field errors, correction with a reason, and the API")
    func pagesAndAPI() async throws {
        try await TestApp.withServices { services in
            // setup
            _ = try await DemoClinicLoader(database: services.database).load(patients: 30, seed: 1, now: Fixtures.now)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let today = CalendarDate(instant: Fixtures.now, in: clinic.settings.resolvedTimeZone)
            let queue = try await RemsRepository(database: services.database).queue(clinic: clinic, today: today)
            let pending = try #require(queue.first { $0.submitted == nil && $0.form.isComplete })
            let path = "/sessions/\(pending.form.sessionID.uuidString.lowercased())/rems-form"
            var ivSessions: [ScheduledSession] = []
            for session in try await services.plans.sessions(from: today.adding(days: -60), through: today) {
                let record = try await SessionRecordRepository(database: services.database).record(of: session.id)
                if record?.treatment == .ivKetamine { ivSessions.append(session) }
            }
            let ivSession = try #require(ivSessions.first)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // act and validate: pages
                try await client.execute(uri: "/rems", method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(html.contains("REMS forms"), "in the navigation")
                    #expect(html.contains(path))
                }
                try await client.execute(uri: path, method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    for label in ["Birthdate (MM/DD/YYYY)", "Non-benzodiazepine sedative hypnotics", "Grace", "10001", "56 mg",
                                  "Blood pressure about 40 minutes after administration", "Not yet submitted"] {
                        #expect(html.contains(label), "\(label)")
                    }
                    #expect(!html.contains("Missing: complete on the form"))
                    #expect(html.contains("data-print") && html.contains("/assets/print.js"), "a Print button without inline script")
                }
                try await client.execute(uri: path + "/submission", method: .post, headers: nurse.form,
                                         body: nurse.formBody("submittedOn=2099-01-01&channel=pigeon")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"submittedOn-error\""))
                    #expect(Self.body(response).contains("id=\"channel-error\""))
                }
                try await client.execute(uri: path + "/submission", method: .post, headers: admin.form,
                                         body: admin.formBody("submittedOn=\(today.iso)&channel=online")) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: path + "/submission", method: .post, headers: nurse.form,
                                         body: nurse.formBody("submittedOn=\(today.iso)&channel=online&confirmation=PMF-1")) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: path, method: .get, headers: nurse.page) { response in
                    #expect(Self.body(response).contains("Submitted \(today.iso)"))
                    #expect(Self.body(response).contains("id=\"reason\""), "a correction needs a reason")
                }
                try await client.execute(uri: "/sessions/\(ivSession.id.uuidString.lowercased())/rems-form", method: .get,
                                         headers: nurse.page) { response in
                    #expect(response.status == .conflict)
                }
                // API
                try await client.execute(uri: "/api/v1/rems/forms", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("\"items\""))
                    #expect(Self.body(response).contains("\"dueOn\""))
                }
                try await client.execute(uri: "/api" + "/v1" + path, method: .get, headers: nurse.api) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("\"isComplete\":true"))
                }
                try await client.execute(uri: "/api/v1" + path + "/submission", method: .post, headers: nurse.json,
                                         body: ByteBuffer(string: #"{"submittedOn":"\#(today.iso)","channel":"fax"}"#)) { response in
                    #expect(response.status == .unprocessableContent, "a correction without a reason")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(Self.body(response).contains("reason"))
                }
                try await client.execute(uri: "/api/v1" + path + "/submission", method: .post, headers: nurse.json,
                                         body: ByteBuffer(string: #"{"submittedOn":"\#(today.iso)","channel":"fax","colour":"red"}"#)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("colour"))
                }
                try await client.execute(uri: "/api/v1" + path + "/submission", method: .post, headers: nurse.json,
                                         body: ByteBuffer(string: #"{"submittedOn":"\#(today.iso)","channel":"fax","reason":"Sent by fax, not online"}"#)) { response in
                    #expect(response.status == .created)
                    #expect(Self.body(response).contains("\"channel\":\"fax\""))
                }
                let views = try await services.audit.page(AuditFilter(patientID: pending.form.patientID, action: .view), limit: 20)
                #expect(views.filter { $0.event.entityType == "rems_form" }.count >= 3, "every view of the form is audited")
                let record = try #require(try await SessionRecordRepository(database: services.database).record(of: pending.form.sessionID))
                #expect(record.entries.filter { if case .remsSubmission = $0.content { true } else { false } }.count == 2, "the first is kept")
                #expect(record.remsSubmission?.submission.channel == .fax)
            }
        }
    }
}

@Suite("REMS setting details page")
struct RemsSettingHTTPTests {
    @Test("Administrators keep the REMS details; bad values are field errors; others may not")
    func settingPage() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/admin/clinic/rems", method: .get, headers: admin.page) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("Healthcare setting name"))
                }
                try await client.execute(uri: "/admin/clinic/rems", method: .get, headers: nurse.page) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: "/admin/clinic/rems", method: .post, headers: admin.form,
                                         body: admin.formBody("kind=outpatient&state=New+York&zip=1&monitoringEmail=nobody")) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .unprocessableContent)
                    for field in ["state", "zip", "monitoringEmail"] { #expect(html.contains("id=\"\(field)-error\""), "\(field)") }
                }
                try await client.execute(uri: "/admin/clinic/rems", method: .post, headers: admin.form,
                                         body: admin.formBody("kind=outpatient&address1=1+Main+St&city=Albany&state=ny&zip=12207")) { response in
                    #expect(response.status == .seeOther)
                }
                let clinic = try #require(try await services.clinics.primaryClinic())
                let details = try await RemsRepository(database: services.database).settingDetails(of: clinic.id)
                #expect(details.state == "NY" && details.city == "Albany")
            }
        }
    }
}
