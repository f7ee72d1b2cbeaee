import ClinicDomain
import Foundation
import Plot

/// One session's card on the chair board: compact enough that 12 fit one 1280×800 screen and 24 a
/// 1920×1080 wall screen, with the forms a nurse uses without leaving the board (acknowledge an
/// alert, record a reading) folded until needed.
enum ChairCardView {
    /// The card of `card`.
    static func card(_ card: ChairCard, model: ChairBoardPage.Model, page: PageContext) -> Node<HTML.BodyContext> {
        let session = card.sessionID.uuidString.lowercased()
        let now = model.snapshot.generatedAt
        let chair = card.chair ?? "No chair"
        let classes = ["chair-card", "state-\(card.state.rawValue)"]
            + (card.openAlerts.isEmpty ? [] : ["alerting"]) + (card.overduePoints.isEmpty ? [] : ["overdue"])
        let failure = model.failure?.sessionID == card.sessionID ? model.failure : nil
        let notice = model.notice?.sessionID == card.sessionID ? model.notice : nil
        return .element(named: "article", nodes: [
            .id("card-\(session)"), .class(classes.joined(separator: " ")),
            .attribute(named: "data-session-id", value: session),
            .attribute(named: "data-chair", value: chair),
            .attribute(named: "data-taken-at", value: card.lastReading.map { String($0.takenAt.millisecondsSince1970) }),
            .attribute(named: "aria-labelledby", value: "chair-\(session)"),
            .div(.class("card-head"),
                 .h2(.class("chair"), .id("chair-\(session)"), .text(chair)),
                 .p(.class("phase"), .text(card.state.displayName))),
            .p(.class("patient"), .a(.href("/patients/\(card.patientID.uuidString.lowercased())"), .text(card.patientName)),
               .span(.class("dose"), .text(" · \(card.doseSummary)"))),
            infusion(card),
            timers(card, now: now, timeZone: model.timeZone),
            vitals(card, timeZone: model.timeZone),
            points(card),
            .ul(.class("card-alerts"), .attribute(named: "aria-label", value: "Open alerts"),
                .forEach(card.openAlerts) {
                    alertItem($0, sessionID: card.sessionID, model: model, page: page, failure: failure)
                }),
            .p(.class(notice?.alerting == true ? "card-status alerting" : "card-status"), .attribute(named: "role", value: "status"),
               .text(notice?.message ?? ""),
               .unwrap(failure?.refusal) { .strong(.class("card-refusal"), .text("Not saved: \($0)")) }),
            .div(.class("card-actions"),
                 .if(model.canRecordVitals && card.state.isActive, readingForm(card, model: model, page: page, failure: failure)),
                 .a(.class("card-link"), .href("/sessions/\(session)"),
                    .attribute(named: "aria-label", value: "Session page of \(chair)"), .text("Session page"))),
        ])
    }

