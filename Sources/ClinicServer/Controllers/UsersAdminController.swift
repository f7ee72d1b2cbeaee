import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The administrator's user management: add, edit, deactivate and reactivate, reset the
/// password or two-factor, end sessions, revoke tokens. Users are never deleted.
struct UsersAdminController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        let manage = Access.permission(.usersManage)
        routes.staff(.get, "/admin/users", manage, use: list)
        routes.staff(.post, "/admin/users", manage, use: create)
        routes.staff(.get, "/admin/users/:id", manage, use: show)
        routes.staff(.post, "/admin/users/:id", manage, use: update)
        routes.staff(.post, "/admin/users/:id/reset-password", manage, use: resetPassword)
        routes.staff(.post, "/admin/users/:id/end-sessions", manage, use: endSessions)
        routes.staff(.post, "/admin/users/:id/reset-two-factor", manage, use: resetTwoFactor)
        routes.staff(.post, "/admin/users/:id/deactivate", manage, use: deactivate)
        routes.staff(.post, "/admin/users/:id/reactivate", manage, use: reactivate)
        routes.staff(.post, "/admin/users/:id/tokens/:token/revoke", manage, use: revokeToken)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await listPage(request, context, values: [:], errors: FieldErrors())
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebResponses.formFields(of: request)
        do {
            let new = try NewUser.parse(fields)
            let password = TemporaryPassword.generate()
            let user = try await services.users.create(new, passwordHash: try await services.passwords.hash(password),
                                                       mustChangePassword: true, stamp: context.stamp(at: services.now()))
            return try await userPage(request, context, user.id, temporaryPassword: password, status: .created)
        } catch let errors as FieldErrors {
            return try await listPage(request, context, values: fields, errors: errors, status: .unprocessableContent)
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await userPage(request, context, try await target(context).id)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let user = try await target(context)
        let fields = try await WebResponses.formFields(of: request)
        var errors = FieldErrors()
        let name = (fields["displayName"] ?? "").trimmed
        if name.isEmpty { errors.add("displayName", "Enter the user's name.") } else if name.count > 120 { errors.add("displayName", "Use at most 120 characters.") }
        let role = Role(parsing: fields["role"] ?? "")
        if role == nil { errors.add("role", "Choose a role.") }
        if let role, role != .administrator, try await isLastAdministrator(user) {
            errors.add("role", "This is the only active administrator; make someone else an administrator first.")
        }
        guard errors.isEmpty else {
            return try await userPage(request, context, user.id, errors: errors, status: .unprocessableContent)
        }
        _ = try await services.users.update(user.id, displayName: name, role: role, isActive: nil, stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: path(user), flash: Flash(.success, "Saved."))
    }

    @Sendable func resetPassword(_ request: Request, context: Context) async throws -> Response {
        let user = try await target(context)
        let password = TemporaryPassword.generate()
        let stamp = context.stamp(at: services.now())
        try await services.users.setPassword(user.id, hash: try await services.passwords.hash(password), mustChange: true,
                                             reason: "password reset by an administrator", stamp: stamp)
        try await services.sessions.endAll(for: user.id, reason: "password reset by an administrator", stamp: stamp)
        return try await userPage(request, context, user.id, temporaryPassword: password)
    }

    @Sendable func endSessions(_ request: Request, context: Context) async throws -> Response {
        let user = try await target(context)
        let ended = try await services.sessions.endAll(for: user.id, reason: "ended by an administrator",
                                                       stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: path(user), flash: Flash(.success, "Ended \(ended) session\(ended == 1 ? "" : "s")."))
    }

    @Sendable func resetTwoFactor(_ request: Request, context: Context) async throws -> Response {
        let user = try await target(context)
        try await services.users.setTwoFactor(user.id, secret: nil, usedStep: 0, stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: path(user), flash: Flash(.success, "Two-factor sign-in was reset; they can set it up again."))
    }

    @Sendable func deactivate(_ request: Request, context: Context) async throws -> Response {
        let user = try await target(context)
        if try await isLastAdministrator(user) {
            return WebResponses.redirect(to: path(user), flash: Flash(.error, "This is the only active administrator and cannot be deactivated."))
        }
        let stamp = context.stamp(at: services.now())
        _ = try await services.users.update(user.id, displayName: nil, role: nil, isActive: false, stamp: stamp)
        try await services.sessions.endAll(for: user.id, reason: "user deactivated", stamp: stamp)
        return WebResponses.redirect(to: path(user), flash: Flash(.success, "\(user.displayName) is deactivated and signed out everywhere."))
    }

    @Sendable func reactivate(_ request: Request, context: Context) async throws -> Response {
        let user = try await target(context)
        _ = try await services.users.update(user.id, displayName: nil, role: nil, isActive: true, stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: path(user), flash: Flash(.success, "\(user.displayName) is active again."))
    }

    @Sendable func revokeToken(_ request: Request, context: Context) async throws -> Response {
        let user = try await target(context)
        guard let id = context.parameters.get("token").flatMap(UUID.init(uuidString:)),
              let token = try await services.tokens.find(id), token.userID == user.id else {
            throw Problem.notFound("This user has no token with that id.")
        }
        try await services.tokens.revoke(id, stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: path(user), flash: Flash(.success, "Token “\(token.name)” revoked."))
    }

    private func target(_ context: Context) async throws -> UserAccount {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let user = try await services.users.find(id) else {
            throw Problem.notFound("No user has that address.")
        }
        return user.account
    }

    private func path(_ user: UserAccount) -> String { "/admin/users/\(user.id.uuidString.lowercased())" }

    private func isLastAdministrator(_ user: UserAccount) async throws -> Bool {
        guard user.role == .administrator, user.isActive else { return false }
        return try await services.users.all().filter { $0.role == .administrator && $0.isActive }.count <= 1
    }

    private func listPage(_ request: Request, _ context: Context, values: [String: String], errors: FieldErrors,
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let html = UsersPage.render(.init(users: try await services.users.all(), values: values, errors: errors),
                                    context: WebResponses.pageContext(clinic, request, context, section: .users))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    private func userPage(_ request: Request, _ context: Context, _ id: UUID, temporaryPassword: String? = nil,
                          errors: FieldErrors = FieldErrors(), status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let user = try await services.users.find(id)?.account else { throw Problem.notFound("No user has that address.") }
        let zone = clinic.settings.resolvedTimeZone
        let sessions = try await services.sessions.open(for: id).filter { $0.stage == .active }.map {
            (started: Instant.text($0.createdAt, in: zone), lastSeen: Instant.text($0.lastSeenAt, in: zone), address: $0.ipAddress)
        }
        let tokens = try await services.tokens.all(for: id).map { TokenRows.row($0, timeZone: zone) }
        let html = UserPage.render(.init(user: user, sessions: sessions, tokens: tokens, temporaryPassword: temporaryPassword,
                                         errors: errors),
                                   context: WebResponses.pageContext(clinic, request, context, section: .users))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }
}
