import ClinicDomain
import Foundation
import Plot

/// `/billing/provider`: the billing and rendering provider details superbills print.
public enum BillingProviderPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The form's values.
        public var values: [String: String]
        /// Its errors.
        public var errors: FieldErrors

        /// Creates a model.
        public init(values: [String: String], errors: FieldErrors = FieldErrors()) {
            self.values = values
            self.errors = errors
        }

        /// The form's values for stored details.
        public static func values(of provider: BillingProvider) -> [String: String] {
            ["practiceName": provider.practiceName, "billingNPI": provider.billingNPI, "taxID": provider.taxID,
             "renderingName": provider.renderingName, "renderingNPI": provider.renderingNPI, "placeOfService": provider.placeOfService,
             "address": provider.address, "city": provider.city, "state": provider.state, "postalCode": provider.postalCode, "phone": provider.phone]
        }
    }

    /// The fields, in order, with their labels and hints.
    static let fields: [(name: String, label: String, hint: String?)] = [
        ("practiceName", "Practice name", nil), ("billingNPI", "Billing NPI", "Ten digits; the last is a check digit [B11]."),
        ("taxID", "Tax ID (EIN)", "e.g. 12-3456789"), ("renderingName", "Rendering provider", "Name and credentials"),
        ("renderingNPI", "Rendering provider NPI", nil), ("placeOfService", "Place of service", "11 is Office [B10]."),
        ("address", "Street address", nil), ("city", "City", nil), ("state", "State", "Two letters"), ("postalCode", "ZIP code", nil),
        ("phone", "Telephone", nil),
    ]

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Billing provider", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/billing"), .text("Billing"))),
            .h1(.text("Billing provider details")),
            FormField.errorSummary(model.errors),
            .form(.method(.post), .action("/billing/provider"), .class("stacked"),
                  .csrfField(context),
                  .group(fields.map { field in
                      FormField.input(field.name, label: field.label, value: model.values[field.name], errors: model.errors, hint: field.hint,
                                      required: true)
                  }),
                  .button(.type(.submit), .text("Save")))
        )
    }
}
