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
                                                        .text(clock(now, in: model.timeZone))])),
                     filterForm(model)),
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

    /// Renders one card, for an action done in place: the script swaps it for the card on screen.
    public static func renderCard(_ card: ChairCard, model: Model, context: PageContext) -> String {
        ChairCardView.card(card, model: model, page: context).render()
    }

    private static func cards(_ model: Model, page: PageContext) -> Node<HTML.BodyContext> {
        .div(
            .id("board-cards"), .class("board-cards"),
            .attribute(named: "data-generated-at", value: milliseconds(model.snapshot.generatedAt)),
            .attribute(named: "data-filtered", value: model.filter.isEmpty ? nil : "true"),
            .if(model.shownCards.isEmpty, .p(.class("board-empty"),
                .text(model.filter.isEmpty ? "No sessions under way." : "No sessions under way in your chairs (\(model.filter.joined(separator: ", ")))."))),
            .forEach(model.shownCards) { card in
                ChairCardView.card(card, model: model, page: page)
            })
    }

    /// "My chairs": a GET form of the clinic's chairs as tick boxes; the chosen ones go in the
    /// query (`?chair=…`), which the script also keeps in the browser's local storage.
    private static func filterForm(_ model: Model) -> Node<HTML.BodyContext> {
        guard !model.chairs.isEmpty else { return .empty }
        let summary = model.filter.isEmpty ? "My chairs: all chairs"
            : (model.filter.count <= 4 ? "My chairs: \(model.filter.joined(separator: ", "))" : "My chairs: \(model.filter.count) chosen")
        return .element(named: "details", nodes: [
            .class("board-filter"), .id("board-filter"),
            .element(named: "summary", text: summary),
            .form(.method(.get), .action("/board"), .id("board-filter-form"),
                  .element(named: "fieldset", nodes: [
                      .element(named: "legend", text: "Show only these chairs"),
                      .div(.class("board-filter-chairs"),
                           .group(model.chairs.enumerated().map { index, chair in
                               .label(.for("filter-chair-\(index)"),
                                      .input(.type(.checkbox), .id("filter-chair-\(index)"), .name("chair"), .value(chair),
                                             .attribute(named: "checked", value: model.filter.contains(chair) ? "checked" : nil)),
                                      .text(" \(chair)"))
                           })),
                  ]),
                  .button(.type(.submit), .text("Show my chairs")),
                  .a(.href("/board?all=1"), .id("board-filter-all"), .text("Show all chairs"))),
        ])
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
