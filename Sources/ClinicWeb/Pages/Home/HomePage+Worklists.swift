import ClinicDomain
import Foundation

/// The work each role finds on its home page: a nurse's open vital-sign alerts and today's
/// chairs, a prescriber's signatures waiting, the front desk's arrivals and no-shows, an
/// administrator's REMS forms due. Each list is filled only for a viewer who may act on it.
extension HomePage {
    /// What the viewer may do, so the page offers only those actions.
    public struct Abilities: Sendable {
        /// Register a patient (`patients.register`).
        public var registerPatients = false
        /// See the patient list and the day's sessions (`patients.read`).
        public var seePatients = false
        /// Open the chair board (`patients.clinical`).
        public var seeBoard = false
        /// See the server's database, schema and metrics facts (`operations.metrics`).
        public var seeSystem = false

        /// Nothing allowed.
        public init() {}
    }

    /// One session of today, for the chair list, the arrivals and the no-shows.
    public struct SessionRow: Sendable {
        /// The session page.
        public let sessionID: UUID
        /// The patient's list name.
        public let patientName: String
        /// The chair, when assigned.
        public let chair: String?
        /// The session's number in its course.
        public let number: Int
        /// Where it stands.
        public let state: TreatmentSessionState
        /// Open (unacknowledged) vital-sign alerts.
        public let openAlerts: Int
        /// When the patient checked in, if they did.
        public let checkedInAt: Date?

        /// Creates a row.
        public init(sessionID: UUID, patientName: String, chair: String?, number: Int, state: TreatmentSessionState,
                    openAlerts: Int, checkedInAt: Date?) {
            self.sessionID = sessionID
            self.patientName = patientName
            self.chair = chair
            self.number = number
            self.state = state
            self.openAlerts = openAlerts
            self.checkedInAt = checkedInAt
        }
    }

    /// One open vital-sign alert of a session under way.
    public struct VitalAlertRow: Sendable {
        /// The session whose page acknowledges it.
        public let sessionID: UUID
        /// The patient's list name.
        public let patientName: String
        /// The chair, when assigned.
        public let chair: String?
        /// What fired, in words.
        public let message: String
        /// When.
        public let raisedAt: Date
        /// True once it has escalated.
        public let escalated: Bool

        /// Creates a row.
        public init(sessionID: UUID, patientName: String, chair: String?, message: String, raisedAt: Date, escalated: Bool) {
            self.sessionID = sessionID
            self.patientName = patientName
            self.chair = chair
            self.message = message
            self.raisedAt = raisedAt
            self.escalated = escalated
        }
    }

    /// One signature a prescriber owes: a screening or a plan.
    public struct SignatureRow: Sendable {
        /// The patient's chart.
        public let patientID: UUID
        /// The patient's list name.
        public let patientName: String
        /// Why it waits, in words.
        public let reason: String
        /// Where to sign it.
        public let path: String

        /// Creates a row.
        public init(patientID: UUID, patientName: String, reason: String, path: String) {
            self.patientID = patientID
            self.patientName = patientName
            self.reason = reason
            self.path = path
        }
    }

    /// One REMS monitoring form not yet submitted.
    public struct RemsRow: Sendable {
        /// The session the form belongs to.
        public let sessionID: UUID
        /// The patient's list name.
        public let patientName: String
        /// "Due today", "2 days overdue"…
        public let status: String
        /// True when past due.
        public let overdue: Bool

        /// Creates a row.
        public init(sessionID: UUID, patientName: String, status: String, overdue: Bool) {
            self.sessionID = sessionID
            self.patientName = patientName
            self.status = status
            self.overdue = overdue
        }
    }

    /// The role's work lists; nil lists are not the viewer's work and are not shown.
    public struct Worklists: Sendable {
        /// Open vital-sign alerts of today's sessions (staff who acknowledge alerts).
        public var vitalAlerts: [VitalAlertRow]?
        /// Today's sessions by chair (staff who run sessions).
        public var chairs: [SessionRow]?
        /// Screenings to sign (prescribers).
        public var screeningsToSign: [SignatureRow]?
        /// Plans to sign (prescribers).
        public var plansToSign: [SignatureRow]?
        /// Today's expected and arrived patients (front desk).
        public var arrivals: [SessionRow]?
        /// Today's no-shows (front desk).
        public var noShows: [SessionRow]?
        /// REMS forms not yet submitted (front desk and administrators in US clinics).
        public var remsDue: [RemsRow]?

        /// No lists.
        public init() {}
    }
}
