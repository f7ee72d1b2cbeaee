import Foundation

/// Something the live chair board must show at once: a stored reading, a raised or acknowledged
/// alert, a session's change of phase or record. Events are small (they cross app instances as
/// PostgreSQL notifications, limited to 8,000 bytes) and carry the moment the change was stored,
/// so the board's delay can be measured.
public struct BoardEvent: Codable, Equatable, Sendable {
    /// What happened.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// A vital-sign reading was stored.
        case reading
        /// A reading raised an alert.
        case alertRaised = "alert-raised"
        /// A nurse acknowledged an alert.
        case alertAcknowledged = "alert-acknowledged"
        /// An unacknowledged alert was escalated.
        case alertEscalated = "alert-escalated"
        /// The session changed phase (checked in, dosing, discharged…).
        case phaseChanged = "phase-changed"
        /// Something else in the session record changed (checklist, administration, chair…).
        case recordChanged = "record-changed"
    }

    /// The reading's values, for the board's "last vital signs".
    public struct Reading: Codable, Equatable, Sendable {
        /// When it was taken.
        public let takenAt: Date
        /// The values.
        public let values: VitalReading

        /// Creates the reading part of an event.
        public init(takenAt: Date, values: VitalReading) {
            self.takenAt = takenAt
            self.values = values
        }
    }

    /// The alert's identity and message.
    public struct Alert: Codable, Equatable, Sendable {
        /// The stored alert's id.
        public let id: UUID
        /// Stable code, e.g. `systolic-high`.
        public let code: String
        /// What fired.
        public let message: String

        /// Creates the alert part of an event.
        public init(id: UUID, code: String, message: String) {
            self.id = id
            self.code = code
            self.message = message
        }
    }

    /// What happened.
    public let kind: Kind
    /// The session it happened to.
    public let sessionID: UUID
    /// When the change was committed to the database.
    public let storedAt: Date
    /// The reading, for `reading` events.
    public let reading: Reading?
    /// The alert, for alert events.
    public let alert: Alert?
    /// The new phase, for `phase-changed` events.
    public let state: TreatmentSessionState?

    /// Creates an event.
    public init(kind: Kind, sessionID: UUID, storedAt: Date, reading: Reading? = nil, alert: Alert? = nil,
                state: TreatmentSessionState? = nil) {
        self.kind = kind
        self.sessionID = sessionID
        self.storedAt = storedAt
        self.reading = reading
        self.alert = alert
        self.state = state
    }
}
