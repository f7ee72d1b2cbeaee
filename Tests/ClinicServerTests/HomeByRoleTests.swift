import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Home page per role and the 403 page")
struct HomeByRoleTests {
    /// The home page's HTML for a new user of `role`, with one IV session booked today.
    private func home(_ role: Role, engine: SQLEngine) async throws -> String {
        try await TestApp.withServices(engine) { services in
            _ = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, given: "Tess", family: "Today")
            let user = try await TestUsers.make(services, role: role)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            return try await app.test(.router) { client in
                try await client.execute(uri: "/", method: .get, headers: user.page) { response in
                    #expect(response.status == .ok)
                    return String(buffer: response.body)
                }
            }
        }
    }

    @Test("A nurse sees open vital-sign alerts and today's chairs, not the database or schema", arguments: TestDatabases.engines)
    func nurse(engine: SQLEngine) async throws {
        let html = try await home(.nurse, engine: engine)
        #expect(html.contains(#"id="vital-alerts""#) && html.contains("No vital-sign alert is open."))
        #expect(html.contains(#"id="todays-chairs""#) && html.contains("Today, Tess"))
        #expect(!html.contains("Schema version") && !html.contains(#"id="system-card""#) && !html.contains("/metrics"))
        #expect(html.contains(#"id="register-patient""#) && html.contains(#"id="board-link""#))
        #expect(!html.contains(#"id="screenings-to-sign""#) && !html.contains(#"id="arrivals""#))
    }

    @Test("A prescriber sees the screenings and plans waiting for a signature", arguments: TestDatabases.engines)
    func prescriber(engine: SQLEngine) async throws {
        let html = try await home(.prescriber, engine: engine)
        #expect(html.contains(#"id="screenings-to-sign""#) && html.contains(#"id="plans-to-sign""#))
        #expect(html.contains("Nothing waits for your signature."))
        #expect(!html.contains(#"id="system-card""#))
    }

    @Test("The front desk sees today's arrivals and no-shows, and no chair board", arguments: TestDatabases.engines)
    func frontDesk(engine: SQLEngine) async throws {
        let html = try await home(.frontDesk, engine: engine)
        #expect(html.contains(#"id="arrivals""#) && html.contains("0 of 1 arrived") && html.contains("Today, Tess"))
        #expect(html.contains(#"id="no-shows""#))
        #expect(!html.contains(#"id="board-link""#) && !html.contains(#"id="vital-alerts""#) && !html.contains(#"id="todays-chairs""#))
        #expect(!html.contains("Schema version"))
    }

    @Test("An administrator sees the system facts and discrepancies, and is not offered to register a patient",
          arguments: TestDatabases.engines)
    func administrator(engine: SQLEngine) async throws {
        let html = try await home(.administrator, engine: engine)
        #expect(!html.contains("Register a patient") && !html.contains(#"href="/patients/new""#))
        #expect(html.contains(#"id="system-card""#) && html.contains("Schema version"))
        #expect(!html.contains(#"id="board-link""#) && !html.contains(#"id="todays-chairs""#))
    }

    @Test("A 403 page keeps the navigation and names the missing permission; the API still answers problem+json",
          arguments: TestDatabases.engines)
    func forbidden(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let user = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/patients/new", method: .get, headers: user.page) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .forbidden)
                    #expect(html.contains(#"<nav aria-label="Main">"#) && html.contains(#"href="/admin/users""#))
                    #expect(html.contains(#"id="missing-permission""#) && html.contains("<code>patients.register</code>"))
                    #expect(html.contains("Your role, Administrator, does not have it."))
                }
                try await client.execute(uri: "/board", method: .get, headers: user.page) { response in
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains("<code>patients.clinical</code>"))
                }
            }
        }
    }
}
