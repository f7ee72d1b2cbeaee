import ClinicDomain
import Hummingbird
import OpenAPIKit

/// One catalog entry as an OpenAPI operation: its path parameters, the permission it needs (in
/// the description and as `x-permission`), its body and success response as far as they are
/// described, and the problem responses that apply to it.
enum OpenAPIRoute {
    /// `/api/v1/patients/:id` as `/api/v1/patients/{id}`.
    static func templatePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
        }.joined(separator: "/")
    }

    /// The names of the path's parameters, in order.
    static func parameterNames(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// The method as OpenAPIKit names it.
    static func method(_ method: HTTPRequest.Method) -> OpenAPI.HttpMethod {
        OpenAPI.HttpMethod(rawValue: method.rawValue) ?? .other(method.rawValue)
    }

    /// What the route requires, as `x-permission` says it: the permission, or `signed-in`.
    static func permissionName(_ access: Access) -> String {
        switch access {
        case .open: "open"
        case .signedIn: "signed-in"
        case .permission(let permission): permission.rawValue
        }
    }

    /// A stable, unique id: method and path, e.g. `get_api_v1_patients_id`.
    static func operationID(_ entry: RouteEntry) -> String {
        let words = entry.path.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        return ([entry.method.rawValue.lowercased()] + words).joined(separator: "_")
    }

    /// The operation for one route.
    static func operation(for entry: RouteEntry) -> OpenAPI.Operation {
        let described = OpenAPIBodies.described[OpenAPIBodies.key(entry.method, entry.path)]
        let permission = permissionName(entry.access)
        let access: String = switch entry.access {
        case .open: "Open to anyone."
        case .signedIn: "Needs any valid API token, whatever its role or scopes."
        case .permission(let needed):
            "Needs the permission `\(needed.rawValue)` (\(needed.summary)): the token's owner's role must grant it and the token's scopes must include it."
                + (needed == .patientsClinical && entry.path.hasPrefix("/api/v1/patients/:id")
                    ? " An emergency access grant on this patient also opens it." : "")
        }
        let parameters: OpenAPI.Parameter.Array = parameterNames(entry.path).map { name in
            .b(.path(name: name, schema: parameterSchema(name, in: entry.path), description: parameterDescription(name, in: entry.path)))
        } + (described?.query ?? []).map { .b($0) }
        // The body and the answer as the handler's own Codable types give them (``TypeShape``),
        // else as ``OpenAPIBodies`` states them.
        let request = entry.request.map { OpenAPIShapes.schema($0) } ?? described?.request
        let success = described?.response ?? entry.answer.map { answer in
            answer.status == 204
                ? OpenAPIBodies.Success(status: 204, description: "Done; the answer has no body.", schema: nil)
                : OpenAPIBodies.Success(status: answer.status, description: "The answer, as `\(answer.name)`.",
                                        schema: OpenAPISchemas.ref(answer.name))
        }
        return OpenAPI.Operation(
            tags: [tag(entry.path)],
            summary: described?.summary ?? "\(entry.method.rawValue) \(templatePath(entry.path))",
            description: [described?.summary.map { $0 + "." }, access,
                          request == nil && hasBody(entry.method) ? "The request body's fields are not described here; see docs/api.md." : nil,
                          entry.request == .noBody ? "It takes no body." : nil]
                .compactMap { $0 }.joined(separator: " "),
            operationId: operationID(entry),
            parameters: parameters,
            requestBody: hasBody(entry.method) && entry.request != .noBody ? requestBody(request) : nil,
            responses: OpenAPIResponses.responses(for: entry, success: success),
            vendorExtensions: ["x-permission": .init(permission)])
    }

    /// A path parameter's schema: the intake record's section names where the path takes one (from
    /// ``RecordSection``, contact sections under `/contact/`, clinical ones under `/record/`), any
    /// non-empty text otherwise (ids, versions and dates are checked by the handler: 404 or 422).
    static func parameterSchema(_ name: String, in path: String) -> JSONSchema {
        guard name == "section" else { return .string(minLength: 1) }
        let contact = path.contains("/contact/")
        let slugs = RecordSection.allCases.filter { $0.isContact == contact && $0 != .identity }.map(\.slug)
        return .string(allowedValues: slugs.map { AnyCodable($0) })
    }

    /// What a path parameter names, as the API's own answers give it.
    static func parameterDescription(_ name: String, in path: String) -> String {
        switch name {
        case "id" where path.contains("patients/:id"), "patient": "The patient's id."
        case "session": "The treatment session's id."
        case "section": "The part of the intake record."
        case "key": "The record item's key, as returned when it was added."
        case "version": "The version number (1, 2, …)."
        case "date": "A day, YYYY-MM-DD, in the clinic's time zone."
        case "protocol": "The protocol's id (a built-in name or a saved protocol's id)."
        case "chair": "The chair's name, as the board shows it (e.g. Chair 1)."
        case "alert": "The alert's id."
        case "reading": "The reading's id."
        case "device": "The monitor's id."
        case "entry": "The waitlist entry's id."
        case "feed": "The calendar feed's id."
        case "discrepancy": "The count discrepancy's id."
        case "product": "The register product's id."
        case "response": "The rating-scale response's id."
        default: "The `\(name)` of the resource, as the API returns it."
        }
    }

    /// The first segment after `/api/v1/`, grouping the operations by area.
    static func tag(_ path: String) -> String {
        path.dropFirst(OpenAPIDocumentBuilder.apiPrefix.count).split(separator: "/").first.map(String.init) ?? "api"
    }

    /// POST and PUT take a JSON body.
    static func hasBody(_ method: HTTPRequest.Method) -> Bool { method == .post || method == .put }

    private static func requestBody(_ schema: JSONSchema?) -> OpenAPI.Request {
        OpenAPI.Request(
            description: schema == nil ? "A JSON object; its fields are not described in this document." : nil,
            content: [.json: .content(.init(schema: schema ?? .object(description: "Any JSON object: the fields are not described precisely here.")))],
            required: schema != nil)
    }
}
