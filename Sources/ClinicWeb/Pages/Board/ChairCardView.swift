import ClinicDomain
import Foundation
import Plot

/// One session's card on the chair board, and the open alerts in it.
enum ChairCardView {
    /// The card of `card`.
    static func card(_ card: ChairCard, model: ChairBoardPage.Model, page: PageContext) -> Node<HTML.BodyContext> {
        let session = card.sessionID.uuidString.lowercased()
        let now = model.snapshot.generatedAt
        let chair = card.chair ?? "No chair"
        let classes = ["chair-card", "state-\(card.state.rawValue)"]
            + (card.openAlerts.isEmpty ? [] : ["alerting"]) + (card.overduePoints.isEmpty ? [] : ["overdue"])
        return .element(named: "article", nodes: [
            .id("card-\(session)"), .class(classes.joined(separator: " ")),
            .attribute(named: "data-session-id", value: session),
            .attribute(named: "data-chair", value: chair),
            .attribute(named: "data-taken-at", value: card.lastReading.map { String($0.takenAt.millisecondsSince1970) }),
            .attribute(named: "aria-labelledby", value: "chair-\(session)"),
            .div(.class("card-head"),
                 .h2(.class("chair"), .id("chair-\(session)"), .text(chair)),
                 .p(.class("phase"), .text(card.state.displayName))),
            .p(.class("patient"), .a(.href("/patients/\(card.patientID.uuidString.lowercased())"), .text(card.patientName))),
            timers(card, now: now),
            .p(.class("dose"), .text(card.doseSummary)),
            infusion(card),
            vitals(card.lastReading, timeZone: model.timeZone),
            points(card),
            .ul(.class("card-alerts"), .attribute(named: "aria-label", value: "Open alerts"),
                .forEach(card.openAlerts) { alertItem($0, sessionID: card.sessionID, model: model, page: page) }),
            .p(.class("card-actions"), .a(.class("button"), .href("/sessions/\(session)"), .text("Open session"))),
        ])
    }

