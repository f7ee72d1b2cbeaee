import ClinicDomain
import Plot

/// One staff account as an administrator manages it: role, activation, password reset,
/// sessions and tokens.
public enum UserPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The account.
        public var user: UserAccount
        /// Its open sessions: started, last seen, address (already formatted).
        public var sessions: [(started: String, lastSeen: String, address: String)]
        /// Its tokens.
        public var tokens: [AccountPage.TokenRow]
        /// A temporary password to show once, just after creation or reset.
        public var temporaryPassword: String?
        /// Errors of the edit form.
        public var errors: FieldErrors

        /// Creates the model.
        public init(user: UserAccount, sessions: [(started: String, lastSeen: String, address: String)], tokens: [AccountPage.TokenRow],
                    temporaryPassword: String? = nil, errors: FieldErrors = FieldErrors()) {
            self.user = user
            self.sessions = sessions
            self.tokens = tokens
            self.temporaryPassword = temporaryPassword
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let user = model.user
        let base = "/admin/users/\(user.id.uuidString.lowercased())"
        return Layout.page(
            title: user.displayName, context: context,
            content:
            .p(.a(.href("/admin/users"), .text("← All users"))),
            .h1(.text(user.displayName)),
            .unwrap(model.temporaryPassword) { password in
                .div(.class("one-time-secret"), .attribute(named: "role", value: "status"),
                     .p(.strong(.text("Temporary password for \(user.email.text). Give it to them securely; it will not be shown again."))),
                     .code(.id("temporary-password"), .text(password)),
                     .p(.text("They must choose their own password when they sign in.")))
            },
            .dl(.class("facts"),
                .dt(.text("Email")), .dd(.text(user.email.text)),
                .dt(.text("Status")), .dd(.text(user.isActive ? "Active" : "Deactivated")),
                .dt(.text("Two-factor")), .dd(.text(user.hasTwoFactor ? "On" : "Off"))),
            FormField.errorSummary(model.errors),
            .form(.class("stacked"), .method(.post), .action(base),
                  .csrfField(context),
                  FormField.input("displayName", label: "Name", value: user.displayName, errors: model.errors, required: true),
                  FormField.select("role", label: "Role", choices: Role.allCases.map { ($0.rawValue, $0.title) },
                                   selected: user.role.rawValue, errors: model.errors),
                  .div(.class("actions"), .button(.type(.submit), .text("Save changes")))),
            .section(.h2(.text("Actions")),
                     .div(.class("action-row"),
                          .actionButton("Reset password", action: "\(base)/reset-password", page: context),
                          .actionButton("End all sessions", action: "\(base)/end-sessions", page: context),
                          .if(user.hasTwoFactor, .actionButton("Reset two-factor", action: "\(base)/reset-two-factor", page: context)),
                          .if(user.isActive,
                              .actionButton("Deactivate", action: "\(base)/deactivate", page: context, style: "danger"),
                              else: .actionButton("Reactivate", action: "\(base)/reactivate", page: context)))),
            .section(.h2(.text("Open sessions")),
                     .if(model.sessions.isEmpty, .p(.text("None.")), else:
                         .table(.class("data"),
                                .thead(.tr(.th(.text("Started")), .th(.text("Last seen")), .th(.text("From")))),
                                .tbody(.forEach(model.sessions.indices) { i in
                                    .tr(.td(.text(model.sessions[i].started)), .td(.text(model.sessions[i].lastSeen)),
                                        .td(.text(model.sessions[i].address)))
                                })))),
            .section(.h2(.text("API tokens")),
                     .if(model.tokens.isEmpty, .p(.text("None.")), else:
                         .table(.class("data"),
                                .thead(.tr(.th(.text("Name")), .th(.text("Starts with")), .th(.text("Scope")), .th(.text("Last used")), .th(.text("Status")))),
                                .tbody(.forEach(model.tokens) { token in
                                    .tr(.td(.text(token.name)), .td(.code(.text(token.prefix + "…"))),
                                        .td(.text(token.scopes.joined(separator: ", "))), .td(.text(token.lastUsed)),
                                        .td(.unwrap(token.revoked, { .text("Revoked \($0)") },
                                                    else: .actionButton("Revoke", action: "\(base)/tokens/\(token.id)/revoke", page: context))))
                                })))),
            .p(.a(.href("/admin/audit?user=\(user.id.uuidString.lowercased())"), .text("This user's audit trail")))
        )
    }
}
