import ClinicDomain
import ClinicInterop
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The remittance page: paste an 835 file to post the payer's payments; see what was posted and
/// what is kept for review.
extension BillingController {
    @Sendable func remittances(_ request: Request, context: Context) async throws -> Response {
        try await remittancesPage(request, context: context, values: [:], errors: FieldErrors())
    }

    func remittancesPage(_ request: Request, context: Context, values: [String: String], errors: FieldErrors,
                         status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let model = RemittancesPage.Model(imports: try await RemittanceRepository(database: services.database).remittances(of: clinic.id),
                                          canImport: context.identity.can(.billingRecordPayments), values: values, errors: errors)
        let html = RemittancesPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .billing))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    @Sendable func importRemittance(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        var errors = FieldErrors()
        do {
            let outcome = try await RemittanceIntake.importFile(fields["x12"] ?? "", database: services.database, clinicID: clinic.id,
                                                                today: services.today(for: clinic), stamp: context.stamp(at: services.now()))
            guard !outcome.imported.isEmpty else {
                errors.add("x12", outcome.refused.joined(separator: " "))
                return try await remittancesPage(request, context: context, values: fields, errors: errors, status: .conflict)
            }
            let posted = outcome.imported.map(\.posted).reduce(0, +), review = outcome.imported.map(\.forReview).reduce(0, +)
            let message = "Imported \(outcome.imported.count) payment(s): \(posted) claim(s) posted, \(review) for review."
                + (outcome.refused.isEmpty ? "" : " " + outcome.refused.joined(separator: " "))
            return WebResponses.redirect(to: "/billing/remittances", flash: Flash(review > 0 ? .info : .success, message))
        } catch let bad as X12RemittanceError {
            errors.add("x12", "The file cannot be read: \(bad.description) Nothing was posted.")
            return try await remittancesPage(request, context: context, values: fields, errors: errors, status: .unprocessableContent)
        }
    }
}

extension BillingAPIController {
    @Sendable func remittanceList(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(APIResources.Items(try await RemittanceRepository(database: services.database).remittances(of: clinic.id)))
    }

    /// The body is the 835 file itself (`application/edi-x12` or `text/plain`).
    @Sendable func importRemittance(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/edi-x12") || type.hasPrefix("text/plain") else {
            throw Problem.unsupportedMediaType("application/edi-x12")
        }
        var request = request
        let text = String(buffer: try await request.collectBody(upTo: .max))
        do {
            let outcome = try await RemittanceIntake.importFile(text, database: services.database, clinicID: clinic.id,
                                                                today: services.today(for: clinic), stamp: context.stamp(at: services.now()))
            guard !outcome.imported.isEmpty else { throw Problem.conflict(outcome.refused.joined(separator: " ")) }
            return try APIResponse.json(ImportResource(imported: outcome.imported, refused: outcome.refused), status: .created)
        } catch let bad as X12RemittanceError {
            var errors = FieldErrors()
            errors.add("file", bad.description)
            throw Problem.validation(errors)
        }
    }

    /// What an import did.
    struct ImportResource: Codable {
        let imported: [RemittanceImport]
        let refused: [String]
    }
}
