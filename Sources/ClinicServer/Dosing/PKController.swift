import ClinicDomain
import ClinicWeb
import Hummingbird

/// `GET /dosing/pk`: the pharmacokinetic preview page. The form is read from the query string, so
/// every view is a URL that can be shared; invalid input re-renders the form with field errors
/// (422), never a server error. Nothing is stored: the preview reads no patient data.
struct PKController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/dosing/pk", .permission(.dosingUse), use: page)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let (values, result) = PKPreviewPage.evaluate(query)
        let pageContext = WebResponses.pageContext(clinic, request, context, section: .dosing)
        switch result {
        case .success(let outcome):
            let html = PKPreviewPage.render(values: values, outcome: outcome, errors: FieldErrors(), context: pageContext)
            return WebResponses.consumingFlash(WebResponses.page(html), from: request)
        case .failure(let errors):
            let html = PKPreviewPage.render(values: values, outcome: nil, errors: errors, context: pageContext)
            return WebResponses.page(html, status: .unprocessableContent)
        }
    }
}
