import Foundation
import Hummingbird

/// `GET /api/v1/openapi.json`: the API's own description, built from the route catalog once the
/// router is complete, so an integrator (or a contract test) always reads what the server serves.
struct OpenAPIController: Sendable {
    /// The routes registered before this controller; read on first request, when all are in.
    let catalog: RouteCatalog
    private let cache = OpenAPICache()

    init(catalog: RouteCatalog) {
        self.catalog = catalog
    }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, OpenAPIDocumentBuilder.documentPath, .signedIn, use: document)
    }

    @Sendable func document(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let data = try cache.data { try OpenAPIDocumentBuilder.encoded(catalog.entries) }
        let headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
