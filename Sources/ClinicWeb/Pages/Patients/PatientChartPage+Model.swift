import ClinicDomain
import Foundation

/// A patient's chart. At this stage it shows the identity header; clinical sections join it
/// as intake, screening, plans and sessions arrive.
public struct PatientChartPage: Sendable {
    /// What the chart shows.
    public struct Model: Sendable {
        /// The patient.
        public var patient: PatientSummary
        /// The clinic's date, for the age.
        public var today: CalendarDate
        /// The clinic's time zone, for the registration date.
        public var timeZone: TimeZone
        /// True when the viewer may open "who has seen or changed this record".
        public var canSeeAccessLog: Bool

        /// Creates the model.
        public init(patient: PatientSummary, today: CalendarDate, timeZone: TimeZone, canSeeAccessLog: Bool = false) {
            self.patient = patient
            self.today = today
            self.timeZone = timeZone
            self.canSeeAccessLog = canSeeAccessLog
        }
    }
}
