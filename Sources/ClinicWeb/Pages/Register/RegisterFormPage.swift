import ClinicDomain
import Foundation
import Plot

/// One form of the register (receive, transfer, destroy, correct, add a product or a location,
/// close a discrepancy, the session's draw, waste and return): labelled fields, each error beside
/// its field, and, where a second person must confirm, the witness's own credentials.
public struct RegisterForm: Sendable {
    /// A field of the form.
    public enum Field: Sendable {
        /// A one-line input: name, label, kind of input, hint.
        case input(String, String, RegisterInputKind, hint: String?)
        /// A drop-down: name, label, choices (value, label), hint.
        case select(String, String, [RegisterChoice], hint: String?)
        /// A multi-line text: name, label, hint.
        case text(String, String, hint: String?)
    }

    /// The form's id (for tests and links).
    public var id: String
    /// Its heading.
    public var title: String
    /// What it does, in a sentence or two.
    public var intro: String
    /// Where it posts.
    public var action: String
    /// The button's label.
    public var submit: String
    /// The fields, in order.
    public var fields: [Field]
    /// True when a witness confirms with their own credentials.
    public var witnessed: Bool

    /// Creates a form.
    public init(id: String, title: String, action: String, submit: String, intro: String = "", fields: [Field], witnessed: Bool = false) {
        self.id = id
        self.title = title
        self.intro = intro
        self.action = action
        self.submit = submit
        self.fields = fields
        self.witnessed = witnessed
    }

    /// The form as HTML, with `values` typed and `errors` beside their fields.
    public func node(values: [String: String], errors: FieldErrors, page: PageContext) -> Node<HTML.BodyContext> {
        .form(.method(.post), .action(action), .id(id), .class("register-form"),
              .csrfField(page),
              .group(fields.map { field -> Node<HTML.FormContext> in
                  switch field {
                  case .input(let name, let label, let kind, let hint):
                      return FormField.input(name, label: label, type: kind.htmlType, value: kind == .password ? nil : values[name], errors: errors,
                                             hint: hint, required: true)
                  case .select(let name, let label, let choices, let hint):
                      return FormField.select(name, label: label, choices: choices.map { ($0.value, $0.label) }, selected: values[name], errors: errors,
                                              hint: hint)
                  case .text(let name, let label, let hint):
                      return FormField.textArea(name, label: label, value: values[name], errors: errors, hint: hint)
                  }
              }),
              .if(witnessed, RegisterForm.witnessFields(values: values, errors: errors)),
              .button(.type(.submit), .text(submit)))
    }

    /// The witness's credentials: they type them on this device, in front of the user.
    public static func witnessFields(values: [String: String], errors: FieldErrors) -> Node<HTML.FormContext> {
        .fieldset(.class("witness"),
                  .element(named: "legend", text: "Witness (a second person signs with their own credentials)"),
                  FormField.input("witnessEmail", label: "Witness's email", type: .email, value: values["witnessEmail"], errors: errors,
                                  required: true, autocomplete: "off"),
                  FormField.input("witnessPassword", label: "Witness's password", type: .password, value: nil, errors: errors, required: true,
                                  autocomplete: "off"),
                  FormField.input("witnessCode", label: "Witness's two-factor code", type: .text, value: nil, errors: errors,
                                  hint: "Only when the witness uses two-factor sign-in.", autocomplete: "one-time-code"))
    }
}

/// The kinds of one-line input the register's forms use.
public enum RegisterInputKind: Sendable, Equatable {
    /// Free text.
    case text
    /// A whole number.
    case number
    /// A calendar date.
    case date
    /// An email address.
    case email
    /// A password (never echoed back).
    case password

    /// The HTML input type.
    var htmlType: HTMLInputType {
        switch self {
        case .text: .text
        case .number: .number
        case .date: .date
        case .email: .email
        case .password: .password
        }
    }
}

/// A choice of a drop-down.
public struct RegisterChoice: Sendable {
    /// The stored value.
    public let value: String
    /// What the user sees.
    public let label: String

    /// Creates a choice.
    public init(_ value: String, _ label: String) {
        self.value = value
        self.label = label
    }
}

/// A page holding one register form, with an optional table of context above it.
public enum RegisterFormPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The form.
        public var form: RegisterForm
        /// Values typed.
        public var values: [String: String]
        /// Errors to show.
        public var errors: FieldErrors

        /// Creates a model.
        public init(form: RegisterForm, values: [String: String], errors: FieldErrors) {
            self.form = form
            self.values = values
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: model.form.title, context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/register"), .text("Controlled-substance register"))),
            .h1(.text(model.form.title)),
            .p(.text(model.form.intro)),
            FormField.errorSummary(model.errors),
            model.form.node(values: model.values, errors: model.errors, page: context))
    }
}

/// Shared pieces of the register's pages.
public enum RegisterText {
    /// "12 vials · 6000 mg".
    public static func balance(_ product: RegisterProduct, units: Int64, amount: RegisterAmount) -> String {
        "\(product.unitsText(units)) · \(amount)"
    }

    /// A stock line in words: "Ketamine … · lot K1 (exp. 2027-05-31) · Main safe · opened vial, 465 mg, use by …".
    public static func line(_ line: StockLine, _ catalogue: RegisterCatalogue, timeZone: TimeZone) -> String {
        let product = catalogue.product(line.productID)
        var text = "\(product?.name ?? "?") · lot \(catalogue.lotText(line.lotID)) · \(catalogue.locationName(line.locationID)) · "
        switch line.kind {
        case .sealed: text += "\(product?.unitsText(line.units) ?? "\(line.units)") sealed"
        case .opened: text += "opened vial, \(line.amount) left" + (line.beyondUse.map { ", use by \(Instant.text($0, in: timeZone))" } ?? "")
        }
        return text
    }

    /// The choices of stock lines, for a select.
    public static func lineChoices(_ lines: [StockLine], _ catalogue: RegisterCatalogue, timeZone: TimeZone) -> [RegisterChoice] {
        lines.map { RegisterChoice($0.id.uuidString.lowercased(), line($0, catalogue, timeZone: timeZone)) }
    }
}
