import ClinicDomain
import Foundation

/// A patient's chart: the identity header with the safety facts (allergies, contraindications,
/// cautions, treatment-resistance stage, screening status), then the intake record by section.
public struct PatientChartPage: Sendable {
    /// The safety summary in the header, filled once screening has run.
    public struct Header: Sendable {
        /// Contraindications triggered for any treatment, as short lines.
        public var contraindications: [String]
        /// Cautions triggered for any treatment.
        public var cautions: [String]
        /// "TRD · MSM 9 (moderate) · …", or what is missing.
        public var resistance: String
        /// "Signed 2026-11-20 by Dr X", "Stale: the record changed after signing", or "Not screened".
        public var screeningStatus: String
        /// True when the last signed screening no longer matches the record.
        public var screeningIsStale: Bool

        /// Creates the header.
        public init(contraindications: [String], cautions: [String], resistance: String, screeningStatus: String,
                    screeningIsStale: Bool) {
            self.contraindications = contraindications
            self.cautions = cautions
            self.resistance = resistance
            self.screeningStatus = screeningStatus
            self.screeningIsStale = screeningIsStale
        }
    }

    /// What the chart shows.
    public struct Model: Sendable {
        /// The patient's record with item metadata.
        public var chart: PatientChart
        /// The safety summary.
        public var header: Header?
        /// The clinic's date, for the age.
        public var today: CalendarDate
        /// The clinic's time zone, for the registration date.
        public var timeZone: TimeZone
        /// True when the viewer may open "who has seen or changed this record".
        public var canSeeAccessLog: Bool
        /// True when the viewer may edit contact details.
        public var canEditContact: Bool
        /// True when the viewer may edit the clinical record.
        public var canEditIntake: Bool
        /// True when the viewer may correct the registered identity.
        public var canCorrectIdentity: Bool
        /// The current treatment plan, if one is signed.
        public var plan: TreatmentPlan?
        /// The next scheduled session on or after today, if any.
        public var nextSession: ScheduledSession?
        /// True when the viewer may plan a course.
        public var canPlan: Bool
        /// Open suicidality alerts for this patient.
        public var openAlerts: [SafetyAlert] = []
        /// Emergency ("break the glass") accesses to this record in the last 30 days, for the clinicians to see.
        public var emergencyAccesses: [EmergencyAccessGrant] = []
        /// True when the viewer books sessions (the front desk): the chart links the plan's course booking.
        public var canBook = false
        /// The patient's treatment sessions, newest first.
        public var sessions: [SessionRow] = []

        /// The patient.
        public var patient: PatientSummary { chart.summary }

        /// Creates the model.
        public init(chart: PatientChart, header: Header? = nil, today: CalendarDate, timeZone: TimeZone,
                    canSeeAccessLog: Bool = false, canEditContact: Bool = false, canEditIntake: Bool = false,
                    canCorrectIdentity: Bool = false, plan: TreatmentPlan? = nil, nextSession: ScheduledSession? = nil,
                    canPlan: Bool = false) {
            self.canCorrectIdentity = canCorrectIdentity
            self.plan = plan
            self.nextSession = nextSession
            self.canPlan = canPlan
            self.chart = chart
            self.header = header
            self.today = today
            self.timeZone = timeZone
            self.canSeeAccessLog = canSeeAccessLog
            self.canEditContact = canEditContact
            self.canEditIntake = canEditIntake
        }
    }
}
