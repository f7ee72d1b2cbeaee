import Hummingbird
import OpenAPIKit

/// The responses of an operation: its success, and the `application/problem+json` errors
/// that apply to it (see `Problem` and `Problem+Access`), each a shared component.
enum OpenAPIResponses {
    /// The media type of every error.
    static let problemType = OpenAPI.ContentType(rawValue: "application/problem+json")!

    /// An error the API reports, as a reusable response component.
    struct ErrorResponse: Sendable {
        /// The HTTP status.
        let status: Int
        /// The component's name.
        let name: String
        /// When it is answered.
        let description: String
    }

    static let unauthorized = ErrorResponse(status: 401, name: "Unauthenticated",
        description: "No API token was sent, or it is unknown, revoked or its owner is deactivated (`unauthenticated`, `invalid-token`).")
    static let forbidden = ErrorResponse(status: 403, name: "Forbidden",
        description: "The token's owner's role or the token's scopes lack the permission (`forbidden`), or the account must first finish its set-up in the web app (`account-setup-required`).")
    static let notFound = ErrorResponse(status: 404, name: "NotFound",
        description: "Nothing of this clinic has that id (`not-found`).")
    static let badRequest = ErrorResponse(status: 400, name: "MalformedJSON",
        description: "The body is not well-formed JSON, or not a JSON object (`malformed-json`); or a paging token this server did not issue (`invalid-cursor`).")
    static let conflict = ErrorResponse(status: 409, name: "Conflict",
        description: "The request conflicts with the record's current state, e.g. adding what already exists or changing what is signed (`conflict`).")
    static let tooLarge = ErrorResponse(status: 413, name: "BodyTooLarge",
        description: "The body is larger than the server accepts (`body-too-large`).")
    static let unsupported = ErrorResponse(status: 415, name: "UnsupportedMediaType",
        description: "The body was not sent as `application/json` (`unsupported-media-type`).")
    static let invalid = ErrorResponse(status: 422, name: "Invalid",
        description: "A field or query parameter is missing, of the wrong type or out of range; `errors` names each field (`validation`).")
    /// Every other failure: 503 while the database is unavailable (with `Retry-After`), 500 for a fault.
    static let other = ErrorResponse(status: 0, name: "OtherProblem",
        description: "Any other failure, as problem details: 503 while the database is unavailable or not ready (with `Retry-After`), 500 for an unexpected fault.")

    /// All error components, for `components.responses`.
    static let all = [unauthorized, forbidden, notFound, badRequest, conflict, tooLarge, unsupported, invalid, other]

    /// The errors that apply to a route: every route may answer 401 and 403; a route with path
    /// parameters 404; a route that reads a body 400, 409, 413, 415 and 422; a route with
    /// described query parameters 400 and 422.
    static func errors(for entry: RouteEntry, hasQuery: Bool) -> [ErrorResponse] {
        var errors = [unauthorized, forbidden]
        if entry.path.contains("/:") { errors.append(notFound) }
        if OpenAPIRoute.hasBody(entry.method) {
            errors += [badRequest, conflict, tooLarge, unsupported, invalid]
        } else if hasQuery {
            errors += [badRequest, invalid]
        }
        return errors
    }

    /// The response map of one operation.
    static func responses(for entry: RouteEntry, success described: OpenAPIBodies.Success?) -> OpenAPI.Response.Map {
        var map: OpenAPI.Response.Map = [:]
        if let described {
            map[.status(code: described.status)] = .b(OpenAPI.Response(
                description: described.description,
                content: described.schema.map { [.json: .content(.init(schema: $0))] } ?? [:]))
        } else {
            map[.range(.success)] = .b(undescribedSuccess(entry.path))
        }
        let hasQuery = !(OpenAPIBodies.described[OpenAPIBodies.key(entry.method, entry.path)]?.query ?? []).isEmpty
        for error in errors(for: entry, hasQuery: hasQuery).sorted(by: { $0.status < $1.status }) {
            map[.status(code: error.status)] = .a(.component(named: error.name))
        }
        map[.default] = .a(.component(named: other.name))
        return map
    }

    /// A success whose body is not described precisely: its media type from the route (CSV,
    /// iCalendar, event stream, otherwise JSON) with a schema that accepts any value.
    static func undescribedSuccess(_ path: String) -> OpenAPI.Response {
        let content: OpenAPI.Content.Map
        if path.hasSuffix(".csv") {
            content = [.csv: .content(.init(schema: .string))]
        } else if path.hasSuffix(".ics") {
            content = [OpenAPI.ContentType(rawValue: "text/calendar")!: .content(.init(schema: .string))]
        } else if path.hasSuffix("/events") {
            content = [.eventStream: .content(.init(schema: .string))]
        } else {
            content = [.json: .content(.init(schema: JSONSchema.fragment(.init(description: "The body is not described precisely in this document."))))]
        }
        return OpenAPI.Response(description: "Success. The body is not described precisely in this document (some routes answer 204 with no body).",
                                content: content)
    }

    /// `components.responses`: each error as problem details.
    static var components: OpenAPI.ComponentReferenceDictionary<OpenAPI.Response> {
        var responses: OpenAPI.ComponentReferenceDictionary<OpenAPI.Response> = [:]
        for error in all {
            responses[OpenAPI.ComponentKey(stringLiteral: error.name)] = .b(OpenAPI.Response(
                description: error.description,
                content: [problemType: .content(.init(schema: JSONSchema.reference(.component(named: "Problem"))))]))
        }
        return responses
    }
}
