import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird
import Logging
import NIOCore

/// Turns every error into an answer the client can use: `application/problem+json` under
/// `/api/`, an HTML error page elsewhere. Unexpected errors are logged with the request id and
/// reported as a generic 500 that leaks nothing; expected ones never become a 500.
struct ErrorPresentationMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The clinic's name for the error page's header.
    let clinicName: @Sendable () async -> String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch where request.uri.path.hasPrefix("/fhir/") {
            // FHIR clients read OperationOutcomes (FHIR/FHIRController.swift).
            return FHIRErrorPresentation.response(for: error, request: request, context: context) {
                Self.problem(for: $0, request: request, context: context)
            }
        } catch let required as AuthenticationRequired {
            if Self.isMachineFacing(request) {
                var response = try Problem.unauthenticated.response(from: request, context: context)
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
            var target = "/login"
            if request.method == .get, request.uri.path != "/" {
                target += "?next=" + (request.uri.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            return WebResponses.redirect(
                to: target, flash: required.sessionExpired ? Flash(.info, "Your session has ended. Sign in again.") : nil)
        } catch let required as AccountSetupRequired {
            if Self.isMachineFacing(request) {
                return try Problem.setupRequired(required.setup).response(from: request, context: context)
            }
            return WebResponses.redirect(to: required.setup.path)
        } catch {
            let problem = Self.problem(for: error, request: request, context: context)
            if Self.isMachineFacing(request) {
                return try problem.response(from: request, context: context)
            }
            // The clinic's name is read from the database, which may be the thing that failed.
            let name = problem.retryAfterSeconds == nil ? await clinicName() : "KetaClinic"
            let html = ErrorPage.render(
                status: problem.statusCode, title: problem.title, detail: problem.detail ?? "",
                requestID: context.id, context: PageContext(clinicName: name))
            var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
            if let seconds = problem.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
            return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    /// The API, FHIR, the metrics and the readiness probe answer machines (problem+json or an
    /// OperationOutcome, never an HTML page); pages answer people with HTML.
    static func isMachineFacing(_ request: Request) -> Bool {
        let path = request.uri.path
        return path.hasPrefix("/api/") || path.hasPrefix("/fhir/") || path == "/readyz" || path == "/metrics"
    }

    static func problem(for error: any Error, request: Request, context: Context) -> Problem {
        if let fault = DatabaseFault(classifying: error) {
            context.logger.warning("database unavailable", metadata: [
                "fault": "\(fault.code)", "error": "\(String(reflecting: error))"])
            return .databaseFault(fault)
        }
        switch error {
        case let problem as Problem:
            return problem
        case let errors as FieldErrors:
            return .validation(errors)
        case let refusal as SessionRefusal:
            return .conflict(refusal.reason)
        case let unknown as UnknownSessionItem:
            return .notFound(unknown.description)
        case let refusal as RegisterRefusal:
            return .validation(refusal.fieldErrors)
        case is NIOTooManyBytesError:
            return Problem(.contentTooLarge, type: "body-too-large", title: "The request body is too large")
        case let http as HTTPError where http.status == .notFound:
            return .notFound()
        case let http as any HTTPResponseError where http.status.code < 500:
            return Problem(http.status, type: "http-\(http.status.code)", title: http.status.reasonPhrase)
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalError
        }
    }
}
