import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The signed-in user's own account: password change, two-factor set-up, API tokens.
struct AccountController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/account", .signedIn, use: overview)
        routes.staff(.get, "/account/password", .signedIn, allowedDuringSetup: true, use: passwordForm)
        routes.staff(.post, "/account/password", .signedIn, allowedDuringSetup: true, use: changePassword)
        routes.staff(.get, "/account/two-factor", .signedIn, allowedDuringSetup: true, use: twoFactorForm)
        routes.staff(.post, "/account/two-factor", .signedIn, allowedDuringSetup: true, use: enableTwoFactor)
        routes.staff(.post, "/account/two-factor/disable", .signedIn, use: disableTwoFactor)
        routes.staff(.post, "/account/two-factor/recovery-codes", .signedIn, use: newRecoveryCodes)
        routes.staff(.post, "/account/tokens", .signedIn, use: createToken)
        routes.staff(.post, "/account/tokens/:id/revoke", .signedIn, use: revokeToken)
    }

    @Sendable func overview(_ request: Request, context: Context) async throws -> Response {
        try await overviewPage(request, context)
    }

    @Sendable func passwordForm(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return WebResponses.page(PasswordChangePage.render(
            errors: FieldErrors(), forced: context.identity.pendingSetup == .passwordChange,
            minimumLength: services.passwords.policy.minimumLength,
            context: WebResponses.pageContext(clinic, request, context, section: .account)))
    }

    @Sendable func changePassword(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        let user = context.identity.user
        let current = fields["currentPassword"] ?? "", new = fields["newPassword"] ?? ""
        var errors = FieldErrors()
        let stored = try await services.users.find(user.id)
        if try await !services.passwords.verify(current, against: stored?.passwordHash) {
            errors.add("currentPassword", "This is not your current password.")
        }
        do { try services.passwords.policy.check(new, for: user.email) } catch { errors = errors.merging(error) }
        if errors["newPassword"] == nil, new != fields["confirmPassword"] {
            errors.add("confirmPassword", "The two new passwords are not the same.")
        }
        if errors.isEmpty, new == current { errors.add("newPassword", "Choose a password different from the current one.") }
        guard errors.isEmpty else {
            return WebResponses.page(PasswordChangePage.render(
                errors: errors, forced: context.identity.pendingSetup == .passwordChange,
                minimumLength: services.passwords.policy.minimumLength,
                context: WebResponses.pageContext(clinic, request, context, section: .account)), status: .unprocessableContent)
        }
        let stamp = context.stamp(at: services.now())
        try await services.users.setPassword(user.id, hash: try await services.passwords.hash(new), mustChange: false,
                                             reason: "password changed by the user", stamp: stamp)
        try await services.sessions.endAll(for: user.id, except: context.identity.session?.id,
                                           reason: "password changed", stamp: stamp)
        return WebResponses.redirect(to: "/account", flash: Flash(.success, "Your password has been changed. Other sessions were signed out."))
    }

    @Sendable func twoFactorForm(_ request: Request, context: Context) async throws -> Response {
        try await twoFactorPage(request, context, secret: TwoFactor.newSecret(), errors: FieldErrors())
    }

    @Sendable func enableTwoFactor(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebResponses.formFields(of: request)
        let secret = fields["secret"] ?? ""
        guard secret.count == 32, secret.allSatisfy({ $0.isASCII && ($0.isUppercase || ("2"..."7").contains($0)) }) else {
            return try await twoFactorPage(request, context, secret: TwoFactor.newSecret(), errors: Self.error(
                "code", "The set-up key was damaged. A new key is shown: add it to your app again."))
        }
        guard let step = TwoFactor.matchingStep(of: fields["code"] ?? "", secret: secret, at: services.now()) else {
            return try await twoFactorPage(request, context, secret: secret, errors: Self.error(
                "code", "That code does not match. Check the key in your app and type the code showing now."))
        }
        let stamp = context.stamp(at: services.now())
        let userID = context.identity.user.id
        let wasOn = context.identity.user.hasTwoFactor
        if wasOn {
            // Replacing the authenticator needs proof of the current one, so a session left open
            // (or stolen) cannot move the account's second factor to another phone.
            guard let stored = try await services.users.find(userID) else { throw Problem.notFound("Your account was not found.") }
            let proof = try await services.twoFactor.proveHolder(fields, user: stored, at: stamp)
            guard proof.isEmpty else { return try await twoFactorPage(request, context, secret: secret, errors: proof) }
        }
        try await services.users.setTwoFactor(userID, secret: secret, usedStep: step, stamp: stamp)
        let codes = try await services.recoveryCodes.replace(for: userID, stamp: stamp)
        return try await twoFactorPage(request, context, secret: TwoFactor.newSecret(), errors: FieldErrors(),
                                       enabled: true, newRecoveryCodes: codes,
                                       flash: wasOn ? "The authenticator was replaced." : "Two-factor sign-in is on.")
    }

    @Sendable func newRecoveryCodes(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebResponses.formFields(of: request)
        let stamp = context.stamp(at: services.now())
        guard context.identity.user.hasTwoFactor, let stored = try await services.users.find(context.identity.user.id) else {
            return WebResponses.redirect(to: "/account/two-factor", flash: Flash(.info, "Set up two-factor sign-in first."))
        }
        let proof = try await services.twoFactor.proveHolder(fields, user: stored, at: stamp)
        guard proof.isEmpty else { return try await twoFactorPage(request, context, secret: TwoFactor.newSecret(), errors: proof) }
        let codes = try await services.recoveryCodes.replace(for: stored.account.id, stamp: stamp)
        return try await twoFactorPage(request, context, secret: TwoFactor.newSecret(), errors: FieldErrors(),
                                       newRecoveryCodes: codes, flash: "New recovery codes made; the old ones no longer work.")
    }

    @Sendable func disableTwoFactor(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebResponses.formFields(of: request)
        let user = context.identity.user
        if try await isTwoFactorRequired(for: user) {
            return try await twoFactorPage(request, context, secret: "", errors: Self.error(
                "code", "The clinic requires two-factor sign-in for administrators."))
        }
        let stamp = context.stamp(at: services.now())
        guard let stored = try await services.users.find(user.id) else { throw Problem.notFound("Your account was not found.") }
        let proof = try await services.twoFactor.proveHolder(fields, user: stored, at: stamp)
        guard proof.isEmpty else { return try await twoFactorPage(request, context, secret: TwoFactor.newSecret(), errors: proof) }
        try await services.users.setTwoFactor(user.id, secret: nil, usedStep: 0, stamp: stamp)
        try await services.recoveryCodes.revokeAll(for: user.id, stamp: stamp)
        return WebResponses.redirect(to: "/account", flash: Flash(.info, "Two-factor sign-in is off."))
    }

    @Sendable func createToken(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebResponses.formFields(of: request)
        let name = (fields["name"] ?? "").trimmed
        let granted = AccessMatrix.permissions(of: context.identity.user.role)
        let scopes = Set(Permission.allCases.filter { fields["scope." + $0.rawValue] != nil })
        var errors = FieldErrors()
        if name.isEmpty { errors.add("name", "Name the token after what will use it.") }
        else if name.count > 80 { errors.add("name", "Use at most 80 characters.") }
        if scopes.isEmpty { errors.add("scopes", "Tick at least one permission.") }
        else if !scopes.isSubset(of: granted) { errors.add("scopes", "A token cannot carry permissions your role does not have.") }
        guard errors.isEmpty else {
            return try await overviewPage(request, context, tokenValues: fields, tokenErrors: errors, status: .unprocessableContent)
        }
        let created = try await services.tokens.create(userID: context.identity.user.id, name: name, scopes: scopes,
                                                       stamp: context.stamp(at: services.now()))
        return try await overviewPage(request, context, newToken: created.value, status: .created)
    }

    @Sendable func revokeToken(_ request: Request, context: Context) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let token = try await services.tokens.find(id), token.userID == context.identity.user.id else {
            throw Problem.notFound("You have no token with that id.")
        }
        try await services.tokens.revoke(id, stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: "/account#tokens", flash: Flash(.success, "Token “\(token.name)” revoked."))
    }

    private func overviewPage(_ request: Request, _ context: Context, newToken: String? = nil,
                              tokenValues: [String: String] = [:], tokenErrors: FieldErrors = FieldErrors(),
                              status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let user = context.identity.user
        let tokens = try await services.tokens.all(for: user.id)
        let model = AccountPage.Model(
            email: user.email.text, roleTitle: user.role.title, hasTwoFactor: user.hasTwoFactor,
            twoFactorRequired: try await isTwoFactorRequired(for: user),
            tokens: tokens.map { TokenRows.row($0, timeZone: clinic.settings.resolvedTimeZone) },
            grantablePermissions: AccessMatrix.permissions(of: user.role).sorted(),
            newTokenValue: newToken, tokenValues: tokenValues, tokenErrors: tokenErrors)
        let html = AccountPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .account))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    private func twoFactorPage(_ request: Request, _ context: Context, secret: String, errors: FieldErrors,
                               enabled: Bool? = nil, newRecoveryCodes: [String] = [], flash: String? = nil) async throws -> Response {
        let clinic = try await services.currentClinic()
        let user = context.identity.user
        var model = TwoFactorSetupPage.Model(
            isEnabled: enabled ?? user.hasTwoFactor, isRequired: try await isTwoFactorRequired(for: user), secret: secret,
            displayKey: TwoFactor.displayKey(secret),
            authenticatorURL: TwoFactor.authenticatorURL(secret: secret, account: user.email.text, issuer: clinic.settings.name),
            errors: errors)
        model.recoveryCodesLeft = try await services.recoveryCodes.remaining(for: user.id)
        model.newRecoveryCodes = newRecoveryCodes
        var pageContext = WebResponses.pageContext(clinic, request, context, section: .account)
        if let flash { pageContext.flash = Flash(.success, flash) }
        let html = TwoFactorSetupPage.render(model, context: pageContext)
        var response = WebResponses.page(html, status: errors.isEmpty ? .ok : .unprocessableContent)
        if !newRecoveryCodes.isEmpty { response.headers[.cacheControl] = "no-store" }
        return response
    }

    private func isTwoFactorRequired(for user: UserAccount) async throws -> Bool {
        guard user.role == .administrator else { return false }
        return try await services.currentClinic().settings.requireAdministratorTwoFactor
    }

    private static func error(_ field: String, _ message: String) -> FieldErrors {
        var errors = FieldErrors()
        errors.add(field, message)
        return errors
    }
}

/// Formats API tokens for the account and user pages.
enum TokenRows {
    static func row(_ token: APITokenRecord, timeZone: TimeZone) -> AccountPage.TokenRow {
        AccountPage.TokenRow(
            id: token.id.uuidString.lowercased(), name: token.name, prefix: token.prefix,
            scopes: token.scopes.sorted().map(\.rawValue), created: Instant.text(token.createdAt, in: timeZone),
            lastUsed: token.lastUsedAt.map { Instant.text($0, in: timeZone) } ?? "Never",
            revoked: token.revokedAt.map { Instant.text($0, in: timeZone) })
    }
}
