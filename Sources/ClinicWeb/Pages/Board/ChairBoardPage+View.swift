import ClinicDomain
import Foundation
import Plot

extension ChairBoardPage {
    /// Renders the whole page: header with the connection indicator and clock, the cards, the
    /// alert template and the script.
    public static func render(_ model: Model, context: PageContext) -> String {
        let now = model.snapshot.generatedAt
        return Layout.page(
            title: "Chair board", context: context,
            content:
            .section(
                .class("board"), .id("board"), .attribute(named: "aria-labelledby", value: "board-heading"),
                .attribute(named: "data-time-zone", value: model.timeZone.identifier),
                .div(.class("board-header"),
                     .h1(.id("board-heading"), .text("Chair board")),
                     .p(.id("board-connection"), .class("board-connection"), .attribute(named: "data-state", value: "connecting"),
                        .attribute(named: "role", value: "status"),
                        .span(.class("connection-icon"), .attribute(named: "aria-hidden", value: "true"), .text("●")),
                        .span(.class("connection-text"), .text(" Connecting…"))),
                     .p(.class("board-clock"),
                        .element(named: "time", nodes: [.id("board-clock"), .attribute(named: "datetime", value: iso(now)),
                                                        .text(clock(now, in: model.timeZone))]))),
                .div(.id("board-announcer"), .class("visually-hidden"), .attribute(named: "aria-live", value: "assertive"),
                     .attribute(named: "aria-atomic", value: "true")),
                cards(model, page: context),
                alertTemplate(model, context: context)
            ),
            .script(.src(WebAssets.shared.url(for: "board.js")), .attribute(named: "defer", value: "defer"))
        )
    }

    /// Renders only the cards' container, for the page's periodic refresh.
    public static func renderCards(_ model: Model, context: PageContext) -> String {
        cards(model, page: context).render()
    }

    private static func cards(_ model: Model, page: PageContext) -> Node<HTML.BodyContext> {
        .div(
            .id("board-cards"), .class("board-cards"),
            .attribute(named: "data-generated-at", value: milliseconds(model.snapshot.generatedAt)),
            .if(model.snapshot.cards.isEmpty, .p(.class("board-empty"), .text("No sessions under way."))),
            .forEach(model.snapshot.cards) { card in
                ChairCardView.card(card, model: model, page: page)
            })
    }

    /// The alert a new `alert-raised` event becomes: filled by the script with `textContent`.
    private static func alertTemplate(_ model: Model, context: PageContext) -> Node<HTML.BodyContext> {
        .element(named: "template", nodes: [
            .id("board-alert-template"),
            .ul(ChairCardView.alertItem(nil, sessionID: nil, model: model, page: context)),
        ])
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
