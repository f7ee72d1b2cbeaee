import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Clinic policy page")
struct ClinicPolicyPageTests {
    /// A fresh clinic, a signed-in user of `role` and a test client.
    private static func withClient(
        _ role: Role, _ body: @escaping @Sendable (ClinicServices, TestUser, Clinic, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestApp.withServices { services in
            let user = try await TestUsers.make(services, role: role)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in try await body(services, user, clinic, client) }
        }
    }

    /// `values` as a URL-encoded form body; a switch that is "off" is left out, as a browser does.
    private func encoded(_ values: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: ".-_")
        return values.sorted { $0.key < $1.key }
            .filter { $0.value != "off" }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }

    @Test("Administrators see every setting with unit, default and status; the settings page links to it")
    func showsEverySetting() async throws {
        try await Self.withClient(.administrator) { services, admin, clinic, client in
            try await client.execute(uri: "/admin/clinic/policy", method: .get, headers: admin.page) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                for field in ClinicPolicies.fieldNames {
                    #expect(html.contains(#"name="\#(field)""#), "missing input \(field)")
                }
                #expect(html.contains(#"value="180""#) && html.contains("Resting systolic limit (mmHg)"))
                #expect(html.contains("clinic policy default [R33]"))
                #expect(html.contains("sourced [R16]") && html.contains("sourced [R26-JP][R53]"))
                #expect(html.contains("Default: 3 mg/day"))
                #expect(html.contains(#"name="resistance.requireDifferentDrugs" value="on" checked="checked""#))
            }
            try await client.execute(uri: "/admin/clinic", method: .get, headers: admin.page) { response in
                #expect(String(buffer: response.body).contains(#"href="/admin/clinic/policy""#))
            }
        }
    }

    @Test("A valid change is stored, audited with the administrator's stamp and served by the API")
    func validChange() async throws {
        try await Self.withClient(.administrator) { services, admin, clinic, client in
            var values = ClinicPolicies.defaults.fieldValues
            values["restingSystolicLimit"] = "170"
            values["maximumLorazepamEquivalentMgPerDay"] = "2,5"
            values["resistance.adequateTrialWeeks"] = "4"
            values["resistance.requireDifferentDrugs"] = "off"
            let response = try await client.execute(uri: "/admin/clinic/policy", method: .post, headers: admin.form,
                                                    body: admin.formBody(encoded(values))) { $0 }
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/admin/clinic/policy")
            let stored = try await services.policies.policies(of: clinic.id)
            #expect(stored.screening.restingSystolicLimit == 170)
            #expect(stored.screening.maximumLorazepamEquivalentMgPerDay == 2.5)
            #expect(stored.screening.restingDiastolicLimit == 100, "untouched settings keep their value")
            #expect(stored.resistance == TreatmentResistancePolicy(adequateTrialWeeks: 4, minimumFailedTrials: 2,
                                                                    requireDifferentDrugs: false))
            let entry = try #require(try await services.audit.page(AuditFilter(action: .update), limit: 1).first)
            #expect(entry.event.entityType == "clinic_policy" && entry.event.entityID == clinic.id.uuidString)
            #expect(entry.event.summary.contains(#""restingSystolicLimit":170"#))
            #expect(entry.stamp.userID == admin.account.id)
            try await client.execute(uri: "/api/v1/clinic/policy", method: .get, headers: admin.api) { response in
                #expect(String(buffer: response.body).contains(#""adequateTrialWeeks":4"#))
            }
            try await client.execute(uri: "/admin/clinic/policy", method: .get, headers: admin.page) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"name="restingSystolicLimit" value="170""#))
                #expect(html.contains(#"name="maximumLorazepamEquivalentMgPerDay" value="2.5""#))
            }
        }
    }

    @Test("Invalid values answer 422 with field errors and change nothing")
    func invalidValues() async throws {
        try await Self.withClient(.administrator) { services, admin, clinic, client in
            var values = ClinicPolicies.defaults.fieldValues
            values["restingSystolicLimit"] = "500"
            values["minimumHeartRate"] = "fifty"
            values["esketamineRecentCardiovascularEventDays"] = "30"
            values["resistance.minimumFailedTrials"] = "0"
            let response = try await client.execute(uri: "/admin/clinic/policy", method: .post, headers: admin.form,
                                                    body: admin.formBody(encoded(values))) { $0 }
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            for field in ["restingSystolicLimit", "minimumHeartRate", "esketamineRecentCardiovascularEventDays",
                          "resistance.minimumFailedTrials"] {
                #expect(html.contains(#"id="\#(field)-error""#), "no error shown for \(field)")
            }
            #expect(html.contains("Resting systolic limit must be between 120 and 220 mmHg."))
            #expect(html.contains(#"name="minimumHeartRate" value="fifty""#), "the typed value is shown again")
            #expect(try await services.policies.policies(of: clinic.id) == .defaults)
            #expect(try await services.audit.page(AuditFilter(action: .update), limit: 5)
                .allSatisfy { $0.event.entityType != "clinic_policy" })
        }
    }

    @Test("Nurses may neither see nor change the policy")
    func nurseForbidden() async throws {
        try await Self.withClient(.nurse) { services, nurse, clinic, client in
            try await client.execute(uri: "/admin/clinic/policy", method: .get, headers: nurse.page) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/admin/clinic/policy", method: .post, headers: nurse.form,
                                     body: nurse.formBody("restingSystolicLimit=150")) { response in
                #expect(response.status == .forbidden)
            }
            #expect(try await services.policies.policies(of: clinic.id) == .defaults)
        }
    }
}