    /// An open alert with its acknowledge form (when the viewer may acknowledge); with no alert,
    /// the empty template the script fills in. The `role=alert` sits on a `div` inside the `li`, so
    /// the list keeps only list items.
    static func alertItem(_ open: ChairCard.OpenAlert?, sessionID: UUID?, model: ChairBoardPage.Model,
                          page: PageContext, failure: ChairBoardPage.CardFailure? = nil) -> Node<HTML.ListContext> {
        let alertID = open?.alert.id.uuidString.lowercased()
        let action = zip(sessionID, alertID).map {
            "/board/sessions/\($0.uuidString.lowercased())/alerts/\($1)/acknowledge" + model.filterQuery
        }
        let failed = failure != nil && failure?.form == alertID ? failure : nil
        return .li(
            .class("card-alert" + (open?.escalatedAt == nil ? "" : " escalated")),
            .attribute(named: "id", value: alertID.map { "alert-\($0)" }),
            .attribute(named: "data-alert-id", value: alertID),
            .div(.class("alert-body"), .attribute(named: "role", value: "alert"),
                 .p(.class("alert-message"),
                    .strong(.span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")), .text("Alert: ")),
                    .span(.class("alert-text"), .text(open?.alert.message ?? "")),
                    .span(.class("alert-escalated"), .text(open?.escalatedAt == nil ? "" : " · ESCALATED"))),
                 .p(.class("alert-meta"), .text("Raised "),
                    .element(named: "time", nodes: [
                        .class("alert-raised"),
                        .attribute(named: "datetime", value: open.map { ChairBoardPage.iso($0.raisedAt) }),
                        .text(open.map { ChairBoardPage.clock($0.raisedAt, in: model.timeZone) } ?? ""),
                    ]))),
            .if(model.canAcknowledge, acknowledgeForm(action: action ?? "", model: model, page: page, failure: failed)))
    }

    private static func acknowledgeForm(action: String, model: ChairBoardPage.Model, page: PageContext,
                                        failure: ChairBoardPage.CardFailure?) -> Node<HTML.BodyContext> {
        let error = failure?.errors["action"]
        let chosen = failure?.values["action"]
        return .form(.method(.post), .action(action), .class("acknowledge-form"), .attribute(named: "data-in-place", value: "alert"),
              .csrfField(page),
              .label(.class("ack-action"), .span(.text("Action taken")),
                     .unwrap(error) { .span(.class("error-message"), .text($0)) },
                     .element(named: "select", nodes: [
                         .attribute(named: "name", value: "action"), .attribute(named: "required", value: "required"),
                         .attribute(named: "aria-invalid", value: error == nil ? nil : "true"),
                         .element(named: "option", nodes: [.attribute(named: "value", value: "", ignoreIfValueIsEmpty: false),
                                                           .text("Choose…")]),
                         .group(VitalAlertAction.allCases.map { action in
                             .element(named: "option", nodes: [.attribute(named: "value", value: action.rawValue),
                                                               .attribute(named: "selected", value: chosen == action.rawValue ? "selected" : nil),
                                                               .text(action.displayName)])
                         }),
                     ])),
              .label(.class("ack-note"), .span(.text("Note (optional)")),
                     .input(.type(.text), .name("note"), .value(failure?.values["note"] ?? ""),
                            .attribute(named: "maxlength", value: "500"))),
              .button(.type(.submit), .text("Acknowledge")))
    }

    /// The card's reading form, folded: the same fields, checks and audit as the session page's.
    private static func readingForm(_ card: ChairCard, model: ChairBoardPage.Model, page: PageContext,
                                    failure: ChairBoardPage.CardFailure?) -> Node<HTML.BodyContext> {
        let session = card.sessionID.uuidString.lowercased()
        let prefix = "r-\(session.prefix(8))"
        let failed = failure?.form == "vitals" ? failure : nil
        func field(_ name: String, _ label: String, _ unit: String) -> Node<HTML.FormContext> {
            let error = failed?.errors[name]
            let id = "\(prefix)-\(name)"
            return .div(.class(error == nil ? "card-field" : "card-field has-error"),
                        .label(.for(id), .text(label), .span(.class("visually-hidden"), .text(" (\(unit))"))),
                        .input(.type(.text), .id(id), .name(name), .value(failed?.values[name] ?? ""),
                               .attribute(named: "inputmode", value: "numeric"), .attribute(named: "autocomplete", value: "off"),
                               .attribute(named: "size", value: "3"),
                               .attribute(named: "aria-invalid", value: error == nil ? nil : "true"),
                               .attribute(named: "aria-describedby", value: error == nil ? nil : "\(id)-error")),
                        .unwrap(error) { .span(.class("error-message"), .id("\(id)-error"), .text($0)) })
        }
        var details: [Node<HTML.BodyContext>] = [
            .class("card-reading"),
            .element(named: "summary", text: "Record reading"),
            .form(.method(.post), .action("/board/sessions/\(session)/vitals" + model.filterQuery), .class("card-reading-form"),
                  .attribute(named: "data-in-place", value: "vitals"), .attribute(named: "novalidate", value: "novalidate"),
                  .attribute(named: "aria-label", value: "Reading for \(card.chair ?? "this session")"),
                  .csrfField(page),
                  .div(.class("card-fields"),
                       field("systolic", "Sys", "mmHg"), field("diastolic", "Dia", "mmHg"), field("heartRate", "HR", "per min"),
                       field("oxygenSaturation", "SpO₂", "%"), field("respiratoryRate", "RR", "per min")),
                  .button(.type(.submit), .text("Save reading"))),
        ]
        if failed != nil { details.insert(.attribute(named: "open", value: "open"), at: 0) }
        return .element(named: "details", nodes: details)
    }

    /// Time since dose start (or since check-in before it), how the dose ended, and the minimum
    /// observation: its countdown and the earliest discharge time.
    private static func timers(_ card: ChairCard, now: Date, timeZone: TimeZone) -> Node<HTML.BodyContext> {
        var rows: [Node<HTML.DescriptionListContext>] = []
        if let start = card.doseStartedAt {
            rows.append(.group(.dt(.text("Since dose start")), .dd(timer(since: start, until: nil, now: now))))
            if let end = card.doseEndedAt {
                rows.append(.group(.dt(.text("Dose finished")),
                                   .dd(.class("dose-finished"),
                                       .text("\(ChairBoardPage.hourMinute(end, in: timeZone)), took \(ChairBoardPage.duration(from: start, to: end))"))))
            }
        } else if let since = card.checkedInAt {
            rows.append(.group(.dt(.text("Since check-in")), .dd(timer(since: since, until: nil, now: now))))
        }
        if let clock = card.observation, card.doseStartedAt != nil {
            switch clock.status(now: now) {
            case .noMinimum:
                rows.append(.group(.dt(.text("Observation")), .dd(.class("observation none"), .text("no minimum set"))))
            case .notStarted:
                rows.append(.group(.dt(.text("Observation")),
                                   .dd(.class("observation"), .text("\(clock.minimumMinutes ?? 0) min after the dose ends"))))
            case .counting, .complete:
                if let end = clock.earliestDischarge {
                    rows.append(.group(.dt(.text("Observation left")),
                                       .dd(.span(.class("countdown"), .attribute(named: "data-countdown-to", value: ChairBoardPage.milliseconds(end)),
                                                 .text(clock.status(now: now) == .complete ? "done" : ChairBoardPage.remaining(until: end, now: now))))))
                    rows.append(.group(.dt(.text("Earliest discharge")),
                                       .dd(.element(named: "time", nodes: [.class("earliest-discharge"),
                                                                           .attribute(named: "datetime", value: ChairBoardPage.iso(end)),
                                                                           .text(ChairBoardPage.hourMinute(end, in: timeZone))]))))
                }
            }
        }
        return .dl(.class("timers"), .group(rows))
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
                    .span(.class("infusion-label"), .text(label)))
    }

