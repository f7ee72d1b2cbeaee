import ClinicDomain
import ClinicStorage
import Hummingbird
import Logging

/// The request context of every KetaClinic route, before authentication is known.
///
/// ``AuthenticationMiddleware`` fills ``identity`` from the session cookie or the Bearer token.
/// Routes that need a signed-in user run in ``StaffRequestContext`` instead, where the identity
/// is not optional: "signed in" is a type-level fact.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's own per-request storage (logger with request id, route parameters).
    public var coreContext: CoreRequestContextStorage
    /// The signed-in user, if any.
    public var identity: Identity?
    /// A sign-in waiting for its TOTP code, if any.
    public var pendingSignIn: PendingSignIn?
    /// The client's address: the peer's, or the right-most untrusted `X-Forwarded-For` hop (``ClientAddress``).
    public var clientAddress: String
    /// True when the request carried a session cookie that is no longer valid (expired, ended).
    public var sessionExpired = false

    /// Creates the context for a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies have already been limited and buffered by ``BodyLimitMiddleware``.
    public var maxUploadSize: Int { .max }

    /// A stamp for the audit trail: who (if known), from where, under which request.
    func stamp(at date: Date, actor: String? = nil) -> AuditStamp {
        AuditStamp(at: date, userID: identity?.user.id, actorName: identity?.user.email.text ?? actor ?? "anonymous",
                   role: identity?.user.role, requestID: id, ipAddress: clientAddress)
    }
}

/// The context of routes that need a signed-in user.
public struct StaffRequestContext: ChildRequestContext {
    /// Hummingbird's per-request storage, carried over from the parent context.
    public var coreContext: CoreRequestContextStorage
    /// Who is signed in.
    public let identity: Identity
    /// The client's address.
    public let clientAddress: String

    /// Refuses the request with ``AuthenticationRequired`` when nobody is signed in.
    public init(context: AppRequestContext) throws {
        guard let identity = context.identity else { throw AuthenticationRequired(sessionExpired: context.sessionExpired) }
        coreContext = context.coreContext
        self.identity = identity
        clientAddress = context.clientAddress
    }

    /// Bodies have already been limited and buffered.
    public var maxUploadSize: Int { .max }

    /// A stamp for the audit trail naming the signed-in user.
    func stamp(at date: Date) -> AuditStamp {
        var stamp = AuditStamp(at: date, userID: identity.user.id, actorName: identity.user.email.text, role: identity.user.role,
                               requestID: id, ipAddress: clientAddress)
        stamp.personName = identity.user.displayName
        return stamp
    }
}

import Foundation
