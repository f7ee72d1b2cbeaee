import ClinicDomain

/// A patient's chart. At this stage it shows the identity header; clinical sections join it
/// as intake, screening, plans and sessions arrive.
public struct PatientChartPage: Sendable {
    /// What the chart shows.
    public struct Model: Sendable {
        /// The patient.
        public var patient: PatientSummary
        /// The clinic's date, for the age.
        public var today: CalendarDate

        /// Creates the model.
        public init(patient: PatientSummary, today: CalendarDate) {
            self.patient = patient
            self.today = today
        }
    }
}
