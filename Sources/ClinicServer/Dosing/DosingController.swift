import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// The Dosing section: its front page and the dose calculator. The calculator is a GET form,
/// so a calculation has an address; it reads no patient data and writes nothing.
struct DosingController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/dosing", .permission(.dosingUse), use: home)
        routes.staff(.get, "/dosing/calculator", .permission(.dosingUse), use: calculator)
    }

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let html = DosingHomePage.render(canEditProtocols: context.identity.can(.clinicConfigure),
                                         context: WebResponses.pageContext(clinic, request, context, section: .dosing))
        return WebResponses.page(html)
    }

    @Sendable func calculator(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let library = try await services.protocols.library(clinicID: clinic.id).filter { $0.weightBased != nil && !$0.isRetired }
        let fields = WebResponses.queryFields(of: request)
        let chosen = library.first { $0.id == fields["protocol"] } ?? library.first ?? ProtocolLibrary.ivStandard
        let values = DoseRequestFields.valuesWithDefaults(fields, protocol: chosen)
        var order: DoseOrder?
        var errors = FieldErrors()
        var status: HTTPResponse.Status = .ok
        if !(fields["weightKg"] ?? "").isEmpty || fields.keys.contains("mgPerKg") {
            do {
                order = try WeightBasedDose(try DoseRequestFields.request(fields, protocol: chosen), limits: chosen.weightBased!.limits).order
            } catch {
                errors = error
                status = .unprocessableContent
            }
        }
        let html = DoseCalculatorPage.render(.init(protocols: library.map { ($0.id, $0.name) }, values: values, order: order, errors: errors),
                                             context: WebResponses.pageContext(clinic, request, context, section: .dosing))
        return WebResponses.page(html, status: status)
    }
}
