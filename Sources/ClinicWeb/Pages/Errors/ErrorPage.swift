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
