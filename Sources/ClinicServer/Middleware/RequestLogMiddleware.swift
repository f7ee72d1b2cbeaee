import Dispatch
import HTTPTypes
import Hummingbird
import Logging

/// Logs one structured line per request (method, path, status, duration, request id) and
/// returns the request id in `X-Request-ID`, so a user's report can be matched to the logs.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        var response = try await next(request, context)
        response.headers[.requestID] = context.id
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        context.logger.log(
            level: response.status.code >= 500 ? .error : .info, "request",
            metadata: [
                "http.method": .string(request.method.rawValue),
                "http.path": .string(request.uri.path),
                "http.status": .stringConvertible(response.status.code),
                "duration_ms": .string(String(format: "%.2f", milliseconds)),
            ])
        return response
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`: the id of the request, as in the logs.
    static let requestID = Self("X-Request-ID")!
}
