import ClinicDomain
import Foundation
import Plot

/// The signed-in user's own account: password, two-factor sign-in and API tokens.
public enum AccountPage {
    /// One API token as listed.
    public struct TokenRow: Sendable {
        /// Its id, for the revoke button.
        public var id: String
        /// Its name.
        public var name: String
        /// Its first characters.
        public var prefix: String
        /// Its scopes.
        public var scopes: [String]
        /// Created, last used, revoked: already formatted.
        public var created: String
        public var lastUsed: String
        public var revoked: String?

        /// Creates the row.
        public init(id: String, name: String, prefix: String, scopes: [String], created: String, lastUsed: String, revoked: String?) {
            self.id = id
            self.name = name
            self.prefix = prefix
            self.scopes = scopes
            self.created = created
            self.lastUsed = lastUsed
            self.revoked = revoked
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The user's email.
        public var email: String
        /// Their role's title.
        public var roleTitle: String
        /// True once two-factor sign-in is on.
        public var hasTwoFactor: Bool
        /// True when the clinic requires two-factor for this user.
        public var twoFactorRequired: Bool
        /// Their tokens.
        public var tokens: [TokenRow]
        /// The permissions a new token may carry (those of the role).
        public var grantablePermissions: [Permission]
        /// A token value to show once, just after creation.
        public var newTokenValue: String?
        /// Field values and errors of the token form.
        public var tokenValues: [String: String]
        public var tokenErrors: FieldErrors

        /// Creates the model.
        public init(email: String, roleTitle: String, hasTwoFactor: Bool, twoFactorRequired: Bool, tokens: [TokenRow],
                    grantablePermissions: [Permission], newTokenValue: String? = nil,
                    tokenValues: [String: String] = [:], tokenErrors: FieldErrors = FieldErrors()) {
            self.email = email
            self.roleTitle = roleTitle
            self.hasTwoFactor = hasTwoFactor
            self.twoFactorRequired = twoFactorRequired
            self.tokens = tokens
            self.grantablePermissions = grantablePermissions
            self.newTokenValue = newTokenValue
            self.tokenValues = tokenValues
            self.tokenErrors = tokenErrors
        }
    }

    /// Renders the account page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "My account", context: context,
            content:
            .h1(.text("My account")),
            .dl(.class("facts"),
                .dt(.text("Email")), .dd(.text(model.email)),
                .dt(.text("Role")), .dd(.text(model.roleTitle))),
            .section(
                .h2(.text("Password")),
                .p(.a(.href("/account/password"), .text("Change your password")))),
            .section(
                .h2(.text("Two-factor sign-in")),
                .if(model.hasTwoFactor,
                    .p(.text("On. You sign in with your password and a code from your authenticator app.")),
                    else: .p(.text(model.twoFactorRequired ? "Required for your role, and not yet set up."
                                   : "Off. Turn it on to protect your account with a code from an authenticator app."))),
                .p(.a(.href("/account/two-factor"), .text(model.hasTwoFactor ? "Manage two-factor sign-in" : "Set up two-factor sign-in")))),
            .section(
                .id("tokens"),
                .h2(.text("API tokens")),
                .p(.class("hint"), .text("For integrations such as a vital-signs monitor gateway. A token acts as you, limited to the permissions you tick.")),
                .unwrap(model.newTokenValue) { value in
                    .div(.class("one-time-secret"), .attribute(named: "role", value: "status"),
                         .p(.strong(.text("Copy this token now. It will not be shown again."))),
                         .code(.id("new-token"), .text(value)))
                },
                .if(model.tokens.isEmpty, .p(.text("No tokens yet.")), else:
                    .table(.class("data"),
                           .thead(.tr(.th(.text("Name")), .th(.text("Starts with")), .th(.text("Scope")), .th(.text("Created")),
                                      .th(.text("Last used")), .th(.text("Status")))),
                           .tbody(.forEach(model.tokens) { token in
                               .tr(.td(.text(token.name)), .td(.code(.text(token.prefix + "…"))),
                                   .td(.text(token.scopes.joined(separator: ", "))), .td(.text(token.created)),
                                   .td(.text(token.lastUsed)),
                                   .td(.unwrap(token.revoked, { .text("Revoked \($0)") },
                                               else: .actionButton("Revoke", action: "/account/tokens/\(token.id)/revoke", page: context))))
                           }))),
                .h3(.text("Create a token")),
                FormField.errorSummary(model.tokenErrors),
                .form(.class("stacked"), .method(.post), .action("/account/tokens"),
                      .csrfField(context),
                      FormField.input("name", label: "Name", value: model.tokenValues["name"], errors: model.tokenErrors,
                                      hint: "What it is for, e.g. “Monitor gateway, chair 3”.", required: true, autocomplete: "off"),
                      .fieldset(.id("scopes"),
                                .element(named: "legend", text: "Scope"),
                                .unwrap(model.tokenErrors["scopes"]) { .p(.class("field-error"), .text("⚠ " + $0)) },
                                .forEach(model.grantablePermissions) { permission in
                                    .div(.class("checkbox"),
                                         .input(.type(.checkbox), .name("scope." + permission.rawValue), .id("scope-" + permission.rawValue),
                                                .value("on"),
                                                .attribute(named: "checked", value: model.tokenValues["scope." + permission.rawValue] == nil ? nil : "checked")),
                                         .label(.for("scope-" + permission.rawValue), .text("\(permission.summary) (\(permission.rawValue))")))
                                }),
                      .div(.class("actions"), .button(.type(.submit), .text("Create token")))))
        )
    }
}
