import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import HTTPTypes
import Hummingbird

/// The claims page and the API's claim file: both through ``ClaimExport``, as the command line.
extension BillingController {
    @Sendable func claims(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let today = services.today(for: clinic)
        let firstOfMonth = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
        let html = ClaimsPage.render(.init(values: ["from": firstOfMonth.iso, "to": today.iso]),
                                     context: WebResponses.pageContext(clinic, request, context, section: .billing))
        return WebResponses.page(html)
    }

    @Sendable func writeClaims(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        let page = { (errors: FieldErrors, refusal: String?, status: HTTPResponse.Status) in
            WebResponses.page(ClaimsPage.render(.init(values: fields, errors: errors, refusal: refusal),
                                                context: WebResponses.pageContext(clinic, request, context, section: .billing)), status: status)
        }
        do {
            let outcome = try await ClaimExport.export(try ClaimExport.Order.read(fields), database: services.database, clinic: clinic,
                                                       today: services.today(for: clinic), now: services.now(),
                                                       stamp: context.stamp(at: services.now()))
            return ClaimFileResponse.make(outcome)
        } catch let errors as FieldErrors {
            return page(errors, nil, .unprocessableContent)
        } catch let refusal as ClaimExport.Refusal {
            return page(FieldErrors(), refusal.description, .conflict)
        }
    }
}

extension BillingAPIController {
    /// `POST /api/v1/billing/claims`: the fields of ``ClaimExport/Order`` as a JSON object; the
    /// answer is the 837P file itself.
    @Sendable func writeClaims(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.object(from: request)
        var errors = FieldErrors()
        var fields: [String: String] = [:]
        for (key, value) in body.sorted(by: { $0.key < $1.key }) {
            guard ClaimExport.Order.fieldNames.contains(key) else {
                errors.add(key, "Unknown field. Accepted fields: \(ClaimExport.Order.fieldNames.sorted().joined(separator: ", ")).")
                continue
            }
            switch value {
            case let text as String: fields[key] = text
            case let flag as Bool where key == "production": fields[key] = flag ? "true" : "false"
            case let number as NSNumber where key == "control": fields[key] = number.stringValue
            default: errors.add(key, "Give \(key) as a string.")
            }
        }
        try errors.throwIfAny()
        do {
            let outcome = try await ClaimExport.export(try ClaimExport.Order.read(fields), database: services.database, clinic: clinic,
                                                       today: services.today(for: clinic), now: services.now(),
                                                       stamp: context.stamp(at: services.now()))
            return ClaimFileResponse.make(outcome)
        } catch let refusal as ClaimExport.Refusal {
            throw Problem.conflict(refusal.description)
        }
    }
}

/// The claim file as a download, with how many claims it holds and which sessions were left out.
enum ClaimFileResponse {
    static func make(_ outcome: ClaimExport.Outcome) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/edi-x12; charset=us-ascii",
            .contentDisposition: "attachment; filename=\"\(outcome.fileName)\"",
            .cacheControl: "no-store",
        ]
        headers[HTTPField.Name("X-Claims")!] = String(outcome.claims)
        headers[HTTPField.Name("X-Sessions-Left-Out")!] = String(outcome.skipped.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: outcome.file)))
    }
}
