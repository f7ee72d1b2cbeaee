import ClinicDomain
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird

/// Works out who is asking, and never refuses by itself: the route decides what it needs
/// (see ``SecureRoutes``).
///
/// Pages authenticate with the session cookie; the API and `/metrics` only with a Bearer token,
/// so no cross-site form can act through the API. Sessions end after the idle or absolute
/// timeout; the user's last activity is written at most once a minute.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let services: ClinicServices

    /// Paths that take Bearer tokens instead of the session cookie.
    static func usesBearer(_ path: String) -> Bool { path.hasPrefix("/api/") || path == "/metrics" || path.hasPrefix("/fhir/") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = ClientAddress.resolve(peer: context.clientAddress, forwardedFor: request.headers[.xForwardedFor],
                                                      trustedProxies: services.settings.trustedProxies)
        if Self.usesBearer(request.uri.path) {
            if let header = request.headers[.authorization] {
                context.identity = try await bearerIdentity(header)
            }
            return try await next(request, context)
        }
        // Static assets are open to all and never need the session: skip its database lookups.
        guard !request.uri.path.hasPrefix("/assets/"),
              let token = request.cookies[SessionCookies.session]?.value, !token.isEmpty else {
            return try await next(request, context)
        }
        let now = services.now()
        let resolved = try await resolveSession(token: token, now: now, context: context)
        context.identity = resolved.identity
        context.pendingSignIn = resolved.pending
        context.sessionExpired = resolved.identity == nil && resolved.pending == nil
        var response = try await next(request, context)
        if context.sessionExpired, !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(SessionCookies.session + "=") }) {
            response.headers.append(HTTPField(name: .setCookie, value: services.cookies.clear(SessionCookies.session)))
        }
        return response
    }

    private func bearerIdentity(_ header: String) async throws -> Identity {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let token = try await services.tokens.find(value: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              token.revokedAt == nil,
              let user = try await services.users.find(token.userID), user.account.isActive else {
            throw Problem.invalidToken
        }
        let now = services.now()
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await services.tokens.touch(token.id, now: now)
        }
        return Identity(user: user.account, credential: .apiToken(token), pendingSetup: try await pendingSetup(for: user.account))
    }

    private func resolveSession(token: String, now: Date, context: Context) async throws -> (identity: Identity?, pending: PendingSignIn?) {
        guard let session = try await services.sessions.find(token: token), session.endedAt == nil else { return (nil, nil) }
        let idle = TimeInterval(services.settings.sessionIdleMinutes * 60)
        let ending: String? =
            now >= session.expiresAt ? (session.stage == .active ? "absolute timeout" : "sign-in not completed in time")
            : now.timeIntervalSince(session.lastSeenAt) > idle ? "idle timeout" : nil
        guard let user = try await services.users.find(session.userID) else { return (nil, nil) }
        if let ending {
            try await services.sessions.end(session, reason: ending, stamp: AuditStamp(
                at: now, userID: user.account.id, actorName: user.account.email.text, role: user.account.role,
                requestID: context.id, ipAddress: context.clientAddress))
            return (nil, nil)
        }
        guard user.account.isActive else { return (nil, nil) }
        if session.stage == .awaitingSecondFactor { return (nil, PendingSignIn(session: session, user: user)) }
        if now.timeIntervalSince(session.lastSeenAt) > 60 { try await services.sessions.touch(session.id, now: now) }
        var identity = Identity(user: user.account, credential: .session(session), pendingSetup: try await pendingSetup(for: user.account))
        if identity.can(.patientsEmergencyAccess) {
            identity.emergencyPatients = try await EmergencyAccessRepository(database: services.database)
                .activePatients(userID: user.account.id, at: now)
        }
        return (identity, nil)
    }

    private func pendingSetup(for user: UserAccount) async throws -> Identity.PendingSetup? {
        if user.mustChangePassword { return .passwordChange }
        if user.role == .administrator, !user.hasTwoFactor,
           try await services.currentClinic().settings.requireAdministratorTwoFactor {
            return .twoFactorEnrolment
        }
        return nil
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`, believed only for the hops added by the configured trusted proxies.
    static let xForwardedFor = Self("X-Forwarded-For")!
}
