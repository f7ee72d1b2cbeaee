import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Clinic outcomes over HTTP")
struct OutcomesHTTPTests {
    /// The demo clinic with course histories, a signed-in user of `role` and a test client.
    private static func withClient(
        _ role: Role, patients: Int = 150,
        _ body: @escaping @Sendable (ClinicServices, TestUser, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestApp.withServices { services in
            _ = try await DemoClinicLoader(database: services.database).load(patients: patients, seed: 4, now: Fixtures.now)
            let user = try await TestUsers.make(services, role: role)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in try await body(services, user, client) }
        }
    }

    static let period = "from=\(Fixtures.today.adding(days: -400).iso)&to=\(Fixtures.today.iso)"

    @Test("The page draws the cohort, measures with sources, and SVG charts with numbers at risk; the view is audited")
    func page() async throws {
        try await Self.withClient(.prescriber) { services, user, client in
            try await client.execute(uri: "/outcomes?\(Self.period)", method: .get, headers: user.page) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains(#"id="outcome-cohort""#) && html.contains("counted"))
                #expect(html.contains("[R55-ELEKT") && html.contains("TRANSFORM-2"))
                #expect(html.contains(#"<svg viewBox="#) && html.contains(#"role="img""#))
                #expect(html.contains("At risk") && html.contains("oc-band"))
                #expect(html.contains(#"id="logrank-result""#))
                #expect(html.contains(#"href="/outcomes""#), "the navigation has Outcomes")
            }
            let audited = try await services.audit.page(AuditFilter(action: .view), limit: 20)
            #expect(audited.contains { $0.event.entityType == "outcome_report" && $0.stamp.userID == user.account.id })
        }
    }

    @Test("Bad input re-renders the form with the field's message and no chart", arguments: [
        ("from=2026-06-30&to=2026-01-01", "starts after it ends"),
        ("protocol=iv-ketamine-turbo", "Unknown protocol"),
        ("from=31/01/2026", "YYYY-MM-DD"),
        ("ageBand=12-99", "Unknown age band"),
    ])
    func badInput(_ query: String, _ message: String) async throws {
        try await Self.withClient(.administrator, patients: 30) { _, user, client in
            try await client.execute(uri: "/outcomes?\(query)", method: .get, headers: user.page) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains(message))
                #expect(html.contains("field has-error"))
                #expect(!html.contains("<svg viewBox"), "no plot for a refused filter")
            }
        }
    }

    @Test("An empty cohort says so on the page and answers 422 from the API, never an empty plot")
    func emptyCohort() async throws {
        try await Self.withClient(.prescriber, patients: 30) { _, user, client in
            try await client.execute(uri: "/outcomes?from=2001-01-01&to=2001-01-31", method: .get, headers: user.page) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("No course in this cohort") && !html.contains("<svg viewBox"))
            }
            try await client.execute(uri: "/api/v1/outcomes?from=2001-01-01&to=2001-01-31", method: .get, headers: user.api) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("nothing to report"))
            }
        }
    }

    @Test("The JSON API and the CSV suppress counts from 1 to 10")
    func exports() async throws {
        try await Self.withClient(.administrator) { _, user, client in
            try await client.execute(uri: "/api/v1/outcomes?\(Self.period)", method: .get, headers: user.api) { response in
                #expect(response.status == .ok)
                let export = try JSONDecoder().decode(OutcomeExport.self, from: Data(buffer: response.body))
                #expect(export.courses.map { $0 >= 11 } == true)
                #expect(export.measures.map(\.id).contains("response"))
                func publishable(_ value: Int?) -> Bool { value.map { $0 == 0 || $0 >= 11 } ?? true }
                for breakdown in export.breakdowns {
                    for row in breakdown.rows {
                        #expect(publishable(row.courses) && publishable(row.response.numerator) && publishable(row.response.denominator))
                        if row.response.numerator == nil || row.response.denominator == nil { #expect(row.response.value == nil) }
                    }
                }
                for curve in export.survival { #expect(curve.steps.allSatisfy { $0.atRisk >= 11 }) }
                #expect(export.waterfall.allSatisfy { publishable($0.courses) })
            }
            try await client.execute(uri: "/api/v1/outcomes/export.csv?\(Self.period)", method: .get, headers: user.api) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let csv = String(buffer: response.body)
                #expect(csv.hasPrefix("section,dimension,value,label,measure,numerator,denominator,rate,lower,upper,note\n"))
                #expect(csv.contains("Counts from 1 to 10 are suppressed"))
            }
            try await client.execute(uri: "/api/v1/outcomes?from=2026-06-30&to=2026-01-01", method: .get, headers: user.api) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains(#""field":"from""#))
            }
        }
    }

    @Test("Nurses and front desk are refused; prescribers and administrators may read", arguments: [
        (Role.nurse, HTTPResponse.Status.forbidden), (.frontDesk, .forbidden), (.prescriber, .ok), (.administrator, .ok),
    ])
    func access(_ role: Role, _ status: HTTPResponse.Status) async throws {
        try await Self.withClient(role, patients: 30) { _, user, client in
            try await client.execute(uri: "/api/v1/outcomes?\(Self.period)", method: .get, headers: user.api) { response in
                #expect(response.status == status)
            }
        }
    }
}
