import ClinicDomain
import Plot

/// The sign-in pages: email and password, then the two-factor code when the user has set it up.
public enum SignInPage {
    /// What the password form shows.
    public struct Model: Sendable {
        /// The email typed, kept after a failure.
        public var email: String
        /// Where to go after signing in (a local path).
        public var next: String?
        /// The form-level message after a failure; it never says whether the account exists.
        public var failure: String?
        /// The anti-forgery token of this form (also in the `kc_form` cookie).
        public var formToken: String

        /// Creates the model.
        public init(email: String = "", next: String? = nil, failure: String? = nil, formToken: String) {
            self.email = email
            self.next = next
            self.failure = failure
            self.formToken = formToken
        }
    }

    /// The password step.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: model.failure == nil ? "Sign in" : "Error: sign in", context: context,
            content:
            .div(.class("narrow"),
                 .h1(.text("Sign in")),
                 failureBox(model.failure),
                 .form(.class("stacked"), .method(.post), .action("/login"),
                       .input(.type(.hidden), .name("_csrf"), .value(model.formToken)),
                       .unwrap(model.next) { .input(.type(.hidden), .name("next"), .value($0)) },
                       FormField.input("email", label: "Email", type: .email, value: model.email, errors: FieldErrors(),
                                       required: true, autocomplete: "username"),
                       FormField.input("password", label: "Password", type: .password, value: nil, errors: FieldErrors(),
                                       required: true, autocomplete: "current-password"),
                       .div(.class("actions"), .button(.type(.submit), .text("Sign in")))),
                 .p(.class("hint"), .text("Forgotten your password? Ask a clinic administrator to reset it.")))
        )
    }

    /// The second step: the six-digit code from the authenticator app.
    public static func renderSecondFactor(failure: String?, next: String?, csrfToken: String, context: PageContext) -> String {
        Layout.page(
            title: failure == nil ? "Two-factor code" : "Error: two-factor code", context: context,
            content:
            .div(.class("narrow"),
                 .h1(.text("Enter your two-factor code")),
                 failureBox(failure),
                 .p(.text("Open your authenticator app and type the 6-digit code it shows for KetaClinic.")),
                 .form(.class("stacked"), .method(.post), .action("/login/two-factor"),
                       .input(.type(.hidden), .name("_csrf"), .value(csrfToken)),
                       .unwrap(next) { .input(.type(.hidden), .name("next"), .value($0)) },
                       FormField.input("code", label: "Code", value: nil, errors: FieldErrors(), required: true,
                                       autocomplete: "one-time-code"),
                       .div(.class("actions"), .button(.type(.submit), .text("Verify")),
                            .a(.href("/login"), .text("Start again")))))
        )
    }

    private static func failureBox(_ failure: String?) -> Node<HTML.BodyContext> {
        .unwrap(failure) { message in
            .div(.class("error-summary"), .attribute(named: "role", value: "alert"), .id("sign-in-error"),
                 .p(.span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")), .text(message)))
        }
    }
}
