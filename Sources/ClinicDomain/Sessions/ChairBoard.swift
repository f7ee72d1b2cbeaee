import Foundation

/// One active session as the nurses' station board shows it: where the patient sits, how far the
/// dose has come, the last vital signs, the readings due or overdue, and open alerts.
public struct ChairCard: Codable, Equatable, Sendable {
    /// An alert not yet acknowledged.
    public struct OpenAlert: Codable, Equatable, Sendable {
        /// The alert's id, code and message.
        public let alert: BoardEvent.Alert
        /// When it was raised.
        public let raisedAt: Date
        /// When it was escalated, if it was.
        public let escalatedAt: Date?

        /// Creates an open alert.
        public init(alert: BoardEvent.Alert, raisedAt: Date, escalatedAt: Date?) {
            self.alert = alert
            self.raisedAt = raisedAt
            self.escalatedAt = escalatedAt
        }
    }

    /// The session.
    public let sessionID: UUID
    /// The patient.
    public let patientID: UUID
    /// The patient's name as staff see it.
    public let patientName: String
    /// The chair or room, once assigned.
    public let chair: String?
    /// The phase.
    public let state: TreatmentSessionState
    /// The route: "intravenous" or "intranasal".
    public let route: String
    /// The dose as planned, for the card ("35 mg IV over 40 min", "56 mg (2 devices)").
    public let doseSummary: String
    /// When the patient checked in.
    public let checkedInAt: Date?
    /// When the dose started.
    public let doseStartedAt: Date?
    /// When the dose ended.
    public let doseEndedAt: Date?
    /// Planned minutes of infusion (IV).
    public let plannedInfusionMinutes: Int?
    /// Share of the infusion given, 0…1 (IV while dosing), allowing for pauses.
    public let infusionProgress: Double?
    /// True while the infusion is paused.
    public let paused: Bool
    /// The latest reading.
    public let lastReading: BoardEvent.Reading?
    /// Required readings due now.
    public let duePoints: [String]
    /// Required readings past their tolerance.
    public let overduePoints: [String]
    /// Alerts not yet acknowledged, oldest first.
    public let openAlerts: [OpenAlert]
    /// The minimum-observation clock: its countdown and the earliest discharge time [R13][R19].
    public let observation: ObservationClock?
    /// The latest readings, oldest first (at most `recentLimit`), for the trend arrows and the sparkline.
    public let recentReadings: [BoardEvent.Reading]

    /// How many recent readings a card carries: enough for a sparkline across an IV session's
    /// 10-minute points [R36], small enough that a board of 24 chairs stays cheap to send.
    public static let recentLimit = 12

    /// Creates a card.
    public init(sessionID: UUID, patientID: UUID, patientName: String, chair: String?, state: TreatmentSessionState, route: String,
                doseSummary: String, checkedInAt: Date?, doseStartedAt: Date?, doseEndedAt: Date?, plannedInfusionMinutes: Int?,
                infusionProgress: Double?, paused: Bool, lastReading: BoardEvent.Reading?, duePoints: [String],
                overduePoints: [String], openAlerts: [OpenAlert], observation: ObservationClock? = nil,
                recentReadings: [BoardEvent.Reading] = []) {
        self.sessionID = sessionID
        self.patientID = patientID
        self.patientName = patientName
        self.chair = chair
        self.state = state
        self.route = route
        self.doseSummary = doseSummary
        self.checkedInAt = checkedInAt
        self.doseStartedAt = doseStartedAt
        self.doseEndedAt = doseEndedAt
        self.plannedInfusionMinutes = plannedInfusionMinutes
        self.infusionProgress = infusionProgress
        self.paused = paused
        self.lastReading = lastReading
        self.duePoints = duePoints
        self.overduePoints = overduePoints
        self.openAlerts = openAlerts
        self.observation = observation
        self.recentReadings = recentReadings
    }

    /// Which way `measure` moved between the two latest readings that carry it.
    public func trend(_ measure: KeyPath<VitalReading, Int?>) -> VitalTrend? {
        VitalTrend.of(measure, in: recentReadings + (lastReading.map { [$0] } ?? []).filter { !recentReadings.contains($0) })
    }
}

/// Every active session in the clinic at one moment, by chair.
public struct BoardSnapshot: Codable, Equatable, Sendable {
    /// When it was taken.
    public let generatedAt: Date
    /// The cards, ordered by chair then check-in.
    public let cards: [ChairCard]

    /// Creates a snapshot.
    public init(generatedAt: Date, cards: [ChairCard]) {
        self.generatedAt = generatedAt
        self.cards = cards
    }
}
