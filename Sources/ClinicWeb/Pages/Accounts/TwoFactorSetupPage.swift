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
        /// Unused recovery codes left (when it is on).
        public var recoveryCodesLeft: Int = 0
        /// A set of recovery codes just made: shown this once.
        public var newRecoveryCodes: [String] = []

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
                 .if(!model.newRecoveryCodes.isEmpty, recoveryCodeList(model.newRecoveryCodes)),
                 .if(model.isEnabled, enabledSections(model, context: context), else: setUpSection(model, context: context))
            )
        )
    }

    /// The codes just made, with how to keep them.
    private static func recoveryCodeList(_ codes: [String]) -> Node<HTML.BodyContext> {
        .section(.class("notice"), .attribute(named: "aria-labelledby", value: "recovery-codes"),
                 .h2(.id("recovery-codes"), .text("Your recovery codes")),
                 .p(.text("Each code signs you in once if you lose your phone. Keep them somewhere safe (print them or "
                          + "store them in a password manager). They are shown only now; older codes no longer work.")),
                 .ol(.class("recovery-codes"), .forEach(codes) { .li(.code(.text($0))) }))
    }

    /// Proof that the person holds the second factor: the current code, or password and recovery code.
    private static func proofFields(_ model: Model, context: PageContext) -> Node<HTML.FormContext> {
        .group(
            FormField.input("currentCode", label: "Current code from your app", value: nil, errors: model.errors,
                            autocomplete: "one-time-code"),
            .details(.summary(.text("Lost your phone? Use your password and a recovery code")),
                     FormField.input("password", label: "Your password", type: .password, value: nil, errors: model.errors,
                                     autocomplete: "current-password"),
                     FormField.input("recoveryCode", label: "A recovery code", value: nil, errors: model.errors,
                                     autocomplete: "off")))
    }

    /// Two-factor is on: replace the app, new recovery codes, turn it off; each asks for proof.
    private static func enabledSections(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        .group(
            .p(.text("Two-factor sign-in is on. You have \(model.recoveryCodesLeft) unused recovery "
                     + (model.recoveryCodesLeft == 1 ? "code." : "codes."))),
            .section(.h2(.text("Move to a new phone or app")),
                     setUpSteps(model),
                     .form(.class("stacked"), .method(.post), .action("/account/two-factor"), .csrfField(context),
                           .input(.type(.hidden), .name("secret"), .value(model.secret)),
                           FormField.input("code", label: "Code from the new app", value: nil, errors: model.errors,
                                           autocomplete: "one-time-code"),
                           proofFields(model, context: context),
                           .div(.class("actions"), .button(.type(.submit), .text("Replace the authenticator"))))),
            .section(.h2(.text("Recovery codes")),
                     .form(.class("stacked"), .method(.post), .action("/account/two-factor/recovery-codes"), .csrfField(context),
                           proofFields(model, context: context),
                           .div(.class("actions"), .button(.type(.submit), .class("secondary"), .text("Make new recovery codes"))))),
            .if(model.isRequired,
                .p(.class("hint"), .text("The clinic requires two-factor sign-in for your role, so it cannot be turned off.")),
                else: .section(.h2(.text("Turn off")),
                               .form(.class("stacked"), .method(.post), .action("/account/two-factor/disable"), .csrfField(context),
                                     proofFields(model, context: context),
                                     .div(.class("actions"), .button(.type(.submit), .class("secondary"), .text("Turn off"))))))
        )
    }

    /// How to add the key to an app.
    private static func setUpSteps(_ model: Model) -> Node<HTML.BodyContext> {
        .ol(.class("steps"),
            .li(.text("Install an authenticator app (for example FreeOTP, Aegis, Google Authenticator or 1Password).")),
            .li(.text("Add an account in the app: scan this QR code with the app's camera, or type this key: "),
                .code(.id("totp-key"), .text(model.displayKey)),
                .text(" (time-based, 6 digits, 30 seconds). On a phone you can instead open "),
                .a(.href(model.authenticatorURL), .text("this authenticator link")), .text("."),
                // The QR code carries the same otpauth:// link, drawn by the app's own encoder (no outside service).
                .unwrap(QRCode.svg(for: model.authenticatorURL, label: "QR code of the authenticator link for this account", moduleSize: 4)) {
                    .div(.class("qr totp-qr"), .id("totp-qr"), $0)
                }),
            .li(.text("Type the 6-digit code the app shows.")))
    }

    /// Two-factor is off: set it up.
    private static func setUpSection(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        .group(
            .if(model.isRequired, .p(.class("notice"), .text("The clinic requires administrators to use two-factor sign-in. Set it up to continue."))),
            setUpSteps(model),
            .form(.class("stacked"), .method(.post), .action("/account/two-factor"),
                  .csrfField(context),
                  .input(.type(.hidden), .name("secret"), .value(model.secret)),
                  FormField.input("code", label: "Code from your app", value: nil, errors: model.errors,
                                  required: true, autocomplete: "one-time-code"),
                  .div(.class("actions"), .button(.type(.submit), .text("Turn on two-factor sign-in")))))
    }
}
