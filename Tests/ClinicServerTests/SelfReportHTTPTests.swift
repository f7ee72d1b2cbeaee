import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Rating scales, self-report links and suicidality alerts through the pages and the API")
struct SelfReportHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }
    private static let form: HTTPFields = [.cookie: "kc_form=tok", .contentType: "application/x-www-form-urlencoded"]
    private static func formBody(_ fields: String) -> ByteBuffer { ByteBuffer(string: "_csrf=tok&" + fields) }

    /// PHQ-9 answers as self-report form fields.
    private static func phq9(_ answers: [Int]) -> String {
        answers.enumerated().map { "phq9.item\($0.offset + 1)=\($0.element)" }.joined(separator: "&")
    }

    /// Creates a link through the staff page; returns its code.
    private static func createLink(_ client: some TestClientProtocol, _ user: TestUser, base: String) async throws -> String {
        let created = try await client.execute(uri: "\(base)/self-report-links", method: .post, headers: user.form,
                                               body: user.formBody("instrument-phq9=on"))
        #expect(created.status == .created)
        let html = Self.body(created)
        #expect(html.contains("<svg") && html.contains("self-report-qr"), "the QR code is on the page")
        let match = html.firstMatch(of: /id="self-report-code">([0-9A-Z]{5}-[0-9A-Z]{5})</)
        return String(try #require(match).1)
    }

    @Test("A patient completes a PHQ-9 with item 9 above 0: the alert reaches staff, the chart and the day list, and is acknowledged")
    func fullFlow() async throws {
        let outbox = RecordingOutbox()
        try await TestApp.withServices(outbox: outbox) { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            let base = "/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let code = try await Self.createLink(client, nurse, base: base)
                // The patient: no account, the date of birth first.
                try await client.execute(uri: "/r/\(code)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("date of birth"))
                }
                let wrong = try await client.execute(uri: "/r/\(code)", method: .post, headers: Self.form,
                                                     body: Self.formBody("step=identity&dateOfBirth=1990-01-01"))
                #expect(wrong.status == .unprocessableContent)
                let first = try await client.execute(uri: "/r/\(code)", method: .post, headers: Self.form,
                                                     body: Self.formBody("step=identity&dateOfBirth=1980-05-17"))
                #expect(Self.body(first).contains("Part 1 of 1") && Self.body(first).contains("phq9-item9-3"))
                let incomplete = try await client.execute(uri: "/r/\(code)", method: .post, headers: Self.form,
                                                          body: Self.formBody("step=part-1&dateOfBirth=1980-05-17&phq9.item1=1"))
                #expect(incomplete.status == .unprocessableContent)
                let skippedItem9 = try await client.execute(uri: "/r/\(code)", method: .post, headers: Self.form,
                    body: Self.formBody("step=part-1&dateOfBirth=1980-05-17&" + (1...8).map { "phq9.item\($0)=1" }.joined(separator: "&")
                                        + "&phq9.item9=skipped"))
                #expect(skippedItem9.status == .unprocessableContent, "item 9 cannot be declined")
                #expect(!Self.body(first).contains("phq9-item9-skipped"), "no skip choice on item 9")
                let done = try await client.execute(uri: "/r/\(code)", method: .post, headers: Self.form,
                    body: Self.formBody("step=part-1&dateOfBirth=1980-05-17&" + Self.phq9([2, 2, 1, 1, 1, 1, 1, 1, 2])))
                #expect(done.status == .ok)
                #expect(Self.body(done).contains("id=\"crisis-resources\"") && Self.body(done).contains("alert-notice"))
                // Used: the link never opens again.
                try await client.execute(uri: "/r/\(code)", method: .get) { #expect($0.status == .notFound) }
                // Staff were told at once: every prescriber (the default policy names nobody).
                #expect(outbox.messages.contains { $0.recipient == "\(prescriber.account.email)" && $0.subject.contains("Suicidality alert") })
                #expect(!outbox.messages.contains { $0.body.contains("item 9") }, "no answers in messages")
                // The alert on the home page's day list and the chart.
                let home = Self.body(try await client.execute(uri: "/", method: .get, headers: nurse.page))
                #expect(home.contains("Open suicidality alerts (1)"))
                let chart = Self.body(try await client.execute(uri: base, method: .get, headers: nurse.page))
                #expect(chart.contains("id=\"chart-alerts\""))
                let alert = try #require(try await services.scales.alerts(patientID: patient.id).first)
                let missingAction = try await client.execute(uri: "/alerts/\(alert.id.uuidString.lowercased())/acknowledge", method: .post,
                                                             headers: nurse.form, body: nurse.formBody("returnTo=/"))
                #expect(missingAction.status == .seeOther)
                #expect(try await services.scales.alert(alert.id)?.isOpen == true, "no action, no acknowledgement")
                _ = try await client.execute(uri: "/alerts/\(alert.id.uuidString.lowercased())/acknowledge", method: .post, headers: nurse.form,
                                             body: nurse.formBody("returnTo=/&action=contacted-patient&note=Safe%2C+seen+tomorrow"))
                let acknowledged = try #require(try await services.scales.alert(alert.id))
                #expect(acknowledged.acknowledgement?.action == .contactedPatient && acknowledged.acknowledgement?.note == "Safe, seen tomorrow")
                let scales = Self.body(try await client.execute(uri: "\(base)/scales", method: .get, headers: nurse.page))
                #expect(scales.contains("Patient self-report") && scales.contains("suicidal-ideation"))
            }
        }
    }

    @Test("Expired, reused and wrong-patient links are refused with one neutral page; five wrong dates of birth lock the link")
    func refusals() async throws {
        let clock = Clock()
        try await TestApp.withServices(now: { clock.now }) { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            let base = "/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let expiring = try await Self.createLink(client, nurse, base: base)
                clock.now = Fixtures.now.addingTimeInterval(73 * 3600)
                try await client.execute(uri: "/r/\(expiring)", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(Self.body(response).contains(SelfReportLink.Refusal.publicMessage))
                }
                clock.now = Fixtures.now
                let locked = try await Self.createLink(client, nurse, base: base)
                for _ in 0..<SelfReportLink.maximumFailedChecks {
                    _ = try await client.execute(uri: "/r/\(locked)", method: .post, headers: Self.form,
                                                 body: Self.formBody("step=identity&dateOfBirth=1975-01-01"))
                }
                try await client.execute(uri: "/r/\(locked)", method: .get) { #expect($0.status == .notFound) }
                let entries = try await services.audit.page(AuditFilter(patientID: patient.id, action: .failedLogin), limit: 10)
                #expect(entries.count == SelfReportLink.maximumFailedChecks)
                try await client.execute(uri: "/r/ABCDE-FGHJK", method: .get) { #expect($0.status == .notFound) }
                // Entering the code by hand normalises it.
                let typed = try await Self.createLink(client, nurse, base: base)
                let redirect = try await client.execute(uri: "/r", method: .post, headers: Self.form,
                                                        body: Self.formBody("code=\(typed.lowercased().replacingOccurrences(of: "-", with: "+"))"))
                #expect(redirect.headers[.location] == "/r/\(typed)")
            }
        }
    }

    @Test("Staff enter a scale with field-level errors; a correction needs a reason; the API scores and refuses out-of-range answers")
    func staffEntryAndAPI() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            let base = "/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let items = (1...10).map { "item\($0)=3" }.joined(separator: "&")
                let partial = try await client.execute(uri: "\(base)/scales", method: .post, headers: nurse.form,
                                                       body: nurse.formBody("instrument=madrs&administeredOn=2026-11-22&item1=3"))
                #expect(partial.status == .unprocessableContent)
                #expect(Self.body(partial).contains("id=\"item2-error\""))
                let saved = try await client.execute(uri: "\(base)/scales", method: .post, headers: nurse.form,
                                                     body: nurse.formBody("instrument=madrs&administeredOn=2026-11-22&\(items)"))
                #expect(saved.status == .seeOther)
                let stored = try #require(try await services.scales.responses(patientID: patient.id).first)
                #expect(stored.score.total == 30)
                let noReason = try await client.execute(uri: "\(base)/scales/\(stored.id.uuidString.lowercased())/amend", method: .post,
                                                        headers: nurse.form, body: nurse.formBody("administeredOn=2026-11-22&\(items)"))
                #expect(Self.body(noReason).contains("id=\"reason-error\""))
                let amendURI = "\(base)/scales/\(stored.id.uuidString.lowercased())/amend"
                let corrected = try await client.execute(uri: amendURI, method: .post, headers: nurse.form,
                                                         body: nurse.formBody("administeredOn=2026-11-22&\(items)&reason=item+10+mis-scored"))
                #expect(corrected.status == .seeOther)
                let twice = try await client.execute(uri: amendURI, method: .post, headers: nurse.form,
                                                     body: nurse.formBody("administeredOn=2026-11-22&\(items)&reason=again"))
                #expect(twice.status == .unprocessableContent, "a response is corrected once; later corrections correct the correction")
                let forbidden = try await client.execute(uri: "\(base)/scales", method: .post, headers: desk.form,
                                                         body: desk.formBody("instrument=madrs&administeredOn=2026-11-22&\(items)"))
                #expect(forbidden.status == .forbidden)

                let scored = try await client.execute(uri: "/api/v1/score", method: .post, headers: nurse.json,
                                                      body: ByteBuffer(string: #"{"instrument": "phq9", "answers": [1,2,3,0,1,2,1,0,1]}"#))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.body(scored).utf8)) as? [String: Any])
                #expect(object["total"] as? Int == 11)
                #expect((object["flags"] as? [String])?.contains("suicidal-ideation") == true)
                let outOfRange = try await client.execute(uri: "/api/v1/patients/\(patient.id.uuidString.lowercased())/scales", method: .post,
                                                          headers: nurse.json,
                                                          body: ByteBuffer(string: #"{"instrument": "phq9", "answers": [4,0,0,0,0,0,0,0,0]}"#))
                #expect(outOfRange.status == .unprocessableContent)
                #expect(outOfRange.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(Self.body(outOfRange).contains("item1"))
                let link = try await client.execute(uri: "/api/v1/patients/\(patient.id.uuidString.lowercased())/self-report-links",
                                                    method: .post, headers: nurse.json, body: ByteBuffer(string: #"{"instruments": ["madrs"]}"#))
                #expect(link.status == .unprocessableContent, "MADRS is clinician-rated")
            }
        }
    }
}

@Suite("Alert escalation")
struct AlertEscalationTests {
    @Test("An alert nobody acknowledges escalates after the policy's minutes, once, to administrators and prescribers")
    func escalates() async throws {
        let outbox = RecordingOutbox()
        let clock = Clock()
        try await TestApp.withServices(outbox: outbox, now: { clock.now }) { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            let score = try InstrumentScoring.score(.phq9, answers: [1, 1, 1, 1, 1, 1, 1, 1, 1])
            _ = try await services.scales.record([ScaleResponse(id: UUID(), patientID: patient.id, score: score, administeredOn: Fixtures.today,
                                                                recordedAt: Fixtures.now, source: .staff, recordedByName: "Nurse")],
                                                 stamp: Fixtures.stamp)
            clock.now = Fixtures.now.addingTimeInterval(14 * 60)
            #expect(try await services.escalateUnacknowledgedAlerts().isEmpty, "15 minutes by default")
            clock.now = Fixtures.now.addingTimeInterval(15 * 60)
            #expect(try await services.escalateUnacknowledgedAlerts().count == 1)
            #expect(outbox.messages.contains { $0.recipient == "\(admin.account.email)" && $0.subject.contains("ESCALATED") })
            #expect(try await services.escalateUnacknowledgedAlerts().isEmpty, "once")
        }
    }
}

@Suite("Safety policy page")
struct SafetyPolicyPageTests {
    @Test("Administrators set recipients, escalation, link lifetime, crisis resources and outcome rules; bad values get field errors")
    func save() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let bad = try await client.execute(uri: "/admin/clinic/safety", method: .post, headers: admin.form, body: admin.formBody(
                    "alertRecipients=nobody&escalationRecipients=&escalateAfterMinutes=0&linkLifetimeHours=72&crisisResources=&"
                    + "relapseFractionOfBaseline=2&relapseConsecutive=2&effectEndsAboveFractionOfBaseline=0.5&effectEndsAboveScore="))
                #expect(bad.status == .unprocessableContent)
                let html = String(buffer: bad.body)
                for field in ["alertRecipients", "escalateAfterMinutes", "crisisResources", "relapseFractionOfBaseline"] {
                    #expect(html.contains("id=\"\(field)-error\""), "\(field)")
                }
                let good = try await client.execute(uri: "/admin/clinic/safety", method: .post, headers: admin.form, body: admin.formBody(
                    "alertRecipients=\(nurse.account.email)&escalationRecipients=&escalateAfterMinutes=10&linkLifetimeHours=24&"
                    + "crisisResources=Call+the+clinic%0D%0AEmergency%3A+local+number&relapseFractionOfBaseline=0.6&relapseConsecutive=3&"
                    + "effectEndsAboveFractionOfBaseline=0.5&effectEndsAboveScore=10"))
                #expect(good.status == .seeOther)
                let clinic = try #require(try await services.clinics.primaryClinic())
                let policy = try await services.safetyPolicies.policy(of: clinic.id)
                #expect(policy.alertRecipients == ["\(nurse.account.email)"] && policy.escalateAfterMinutes == 10 && policy.linkLifetimeHours == 24)
                #expect(policy.crisisResources == ["Call the clinic", "Emergency: local number"])
                #expect(policy.outcomePolicy.relapseRule.relapseConsecutive == 3 && policy.outcomePolicy.effectEndsAboveScore == 10)
                let forbidden = try await client.execute(uri: "/admin/clinic/safety", method: .get, headers: nurse.page)
                #expect(forbidden.status == .forbidden)
            }
        }
    }
}

/// A clock tests move by hand.
private final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Fixtures.now
    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
