import Plot

/// The shell around every staff page: skip link, header with the clinic's name, navigation,
/// flash message, the page's own content in `<main>`, and a footer.
public enum Layout {
    /// Renders a complete page.
    public static func page(title: String, context: PageContext, content: Node<HTML.BodyContext>...) -> String {
        let document = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                // Plot's `.title` also writes unescaped social-media meta tags; a plain element escapes.
                .element(named: "title", nodes: [.text("\(title) · \(context.clinicName)")]),
                .link(.rel(.stylesheet), .href(WebAssets.shared.url(for: "app.css"))),
                .link(.rel(.stylesheet), .href(WebAssets.shared.url(for: "access.css"))),
                .link(.rel(.icon), .href(WebAssets.shared.url(for: "icon.svg")), .type("image/svg+xml"))
            ),
            .body(
                .a(.class("skip-link"), .href("#main"), .text("Skip to main content")),
                .header(
                    .class("site-header"),
                    .a(.class("brand"), .href("/"),
                       .img(.src(WebAssets.shared.url(for: "icon.svg")), Attribute(name: "alt", value: "", ignoreIfValueIsEmpty: false),
                            .width(28), .height(28)),
                       .span(.text(context.clinicName))),
                    .unwrap(context.user) { user in
                        .group(
                            .nav(
                                .attribute(named: "aria-label", value: "Main"),
                                .ul(.forEach(user.inSetup ? [] : user.sections) { section in
                                    .li(.a(
                                        .href(section.path),
                                        .attribute(named: "aria-current", value: section == context.section ? "page" : nil),
                                        .text(section.title)))
                                })
                            ),
                            .div(.class("signed-in"),
                                 .span(.class("user-name"), .text(user.displayName)),
                                 .span(.class("user-role"), .text(user.roleTitle)),
                                 .form(.method(.post), .action("/logout"), .class("sign-out"),
                                       .input(.type(.hidden), .name("_csrf"), .value(user.csrfToken)),
                                       .button(.type(.submit), .class("link-button"), .text("Sign out"))))
                        )
                    }
                ),
                .main(
                    .id("main"),
                    .attribute(named: "tabindex", value: "-1"),
                    .unwrap(context.flash) { flash in
                        .div(.class("flash flash-\(flash.kind.rawValue)"), .attribute(named: "role", value: "status"),
                             .span(.class("flash-icon"), .attribute(named: "aria-hidden", value: "true"),
                                   .text(flash.kind == .error ? "⚠" : "✓")),
                             .text(" \(flash.message)"))
                    },
                    .group(content)
                ),
                .if(!context.patientFacing, .footer(
                    .class("site-footer"),
                    .p(.text("KetaClinic supports clinicians; it does not replace clinical judgement."))
                ))
            )
        )
        return document.render()
    }
}
