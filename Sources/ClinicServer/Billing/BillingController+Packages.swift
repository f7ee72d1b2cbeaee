import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The package forms: an administrator adds a prepaid package on the billing overview; the front
/// desk sells one on a patient's account, optionally taking the prepayment there and then.
extension BillingController {
    @Sendable func addPackage(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        do {
            let package = try PackageForm.package(name: fields["name"], sessions: fields["sessions"], price: fields["price"].map { .dollars($0) },
                                                  codes: fields["codes"], validFrom: fields["validFrom"], validTo: fields["validTo"])
            try await PackageRepository(database: services.database).addPackage(package, to: clinic.id, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/billing", flash: Flash(.success, "Package “\(package.name.trimmingCharacters(in: .whitespaces))” added."))
        } catch let errors as FieldErrors {
            return try await overviewPage(request, context: context, values: [:], errors: FieldErrors(), packageValues: fields, packageErrors: errors,
                                          status: .unprocessableContent)
        }
    }

    @Sendable func sellPackage(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context.parameters.get("patient"), clinic: clinic)
        let fields = try await WebResponses.formFields(of: request)
        do {
            let sale = try PackageForm.sale(packageID: fields["packageId"], purchasedOn: fields["purchasedOn"], method: fields["method"],
                                            reference: fields["reference"], today: services.today(for: clinic))
            let purchase = try await PackageRepository(database: services.database).sell(
                sale.packageID, to: patient.id, clinicID: clinic.id, on: sale.day, prepayment: sale.prepayment, today: services.today(for: clinic),
                stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/billing/patients/\(patient.id.uuidString.lowercased())",
                                         flash: Flash(.success, "\(purchase.name) sold\(sale.prepayment == nil ? "" : " and prepaid")."))
        } catch let errors as FieldErrors {
            return try await accountPage(request, context: context, values: [:], errors: FieldErrors(), packageValues: fields, packageErrors: errors,
                                         status: .unprocessableContent)
        } catch let refusal as BillingRefusal {
            var errors = FieldErrors()
            errors.add("packageId", refusal.reason)
            return try await accountPage(request, context: context, values: [:], errors: FieldErrors(), packageValues: fields, packageErrors: errors,
                                         status: .unprocessableContent)
        }
    }
}

/// Turns the package form, API body or command-line options into domain values with field
/// errors, the same for each.
public enum PackageForm {
    /// A price as typed (dollars on a form) or sent (cents in JSON).
    enum Price {
        case dollars(String)
        case cents(Int64)
    }

    /// A package from its fields; field errors for a missing or malformed field.
    static func package(name: String?, sessions: String?, price: Price?, codes: String?, validFrom: String?, validTo: String?) throws(FieldErrors)
        -> SessionPackage {
        var errors = FieldErrors()
        let count = sessions.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if count == nil { errors.add("sessions", "Enter the sessions as a whole number.") }
        var amount: Cents?
        switch price {
        case .dollars(let text): amount = BillingController.money(text, "price", &errors)
        case .cents(let value): amount = Cents(value)
        case nil: errors.add("price", "Enter the package price.")
        }
        let from = BillingAPIController.date(validFrom, "validFrom", &errors)
        if (validFrom ?? "").isEmpty { errors.add("validFrom", "Enter the first day it is on sale.") }
        let to = BillingAPIController.date(validTo, "validTo", &errors)
        try errors.throwIfAny()
        return SessionPackage(name: name ?? "", sessions: count!, price: amount!,
                              codes: (codes ?? "").split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init), validFrom: from!, validTo: to)
    }

    /// A sale from its fields: the package, the day, and the prepayment when a method is chosen.
    public static func sale(packageID: String?, purchasedOn: String?, method: String?, reference: String?, today: CalendarDate) throws(FieldErrors)
        -> (packageID: UUID, day: CalendarDate, prepayment: PackageRepository.Prepayment?) {
        var errors = FieldErrors()
        let id = packageID.flatMap(UUID.init(uuidString:))
        if id == nil { errors.add("packageId", "Choose a package.") }
        let day = BillingAPIController.date(purchasedOn, "purchasedOn", &errors) ?? today
        var prepayment: PackageRepository.Prepayment?
        if let method, !method.isEmpty {
            if let paid = PaymentMethod(rawValue: method) {
                prepayment = .init(method: paid, reference: reference)
            } else {
                errors.add("method", "Use " + PaymentMethod.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
        }
        try errors.throwIfAny()
        return (id!, day, prepayment)
    }
}
