import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Screening through the pages and the API")
struct ScreeningHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// A patient with an aneurysm (an esketamine contraindication [R13]) and an MAOI (a caution [R28]).
    private static func patient(_ services: ClinicServices) async throws -> PatientSummary {
        let clinic = try #require(try await services.clinics.primaryClinic())
        let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
        _ = try await services.records.add(MedicalHistory(aneurysmalVascularDisease: true), to: patient.id, stamp: Fixtures.stamp)
        _ = try await services.records.add(Medication(name: "phenelzine", classes: [.maoi]), to: patient.id, stamp: Fixtures.stamp)
        _ = try await services.records.add(VitalSigns(systolic: 122, diastolic: 76, heartRate: 70, oxygenSaturation: 98,
                                                      respiratoryRate: 14, measuredOn: Fixtures.today), to: patient.id, stamp: Fixtures.stamp)
        return patient
    }

    @Test("A prescriber sees the reasoning, must acknowledge cautions, overrides with a reason and signs; the chart shows it and then goes stale")
    func signThroughPages() async throws {
        try await TestApp.withServices { services in
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let patient = try await Self.patient(services)
            let base = "/patients/\(patient.id.uuidString.lowercased())"
            let clinicID = try #require(try await services.clinics.primaryClinic()).id
            let chart = try #require(try await services.records.chart(patient.id, in: clinicID))
            let live = ScreeningEngine.evaluate(chart.record, policy: .defaults,
                                                jurisdiction: ClinicSettings.initial.jurisdiction, today: Fixtures.today)
            let contraindication = try #require(live[.esketamine]?.findings(.contraindication).first)
            let cautions = live.treatments.flatMap { t in t.findings(.caution).map { (t.treatment, $0.ruleID) } }
            #expect(!cautions.isEmpty, "the MAOI gives at least one caution")
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "\(base)/screening", method: .get, headers: prescriber.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(html.contains(contraindication.ruleID) && html.contains(contraindication.detail.htmlEscapedForTest))
                    #expect(html.contains("id=\"decision-esketamine\""))
                    #expect(html.contains("Sign screening"))
                }
                // Not acknowledging the cautions is refused, naming each.
                let override = "override.esketamine.\(contraindication.ruleID)"
                let refused = try await client.execute(uri: "\(base)/screenings", method: .post, headers: prescriber.form,
                                                       body: prescriber.formBody("recordRevision=3"))
                #expect(refused.status == .unprocessableContent)
                #expect(Self.body(refused).contains("acknowledgement."))
                let acks = cautions.map { "acknowledgement.\($0.0.rawValue).\($0.1)=on" }.joined(separator: "&")
                let signed = try await client.execute(
                    uri: "\(base)/screenings", method: .post, headers: prescriber.form,
                    body: prescriber.formBody("recordRevision=3&\(acks)&\(override)=Aneurysm+repaired+in+2019%2C+cleared+by+surgeon"))
                #expect(signed.status == .seeOther)
                #expect(signed.headers[.location] == "\(base)/screenings/1")
                try await client.execute(uri: "\(base)/screenings/1", method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Overridden: Aneurysm repaired in 2019, cleared by surgeon"))
                    #expect(html.contains("Matches the current record"))
                    #expect(!html.contains("Sign screening"), "a signed version is read-only")
                }
                try await client.execute(uri: base, method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Version 1 signed by \(prescriber.account.email.text)"),
                            "\(html.components(separatedBy: "header-screening").dropFirst().first?.prefix(200) ?? "no header")")
                }
                // The nurse may not sign.
                let nurseSign = try await client.execute(uri: "\(base)/screenings", method: .post, headers: nurse.form,
                                                         body: nurse.formBody("recordRevision=3"))
                #expect(nurseSign.status == .forbidden)
                // A change to the record makes the signed screening stale on the chart.
                _ = try await client.execute(uri: "\(base)/record/weight", method: .post, headers: nurse.form,
                                             body: nurse.formBody("kilograms=70&measuredOn=2026-11-20"))
                try await client.execute(uri: base, method: .get, headers: nurse.page) { response in
                    #expect(Self.body(response).contains("Stale: the record changed after version 1 was signed"))
                }
                let audit = try await services.audit.page(AuditFilter(patientID: patient.id), before: nil, limit: 50)
                #expect(audit.contains { $0.event.action == .sign })
                #expect(audit.contains { $0.event.action == .override && $0.event.summary.contains(contraindication.ruleID) })
                #expect(audit.contains { $0.event.action == .view && $0.event.entityType == "screening" })
            }
        }
    }

    @Test("The API evaluates, refuses an outdated revision, signs and lists versions")
    func api() async throws {
        try await TestApp.withServices { services in
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let patient = try await Self.patient(services)
            let base = "/api/v1/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                struct Live: Decodable { let recordRevision: Int64; let result: ScreeningResult }
                let live = try await client.execute(uri: "\(base)/screening", method: .get, headers: prescriber.api) {
                    try JSONDecoder().decode(Live.self, from: Data(buffer: $0.body))
                }
                #expect(live.recordRevision == 3)
                #expect(live.result[.esketamine]?.decision == .notEligible)
                let acks = live.result.treatments.flatMap { t in t.findings(.caution).map { ScreeningReview.Acknowledgement(treatment: t.treatment, ruleID: $0.ruleID) } }
                let review = ScreeningReview(acknowledgements: acks)
                struct Body: Encodable { let review: ScreeningReview; let recordRevision: Int64 }
                let outdated = try await client.execute(uri: "\(base)/screenings", method: .post, headers: prescriber.json,
                                                        body: ByteBuffer(data: try JSONEncoder().encode(Body(review: review, recordRevision: 2))))
                #expect(outdated.status == .unprocessableContent)
                #expect(Self.body(outdated).contains("recordRevision"))
                // Without the revision the prescriber reviewed, nothing is signed (issue 22, point 7).
                struct Unversioned: Encodable { let review: ScreeningReview }
                let unversioned = try await client.execute(uri: "\(base)/screenings", method: .post, headers: prescriber.json,
                                                           body: ByteBuffer(data: try JSONEncoder().encode(Unversioned(review: review))))
                #expect(unversioned.status == .unprocessableContent)
                #expect(Self.body(unversioned).contains("recordRevision"))
                let signed = try await client.execute(uri: "\(base)/screenings", method: .post, headers: prescriber.json,
                                                      body: ByteBuffer(data: try JSONEncoder().encode(Body(review: review, recordRevision: 3))))
                #expect(signed.status == .created)
                try await client.execute(uri: "\(base)/screenings", method: .get, headers: prescriber.api) { response in
                    let json = Self.body(response)
                    #expect(json.contains("\"version\":1") && json.contains("\"stale\":false"))
                    #expect(json.contains("not-eligible"), "esketamine stays not eligible without an override")
                }
            }
        }
    }
}

extension String {
    /// The text as Plot escapes it in HTML (enough for the characters rule details use).
    var htmlEscapedForTest: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
