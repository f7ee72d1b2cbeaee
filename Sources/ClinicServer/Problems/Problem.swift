import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// An API error as RFC 9457 problem details (`application/problem+json`).
///
/// Every failure the API reports takes this shape, with a stable `type`, a human `title`,
/// the request id to quote to support, and per-field `errors` when input was wrong.
public struct Problem: Error, HTTPResponseError, Codable, Sendable, Equatable {
    /// One field that was wrong.
    public struct FieldProblem: Codable, Sendable, Equatable {
        /// The field, as the request spelled it (a JSON pointer-like path for nested fields).
        public var field: String
        /// What is wrong with it.
        public var message: String
    }

    /// A stable identifier of the kind of problem, e.g. `urn:ketaclinic:problem:validation`.
    public var type: String
    /// A short summary that does not change between occurrences.
    public var title: String
    /// The HTTP status code.
    public var statusCode: Int
    /// What happened this time.
    public var detail: String?
    /// Per-field messages, for validation problems.
    public var errors: [FieldProblem]?
    /// The request's id, also in the `X-Request-ID` header and the logs.
    public var requestId: String?
    /// Seconds the client should wait before repeating the request, sent as `Retry-After` (503s).
    public var retryAfterSeconds: Int?
    /// The permission that was missing (403 `forbidden`), for the HTML page that names it; not sent in JSON.
    public var missingPermission: Permission? = nil

    enum CodingKeys: String, CodingKey {
        case type, title, statusCode = "status", detail, errors, requestId
    }

    /// Creates a problem.
    public init(_ status: HTTPResponse.Status, type: String, title: String, detail: String? = nil,
                errors: [FieldProblem]? = nil) {
        self.statusCode = status.code
        self.type = "urn:ketaclinic:problem:\(type)"
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    /// The HTTP status.
    public var status: HTTPResponse.Status { .init(code: statusCode) }
    /// `Retry-After` when the problem passes; the content type is set when the body is written.
    public var headers: HTTPFields {
        guard let retryAfterSeconds else { return [:] }
        return [.retryAfter: String(retryAfterSeconds)]
    }

    /// Writes the problem as `application/problem+json`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var problem = self
        problem.requestId = context.id
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(problem)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: The problems KetaClinic reports

    /// Input was understood but is not acceptable: one message per field.
    public static func validation(_ errors: FieldErrors) -> Problem {
        Problem(.unprocessableContent, type: "validation", title: "The request has invalid fields",
                detail: errors.entries.map { "\($0.field): \($0.message)" }.joined(separator: "; "),
                errors: errors.entries.map { FieldProblem(field: $0.field, message: $0.message) })
    }

    /// The body is not JSON at all.
    public static func malformedJSON(_ detail: String) -> Problem {
        Problem(.badRequest, type: "malformed-json", title: "The request body is not valid JSON", detail: detail)
    }

    /// No such route or resource.
    public static func notFound(_ detail: String = "There is nothing at this address.") -> Problem {
        Problem(.notFound, type: "not-found", title: "Not found", detail: detail)
    }

    /// The request conflicts with the current state (e.g. adding a second medical history).
    public static func conflict(_ detail: String) -> Problem {
        Problem(.conflict, type: "conflict", title: "Conflicts with the current record", detail: detail)
    }

    /// The body is larger than the server accepts.
    public static func bodyTooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, type: "body-too-large", title: "The request body is too large",
                detail: "The largest body accepted is \(limit) bytes.")
    }

    /// The body is not of a type the endpoint reads.
    public static func unsupportedMediaType(_ expected: String) -> Problem {
        Problem(.unsupportedMediaType, type: "unsupported-media-type", title: "Unsupported content type",
                detail: "Send the body as \(expected).")
    }

    /// Something failed on the server; the detail never leaks internals.
    public static let internalError = Problem(
        .internalServerError, type: "internal", title: "Something went wrong on the server",
        detail: "The error was logged. Quote the request id when reporting it.")

    /// The service cannot serve yet (database unreachable or schema not current).
    public static func unavailable(_ detail: String, retryAfterSeconds: Int? = nil) -> Problem {
        var problem = Problem(.serviceUnavailable, type: "unavailable", title: "Not ready", detail: detail)
        problem.retryAfterSeconds = retryAfterSeconds
        return problem
    }

    /// The database cannot take the request right now (unreachable, disk full, locked): nothing
    /// of it was stored, and the client may repeat it after `Retry-After` seconds.
    public static func databaseFault(_ fault: DatabaseFault) -> Problem {
        var problem = Problem(.serviceUnavailable, type: "database-unavailable",
                              title: "The database is unavailable", detail: fault.description)
        problem.retryAfterSeconds = fault.retryAfterSeconds
        return problem
    }
}
