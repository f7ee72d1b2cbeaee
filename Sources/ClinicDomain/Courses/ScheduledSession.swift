import Foundation

/// Where a treatment session stands, from booking to discharge. A signed plan creates sessions
/// as `scheduled`; ``SessionStateMachine`` moves them on from there.
public enum TreatmentSessionState: String, Codable, Sendable, CaseIterable {
    /// Booked by a signed plan, not yet started.
    case scheduled
    /// The patient has arrived.
    case checkedIn = "checked-in"
    /// The pre-treatment checklist is under way.
    case preTreatmentChecks = "pre-treatment-checks"
    /// The dose is being given.
    case dosing
    /// The dose is given; the patient is watched until safe to leave.
    case observation
    /// Discharge criteria are met.
    case readyForDischarge = "ready-for-discharge"
    /// The patient has left, safely.
    case discharged
    /// The session ended before its course was complete (for example, stopped for an adverse event).
    case stoppedEarly = "stopped-early"
    /// Will not happen (for example, a later plan replaced this one, or it was deferred).
    case cancelled
    /// The patient did not come.
    case noShow = "no-show"

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .scheduled: "Scheduled"
        case .checkedIn: "Checked in"
        case .preTreatmentChecks: "Pre-treatment checks"
        case .dosing: "Dosing"
        case .observation: "Observation"
        case .readyForDischarge: "Ready for discharge"
        case .discharged: "Discharged"
        case .stoppedEarly: "Stopped early"
        case .cancelled: "Cancelled"
        case .noShow: "No-show"
        }
    }

    /// True once nothing more can happen to the session.
    public var isFinal: Bool { [.discharged, .stoppedEarly, .cancelled, .noShow].contains(self) }

    /// True while the patient is in the clinic under the session's care.
    public var isActive: Bool { [.checkedIn, .preTreatmentChecks, .dosing, .observation, .readyForDischarge].contains(self) }
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