    /// An open alert with its acknowledge form (when the viewer may acknowledge); with no alert,
    /// the empty template the script fills in.
    static func alertItem(_ open: ChairCard.OpenAlert?, sessionID: UUID?, model: ChairBoardPage.Model,
                          page: PageContext) -> Node<HTML.ListContext> {
        let alertID = open?.alert.id.uuidString.lowercased()
        let action = zip(sessionID, alertID).map { "/sessions/\($0.uuidString.lowercased())/alerts/\($1)/acknowledge" }
        return .li(
            .class("card-alert" + (open?.escalatedAt == nil ? "" : " escalated")),
            .attribute(named: "id", value: alertID.map { "alert-\($0)" }),
            .attribute(named: "data-alert-id", value: alertID),
            .attribute(named: "role", value: "alert"),
            .p(.class("alert-message"),
               .strong(.span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")), .text("Alert: ")),
               .span(.class("alert-text"), .text(open?.alert.message ?? "")),
               .span(.class("alert-escalated"), .text(open?.escalatedAt == nil ? "" : " · ESCALATED"))),
            .p(.class("alert-meta"), .text("Raised "),
               .element(named: "time", nodes: [
                   .class("alert-raised"),
                   .attribute(named: "datetime", value: open.map { ChairBoardPage.iso($0.raisedAt) }),
                   .text(open.map { ChairBoardPage.clock($0.raisedAt, in: model.timeZone) } ?? ""),
               ])),
            .if(model.canAcknowledge, acknowledgeForm(action: action ?? "", page: page)))
    }

    private static func acknowledgeForm(action: String, page: PageContext) -> Node<HTML.BodyContext> {
        .form(.method(.post), .action(action), .class("acknowledge-form"),
              .csrfField(page),
              .label(.text("Action taken"),
                     .element(named: "select", nodes: [
                         .attribute(named: "name", value: "action"), .attribute(named: "required", value: "required"),
                         .element(named: "option", nodes: [.attribute(named: "value", value: "", ignoreIfValueIsEmpty: false),
                                                           .text("Choose…")]),
                         .group(VitalAlertAction.allCases.map { action in
                             .element(named: "option", nodes: [.attribute(named: "value", value: action.rawValue), .text(action.displayName)])
                         }),
                     ])),
              .label(.text("Note (optional)"), .input(.type(.text), .name("note"), .attribute(named: "maxlength", value: "500"))),
              .button(.type(.submit), .text("Acknowledge")))
    }

    private static func timers(_ card: ChairCard, now: Date) -> Node<HTML.BodyContext> {
        .dl(.class("timers"),
            .unwrap(card.checkedInAt) { since in
                .group(.dt(.text("Since check-in")), .dd(timer(since: since, until: nil, now: now)))
            },
            .unwrap(card.doseStartedAt) { since in
                .group(.dt(.text(card.doseEndedAt == nil ? "Since dose start" : "Dose lasted")),
                       .dd(timer(since: since, until: card.doseEndedAt, now: now)))
            })
    }

    private static func timer(since: Date, until: Date?, now: Date) -> Node<HTML.BodyContext> {
        .span(.class("elapsed"),
              .attribute(named: "data-since", value: ChairBoardPage.milliseconds(since)),
              .attribute(named: "data-until", value: until.map(ChairBoardPage.milliseconds)),
              .text(ChairBoardPage.elapsed(from: since, to: until ?? now)))
    }

    private static func infusion(_ card: ChairCard) -> Node<HTML.BodyContext> {
        guard card.route == "intravenous", card.state == .dosing, let progress = card.infusionProgress else { return .empty }
        let percent = Int(rounding: min(max(progress, 0), 1) * 100)
        let label = "Infusion \(percent)%" + (card.plannedInfusionMinutes.map { " of \($0) min" } ?? "")
            + (card.paused ? " — PAUSED" : "")
        return .div(.class(card.paused ? "infusion paused" : "infusion"),
                    .element(named: "progress", nodes: [.attribute(named: "max", value: "100"),
                                                        .attribute(named: "value", value: String(percent)),
                                                        .attribute(named: "aria-label", value: label), .text("\(percent)%")]),
                    .p(.class("infusion-label"), .text(label)))
    }

    private static func vitals(_ reading: BoardEvent.Reading?, timeZone: TimeZone) -> Node<HTML.BodyContext> {
        let values = reading?.values
        func cell(_ key: String, _ text: String?) -> Node<HTML.DescriptionListContext> {
            .dd(.attribute(named: "data-vital", value: key), .text(text ?? "—"))
        }
        let bp: String? = values.flatMap { v in
            v.systolic == nil && v.diastolic == nil ? nil : "\(v.systolic.map(String.init) ?? "—")/\(v.diastolic.map(String.init) ?? "—")"
        }
        return .dl(.class("vitals"), .attribute(named: "aria-label", value: "Last vital signs"),
                   .dt(.text("BP")), cell("bp", bp),
                   .dt(.text("HR")), cell("heartRate", values?.heartRate.map(String.init)),
                   .dt(.text("SpO₂")), cell("oxygenSaturation", values?.oxygenSaturation.map { "\($0)%" }),
                   .dt(.text("RR")), cell("respiratoryRate", values?.respiratoryRate.map(String.init)),
                   .dt(.text("Taken")), cell("takenAt", reading.map { ChairBoardPage.clock($0.takenAt, in: timeZone) }))
    }

    private static func points(_ card: ChairCard) -> Node<HTML.BodyContext> {
        guard !card.duePoints.isEmpty || !card.overduePoints.isEmpty else { return .empty }
        return .ul(.class("points"),
                   .forEach(card.overduePoints) { point in
                       .li(.class("point overdue"), .strong(.text("⚠ Overdue: ")), .text(point))
                   },
                   .forEach(card.duePoints) { point in
                       .li(.class("point due"), .text("Due: "), .text(point))
                   })
    }
}

/// Both values, or nil.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
