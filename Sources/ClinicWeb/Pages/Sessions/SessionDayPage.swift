import ClinicDomain
import Foundation
import Plot

/// The day's treatment sessions: who comes, in which chair, where each session stands.
public enum SessionDayPage {
    /// One session of the day.
    public struct Row: Sendable {
        /// The session.
        public let sessionID: UUID
        /// The patient's list name.
        public let patientName: String
        /// Session number in the plan.
        public let number: Int
        /// Where it stands.
        public let state: TreatmentSessionState
        /// The chair, once seated.
        public let chair: String?
        /// The planned dose.
        public let dose: String

        /// Creates a row.
        public init(sessionID: UUID, patientName: String, number: Int, state: TreatmentSessionState, chair: String?, dose: String) {
            self.sessionID = sessionID
            self.patientName = patientName
            self.number = number
            self.state = state
            self.chair = chair
            self.dose = dose
        }
    }

    /// Renders the list for `date`; `canBook` (the viewer books sessions) links the calendar's week.
    public static func render(date: CalendarDate, rows: [Row], context: PageContext, canBook: Bool = false) -> String {
        Layout.page(
            title: "Sessions of \(date.iso)", context: context,
            content:
            .h1(.text("Sessions of \(date.iso)")),
            .nav(.class("day-nav"), .attribute(named: "aria-label", value: "Day"),
                 .a(.href("/sessions?date=\(date.adding(days: -1).iso)"), .text("← Previous day")), .text(" · "),
                 .a(.href("/sessions"), .text("Today")), .text(" · "),
                 .a(.href("/sessions?date=\(date.adding(days: 1).iso)"), .text("Next day →")), .text(" · "),
                 .a(.href("/board"), .text("Chair board")),
                 .if(canBook, .group(.text(" · "), .a(.href("/schedule?week=\(date.iso)"), .id("calendar-link"), .text("Calendar (bookings by chair)"))))),
            .if(rows.isEmpty, .p(.class("hint"), .text("No sessions are scheduled on this day."))),
            .if(!rows.isEmpty, .table(.class("data-table"), .id("session-day"),
                .thead(.tr(.th("Patient"), .th("Session"), .th("Dose"), .th("Chair"), .th("State"), .th(""))),
                .tbody(.forEach(rows) { row in
                    .tr(.td(.text(row.patientName)), .td(.text("\(row.number)")), .td(.text(row.dose)), .td(.text(row.chair ?? "–")),
                        .td(.span(.class("state-badge state-\(row.state.rawValue)"), .text(row.state.displayName))),
                        .td(.a(.href("/sessions/\(row.sessionID.uuidString.lowercased())"), .class("button-link"), .text("Open"))))
                }))))
    }
}
