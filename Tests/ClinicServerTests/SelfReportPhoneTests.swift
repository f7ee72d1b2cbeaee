import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("The patient's phone: date of birth in three fields, unanswered questions marked, crisis lines to tap")
struct SelfReportPhoneTests {
    private static let form: HTTPFields = [.cookie: "kc_form=tok", .contentType: "application/x-www-form-urlencoded"]
    private static func formBody(_ fields: String) -> ByteBuffer { ByteBuffer(string: "_csrf=tok&" + fields) }

    /// A PHQ-9 link for a patient born 1980-05-17 (the fixture), its code, and the client.
    private func withLink(_ engine: SQLEngine, _ body: @escaping @Sendable (String, any TestClientProtocol, ClinicServices) async throws -> Void) async throws {
        try await TestApp.withServices(engine) { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            var policy = try await services.safetyPolicies.policy(of: clinic.id)
            policy.clinicPhone = "+1 (212) 555-0147"
            try await services.safetyPolicies.update(policy, of: clinic.id, stamp: Fixtures.stamp)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let created = try await client.execute(uri: "/patients/\(patient.id.uuidString.lowercased())/self-report-links", method: .post,
                                                       headers: nurse.form, body: nurse.formBody("instrument-phq9=on"))
                let match = String(buffer: created.body).firstMatch(of: /id="self-report-code">([0-9A-Z]{5}-[0-9A-Z]{5})</)
                try await body(String(try #require(match).1), client, services)
            }
        }
    }

    @Test("Day, month and year: numeric, labelled, with birthday autocomplete; a non-date is refused without using up a try",
          arguments: TestDatabases.engines)
    func dateOfBirth(engine: SQLEngine) async throws {
        try await withLink(engine) { code, client, _ in
            let page = String(buffer: try await client.execute(uri: "/r/\(code)", method: .get).body)
            for (id, autocomplete) in [("birth-day", "bday-day"), ("birth-month", "bday-month"), ("birth-year", "bday-year")] {
                #expect(page.contains(#"<label for="\#(id)">"#))
                #expect(page.contains(#"id="\#(id)""#) && page.contains(#"autocomplete="\#(autocomplete)""#))
            }
            #expect(page.contains(#"inputmode="numeric""#) && !page.contains(#"type="date""#))
            #expect(!page.contains("does not replace clinical judgement"), "no staff footer on a patient's page")
            for _ in 0..<6 {   // more than the failed checks allowed: none of these is a guess
                let bad = try await client.execute(uri: "/r/\(code)", method: .post, headers: Self.form,
                                                   body: Self.formBody("step=identity&birthDay=31&birthMonth=02&birthYear=1980"))
                #expect(bad.status == .unprocessableContent)
                #expect(String(buffer: bad.body).contains(#"aria-describedby="birth-error""#))
            }
            let good = try await client.execute(uri: "/r/\(code)", method: .post, headers: Self.form,
                                                body: Self.formBody("step=identity&birthDay=17&birthMonth=5&birthYear=1980"))
            #expect(good.status == .ok)
            let html = String(buffer: good.body)
            #expect(html.contains(#"<progress class="answer-progress" id="answer-progress" max="9" value="0""#))
            #expect(!html.contains("style="), "no inline style: the CSP blocks it")
            #expect(html.contains(#"href="tel:911""#) && html.contains(#"href="tel:988""#) && html.contains(#"href="tel:+12125550147""#))
        }
    }

    @Test("Sent with questions left: each is marked and described, listed at the top, and the first takes the focus",
          arguments: TestDatabases.engines)
    func unanswered(engine: SQLEngine) async throws {
        try await withLink(engine) { code, client, _ in
            let response = try await client.execute(uri: "/r/\(code)", method: .post, headers: Self.form,
                body: Self.formBody("step=part-1&dateOfBirth=1980-05-17&phq9.item1=1&phq9.item2=0"))
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            #expect(html.contains(#"id="answers-missing""#) && html.contains("7 questions still need an answer"))
            #expect(html.contains(##"href="#phq9-item3-question""##))
            #expect(html.contains(#"aria-describedby="phq9-item3-error""#) && html.contains(#"id="phq9-item3-error""#))
            #expect(html.contains(#"id="phq9-item3-0" value="0" aria-invalid="true" autofocus="autofocus""#))
            #expect(!html.contains(#"id="phq9-item1-0" value="0" aria-invalid"#), "answered questions are not marked")
            #expect(html.contains(#"max="9" value="2""#), "progress counts the two answers")
        }
    }
}
