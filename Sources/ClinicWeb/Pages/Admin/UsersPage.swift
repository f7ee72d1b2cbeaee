import ClinicDomain
import Plot

/// The administrator's list of staff accounts, with the form to add one.
public enum UsersPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// Every account.
        public var users: [UserAccount]
        /// Values and errors of the "add a user" form.
        public var values: [String: String]
        public var errors: FieldErrors

        /// Creates the model.
        public init(users: [UserAccount], values: [String: String] = [:], errors: FieldErrors = FieldErrors()) {
            self.users = users
            self.values = values
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: model.errors.isEmpty ? "Users" : "Error: users", context: context,
            content:
            .h1(.text("Users")),
            .table(.class("data"),
                   .thead(.tr(.th(.text("Name")), .th(.text("Email")), .th(.text("Role")), .th(.text("Two-factor")), .th(.text("Status")))),
                   .tbody(.forEach(model.users) { user in
                       .tr(.td(.a(.href("/admin/users/\(user.id.uuidString.lowercased())"), .text(user.displayName))),
                           .td(.text(user.email.text)), .td(.text(user.role.title)),
                           .td(.text(user.hasTwoFactor ? "On" : "Off")),
                           .td(.text(user.isActive ? (user.mustChangePassword ? "Active, must change password" : "Active") : "Deactivated")))
                   })),
            .h2(.id("add-user"), .text("Add a user")),
            .p(.class("hint"), .text("KetaClinic creates a temporary password and shows it once; the user chooses their own at first sign-in.")),
            FormField.errorSummary(model.errors),
            .form(.class("stacked"), .method(.post), .action("/admin/users"),
                  .csrfField(context),
                  FormField.input("email", label: "Email", type: .email, value: model.values["email"], errors: model.errors,
                                  required: true, autocomplete: "off"),
                  FormField.input("displayName", label: "Name", value: model.values["displayName"], errors: model.errors,
                                  autocomplete: "off"),
                  FormField.select("role", label: "Role", choices: Role.allCases.map { ($0.rawValue, $0.title) },
                                   selected: model.values["role"], errors: model.errors),
                  .div(.class("actions"), .button(.type(.submit), .text("Add user"))))
        )
    }
}
