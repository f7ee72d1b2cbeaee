import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import HTTPTypes
import Hummingbird

/// Sign-in, the two-factor step, and sign-out.
struct SignInController: Sendable {
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.open(.get, "/login", use: form)
        routes.open(.post, "/login", use: signIn)
        routes.open(.get, "/login/two-factor", use: secondFactorForm)
        routes.open(.post, "/login/two-factor", use: secondFactor)
        routes.staff(.post, "/logout", .signedIn, allowedDuringSetup: true, use: signOut)
    }

    private var service: SignInService { SignInService(services: services) }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil { return WebResponses.redirect(to: SignInRedirect.safe(request.uri.queryParameters["next"].map(String.init))) }
        return try await page(request, model: SignInPage.Model(next: request.uri.queryParameters["next"].map(String.init), formToken: ""))
    }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fields = try await WebResponses.formFields(of: request)
        let next = fields["next"]
        let outcome = try await service.signIn(email: fields["email"] ?? "", password: fields["password"] ?? "",
                                               stamp: context.stamp(at: services.now(), actor: fields["email"]),
                                               userAgent: request.headers[.userAgent] ?? "")
        return try await respond(to: outcome, request: request, next: next) { message, status in
            try await page(request, model: SignInPage.Model(email: fields["email"] ?? "", next: next, failure: message, formToken: ""),
                           status: status)
        }
    }

    @Sendable func secondFactorForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let pending = context.pendingSignIn else { return WebResponses.redirect(to: "/login") }
        let clinic = try await services.currentClinic()
        return WebResponses.page(SignInPage.renderSecondFactor(
            failure: nil, next: request.uri.queryParameters["next"].map(String.init), csrfToken: pending.session.csrfToken,
            context: PageContext(clinicName: clinic.settings.name)))
    }

    @Sendable func secondFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let pending = context.pendingSignIn else {
            return WebResponses.redirect(to: "/login", flash: Flash(.info, "That sign-in has expired. Start again."))
        }
        let fields = try await WebResponses.formFields(of: request)
        var stamp = context.stamp(at: services.now(), actor: pending.user.account.email.text)
        stamp.userID = pending.user.account.id
        let outcome = try await service.secondFactor(pending, code: fields["code"] ?? "", stamp: stamp,
                                                     userAgent: request.headers[.userAgent] ?? "")
        let clinic = try await services.currentClinic()
        return try await respond(to: outcome, request: request, next: fields["next"]) { message, status in
            WebResponses.page(SignInPage.renderSecondFactor(
                failure: message, next: fields["next"], csrfToken: pending.session.csrfToken,
                context: PageContext(clinicName: clinic.settings.name)), status: status)
        }
    }

    @Sendable func signOut(_ request: Request, context: StaffRequestContext) async throws -> Response {
        if let session = context.identity.session {
            try await services.sessions.end(session, reason: "signed out", stamp: context.stamp(at: services.now()))
        }
        var response = WebResponses.redirect(to: "/login", flash: Flash(.success, "You have signed out."))
        response.headers.append(HTTPField(name: .setCookie, value: services.cookies.clear(SessionCookies.session)))
        return response
    }

    private func respond(to outcome: SignInService.Outcome, request: Request, next: String?,
                         failure: (String, HTTPResponse.Status) async throws -> Response) async throws -> Response {
        switch outcome {
        case .signedIn(let token):
            var response = WebResponses.redirect(to: SignInRedirect.safe(next))
            response.headers.append(HTTPField(name: .setCookie, value: services.cookies.set(SessionCookies.session, token)))
            return response
        case .needsSecondFactor(let token):
            let query = next.map { "?next=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
            var response = WebResponses.redirect(to: "/login/two-factor" + query)
            response.headers.append(HTTPField(name: .setCookie, value: services.cookies.set(SessionCookies.session, token)))
            return response
        case .refused(let message):
            return try await failure(message, .unauthorized)
        case .throttled(let retryAfter):
            let seconds = max(1, Int(rounding: retryAfter, .up))
            let wait = seconds < 120 ? "\(seconds) seconds" : "\(Int(rounding: Double(seconds) / 60, .up)) minutes"
            var response = try await failure("Too many failed sign-ins for this account or from this address. Wait "
                                             + "\(wait) and try again, or ask an administrator.", .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    /// The sign-in form, with a fresh double-submit token in the form and the `kc_form` cookie.
    private func page(_ request: Request, model: SignInPage.Model, status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let token = request.cookies[SessionCookies.form]?.value ?? SecretToken.generate()
        var model = model
        model.formToken = token
        var response = WebResponses.page(
            SignInPage.render(model, context: PageContext(clinicName: clinic.settings.name, flash: WebResponses.flash(in: request))),
            status: status)
        response.headers.append(HTTPField(name: .setCookie, value: services.cookies.set(SessionCookies.form, token)))
        return WebResponses.consumingFlash(response, from: request)
    }
}

/// Where to go after signing in.
public enum SignInRedirect {
    /// `next` if it is a path on this site, else the home page: never an open redirect.
    public static func safe(_ next: String?) -> String {
        guard let next = LocalRedirect.path(next), !next.hasPrefix("/login"), !next.hasPrefix("/logout") else { return "/" }
        return next
    }
}
