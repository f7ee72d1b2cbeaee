import Hummingbird
import NIOCore

/// Refuses request bodies larger than the configured limit (1 MiB by default) with a 413,
/// before any handler reads them, and buffers smaller ones so handlers can read them freely.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.bodyTooLarge(limit: limit)
        }
        guard request.method == .post || request.method == .put || request.method == .patch else {
            return try await next(request, context)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limit: limit)
        }
        return try await next(request, context)
    }
}
