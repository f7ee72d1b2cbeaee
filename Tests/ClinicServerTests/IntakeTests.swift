import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Intake record through the pages and the API")
struct IntakeTests {
    private static func patient(_ services: ClinicServices) async throws -> PatientSummary {
        let clinic = try #require(try await services.clinics.primaryClinic())
        return try await services.patients.register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
    }

    /// A fresh clinic with one registered patient, a signed-in user of `role` and a test client.
    private static func withPatient(
        _ role: Role, _ body: @escaping @Sendable (ClinicServices, TestUser, PatientSummary, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: role)
            let patient = try await Self.patient(services)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in try await body(services, user, patient, client) }
        }
    }

    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("A nurse adds a weight and a medication through the forms; the chart shows them and the trail records each step")
    func formsAddAndChartShows() async throws {
        try await Self.withPatient(.nurse) { services, nurse, patient, client in
        let base = "/patients/\(patient.id.uuidString.lowercased())"
            try await client.execute(uri: "\(base)/record/weight/new", method: .get, headers: nurse.page) { response in
                #expect(response.status == .ok)
                #expect(Self.body(response).contains("name=\"kilograms\""))
            }
            let saved = try await client.execute(uri: "\(base)/record/weight", method: .post, headers: nurse.form,
                                                 body: nurse.formBody("kilograms=72.5&measuredOn=2026-11-20"))
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "\(base)#weight")
            let med = try await client.execute(
                uri: "\(base)/record/medication", method: .post, headers: nurse.form,
                body: nurse.formBody("name=lorazepam&dose=1+mg+bd&classes.benzodiazepine=on&lorazepamEquivalentMgPerDay=2"))
            #expect(med.status == .seeOther)
            try await client.execute(uri: base, method: .get, headers: nurse.page) { response in
                let html = Self.body(response)
                #expect(html.contains("72.5 kg on 2026-11-20"))
                #expect(html.contains("lorazepam · 1 mg bd · Benzodiazepine · 2 mg/day lorazepam-eq."))
            }
            let summaries = try await services.audit.page(AuditFilter(patientID: patient.id), before: nil, limit: 20)
                .map(\.event.summary)
            #expect(summaries.contains("added weight: 72.5 kg on 2026-11-20"))
            #expect(summaries.contains("added medication: lorazepam [Benzodiazepine]"))
            #expect(summaries.contains("chart"), "viewing the chart is audited")
        }
    }

    /// Impossible values get field errors on the form, with status 422, and nothing is stored.
    @Test("Impossible values are refused with field errors", arguments: [
        ("weight", "kilograms=0&measuredOn=2026-11-20", "kilograms", "Enter the weight"),
        ("weight", "kilograms=700&measuredOn=2026-11-20", "kilograms", "outside 25–350 kg"),
        ("height", "centimetres=1.75&measuredOn=2026-11-20", "centimetres", "looks like metres"),
        ("height", "centimetres=69&measuredOn=2026-11-20", "centimetres", "looks like inches"),
        ("weight", "kilograms=70&measuredOn=2027-01-01", "measuredOn", "in the future"),
        ("trial", "kind=medication&treatment=sertraline&drugClass=ssri&startedOn=2026-05-01&endedOn=2026-03-01&outcome=no_response",
         "endedOn", "ends before it starts"),
        ("vital-signs", "systolic=80&diastolic=120&heartRate=70&measuredOn=2026-11-20", "diastolic", "lower than systolic"),
        ("diagnosis", "icd10=F20.0", "icd10", "ICD-10 code KetaClinic treats"),
        ("medication", "name=diazepam&classes.benzodiazepine=on", "lorazepamEquivalentMgPerDay", "lorazepam-equivalent"),
        ("medication", "name=Lamotrigine+XR&dose=200+mg", "classes", "Lamotrigine XR is Lamotrigine / NMDA-active: tick that class"),
    ])
    func impossibleValues(section: String, fields: String, field: String, message: String) async throws {
        try await Self.withPatient(.nurse) { services, nurse, patient, client in
            try await client.execute(uri: "/patients/\(patient.id.uuidString.lowercased())/record/\(section)", method: .post,
                                     headers: nurse.form, body: nurse.formBody(fields)) { response in
                #expect(response.status == .unprocessableContent)
                let html = Self.body(response)
                #expect(html.contains("id=\"\(field)-error\""), "no error beside \(field)")
                #expect(html.contains(message))
            }
            let clinicID = try #require(try await services.clinics.primaryClinic()).id
            let chart = try #require(try await services.records.chart(patient.id, in: clinicID))
            #expect(chart.revision == 0, "nothing was stored")
        }
    }

    @Test("An amendment needs a reason and keeps the earlier version; a withdrawal keeps the history")
    func amendAndWithdraw() async throws {
        try await TestApp.withServices { services in
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let patient = try await Self.patient(services)
            let key = try await services.records.add(Allergy(substance: "penicilin", severity: .severe), to: patient.id,
                                                     stamp: Fixtures.stamp)
            let item = "/patients/\(patient.id.uuidString.lowercased())/record/allergy/\(key.uuidString.lowercased())"
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "\(item)/edit", method: .get, headers: prescriber.page) { response in
                    #expect(Self.body(response).contains("value=\"penicilin\""), "the form is prefilled")
                }
                try await client.execute(uri: item, method: .post, headers: prescriber.form,
                                         body: prescriber.formBody("substance=penicillin&severity=severe")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"reason-error\""))
                }
                let amended = try await client.execute(uri: item, method: .post, headers: prescriber.form,
                                                       body: prescriber.formBody("substance=penicillin&severity=severe&reason=spelling"))
                #expect(amended.status == .seeOther)
                try await client.execute(uri: "\(item)/history", method: .get, headers: prescriber.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("penicilin (severe)") && html.contains("penicillin (severe)") && html.contains("spelling"))
                }
                let withdrawn = try await client.execute(uri: "\(item)/retract", method: .post, headers: prescriber.form,
                                                         body: prescriber.formBody("retractReason=entered+on+the+wrong+chart"))
                #expect(withdrawn.status == .seeOther)
                let history = try await services.records.history(of: key, patientID: patient.id)
                #expect(history.map(\.version.version) == [1, 2, 3])
                #expect(history.last?.version.isRetraction == true)
                let views = try await services.audit.page(AuditFilter(patientID: patient.id, action: .view), before: nil, limit: 20)
                #expect(views.contains { $0.event.summary == "amendment form for allergy" }, "opening the form to amend is a view")
                #expect(views.contains { $0.event.summary == "history of allergy" })
            }
        }
    }

    @Test("Front desk may keep contact details but not the clinical record")
    func frontDeskLimits() async throws {
        try await Self.withPatient(.frontDesk) { services, desk, patient, client in
        let base = "/patients/\(patient.id.uuidString.lowercased())"
            let contact = try await client.execute(
                uri: "\(base)/contact/emergency-contact", method: .post, headers: desk.form,
                body: desk.formBody("name=Sam+Testwood&relationship=partner&phone=%2B44+20+7946+0000&isEscort=on"))
            #expect(contact.status == .seeOther)
            let clinical = try await client.execute(uri: "\(base)/record/allergy", method: .post, headers: desk.form,
                                                    body: desk.formBody("substance=latex&severity=mild"))
            #expect(clinical.status == .forbidden)
            let wrongGroup = try await client.execute(uri: "\(base)/contact/allergy/new", method: .get, headers: desk.page)
            #expect(wrongGroup.status == .notFound, "clinical sections are not reachable under /contact")
            let clinicID = try #require(try await services.clinics.primaryClinic()).id
            let chart = try #require(try await services.records.chart(patient.id, in: clinicID))
            #expect(chart.emergencyContact?.value.isEscort == true)
            #expect(chart.allergies.isEmpty)
        }
    }

    @Test("The API adds, amends with a reason, withdraws and lists the record; bad bodies are problems with field names")
    func api() async throws {
        try await Self.withPatient(.nurse) { services, nurse, patient, client in
        let base = "/api/v1/patients/\(patient.id.uuidString.lowercased())"
            let created = try await client.execute(
                uri: "\(base)/record/medication", method: .post, headers: nurse.json,
                body: ByteBuffer(string: #"{"name":"lamotrigine","dose":"200 mg daily","classes":["nmda_active"]}"#))
            #expect(created.status == .created)
            struct Created: Decodable { let key: String }
            let key = try JSONDecoder().decode(Created.self, from: Data(buffer: created.body)).key
            #expect(created.headers[.location] == "\(base)/record/medication/\(key)")

            try await client.execute(uri: "\(base)/record/weight", method: .post, headers: nurse.json,
                                     body: ByteBuffer(string: #"{"kilograms":700,"measuredOn":"2026-11-20"}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(Self.body(response).contains("\"field\":\"kilograms\""))
            }
            try await client.execute(uri: "\(base)/record/weight", method: .post, headers: nurse.json,
                                     body: ByteBuffer(string: #"{"kilograms":70,"measuredOn":"2026-11-20","kg":70}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Self.body(response).contains("Unknown field"))
            }
            try await client.execute(uri: "\(base)/record/medication/\(key)", method: .put, headers: nurse.json,
                                     body: ByteBuffer(string: #"{"value":{"name":"lamotrigine","classes":["nmda_active"]}}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Self.body(response).contains("\"field\":\"reason\""))
            }
            let amended = try await client.execute(
                uri: "\(base)/record/medication/\(key)", method: .put, headers: nurse.json,
                body: ByteBuffer(string: #"{"value":{"name":"lamotrigine","dose":"100 mg daily","classes":["nmda_active"]},"reason":"dose reduced"}"#))
            #expect(amended.status == .noContent)
            try await client.execute(uri: "\(base)/record", method: .get, headers: nurse.api) { response in
                #expect(response.status == .ok)
                let json = Self.body(response)
                #expect(json.contains("\"dose\":\"100 mg daily\""))
                #expect(json.contains("\"version\":2"))
            }
            let withdrawn = try await client.execute(uri: "\(base)/record/medication/\(key)/retraction", method: .post,
                                                     headers: nurse.json, body: ByteBuffer(string: #"{"reason":"stopped"}"#))
            #expect(withdrawn.status == .noContent)
            try await client.execute(uri: "\(base)/record/medication/\(key)/history", method: .get, headers: nurse.api) { response in
                let json = Self.body(response)
                #expect(json.contains("\"withdrawn\":true") && json.contains("dose reduced"))
            }
        }
    }

    @Test("Search finds patients by name prefix, MRN and date of birth, in the page and the API")
    func search() async throws {
        try await TestApp.withServices { services in
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let clinic = try #require(try await services.clinics.primaryClinic())
            for (given, family, born) in [("Ada", "Smith", "1980-05-17"), ("Bea", "Jones", "1991-02-03"), ("Cy", "Smythe", "1975-12-30")] {
                _ = try await services.patients.register(Fixtures.registration(given: given, family: family, born: born),
                                                         in: clinic.id, stamp: Fixtures.stamp)
            }
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/patients?q=sm", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Smith, Ada") && html.contains("Smythe, Cy") && !html.contains("Jones, Bea"))
                }
                try await client.execute(uri: "/patients?q=1991-02-03", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Jones, Bea") && !html.contains("Smith, Ada"))
                }
                try await client.execute(uri: "/patients?q=nobody", method: .get, headers: desk.page) { response in
                    #expect(Self.body(response).contains("No patient matches"))
                }
                try await client.execute(uri: "/api/v1/patients?q=KC-000003-4", method: .get, headers: desk.api) { response in
                    let json = Self.body(response)
                    #expect(json.contains("\"familyName\":\"Smythe\"") && !json.contains("Smith\""))
                }
            }
        }
    }

    @Test("Correcting the identity is an amendment with a reason; the registration is kept as version 1")
    func identityCorrection() async throws {
        try await Self.withPatient(.frontDesk) { services, desk, patient, client in
        let base = "/patients/\(patient.id.uuidString.lowercased())"
            try await client.execute(uri: "\(base)/identity/edit", method: .get, headers: desk.page) { response in
                #expect(Self.body(response).contains("value=\"Testwood\""))
            }
            let noReason = try await client.execute(
                uri: "\(base)/identity", method: .post, headers: desk.form,
                body: desk.formBody("givenName=Ada&familyName=Testwoode&dateOfBirth=1980-05-17&sexAtBirth=female"))
            #expect(noReason.status == .unprocessableContent)
            #expect(Self.body(noReason).contains("id=\"reason-error\""))
            let future = try await client.execute(
                uri: "\(base)/identity", method: .post, headers: desk.form,
                body: desk.formBody("givenName=Ada&familyName=Testwood&dateOfBirth=2030-01-01&sexAtBirth=female&reason=typo"))
            #expect(Self.body(future).contains("id=\"dateOfBirth-error\""))
            let fixed = try await client.execute(
                uri: "\(base)/identity", method: .post, headers: desk.form,
                body: desk.formBody("givenName=Ada&familyName=Testwoode&dateOfBirth=1980-05-17&sexAtBirth=female&reason=spelling+on+ID+card"))
            #expect(fixed.status == .seeOther)
            try await client.execute(uri: "/patients?q=testwoode", method: .get, headers: desk.page) { response in
                #expect(Self.body(response).contains("Testwoode, Ada"), "search finds the corrected name")
            }
            try await client.execute(uri: "/api/v1/patients/\(patient.id.uuidString.lowercased())/identity", method: .put,
                                     headers: desk.json,
                                     body: ByteBuffer(string: #"{"givenName":"Ada","familyName":"Testwoode","dateOfBirth":"1980-05-17","sexAtBirth":"female"}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Self.body(response).contains("\"field\":\"reason\""))
            }
            let audit = try await services.audit.page(AuditFilter(patientID: patient.id), before: nil, limit: 20)
            #expect(audit.contains { $0.event.action == .amend && $0.event.summary.contains("Testwood, Ada") &&
                $0.event.summary.contains("Testwoode, Ada") && $0.event.summary.contains("spelling on ID card") })
        }
    }
}
