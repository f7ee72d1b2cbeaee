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
                "http.path": .string(LogRedaction.path(request.uri.path)),
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

/// Paths that carry a secret (a patient's one-time self-report code, a calendar feed token) are
/// logged with the secret replaced, so whoever reads the logs cannot open them.
public enum LogRedaction {
    /// Path prefixes whose next segment is a secret.
    static let secretPrefixes = ["/r/", "/calendar/feeds/"]

    /// `path` with the secret segment after each prefix in ``secretPrefixes`` replaced by `***`.
    public static func path(_ path: String) -> String {
        for prefix in secretPrefixes where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            let tail = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
            return prefix + "***" + tail
        }
        return path
    }
}
