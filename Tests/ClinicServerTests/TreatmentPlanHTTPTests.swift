import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Dose calculator, protocol library and treatment plans through the pages and the API")
struct TreatmentPlanHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// A 70 kg patient with a signed screening (no findings beyond information).
    private static func screenedPatient(_ services: ClinicServices) async throws -> PatientSummary {
        let clinic = try #require(try await services.clinics.primaryClinic())
        let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
        _ = try await services.records.add(WeightMeasurement(kilograms: 70, measuredOn: Fixtures.today), to: patient.id, stamp: Fixtures.stamp)
        _ = try await services.records.add(HeightMeasurement(centimetres: 175, measuredOn: Fixtures.today), to: patient.id, stamp: Fixtures.stamp)
        _ = try await services.records.add(VitalSigns(systolic: 122, diastolic: 76, heartRate: 70, oxygenSaturation: 98,
                                                      respiratoryRate: 14, measuredOn: Fixtures.today), to: patient.id, stamp: Fixtures.stamp)
        let chart = try #require(try await services.records.chart(patient.id, in: clinic.id))
        let result = ScreeningEngine.evaluate(chart.record, policy: .defaults, jurisdiction: clinic.settings.jurisdiction, today: Fixtures.today)
        let review = ScreeningReview(acknowledgements: result.treatments.flatMap { screening in
            screening.findings(.caution).map { ScreeningReview.Acknowledgement(treatment: screening.treatment, ruleID: $0.ruleID) }
        })
        _ = try await services.screenings.sign(patientID: patient.id, record: chart.record, recordRevision: chart.revision, result: result,
                                               review: review, resistance: TreatmentResistanceCalculator.assess(
                                                trials: [], episode: nil, policy: .defaults, today: Fixtures.today),
                                               stamp: Fixtures.stamp)
        return patient
    }

    @Test("The calculator page reproduces the worked example, refuses a hard-limit dose and shows field errors")
    func calculatorPage() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let example = "/dosing/calculator?protocol=iv-ketamine-standard&weightKg=70&mgPerKg=0.5&minutes=40&vialMgPerMl=50&bagMl=100"
                try await client.execute(uri: example, method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    for figure in ["35 mg", "0.7 mL", "100.7 mL", "151.1 mL/h", "52.5 mg/h"] { #expect(html.contains(figure), "\(figure)") }
                    #expect(html.contains("id=\"dose-arithmetic\""))
                }
                try await client.execute(uri: "/dosing/calculator?protocol=iv-ketamine-standard&weightKg=70&mgPerKg=1.5&minutes=40",
                                         method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Refused: past a hard limit"))
                    #expect(html.contains("hard-limit-dose"))
                    #expect(!html.contains("id=\"dose-arithmetic\""), "a refused dose shows no order")
                }
                try await client.execute(uri: "/dosing/calculator?weightKg=heavy&mgPerKg=0.5", method: .get, headers: nurse.page) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"weightKg-error\""))
                }
                try await client.execute(uri: "/dosing", method: .get, headers: nurse.page) { response in
                    #expect(Self.body(response).contains("/dosing/pk"))
                }
                try await client.execute(uri: "/dosing/calculator", method: .get, headers: desk.page) { response in
                    #expect(response.status == .forbidden)
                }
            }
        }
    }

    @Test("POST /api/v1/dose: the order as JSON; a hard limit is refused as problem+json")
    func doseAPI() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let ok = try await client.execute(uri: "/api/v1/dose", method: .post, headers: nurse.json,
                                                  body: ByteBuffer(string: #"{"weightKg": 70, "mgPerKg": 0.5, "minutes": 40, "heightCm": 175}"#))
                #expect(ok.status == .ok)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.body(ok).utf8)) as? [String: Any])
                #expect(object["doseMg"] as? Double == 35 && object["pumpRateMlPerHour"] as? Double == 151.1)
                #expect(object["bmi"] as? Double == 22.9)
                let refused = try await client.execute(uri: "/api/v1/dose", method: .post, headers: nurse.json,
                                                       body: ByteBuffer(string: #"{"weightKg": 70, "mgPerKg": 1.2}"#))
                #expect(refused.status == .unprocessableContent)
                #expect(refused.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(Self.body(refused).contains("Refused, past a hard limit"))
                let unknown = try await client.execute(uri: "/api/v1/dose", method: .post, headers: nurse.json,
                                                       body: ByteBuffer(string: #"{"weightKg": 70, "dose": 35}"#))
                #expect(unknown.status.code >= 400 && unknown.status.code < 500)
            }
        }
    }

    @Test("Planning a course: preview with arithmetic, PK chart and dates; soft limit needs a reason that is audited; hard limit refused")
    func planThroughPages() async throws {
        try await TestApp.withServices { services in
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let patient = try await Self.screenedPatient(services)
            let base = "/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                var revision = ""
                try await client.execute(uri: "\(base)/plans/new?protocol=iv-ketamine-standard&start=2026-11-23", method: .get,
                                         headers: nurse.page) { response in
                    let html = Self.body(response)

                    #expect(response.status == .ok)
                    #expect(html.contains("151.1 mL/h"))
                    #expect(html.contains("<svg"), "the PK chart")
                    #expect(html.contains("Mon 2026-11-23") && html.contains("Fri 2026-11-27"))
                    #expect(html.contains("Only a prescriber can sign"))
                }
                try await client.execute(uri: "\(base)/plans/new?protocol=iv-ketamine-standard&start=2026-11-23", method: .get,
                                         headers: prescriber.page) { response in
                    let html = Self.body(response)
                    revision = html.range(of: #"name="recordRevision" value=""#).map { String(html[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
                }
                #expect(!revision.isEmpty, "the signing form carries the revision the prescriber reviews")
                let fields = "protocol=iv-ketamine-standard&start=2026-11-23&sessions=6&minutes=40&frequency0=3%2Fweek&frequency1=every-1-weeks"
                    + "&recordRevision=\(revision)"
                let nurseSign = try await client.execute(uri: "\(base)/plans", method: .post, headers: nurse.form,
                                                         body: nurse.formBody("\(fields)&mgPerKg=0.5"))
                #expect(nurseSign.status == .forbidden)
                let hard = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.form,
                                                    body: prescriber.formBody("\(fields)&mgPerKg=1.2&limitReason=trying"))
                #expect(hard.status == .unprocessableContent)
                #expect(Self.body(hard).contains("Refused:"))
                let noReason = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.form,
                                                        body: prescriber.formBody("\(fields)&mgPerKg=0.8"))
                #expect(noReason.status == .unprocessableContent)
                #expect(Self.body(noReason).contains("id=\"limitReason-error\""))
                let signed = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.form,
                                                      body: prescriber.formBody("\(fields)&mgPerKg=0.8&limitReason=Partial+response+at+0.75+mg%2Fkg"))
                #expect(signed.status == .seeOther)
                #expect(signed.headers[.location] == "\(base)/plans/1")
                try await client.execute(uri: "\(base)/plans/1", method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Treatment plan version 1") && html.contains("signed plans cannot be changed"))
                    #expect(html.contains("Partial response at 0.75 mg/kg"))
                    #expect(html.contains("56 mg"), "0.8 mg/kg × 70 kg")
                }
                try await client.execute(uri: base, method: .get, headers: nurse.page) { response in
                    #expect(Self.body(response).contains("id=\"plan-link\""))
                }
                // A second plan at a different dose is a titration: it needs its own reason.
                let lower = "\(fields)&mgPerKg=0.5"
                let noTitrationReason = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.form,
                                                                 body: prescriber.formBody(lower))
                #expect(noTitrationReason.status == .unprocessableContent)
                #expect(Self.body(noTitrationReason).contains("id=\"titrationReason-error\""))
                #expect(Self.body(noTitrationReason).contains("−21 mg (−37.5%) from 56 mg"))
                let titrated = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.form,
                                                        body: prescriber.formBody("\(lower)&titrationReason=Dissociation+too+strong"))
                #expect(titrated.headers[.location] == "\(base)/plans/2")
                let changes = try await services.audit.page(AuditFilter(patientID: patient.id, action: .update), limit: 10)
                #expect(changes.contains { $0.event.summary.contains("Dissociation too strong") && $0.event.summary.contains("−21 mg") })
                let overrides = try await services.audit.page(AuditFilter(patientID: patient.id, action: .override), limit: 5)
                #expect(overrides.contains { $0.event.summary.contains("Partial response at 0.75 mg/kg") })
                let sessions = try await services.plans.sessions(patientID: patient.id)
                #expect(sessions.filter { $0.state == .scheduled }.count == 6 && sessions.filter { $0.state == .cancelled }.count == 6)
            }
        }
    }

    @Test("Without a signed screening the plan cannot be signed, and the page says why")
    func needsScreening() async throws {
        try await TestApp.withServices { services in
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let patient = try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
            _ = try await services.records.add(WeightMeasurement(kilograms: 80, measuredOn: Fixtures.today), to: patient.id, stamp: Fixtures.stamp)
            let base = "/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "\(base)/plans/new?protocol=esketamine-us&start=2026-11-23", method: .get,
                                         headers: prescriber.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Sign a screening for Esketamine nasal spray"))
                    #expect(!html.contains("id=\"sign-plan\""))
                    #expect(html.contains("56 mg (2 devices)"))
                }
                let refused = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.form,
                                                       body: prescriber.formBody("protocol=esketamine-us&start=2026-11-23&devices=2"))
                #expect(refused.status == .unprocessableContent)
            }
        }
    }

    @Test("Plans through the API: preview, sign, a hard limit refused as problem+json, sessions listed")
    func planAPI() async throws {
        try await TestApp.withServices { services in
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let patient = try await Self.screenedPatient(services)
            let base = "/api/v1/patients/\(patient.id.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let preview = try await client.execute(uri: "\(base)/plans/preview", method: .post, headers: prescriber.json,
                                                       body: ByteBuffer(string: #"{"protocol": "iv-ketamine-standard", "start": "2026-11-23"}"#))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.body(preview).utf8)) as? [String: Any])
                #expect(object["readyToSign"] as? Bool == true)
                #expect((object["sessions"] as? [Any])?.count == 6)
                let hard = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.json,
                                                    body: ByteBuffer(string: #"{"protocol": "iv-ketamine-standard", "start": "2026-11-23", "mgPerKg": 1.5}"#))
                #expect(hard.status == .unprocessableContent)
                #expect(hard.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(Self.body(hard).contains("Refused"))
                let revision = try #require(object["recordRevision"] as? Int)
                let unreviewed = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.json,
                                                          body: ByteBuffer(string: #"{"protocol": "iv-ketamine-standard", "start": "2026-11-23", "sessions": 3}"#))
                #expect(unreviewed.status == .unprocessableContent, "signing needs the revision that was reviewed")
                let signed = try await client.execute(uri: "\(base)/plans", method: .post, headers: prescriber.json,
                                                      body: ByteBuffer(string: #"{"protocol": "iv-ketamine-standard", "start": "2026-11-23", "sessions": 3, "recordRevision": \#(revision)}"#))
                #expect(signed.status == .created)
                let sessions = try await client.execute(uri: "\(base)/sessions", method: .get, headers: prescriber.api)
                let list = try #require(try JSONSerialization.jsonObject(with: Data(Self.body(sessions).utf8)) as? [[String: Any]])
                #expect(list.count == 3)
                #expect(list.first?["state"] as? String == "scheduled")
                #expect(list.first?["date"] as? String == "2026-11-23")
            }
        }
    }

    @Test("An administrator edits a protocol (a new version with a reason); a stale API edit is a conflict; nurses cannot edit")
    func protocolEditing() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                var fields = "basedOnVersion=1&name=IV+ketamine+0.5+mg%2Fkg+over+40+min&summary=Standard&mgPerKg=0.5&minutes=40"
                fields += "&weightBasis=actual&vialMgPerMl=50&bagMl=100&drugVolumeCountsInTotal=on&useActualWeightWhenLower=on"
                fields += "&softMinimumMgPerKg=0.1&softMaximumMgPerKg=0.6&hardMaximumMgPerKg=1&softMinimumMinutes=40&softMaximumMinutes=60"
                fields += "&hardMinimumMinutes=2&hardMaximumMinutes=100&minimumDaysBetweenSessions=2&phase0Frequency=3%2Fweek&phase0Length=6"
                fields += "&phase1Frequency=every-1-weeks&measure-gad7-baseline=on&measure-phq9-before-each-session=on"
                let missingReason = try await client.execute(uri: "/admin/protocols/iv-ketamine-standard", method: .post,
                                                             headers: admin.form, body: admin.formBody(fields))
                #expect(missingReason.status == .unprocessableContent)
                #expect(Self.body(missingReason).contains("id=\"reason-error\""))
                let saved = try await client.execute(uri: "/admin/protocols/iv-ketamine-standard", method: .post, headers: admin.form,
                                                     body: admin.formBody(fields + "&reason=Tighter+soft+limit"))
                #expect(saved.status == .seeOther)
                try await client.execute(uri: "/dosing/protocols/iv-ketamine-standard", method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("version 2") && html.contains("Tighter soft limit"))
                    #expect(html.contains("0.1–0.6 mg/kg"))
                    #expect(html.contains("GAD-7: baseline") && html.contains("PHQ-9: before session"))
                    #expect(!html.contains("PHQ-9: weekly"), "unticked timings are off")
                }
                let forbidden = try await client.execute(uri: "/admin/protocols/iv-ketamine-standard", method: .post, headers: nurse.form,
                                                         body: nurse.formBody(fields + "&reason=x"))
                #expect(forbidden.status == .forbidden)
                let stale = try await client.execute(
                    uri: "/api/v1/protocols/iv-ketamine-standard", method: .put, headers: admin.json,
                    body: ByteBuffer(data: try JSONEncoder().encode(StaleEdit(protocol: ProtocolLibrary.ivStandard, basedOnVersion: 1,
                                                                              reason: "stale"))))
                #expect(stale.status == .conflict)
                let library = try await client.execute(uri: "/api/v1/protocols", method: .get, headers: nurse.api)
                #expect(Self.body(library).contains("esketamine-eu"))
            }
        }
    }

    private struct StaleEdit: Encodable {
        let `protocol`: TreatmentProtocol
        let basedOnVersion: Int
        let reason: String
    }
}
