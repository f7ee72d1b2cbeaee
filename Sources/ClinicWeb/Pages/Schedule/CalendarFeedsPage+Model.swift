import ClinicDomain
import Foundation

/// Calendar subscriptions for chairs and staff: the feeds made so far (who made them, when a
/// calendar app last read them, revoked or not), a form to make one, and, right after making one,
/// its secret address, shown this once.
public enum CalendarFeedsPage {
    /// One feed in the list.
    public struct Row: Sendable {
        /// The feed's id (for Revoke).
        public let id: UUID
        /// `Chair 1` or `Nia Nurse`.
        public let subject: String
        /// `Chair` or `Staff`.
        public let kind: String
        /// The first characters of the secret, e.g. `kcf_Ab3x…`.
        public let prefix: String
        /// `2026-12-06 09:12 by nurse@…`.
        public let made: String
        /// The last fetch by a calendar app, or `Not yet`.
        public let lastRead: String
        /// `Revoked 2026-12-07 10:00`, nil while it stands.
        public let revoked: String?

        /// Creates a row.
        public init(id: UUID, subject: String, kind: String, prefix: String, made: String, lastRead: String, revoked: String?) {
            self.id = id
            self.subject = subject
            self.kind = kind
            self.prefix = prefix
            self.made = made
            self.lastRead = lastRead
            self.revoked = revoked
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The feeds, newest first.
        public let rows: [Row]
        /// The form's choices: `chair:<id>` or `staff:<id>` with their labels.
        public let choices: [(value: String, label: String)]
        /// The address of a feed just made, shown once; nil otherwise.
        public let newAddress: String?
        /// What the user typed, for a form shown again.
        public let values: [String: String]
        /// Field errors.
        public let errors: FieldErrors

        /// Creates a model.
        public init(rows: [Row], choices: [(value: String, label: String)], newAddress: String? = nil,
                    values: [String: String] = [:], errors: FieldErrors = FieldErrors()) {
            self.rows = rows
            self.choices = choices
            self.newAddress = newAddress
            self.values = values
            self.errors = errors
        }
    }
}
