import ClinicDomain
import Foundation
import Hummingbird
import NIOCore

/// FHIR JSON responses: resources, search Bundles and OperationOutcomes as `application/fhir+json`.
enum FHIRResponses {
    /// The media type of every FHIR answer.
    static let contentType = "application/fhir+json; charset=utf-8"

    /// One resource (or any FHIR JSON value).
    static func resource(_ json: FHIRJSON, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var writer = FHIRJSONWriter()
        writer.write(json)
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    /// An OperationOutcome with one error issue [F2].
    static func outcome(status: Int, code: String, diagnostics: String) -> Response {
        let json = outcomeJSON(severity: "error", code: code, diagnostics: diagnostics)
        var headers: HTTPFields = [:]
        if status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        return resource(json, status: HTTPResponse.Status(code: status), headers: headers)
    }

    /// The OperationOutcome value.
    static func outcomeJSON(severity: String, code: String, diagnostics: String) -> FHIRJSON {
        .object([
            ("resourceType", .string("OperationOutcome")),
            ("issue", .array([.object([
                ("severity", .string(severity)), ("code", .string(code)), ("diagnostics", .string(diagnostics)),
            ])])),
        ])
    }

    /// The OperationOutcome issue code for an HTTP status [F2].
    static func issueCode(forStatus status: Int) -> String {
        switch status {
        case 401: "login"
        case 403: "forbidden"
        case 404: "not-found"
        case 405, 501: "not-supported"
        case 409: "conflict"
        case 413: "too-costly"
        case 415: "not-supported"
        case 429: "throttled"
        case 400..<500: "invalid"
        case 503: "transient"
        default: "exception"
        }
    }

    /// A searchset Bundle [F1] with `self` and, when there is more, `next` links; each entry's
    /// fullUrl is absolute under `base`.
    static func searchset(_ resources: [FHIRResource], base: String, type: String, parameters: [(String, String)],
                          current: FHIRCursor?, next: FHIRCursor?, count: Int) -> FHIRJSON {
        func link(_ cursor: FHIRCursor?) -> String {
            var items = parameters.filter { $0.0 != "_count" }
            items.append(("_count", String(count)))
            if let cursor { items.append(("_cursor", cursor.text)) }
            return "\(base)/\(type)?" + items.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
        }
        var links: [FHIRJSON] = [.object([("relation", .string("self")), ("url", .string(link(current)))])]
        if let next { links.append(.object([("relation", .string("next")), ("url", .string(link(next)))])) }
        var bundle = FHIRObject()
        bundle.set("resourceType", "Bundle")
        bundle.set("type", "searchset")
        bundle.set("link", links)
        bundle.set("entry", resources.map { resource in
            .object([
                ("fullUrl", .string("\(base)/\(resource.type)/\(resource.id)")),
                ("resource", resource.json),
                ("search", .object([("mode", .string("match"))])),
            ])
        })
        return bundle.json
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
