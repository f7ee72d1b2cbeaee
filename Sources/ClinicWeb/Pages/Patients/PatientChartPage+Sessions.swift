import ClinicDomain
import Foundation
import Plot

/// The chart's list of the patient's treatment sessions: date, dose (given or planned), state,
/// vital-sign alerts and a link to each session.
extension PatientChartPage {
    /// One session of the patient's courses.
    public struct SessionRow: Sendable {
        /// The session page.
        public let sessionID: UUID
        /// Its number in its course.
        public let number: Int
        /// Its day.
        public let date: CalendarDate
        /// Where it stands.
        public let state: TreatmentSessionState
        /// "35 mg IV given", "56 mg (2 devices) given", or the planned dose with "planned".
        public let dose: String
        /// Vital-sign alerts raised in it, and how many are still open.
        public let alerts: Int
        /// Of `alerts`, those not yet acknowledged.
        public let openAlerts: Int

        /// Creates a row.
        public init(sessionID: UUID, number: Int, date: CalendarDate, state: TreatmentSessionState, dose: String, alerts: Int, openAlerts: Int) {
            self.sessionID = sessionID
            self.number = number
            self.date = date
            self.state = state
            self.dose = dose
            self.alerts = alerts
            self.openAlerts = openAlerts
        }

        /// The dose column's words: a dose actually given is "given"; one not (yet) given is "planned",
        /// or "not given" for a session that is over without one.
        public static func doseText(record: TreatmentSessionRecord) -> String {
            if let administration = record.administration {
                return "\(Rounding.text(administration.details.doseMg, places: 1)) mg \(administration.details.route) given"
            }
            if !record.devices.isEmpty {
                let count = record.devices.count
                return "\(count * DeviceUse.milligramsPerDevice) mg (\(count) device\(count == 1 ? "" : "s")) given"   // 28 mg each [R14]
            }
            switch record.session.state {
            case .scheduled, .checkedIn, .preTreatmentChecks: return "\(record.plannedDoseSummary) planned"
            default: return "not given (\(record.plannedDoseSummary) planned)"
            }
        }
    }

    /// The sessions table, newest first; nothing when the patient has no session.
    static func sessionsSection(_ rows: [SessionRow]) -> Node<HTML.BodyContext> {
        .section(.id("chart-sessions"), .attribute(named: "aria-labelledby", value: "chart-sessions-heading"),
                 .h2(.id("chart-sessions-heading"), .text("Treatment sessions (\(rows.count))")),
                 .if(rows.isEmpty, .p(.class("empty"), .text("No session is booked yet.")), else:
                    .div(.class("table-scroll"), ScrollRegion.focusable("Treatment sessions"),
                         .table(.class("data"),
                                .thead(.tr(.th(.text("Date")), .th(.text("Session")), .th(.text("Dose")), .th(.text("State")),
                                           .th(.text("Vital-sign alerts")), .th(.text("")))),
                                .tbody(.forEach(rows) { row in
                                    .tr(.td(.text(row.date.iso)), .td(.text("No. \(row.number)")), .td(.text(row.dose)),
                                        .td(.text(row.state.displayName)),
                                        .td(.text(row.alerts == 0 ? "none" : row.openAlerts == 0
                                                  ? "\(row.alerts), all acknowledged" : "⚠ \(row.openAlerts) open of \(row.alerts)")),
                                        .td(.a(.href("/sessions/\(row.sessionID.uuidString.lowercased())"),
                                               .text("Open session \(row.number)"))))
                                })))))
    }
}
