import ClinicDomain
import Plot

/// The form to choose a new password; also the first page after an administrator's reset.
public enum PasswordChangePage {
    /// Renders the form; `forced` explains why it appears first.
    public static func render(errors: FieldErrors, forced: Bool, minimumLength: Int, context: PageContext) -> String {
        Layout.page(
            title: errors.isEmpty ? "Change password" : "Error: change password", context: context,
            content:
            .div(.class("narrow"),
                 .h1(.text("Change your password")),
                 .if(forced, .p(.class("notice"), .text("Your password was reset by an administrator. Choose a new one to continue."))),
                 FormField.errorSummary(errors),
                 .form(.class("stacked"), .method(.post), .action("/account/password"),
                       .csrfField(context),
                       FormField.input("currentPassword", label: forced ? "Temporary password" : "Current password",
                                       type: .password, value: nil, errors: errors, required: true,
                                       autocomplete: "current-password"),
                       FormField.input("newPassword", label: "New password", type: .password, value: nil, errors: errors,
                                       hint: "At least \(minimumLength) characters. A short sentence works well; common passwords are refused.",
                                       required: true, autocomplete: "new-password"),
                       FormField.input("confirmPassword", label: "New password again", type: .password, value: nil,
                                       errors: errors, required: true, autocomplete: "new-password"),
                       .div(.class("actions"), .button(.type(.submit), .text("Change password")))))
        )
    }
}
