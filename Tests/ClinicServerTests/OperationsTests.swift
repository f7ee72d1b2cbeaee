import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Health, readiness, metrics and assets")
struct OperationsTests {
    @Test("Liveness and readiness answer when the database is current", arguments: TestDatabases.engines)
    func healthAndReadiness(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(#""schemaVersion":\#(Migrations.latestVersion)"#))
                }
            }
        }
    }

    @Test("Readiness fails with 503 when the schema is not the one this binary knows")
    func notReady() async throws {
        try await TestApp.withServices { services in
            _ = try await services.database.write { db in
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run()
            }
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }

    @Test("Metrics expose per-route counts, latency histograms and pool figures")
    func metrics() async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { _ in }
                try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/metrics", method: .get, headers: admin.api) { response in
                    let text = String(buffer: response.body)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                    #expect(text.contains(#"hb_requests{http_route="/healthz",http_request_method="GET",http_response_status_code="200"}"#))
                    #expect(text.contains("http_server_request_duration_bucket"))
                    #expect(text.contains(#"ketaclinic_db_readers_max{engine="sqlite"} 4"#))
                    #expect(text.contains("ketaclinic_db_writes_committed"))
                }
            }
        }
    }

    @Test("Assets are served by the app with validators and long caching when fingerprinted")
    func assets() async throws {
        try await TestApp.withServices { services in
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let etag = try await client.execute(uri: "/assets/app.css?v=1", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                    #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                    #expect(String(buffer: response.body).contains("@media print"))
                    return try #require(response.headers[.eTag])
                }
                try await client.execute(uri: "/assets/app.css", method: .get, headers: [.ifNoneMatch: etag]) {
                    #expect($0.status == .notModified)
                }
                try await client.execute(uri: "/assets/icon.svg", method: .get) {
                    #expect($0.headers[.contentType] == "image/svg+xml")
                }
                try await client.execute(uri: "/assets/missing.js", method: .get) { #expect($0.status == .notFound) }
            }
        }
    }
}
