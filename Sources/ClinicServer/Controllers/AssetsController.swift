import ClinicWeb
import Hummingbird

/// Serves the app's own static files. A fingerprinted URL (`?v=`) is cached for a year;
/// any URL answers `If-None-Match` with 304.
struct AssetsController: Sendable {
    typealias Context = AppRequestContext
    func addRoutes(to routes: SecureRoutes) {
        routes.open(.get, "/assets/:name", use: asset)
    }

    @Sendable func asset(_ request: Request, context: Context) async throws -> Response {
        guard let name = context.parameters.get("name"), let asset = WebAssets.shared.files[name] else {
            throw Problem.notFound("No such asset.")
        }
        let etag = "\"\(asset.fingerprint)\""
        let cacheControl = request.uri.queryParameters["v"] == nil
            ? "public, max-age=300" : "public, max-age=31536000, immutable"
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: cacheControl])
        }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .eTag: etag, .cacheControl: cacheControl],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.data)))
    }
}