    /// The last vital signs, each with the arrow of its trend, and a sparkline of systolic pressure.
    private static func vitals(_ card: ChairCard, timeZone: TimeZone) -> Node<HTML.BodyContext> {
        let reading = card.lastReading
        let values = reading?.values
        func cell(_ key: String, _ text: String?, _ trend: VitalTrend?) -> Node<HTML.DescriptionListContext> {
            .dd(.span(.attribute(named: "data-vital", value: key), .text(text ?? "—")),
                .unwrap(trend) { trend in
                    .span(.class("trend trend-\(trend.rawValue)"), .attribute(named: "data-trend", value: key),
                          .span(.attribute(named: "aria-hidden", value: "true"), .text(trend.arrow)),
                          .span(.class("visually-hidden"), .text(" \(trend.spoken)")))
                })
        }
        let bp: String? = values.flatMap { v in
            v.systolic == nil && v.diastolic == nil ? nil : "\(v.systolic.map(String.init) ?? "—")/\(v.diastolic.map(String.init) ?? "—")"
        }
        return .div(.class("vitals-row"),
                    .dl(.class("vitals"), .attribute(named: "aria-label", value: "Last vital signs"),
                        .dt(.text("BP")), cell("bp", bp, card.trend(\.systolic)),
                        .dt(.text("HR")), cell("heartRate", values?.heartRate.map(String.init), card.trend(\.heartRate)),
                        .dt(.text("SpO₂")), cell("oxygenSaturation", values?.oxygenSaturation.map { "\($0)%" }, card.trend(\.oxygenSaturation)),
                        .dt(.text("RR")), cell("respiratoryRate", values?.respiratoryRate.map(String.init), card.trend(\.respiratoryRate)),
                        .dt(.text("Taken")),
                        .dd(.span(.attribute(named: "data-vital", value: "takenAt"),
                                  .text(reading.map { ChairBoardPage.hourMinute($0.takenAt, in: timeZone) } ?? "—")))),
                    sparkline(card))
    }

    /// A tiny line of the recent systolic pressures (at least two), labelled with its range for
    /// screen readers; nothing when there are fewer.
    static func sparkline(_ card: ChairCard) -> Node<HTML.BodyContext> {
        let values = card.recentReadings.compactMap(\.values.systolic)
        guard values.count >= 2, let low = values.min(), let high = values.max() else { return .empty }
        let (width, height, pad) = (72.0, 24.0, 2.0)
        let span = Double(max(high - low, 1))
        let step = (width - 2 * pad) / Double(values.count - 1)
        let points = values.enumerated().map { index, value in
            "\(SVGMarkup.coordinate(pad + Double(index) * step)),\(SVGMarkup.coordinate(height - pad - Double(value - low) / span * (height - 2 * pad)))"
        }.joined(separator: " ")
        let label = "Systolic, last \(values.count) readings: \(values.first ?? 0) to \(values.last ?? 0) mmHg (range \(low)–\(high))"
        let svg = """
        <svg class="sparkline" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))" \
        role="img" aria-label="\(SVGMarkup.escape(label))"><polyline points="\(points)" fill="none" stroke="currentColor" \
        stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/></svg>
        """
        return .raw(svg)
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
