import ClinicStorage
import Foundation
import Hummingbird

/// Liveness, readiness and metrics, for load balancers, orchestrators and Prometheus.
struct HealthController: Sendable {
    typealias Context = AppRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.open(.get, "/healthz", use: health)
        routes.open(.get, "/readyz", use: ready)
        routes.staff(.get, "/metrics", .permission(.operationsMetrics), use: metrics)
    }

    /// The process is alive and answering.
    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        json(#"{"status":"ok"}"#)
    }

    /// The database answers and its schema is the one this binary knows.
    @Sendable func ready(_ request: Request, context: Context) async throws -> Response {
        guard await services.database.isReachable() else {
            throw Problem.unavailable("The database does not answer: pages and the API answer 503 until it returns.", retryAfterSeconds: 2)
        }
        let status = try await services.migrator.status(services.database)
        guard status.isCurrent else {
            throw Problem.unavailable(
                "The database schema is at version \(status.databaseVersion); this server needs \(status.knownVersion).")
        }
        return json(#"{"status":"ready","database":"\#(services.database.engine.rawValue)","schemaVersion":\#(status.databaseVersion)}"#)
    }

    /// Prometheus text exposition.
    @Sendable func metrics(_ request: Request, context: StaffRequestContext) async throws -> Response {
        if let backups = try? await BackupStatus.read(services) {
            ClinicMetrics.shared.recordBackups(backups)
        }
        let text = await ClinicMetrics.shared.exposition(database: services.database)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
