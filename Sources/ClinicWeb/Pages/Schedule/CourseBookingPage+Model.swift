import ClinicDomain
import Foundation

/// A patient's course as the front desk books it: the signed plan's sessions and their bookings,
/// proposed slots to accept, a form to move one session, and what is missing or conflicts.
public enum CourseBookingPage {
    /// One session of the course.
    public struct SessionRow: Sendable {
        /// The session's id.
        public let sessionID: UUID
        /// 1 for the first.
        public let number: Int
        /// The day the plan put it on.
        public let plannedDate: CalendarDate
        /// Where it stands.
        public let state: TreatmentSessionState
        /// `2026-11-23 08:00–10:00, Chair 1`, nil when not booked.
        public let booking: String?

        /// Creates a row.
        public init(sessionID: UUID, number: Int, plannedDate: CalendarDate, state: TreatmentSessionState, booking: String?) {
            self.sessionID = sessionID
            self.number = number
            self.plannedDate = plannedDate
            self.state = state
            self.booking = booking
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The patient's id.
        public let patientID: UUID
        /// The patient's list name.
        public let patientName: String
        /// The treatment type.
        public let treatment: String
        /// The sessions in order.
        public let sessions: [SessionRow]
        /// Proposed slots for sessions not yet booked: `Session 2: 2026-11-25 08:00–10:00, Chair 1` (or why none).
        public let proposals: [String]
        /// Warnings: missing preconditions and interval breaches, with their source or "clinic policy".
        public let warnings: [String]
        /// Why the last booking was refused, one sentence per reason.
        public let conflicts: [String]
        /// The chairs to choose from: id and name.
        public let chairs: [(value: String, label: String)]
        /// The move form's values.
        public let values: [String: String]
        /// The move form's field errors.
        public let errors: FieldErrors

        /// Creates the model.
        public init(patientID: UUID, patientName: String, treatment: String, sessions: [SessionRow], proposals: [String], warnings: [String],
                    conflicts: [String], chairs: [(value: String, label: String)], values: [String: String], errors: FieldErrors) {
            self.patientID = patientID
            self.patientName = patientName
            self.treatment = treatment
            self.sessions = sessions
            self.proposals = proposals
            self.warnings = warnings
            self.conflicts = conflicts
            self.chairs = chairs
            self.values = values
            self.errors = errors
        }

        /// The page's address.
        public var path: String { "/schedule/patients/\(patientID.uuidString.lowercased())" }
    }
}
