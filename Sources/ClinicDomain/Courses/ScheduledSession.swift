import Foundation

/// Where a scheduled treatment session stands. A signed plan creates sessions as `scheduled`;
/// the session workflow moves them on from there.
public enum TreatmentSessionState: String, Codable, Sendable, CaseIterable {
    /// Booked by a signed plan, not yet started.
    case scheduled
    /// Will not happen (for example, a later plan replaced this one).
    case cancelled

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .scheduled: "Scheduled"
        case .cancelled: "Cancelled"
        }
    }
}

/// A session a signed plan put on the clinic's books.
public struct ScheduledSession: Equatable, Sendable {
    /// The session's id.
    public let id: UUID
    /// The patient.
    public let patientID: UUID
    /// The plan that scheduled it.
    public let planID: UUID
    /// 1 for the first session of the plan.
    public let number: Int
    /// The day, in the clinic's time zone.
    public let date: CalendarDate
    /// Where it stands.
    public let state: TreatmentSessionState
    /// The planned dose and phase, as signed.
    public let planned: CourseProposal.Session

    /// Creates a session.
    public init(id: UUID, patientID: UUID, planID: UUID, number: Int, date: CalendarDate, state: TreatmentSessionState,
                planned: CourseProposal.Session) {
        self.id = id
        self.patientID = patientID
        self.planID = planID
        self.number = number
        self.date = date
        self.state = state
        self.planned = planned
    }
}
