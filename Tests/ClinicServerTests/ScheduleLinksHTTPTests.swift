import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("The calendar's entry points: the day's sessions link the week, a patient's page links the course booking")
struct ScheduleLinksHTTPTests {
    @Test("Staff who book see the links (front desk, nurse); an administrator, who does not book, sees neither")
    func links() async throws {
        try await TestApp.withServices { services in
            let (patient, _) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, on: Fixtures.today.adding(days: 1))
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let course = "/schedule/patients/\(patient.id.uuidString.lowercased())"
            try await app.test(.router) { client in
                for (user, books) in [(desk, true), (nurse, true), (admin, false)] {
                    try await client.execute(uri: "/sessions?date=2026-11-22", method: .get, headers: user.page) { response in
                        let html = String(buffer: response.body)
                        #expect(response.status == .ok)
                        #expect(html.contains("id=\"calendar-link\"") == books && html.contains("/schedule?week=2026-11-22") == books)
                    }
                    try await client.execute(uri: "/patients/\(patient.id.uuidString.lowercased())", method: .get, headers: user.page) { response in
                        let html = String(buffer: response.body)
                        #expect(response.status == .ok)
                        #expect(html.contains("id=\"book-sessions-link\"") == books && html.contains(course) == books, "\(user.account.role)")
                    }
                }
                try await client.execute(uri: course, method: .get, headers: desk.page) { response in
                    #expect(response.status == .ok && String(buffer: response.body).contains("Book these slots"))
                }
            }
        }
    }
}
