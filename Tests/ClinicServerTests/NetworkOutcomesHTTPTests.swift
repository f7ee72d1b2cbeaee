import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Network outcomes over HTTP")
struct NetworkOutcomesHTTPTests {
    /// The demo network (two clinics on PostgreSQL, the one clinic on SQLite), a signed-in user of
    /// `role` and a test client.
    private static func withClient(
        _ engine: SQLEngine, _ role: Role, patients: Int = 150,
        _ body: @escaping @Sendable (ClinicServices, TestUser, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestApp.withServices(engine) { services in
            _ = try await DemoClinicLoader(database: services.database).load(
                patients: patients, seed: 4, now: Fixtures.now, networkClinics: engine == .postgres ? 2 : 1)
            let user = try await TestUsers.make(services, role: role)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in try await body(services, user, client) }
        }
    }

    static let period = "from=\(Fixtures.today.adding(days: -400).iso)&to=\(Fixtures.today.iso)"

    @Test("The page sets the clinics side by side with the network total and charts; the view is audited", arguments: TestDatabases.engines)
    func page(engine: SQLEngine) async throws {
        try await Self.withClient(engine, .administrator) { services, user, client in
            let clinics = try await SQLClinicRepository(database: services.database).all()
            try await client.execute(uri: "/outcomes/network?\(Self.period)", method: .get, headers: user.page) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains(#"id="network-figures""#) && html.contains("Network total"))
                for clinic in clinics { #expect(html.contains(clinic.settings.name)) }
                #expect(html.contains("[R55-ELEKT") && html.contains(#"<svg viewBox="#) && html.contains("Response by clinic"))
                #expect(html.contains("/outcomes/network/export.csv?"))
                #expect(html.contains("serves one clinic") == (engine == .sqlite), "SQLite says why there is one clinic")
            }
            let audited = try await services.audit.page(AuditFilter(action: .view), limit: 20)
            #expect(audited.contains { $0.event.entityType == "outcome_report" && $0.event.summary.hasPrefix("network outcome report") })
        }
    }

    @Test("The JSON API and CSV give each clinic and the total, small cells suppressed", arguments: TestDatabases.engines)
    func exports(engine: SQLEngine) async throws {
        try await Self.withClient(engine, .administrator) { services, user, client in
            let clinics = try await SQLClinicRepository(database: services.database).all()
            try await client.execute(uri: "/api/v1/outcomes/network?\(Self.period)", method: .get, headers: user.api) { response in
                #expect(response.status == .ok)
                let export = try JSONDecoder().decode(NetworkOutcomeExport.self, from: Data(buffer: response.body))
                #expect(Set(export.clinics.compactMap(\.clinicID)) == Set(clinics.map(\.id.uuidString)))
                #expect(export.network.clinicID == nil && export.network.name == "Network total")
                let courses = export.clinics.compactMap(\.courses)
                #expect(courses.count == export.clinics.count && export.network.courses == courses.reduce(0, +))
                func publishable(_ value: Int?) -> Bool { value.map { $0 == 0 || $0 >= 11 } ?? true }
                for column in export.clinics + [export.network] {
                    for measure in column.measures {
                        #expect(publishable(measure.rate?.numerator) && publishable(measure.rate?.denominator))
                    }
                    for exclusion in column.excluded { #expect(publishable(exclusion.courses)) }
                }
            }
            try await client.execute(uri: "/api/v1/outcomes/network/export.csv?\(Self.period)", method: .get, headers: user.api) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let csv = String(buffer: response.body)
                #expect(csv.hasPrefix("clinic_id,clinic,measure,numerator,denominator,rate,lower,upper,median\n"))
                #expect(csv.contains(",Network total,response,"))
            }
        }
    }

    @Test("Bad input and an empty cohort get a clear message, never an empty table", arguments: [
        ("from=2026-06-30&to=2026-01-01", "from", "starts after it ends"),
        ("protocol=iv-ketamine-turbo", "protocol", "Unknown protocol"),
        ("clinic=00000000-0000-0000-0000-000000000000", "clinic", "No clinic of this network"),
        ("from=2001-01-01&to=2001-01-31", "from", "nothing to report"),
    ])
    func badInput(_ query: String, _ field: String, _ message: String) async throws {
        try await Self.withClient(.sqlite, .administrator, patients: 30) { _, user, client in
            try await client.execute(uri: "/api/v1/outcomes/network?\(query)", method: .get, headers: user.api) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = String(buffer: response.body)
                #expect(body.contains(#""field":"\#(field)""#) && body.contains(message))
            }
            try await client.execute(uri: "/outcomes/network?\(query)", method: .get, headers: user.page) { response in
                let html = String(buffer: response.body)
                #expect(!html.contains("<svg viewBox"), "no plot for a refused or empty filter")
                #expect(html.contains(message == "nothing to report" ? "No course in this cohort" : message))
            }
        }
    }

    @Test("Only administrators read the network; others read their own clinic only", arguments: TestDatabases.engines)
    func access(engine: SQLEngine) async throws {
        try await Self.withClient(engine, .prescriber, patients: 30) { services, user, client in
            try await client.execute(uri: "/api/v1/outcomes/network?\(Self.period)", method: .get, headers: user.api) { response in
                #expect(response.status == .forbidden)
            }
            let clinics = try await SQLClinicRepository(database: services.database).all()
            guard let other = clinics.dropFirst().first else { return }
            try await client.execute(uri: "/api/v1/outcomes?\(Self.period)&clinic=\(other.id.uuidString)", method: .get, headers: user.api) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("your own clinic only"))
            }
        }
    }

    @Test("A network administrator opens any clinic's full report through the clinic filter", arguments: TestDatabases.engines)
    func clinicFilter(engine: SQLEngine) async throws {
        try await Self.withClient(engine, .administrator) { services, user, client in
            let clinics = try await SQLClinicRepository(database: services.database).all()
            let target = try #require(clinics.last)
            try await client.execute(uri: "/api/v1/outcomes/network?\(Self.period)&clinic=\(target.id.uuidString)", method: .get,
                                     headers: user.api) { response in
                let export = try JSONDecoder().decode(NetworkOutcomeExport.self, from: Data(buffer: response.body))
                #expect(export.clinics.map(\.clinicID) == [target.id.uuidString])
                try await client.execute(uri: "/api/v1/outcomes?\(Self.period)&clinic=\(target.id.uuidString)", method: .get,
                                         headers: user.api) { single in
                    #expect(single.status == .ok)
                    let one = try JSONDecoder().decode(OutcomeExport.self, from: Data(buffer: single.body))
                    #expect(one.courses == export.clinics[0].courses)
                }
            }
            try await client.execute(uri: "/outcomes?\(Self.period)", method: .get, headers: user.page) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"name="clinic""#) == (clinics.count > 1), "the clinic choice appears in a network")
            }
        }
    }
}
