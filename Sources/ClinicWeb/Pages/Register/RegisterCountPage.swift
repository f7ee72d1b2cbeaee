import ClinicDomain
import Foundation
import Plot

/// `/register/count`: two people count every stock line together; the second confirms with
/// their own credentials. Any line that differs from the register opens a discrepancy.
public enum RegisterCountPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The lines to count.
        public var lines: [StockLine]
        /// Names.
        public var catalogue: RegisterCatalogue
        /// Values typed, errors.
        public var values: [String: String], errors: FieldErrors
        /// The clinic's time zone.
        public var timeZone: TimeZone

        /// Creates a model.
        public init(lines: [StockLine], catalogue: RegisterCatalogue, values: [String: String], errors: FieldErrors, timeZone: TimeZone) {
            self.lines = lines
            self.catalogue = catalogue
            self.values = values
            self.errors = errors
            self.timeZone = timeZone
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Count stock", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/register"), .text("Controlled-substance register"))),
            .h1(.text("Count stock")),
            .p(.text("Count what is physically there, line by line, with a second person. The register's figures are not shown, so the count "
                     + "is blind; any difference opens a discrepancy that an administrator investigates and closes. In the US the biennial inventory "
                     + "is due at least every 2 years [R62-DC].")),
            FormField.errorSummary(model.errors),
            .form(.method(.post), .action("/register/count"), .id("count-form"),
                  .csrfField(context),
                  FormField.select("kind", label: "Why this count", choices: CountKind.allCases.map { ($0.rawValue, $0.displayName) },
                                   selected: model.values["kind"], errors: model.errors),
                  .group(model.lines.map { line -> Node<HTML.FormContext> in
                      let key = "count-\(line.id.uuidString.lowercased())"
                      let product = model.catalogue.product(line.productID)
                      return .fieldset(.class("count-line"),
                          .element(named: "legend", text: RegisterText.line(line, model.catalogue, timeZone: model.timeZone)
                                            .replacingOccurrences(of: #" · opened vial, .*$"#, with: " · opened vial", options: .regularExpression)
                                            .replacingOccurrences(of: #" · \d+ (vial|device)s? sealed$"#, with: " · sealed", options: .regularExpression)),
                          FormField.input(key, label: "\(product?.form.unitName.capitalized ?? "Unit")s counted", type: .number, value: model.values[key],
                                          errors: model.errors, required: true),
                          .if(line.kind == .opened, FormField.input(key + "-mg", label: "Remainder read off the vial (mg)", type: .text,
                                                                     value: model.values[key + "-mg"], errors: model.errors, required: true)))
                  }),
                  FormField.textArea("note", label: "Note", value: model.values["note"], errors: model.errors),
                  RegisterForm.witnessFields(values: model.values, errors: model.errors),
                  .button(.type(.submit), .text("Record the count")))
        )
    }
}
