import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Backups page and database faults over HTTP")
struct BackupsAndFaultsHTTPTests {
    @Test("Administrators see the backup log with ages and the policy; others are refused", arguments: TestDatabases.engines)
    func backupLog(engine: SQLEngine) async throws {
        var settings = Fixtures.settings
        settings.backupEverySeconds = 6 * 3_600
        settings.backupKeep = 28
        // The scheduler runs with the app: the run recorded below makes the next one due in 4 h.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kc-backups-\(UUID().uuidString)").path
        settings.backupDirectory = folder
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await TestApp.withServices(engine, settings: settings) { services in
            // setup: one good run two hours before "now"
            let finished = Fixtures.now.addingTimeInterval(-7_200)
            try await BackupLog(database: services.database).record(
                BackupRun(startedAt: finished.addingTimeInterval(-4), finishedAt: finished, trigger: .scheduled, succeeded: true,
                          file: "/var/backups/ketaclinic/ketaclinic-20261206T000000Z.sqlite", bytes: 2_048_000,
                          sha256: String(repeating: "c", count: 64), message: "written and checked", host: "clinic-1"),
                stamp: Fixtures.stamp)
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // act + validate: the page
                try await client.execute(uri: "/admin/backups", method: .get, headers: admin.page) { response in
                    let html = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(html.contains("The newest good backup is 2 h old."))
                    #expect(html.contains("every 6 h, keeping the newest 28, in \(folder)"))
                    #expect(html.contains("ketaclinic-20261206T000000Z.sqlite"))
                    #expect(html.contains(#"href="/admin/backups""#))
                }
                try await client.execute(uri: "/admin/backups", method: .get, headers: nurse.page) { #expect($0.status == .forbidden) }
                // the API
                try await client.execute(uri: "/api/v1/operations/backups", method: .get, headers: admin.api) { response in
                    #expect(response.status == .ok)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(body?["freshness"] as? String == "current")
                    #expect(body?["alert"] as? Bool == false)
                    #expect((body?["lastSuccess"] as? [String: Any])?["ageSeconds"] as? Int == 7_200)
                    #expect((body?["policy"] as? [String: Any])?["overdueAfterSeconds"] as? Int == 9 * 3_600)
                }
                try await client.execute(uri: "/api/v1/operations/backups", method: .get, headers: nurse.api) {
                    #expect($0.status == .forbidden)
                }
            }
        }
    }

    @Test("A missing backup, and one older than the policy (a day when no schedule is set), are shown as alerts; /metrics says so")
    func overdue() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/admin/backups", method: .get, headers: admin.page) { response in
                    #expect(String(buffer: response.body).contains("No backup: "))
                }
                try await BackupLog(database: services.database).record(
                    BackupRun(startedAt: Fixtures.now.addingTimeInterval(-200_100), finishedAt: Fixtures.now.addingTimeInterval(-200_000),
                              trigger: .command, succeeded: true, file: "/b/x.sqlite", bytes: 1, sha256: String(repeating: "d", count: 64),
                              message: "written and checked", host: "h"),
                    stamp: Fixtures.stamp)
                try await client.execute(uri: "/admin/backups", method: .get, headers: admin.page) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("Backup overdue: "))
                    #expect(html.contains("2 d 7 h old"))
                    #expect(html.contains(#"role="alert""#))
                }
                try await client.execute(uri: "/metrics", method: .get, headers: admin.api) { response in
                    let text = String(buffer: response.body)
                    #expect(text.contains("ketaclinic_backup_overdue 1"))
                    #expect(text.contains("ketaclinic_backup_last_success_age_seconds 200000"))
                }
            }
        }
    }

    @Test("When the database is gone, the API and pages answer 503 with Retry-After instead of 500", arguments: TestDatabases.engines)
    func databaseGone(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                await services.database.shutDown()
                try await client.execute(uri: "/api/v1/patients", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "2")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                    #expect(problem.type == "urn:ketaclinic:problem:database-unavailable")
                    #expect(problem.detail?.contains("Nothing was saved by this request") == true)
                }
                try await client.execute(uri: "/login", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] != nil)
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                }
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "2")
                    #expect(String(buffer: response.body).contains("does not answer"))
                }
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            }
        }
    }
}
