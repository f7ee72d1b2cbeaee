import ClinicDomain
import Plot

/// Setting up (or turning off) two-factor sign-in with an authenticator app.
public enum TwoFactorSetupPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// True when it is already on.
        public var isEnabled: Bool
        /// True when the clinic requires it for this user (it cannot be turned off).
        public var isRequired: Bool
        /// The candidate secret (kept in the form until confirmed).
        public var secret: String
        /// The key to type into the app, grouped.
        public var displayKey: String
        /// The `otpauth://` link.
        public var authenticatorURL: String
        /// Errors of the confirmation.
        public var errors: FieldErrors

        /// Creates the model.
        public init(isEnabled: Bool, isRequired: Bool, secret: String, displayKey: String, authenticatorURL: String,
                    errors: FieldErrors = FieldErrors()) {
            self.isEnabled = isEnabled
            self.isRequired = isRequired
            self.secret = secret
            self.displayKey = displayKey
            self.authenticatorURL = authenticatorURL
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: model.errors.isEmpty ? "Two-factor sign-in" : "Error: two-factor sign-in", context: context,
            content:
            .div(.class("narrow"),
                 .h1(.text("Two-factor sign-in")),
                 FormField.errorSummary(model.errors),
                 .if(model.isEnabled,
                     .group(
                        .p(.text("Two-factor sign-in is on.")),
                        .if(model.isRequired,
                            .p(.class("hint"), .text("The clinic requires it for your role, so it cannot be turned off.")),
                            else: .form(.class("stacked"), .method(.post), .action("/account/two-factor/disable"),
                                        .csrfField(context),
                                        FormField.input("code", label: "Current code from your app", value: nil, errors: model.errors,
                                                        required: true, autocomplete: "one-time-code"),
                                        .div(.class("actions"), .button(.type(.submit), .class("secondary"), .text("Turn off"))))))
                     , else: .group(
                        .if(model.isRequired, .p(.class("notice"), .text("The clinic requires administrators to use two-factor sign-in. Set it up to continue."))),
                        .ol(.class("steps"),
                            .li(.text("Install an authenticator app (for example FreeOTP, Aegis, Google Authenticator or 1Password).")),
                            .li(.text("Add an account in the app and type this key: "), .code(.id("totp-key"), .text(model.displayKey)),
                                .text(" (time-based, 6 digits, 30 seconds). On a phone you can instead open "),
                                .a(.href(model.authenticatorURL), .text("this authenticator link")), .text(".")),
                            .li(.text("Type the 6-digit code the app shows."))),
                        .form(.class("stacked"), .method(.post), .action("/account/two-factor"),
                              .csrfField(context),
                              .input(.type(.hidden), .name("secret"), .value(model.secret)),
                              FormField.input("code", label: "Code from your app", value: nil, errors: model.errors,
                                              required: true, autocomplete: "one-time-code"),
                              .div(.class("actions"), .button(.type(.submit), .text("Turn on two-factor sign-in"))))))
            )
        )
    }
}
