import ClinicDomain
import ClinicWeb
import Foundation
import HTTPTypes
import Hummingbird

/// Small helpers shared by the HTML controllers: pages, redirects, flash messages and forms.
enum WebResponses {
    private static let flashCookie = "kc_flash"

    /// An HTML page.
    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status,
                 headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A 303 redirect that shows `flash` on the next page (post/redirect/get).
    static func redirect(to location: String, flash: Flash? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let flash {
            let value = "\(flash.kind.rawValue):\(flash.message)"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            headers[.setCookie] = "\(flashCookie)=\(value); Path=/; Max-Age=60; HttpOnly; SameSite=Lax"
        }
        return Response(status: .seeOther, headers: headers)
    }

    /// The flash message carried by the request, if any.
    static func flash(in request: Request) -> Flash? {
        guard let raw = request.cookies[flashCookie]?.value.removingPercentEncoding,
              let colon = raw.firstIndex(of: ":"),
              let kind = Flash.Kind(rawValue: String(raw[..<colon])) else { return nil }
        return Flash(kind, String(raw[raw.index(after: colon)...]))
    }

    /// Adds the header that clears the flash once it has been shown.
    static func consumingFlash(_ response: Response, from request: Request) -> Response {
        guard request.cookies[flashCookie] != nil else { return response }
        var response = response
        response.headers.append(HTTPField(name: .setCookie, value: "\(flashCookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"))
        return response
    }

    /// The page context of a signed-in user: the clinic's name, the sections their role may
    /// open, the session's CSRF token and the flash message.
    static func pageContext(_ clinic: Clinic, _ request: Request, _ context: StaffRequestContext,
                            section: NavigationSection?) -> PageContext {
        let identity = context.identity
        var sections: [NavigationSection] = [.home]
        if identity.can(.patientsRead) { sections.append(contentsOf: [.patients, .sessions]) }
        if identity.can(.patientsClinical) { sections.append(.board) }
        if identity.can(.dosingUse) { sections.append(.dosing) }
        if identity.can(.patientsRead), clinic.settings.jurisdiction.region == .unitedStates { sections.append(.rems) }
        if identity.can(.registerView) { sections.append(.register) }
        if identity.can(.billingRead) { sections.append(.billing) }
        if identity.can(.usersManage) { sections.append(.users) }
        if identity.can(.auditRead) { sections.append(.audit) }
        if identity.can(.clinicConfigure) { sections.append(.clinic) }
        if identity.can(.outcomesRead) { sections.append(.outcomes) }
        if identity.can(.operationsMetrics) { sections.append(.backups) }
        sections.append(.account)
        return PageContext(
            clinicName: clinic.settings.name, section: section, flash: flash(in: request),
            user: SignedInUser(displayName: identity.user.displayName, roleTitle: identity.user.role.title,
                               csrfToken: identity.csrfToken ?? "", sections: sections,
                               inSetup: identity.pendingSetup != nil))
    }

    /// The query string's fields (the last value of a repeated name wins); `+` reads as a space.
    static func queryFields(of request: Request) -> [String: String] {
        urlEncodedFields(request.uri.query ?? "")
    }

    /// `name=value&…` pairs, percent-decoded, `+` as a space; the last value of a repeated name wins.
    static func urlEncodedFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let key = parts.first, !key.isEmpty { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    /// The fields of a URL-encoded form body.
    static func formFields(of request: Request) async throws -> [String: String] {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem.unsupportedMediaType("application/x-www-form-urlencoded")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: .max)
        return urlEncodedFields(String(buffer: buffer))
    }

    /// The request's `?date=` (YYYY-MM-DD), or `fallback` when it has none; a mistyped date is a
    /// field error naming `date`, never a silent fallback.
    static func queryDate(of request: Request, default fallback: CalendarDate) throws -> CalendarDate {
        guard let text = queryFields(of: request)["date"] else { return fallback }
        guard let date = CalendarDate(iso: text) else {
            var errors = FieldErrors()
            errors.add("date", "Give the date as YYYY-MM-DD.")
            throw errors
        }
        return date
    }
}
