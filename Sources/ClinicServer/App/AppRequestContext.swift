import Hummingbird
import Logging

/// The request context of every KetaClinic route.
///
/// The body limit is enforced earlier, by ``BodyLimitMiddleware``, for every route alike; the
/// accounts capability adds the signed-in user here, so "signed in" becomes a type-level fact.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's own per-request storage (logger with request id, route parameters).
    public var coreContext: CoreRequestContextStorage

    /// Creates the context for a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies have already been limited and buffered by ``BodyLimitMiddleware``.
    public var maxUploadSize: Int { .max }
}
