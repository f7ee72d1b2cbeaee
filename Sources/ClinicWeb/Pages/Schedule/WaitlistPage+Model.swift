import ClinicDomain
import Foundation

/// The waitlist as the front desk works it: who is waiting for an earlier slot (treatment, referral
/// day, when they can come), a form to add a patient, and — after a booking was cancelled or moved —
/// the freed slot with the waiting patients it suits, each with Offer and Book.
public enum WaitlistPage {
    /// One waiting patient.
    public struct Row: Sendable {
        /// The entry's id.
        public let entryID: UUID
        /// The patient's list name.
        public let patientName: String
        /// The medical record number.
        public let mrn: String
        /// IV ketamine, esketamine…
        public let treatment: String
        /// The referral day.
        public let referredOn: CalendarDate
        /// `Tue, Thu · 09:00–13:00` or `Any time`.
        public let preference: String
        /// `Waiting` or `Offered 2026-11-24 10:00–12:00`.
        public let status: String

        /// Creates a row.
        public init(entryID: UUID, patientName: String, mrn: String, treatment: String, referredOn: CalendarDate, preference: String, status: String) {
            self.entryID = entryID
            self.patientName = patientName
            self.mrn = mrn
            self.treatment = treatment
            self.referredOn = referredOn
            self.preference = preference
            self.status = status
        }
    }

    /// A waiting patient the freed slot suits, with the hours it would give them.
    public struct Match: Sendable {
        /// The waiting patient.
        public let row: Row
        /// `HH:MM`.
        public let start: String
        /// `HH:MM`.
        public let end: String

        /// Creates a match.
        public init(row: Row, start: String, end: String) {
            self.row = row
            self.start = start
            self.end = end
        }
    }

    /// A freed slot and who it suits.
    public struct Freed: Sendable {
        /// The chair's id.
        public let chairID: UUID
        /// `Chair 2, 2026-11-24 10:00–12:00`.
        public let description: String
        /// The day.
        public let date: CalendarDate
        /// The matches, longest waiting first.
        public let matches: [Match]

        /// Creates the freed slot's view.
        public init(chairID: UUID, description: String, date: CalendarDate, matches: [Match]) {
            self.chairID = chairID
            self.description = description
            self.date = date
            self.matches = matches
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The open entries, longest waiting first.
        public let rows: [Row]
        /// The freed slot being filled, if any.
        public let freed: Freed?
        /// Why the last action was refused.
        public let refusal: String?
        /// The add form's values.
        public let values: [String: String]
        /// The add form's field errors.
        public let errors: FieldErrors

        /// Creates the model.
        public init(rows: [Row], freed: Freed?, refusal: String? = nil, values: [String: String] = [:], errors: FieldErrors = FieldErrors()) {
            self.rows = rows
            self.freed = freed
            self.refusal = refusal
            self.values = values
            self.errors = errors
        }
    }
}
