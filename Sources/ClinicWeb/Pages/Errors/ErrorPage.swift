import Plot

/// The page shown when a request fails: what happened in plain words, and where to go next.
public enum ErrorPage {
    /// Renders the error page. `requestID` lets support find the request in the logs.
    public static func render(status: Int, title: String, detail: String, requestID: String,
                              context: PageContext) -> String {
        Layout.page(
            title: title, context: context,
            content:
            .h1(.text(title)),
            .p(.text(detail)),
            .p(.class("hint"), .text("Status \(status) · reference "), .span(.class("mono"), .text(requestID))),
            .div(.class("actions"), .a(.class("button"), .href("/"), .text("Go to the home page")))
        )
    }
}

extension ErrorPage {
    /// The 403 page of a signed-in user: the full navigation stays (the layout draws it from
    /// `context.user`), and the page says which permission the role lacks, in words and by its
    /// name, so the user knows what to ask an administrator for.
    public static func forbidden(permissionSummary: String?, permissionName: String?, roleTitle: String,
                                 detail: String, requestID: String, context: PageContext) -> String {
        Layout.page(
            title: "Not allowed", context: context,
            content:
            .h1(.text("Not allowed")),
            .unwrap(permissionName, { name in
                .p(.id("missing-permission"),
                   .text("This page needs the permission “\(permissionSummary ?? name)” ("),
                   .code(.text(name)),
                   .text("). Your role, \(roleTitle), does not have it."))
            }, else: .p(.id("missing-permission"), .text(detail))),
            .p(.text("If your work needs it, ask a clinic administrator to change your role.")),
            .p(.class("hint"), .text("Status 403 · reference "), .span(.class("mono"), .text(requestID))),
            .div(.class("actions"), .a(.class("button"), .href("/"), .text("Go to the home page")))
        )
    }
}
