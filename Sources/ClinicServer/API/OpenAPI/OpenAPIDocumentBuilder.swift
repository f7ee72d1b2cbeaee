import Foundation
import OpenAPIKit

/// Builds the OpenAPI 3.1 description of `/api/v1` from the route catalog: every route
/// registered through ``SecureRoutes`` under the API prefix becomes one operation, so the
/// document cannot drift from the routes the server actually has.
public enum OpenAPIDocumentBuilder {
    /// Where the document is served.
    public static let documentPath = "/api/v1/openapi.json"
    /// The prefix of the routes the document covers.
    public static let apiPrefix = "/api/v1/"
    /// The name of the bearer-token security scheme in `components`.
    static let bearerScheme = "bearerToken"

    /// The routes the document describes: the catalog's `/api/v1` routes.
    public static func apiRoutes(_ entries: [RouteEntry]) -> [RouteEntry] {
        entries.filter { $0.path.hasPrefix(apiPrefix) }
    }

    /// The document for the given catalog entries.
    public static func document(_ entries: [RouteEntry]) -> OpenAPI.Document {
        var paths: OpenAPI.PathItem.Map = [:]
        for entry in apiRoutes(entries) {
            let path = OpenAPI.Path(rawValue: OpenAPIRoute.templatePath(entry.path))
            var item = paths[path]?.pathItemValue ?? OpenAPI.PathItem()
            item.set(operation: OpenAPIRoute.operation(for: entry), for: OpenAPIRoute.method(entry.method))
            paths[path] = .init(item)
        }
        return OpenAPI.Document(
            openAPIVersion: .v3_1_1,
            info: .init(
                title: "KetaClinic API",
                description: """
                    The JSON API of KetaClinic under `/api/v1`. Send an API token as `Authorization: Bearer <token>`; \
                    a token acts within its scopes and its owner's role. Each operation names the permission it \
                    needs (`x-permission`). Errors answer `application/problem+json` (RFC 9457).
                    """,
                version: "1"),
            servers: [],
            paths: paths,
            components: .init(
                schemas: components(apiRoutes(entries)),
                responses: OpenAPIResponses.components,
                securitySchemes: [OpenAPI.ComponentKey(stringLiteral: bearerScheme): .securityScheme(.http(scheme: "bearer", description: "An API token made in the web app or with `ketaclinic token create`."))]),
            security: [[.component(named: bearerScheme): []]])
    }

    /// The stated schemas, and the shape of each answer type the routes name (``RouteAnswer``).
    static func components(_ entries: [RouteEntry]) -> OpenAPI.ComponentDictionary<JSONSchema> {
        var components = OpenAPISchemas.components
        for answer in entries.compactMap(\.answer) where answer.status != 204 {
            let key = OpenAPI.ComponentKey(stringLiteral: answer.name)
            if components[key] == nil { components[key] = OpenAPIShapes.schema(answer.shape) }
        }
        return components
    }

    /// The fields each precisely described request body accepts, by schema name: what the body
    /// types' strict decoders accept, for the contract test to compare with the schemas.
    public static var describedRequestFields: [String: Set<String>] { OpenAPISchemas.acceptedFields }

    /// The document as JSON, keys sorted so that the same routes give the same bytes.
    public static func encoded(_ entries: [RouteEntry]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(document(entries))
    }
}
