import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Treatment session pages: the day's list, the session page, field errors, refusals, the session policy")
struct SessionPageTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("The session page walks a nurse through check-in, checklist, readings with field errors, and refusals")
    func sessionPage() async throws {
        try await TestApp.withServices { services in
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .esketamine)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let path = "/sessions/\(sessionID.uuidString.lowercased())"
            try await app.test(.router) { client in
                try await client.execute(uri: "/sessions?date=\(Fixtures.today.iso)", method: .get, headers: desk.page) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains(path))
                }
                let views = try await services.audit.page(AuditFilter(action: .view), limit: 20)
                #expect(views.contains { $0.event.summary == "day list of sessions" && $0.event.entityID == sessionID.uuidString },
                        "each patient on the day list is an audited view")
                try await client.execute(uri: "/sessions?date=someday", method: .get, headers: desk.page) { response in
                    #expect(response.status == .seeOther, "a mistyped day leads back to today with a message")
                }
                try await client.execute(uri: path, method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("id=\"command-check-in\""))
                    #expect(!html.contains("id=\"vitals-entry\""), "front desk does not record vital signs")
                }
                let checkIn = try await client.execute(uri: "\(path)/commands", method: .post, headers: desk.form,
                                                       body: desk.formBody("command=check-in"))
                #expect(checkIn.status == .seeOther)
                try await client.execute(uri: path, method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("id=\"vitals-entry\"") && html.contains("inputmode=\"numeric\""))
                    #expect(html.contains("REMS patient enrolment confirmed"), "esketamine in the US asks for REMS enrolment [R19]")
                    #expect(html.contains(SessionPolicy.esketamineFastingInstruction))
                }
                let bad = try await client.execute(uri: "\(path)/vitals", method: .post, headers: nurse.form,
                                                   body: nurse.formBody("systolic=1400&diastolic=80"))
                #expect(bad.status == .unprocessableContent)
                #expect(Self.body(bad).contains("id=\"systolic-error\""))
                #expect(Self.body(bad).contains("value=\"1400\""), "what was typed is kept")
                let good = try await client.execute(uri: "\(path)/vitals", method: .post, headers: nurse.form,
                                                    body: nurse.formBody("systolic=150&diastolic=92&heartRate=80&oxygenSaturation=97"))
                #expect(good.status == .seeOther)
                try await client.execute(uri: "\(path)/checklist", method: .post, headers: nurse.form,
                                         body: nurse.formBody("identityConfirmed=on&consentOnFile=on")) { response in
                    #expect(response.status == .seeOther)
                }
                let refused = try await client.execute(uri: "\(path)/commands", method: .post, headers: nurse.form,
                                                       body: nurse.formBody("command=start-dosing"))
                #expect(refused.status == .conflict)
                #expect(Self.body(refused).contains("id=\"refusal\""))
                try await client.execute(uri: path, method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("BP 150/92") || html.contains("150/92 is above 140/90"), "the gate names the reading [R16]")
                    #expect(html.contains("Checklist not passed"))
                    #expect(html.contains("class=\"fail\" id=\"check-escort\""))
                }
                let device = try await client.execute(uri: "\(path)/devices", method: .post, headers: nurse.form, body: nurse.formBody(""))
                #expect(device.status == .conflict, "devices are recorded while dosing")
            }
        }
    }

    @Test("The session policy page saves valid values and shows field errors for the rest")
    func policyPage() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/admin/clinic/sessions", method: .get, headers: nurse.page) { #expect($0.status == .forbidden) }
                let form = try await client.execute(uri: "/admin/clinic/sessions", method: .get, headers: admin.page) { Self.body($0) }
                #expect(form.contains("value=\"180\"") && form.contains("[R18]"))
                var fields = [
                    "systolicAbove=170", "diastolicAbove=100", "heartRateBelow=50", "heartRateAbove=120", "oxygenSaturationBelow=92",
                    "respiratoryRateBelow=10", "respiratoryRateAbove=30", "systolicRise=40", "diastolicRise=25", "dischargeAldreteAtOrAbove=9",
                    "racemicMinimumObservationMinutes=60", "escalateAlertsAfterMinutes=5", "readingToleranceMinutes=5",
                    "esketamineBloodPressureRule=esketamine-label", "racemicBloodPressureRule=none", "racemicFastingInstruction=",
                    "chairs=Bay%201%2C%20Bay%202",
                ]
                let saved = try await client.execute(uri: "/admin/clinic/sessions", method: .post, headers: admin.form,
                                                     body: admin.formBody(fields.joined(separator: "&")))
                #expect(saved.status == .seeOther)
                let clinic = try #require(try await services.clinics.primaryClinic())
                let policy = try await services.sessionPolicies.policy(of: clinic.id)
                #expect(policy.alerts.systolicAbove == 170 && policy.racemicBloodPressureRule == nil && policy.chairs == ["Bay 1", "Bay 2"])
                #expect(policy.racemicMinimumObservationMinutes == 60)
                fields[0] = "systolicAbove=lots"
                let refused = try await client.execute(uri: "/admin/clinic/sessions", method: .post, headers: admin.form,
                                                       body: admin.formBody(fields.joined(separator: "&")))
                #expect(refused.status == .unprocessableContent)
                #expect(Self.body(refused).contains("id=\"systolicAbove-error\""))
            }
        }
    }
}
