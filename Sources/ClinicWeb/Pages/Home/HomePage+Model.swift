import ClinicDomain
import Foundation

/// The home page: the clinic at a glance, with only figures that exist.
public struct HomePage: Sendable {
    /// One measurement on the day's list.
    public struct DueRow: Sendable {
        /// The patient's chart.
        public let patientID: UUID
        /// The patient's list name.
        public let patientName: String
        /// What is due and why.
        public let due: MeasurementDue

        /// Creates a row.
        public init(patientID: UUID, patientName: String, due: MeasurementDue) {
            self.patientID = patientID
            self.patientName = patientName
            self.due = due
        }
    }

    /// What the home page shows.
    public struct Model: Sendable {
        /// The clinic's name.
        public var clinicName: String
        /// Where it operates, spelled out.
        public var jurisdiction: String
        /// Its time zone.
        public var timeZone: String
        /// How many patients it has registered.
        public var patientCount: Int
        /// `sqlite` or `postgres`.
        public var databaseEngine: String
        /// The schema version in use.
        public var schemaVersion: Int
        /// Open suicidality alerts, oldest first (shown only to staff who see patients).
        public var alerts: [SafetyAlertView.Row] = []
        /// Rating scales due today or overdue.
        public var dayList: [DueRow] = []
        /// True when the viewer may acknowledge alerts.
        public var canAcknowledge = false
        /// Emergency ("break the glass") accesses of the last 7 days, shown to prescribers with their reasons.
        public var emergencyAccesses: [EmergencyAccessRow] = []
        /// The clinic's time zone, for times.
        public var clinicTimeZone: TimeZone = .gmt
        /// Open controlled-substance count discrepancies, in words (shown to administrators until closed).
        public var registerDiscrepancies: [String] = []
        /// What the viewer may do (the page offers nothing else).
        public var abilities = Abilities()
        /// The viewer's work lists.
        public var worklists = Worklists()

        /// Creates the model.
        public init(clinicName: String, jurisdiction: String, timeZone: String, patientCount: Int,
                    databaseEngine: String, schemaVersion: Int) {
            self.clinicName = clinicName
            self.jurisdiction = jurisdiction
            self.timeZone = timeZone
            self.patientCount = patientCount
            self.databaseEngine = databaseEngine
            self.schemaVersion = schemaVersion
        }
    }
}

extension HomePage {
    /// One emergency access with the patient's name.
    public struct EmergencyAccessRow: Sendable {
        /// The grant.
        public var grant: EmergencyAccessGrant
        /// The patient, as listed.
        public var patientName: String

        /// Declares a row.
        public init(grant: EmergencyAccessGrant, patientName: String) {
            self.grant = grant
            self.patientName = patientName
        }
    }
}
