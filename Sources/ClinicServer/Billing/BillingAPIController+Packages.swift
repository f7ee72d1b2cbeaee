import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// `/api/v1/billing/packages` and a patient's purchases: prepaid packages in cents.
extension BillingAPIController {
    /// A package as sent.
    struct PackageBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["name", "sessions", "priceCents", "codes", "validFrom", "validTo"]
        let name: String
        let sessions: Int
        let priceCents: Int64
        let codes: [String]
        let validFrom: String
        let validTo: String?
    }

    /// A sale as sent; `method` (and `reference`) take the prepayment.
    struct SaleBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["packageId", "purchasedOn", "method", "reference"]
        let packageId: String
        let purchasedOn: String?
        let method: String?
        let reference: String?
    }

    /// A purchase with its draw-down.
    struct PurchaseResource: Codable {
        let purchase: PackagePurchase
        let used: Int
        let remaining: Int
        let drawnCents: Cents
        let undrawnCents: Cents

        init(_ standing: PackageStanding) {
            purchase = standing.purchase
            used = standing.used
            remaining = standing.remaining
            drawnCents = standing.drawn
            undrawnCents = standing.undrawn
        }
    }

    @Sendable func packages(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(APIResources.Items(try await PackageRepository(database: services.database).packages(of: clinic.id)))
    }

    @Sendable func addPackage(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(PackageBody.self, from: request)
        let package = try PackageForm.package(name: body.name, sessions: String(body.sessions), price: .cents(body.priceCents),
                                              codes: body.codes.joined(separator: " "), validFrom: body.validFrom, validTo: body.validTo)
        let saved = try await PackageRepository(database: services.database).addPackage(package, to: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(saved, status: .created)
    }

    @Sendable func patientPackages(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context, clinic: clinic)
        let standings = try await PackageRepository(database: services.database).standings(of: patient.id, clinicID: clinic.id)
        return try APIResponse.json(APIResources.Items(standings.map(PurchaseResource.init)))
    }

    @Sendable func sellPackage(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context, clinic: clinic)
        let body = try await StrictJSON.decode(SaleBody.self, from: request)
        let today = services.today(for: clinic)
        let sale = try PackageForm.sale(packageID: body.packageId, purchasedOn: body.purchasedOn, method: body.method, reference: body.reference,
                                        today: today)
        do {
            let purchase = try await PackageRepository(database: services.database).sell(
                sale.packageID, to: patient.id, clinicID: clinic.id, on: sale.day, prepayment: sale.prepayment, today: today,
                stamp: context.stamp(at: services.now()))
            return try APIResponse.json(PurchaseResource(PackageStanding(purchase: purchase, used: 0, drawn: .zero)), status: .created)
        } catch let refusal as BillingRefusal {
            throw Problem.notFound(refusal.reason)
        }
    }
}
