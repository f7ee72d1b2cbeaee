import Foundation

/// A prescriber's override of a hard stop (a failed pre-treatment checklist, unmet discharge
/// criteria, missing monitoring points): who and why, for the audit trail.
public struct SessionOverride: Equatable, Sendable, Codable {
    /// Who overrode.
    public let byName: String
    /// True when that person is a prescriber; only prescribers may override.
    public let byPrescriber: Bool
    /// Why.
    public let reason: String

    /// Creates an override.
    public init(byName: String, byPrescriber: Bool, reason: String) {
        self.byName = byName
        self.byPrescriber = byPrescriber
        self.reason = reason.trimmed
    }

    /// Shortest reason accepted, as for screening overrides.
    public static let minimumReasonLength = ScreeningReview.minimumReasonLength
}

/// Something that happens to a session. The caller supplies what it checked (the checklist, the
/// discharge criteria, the monitoring points) as facts; the state machine decides.
public enum SessionEvent: Equatable, Sendable {
    /// The patient arrives.
    case checkIn
    /// Staff start the pre-treatment checklist.
    case beginChecks
    /// Staff start the dose: allowed when the checklist passed, or with a prescriber's override.
    case startDosing(checklistPassed: Bool, override: SessionOverride?)
    /// The dose is complete (infusion ended, last device used).
    case endDosing
    /// Discharge criteria are met, or a prescriber overrides them.
    case markReadyForDischarge(criteriaMet: Bool, override: SessionOverride?)
    /// The patient leaves: allowed when every required monitoring point is recorded and the
    /// discharge criteria still hold, or with a prescriber's override. `registerProblem` says why
    /// the controlled-substance draw is not reconciled (drawn = administered + wasted): a hard stop
    /// no override passes.
    case discharge(requiredPointsComplete: Bool, override: SessionOverride?, registerProblem: String? = nil)
    /// The session ends early, during or after dosing, with a reason.
    case stopEarly(reason: String)
    /// The session will not happen (before dosing), with a reason.
    case cancel(reason: String)
    /// The patient did not come.
    case markNoShow

    /// The event's name for messages and the audit trail.
    public var name: String {
        switch self {
        case .checkIn: "check in"
        case .beginChecks: "begin pre-treatment checks"
        case .startDosing: "start dosing"
        case .endDosing: "end dosing"
        case .markReadyForDischarge: "mark ready for discharge"
        case .discharge: "discharge"
        case .stopEarly: "stop early"
        case .cancel: "cancel"
        case .markNoShow: "mark no-show"
        }
    }
}

/// What the caller must do after an event: record the transition (with the override, if one was
/// used) and tell the live board, or show the refusal.
public enum SessionAction: Equatable, Sendable {
    /// Move to `to`; write `audit` (and the override, when present) to the trail; push it to the board.
    case transition(to: TreatmentSessionState, audit: String, override: SessionOverride?)
    /// The event is refused in this state; `reason` says why, for the user.
    case refuse(reason: String)
}

/// The treatment session's lifecycle, in the swift-nio style: the state is an enum, each event
/// returns an action for the caller to carry out, and the machine itself does no I/O.
///
/// scheduled → checked in → pre-treatment checks → dosing → observation → ready for discharge →
/// discharged; side exits: cancelled or no-show before dosing, stopped early during or after it.
public struct SessionStateMachine: Equatable, Sendable {
    /// Where the session stands.
    public private(set) var state: TreatmentSessionState

    /// A machine in `state` (a stored session's current state).
    public init(state: TreatmentSessionState = .scheduled) { self.state = state }

    /// Applies `event`: on a legal transition the state moves and the action says so; otherwise the
    /// state stays and the action is a refusal with the reason.
    public mutating func handle(_ event: SessionEvent) -> SessionAction {
        let action = Self.decide(state, event)
        if case .transition(let next, _, _) = action { state = next }
        return action
    }

    private static func decide(_ state: TreatmentSessionState, _ event: SessionEvent) -> SessionAction {
        if state.isFinal {
            return .refuse(reason: "The session is \(state.displayName.lowercased()); nothing more can happen to it.")
        }
        switch (state, event) {
        case (.scheduled, .checkIn):
            return .transition(to: .checkedIn, audit: "checked in", override: nil)
        case (.scheduled, .markNoShow):
            return .transition(to: .noShow, audit: "did not attend", override: nil)
        case (.scheduled, .cancel(let reason)), (.checkedIn, .cancel(let reason)), (.preTreatmentChecks, .cancel(let reason)):
            return withReason(reason, to: .cancelled, verb: "cancelled")
        case (.checkedIn, .beginChecks):
            return .transition(to: .preTreatmentChecks, audit: "pre-treatment checks begun", override: nil)
        case (.preTreatmentChecks, .startDosing(let passed, let override)):
            return gated(passed, override, to: .dosing, audit: "dosing started",
                         refusal: "The pre-treatment checklist has not passed; a prescriber may override it with a reason.")
        case (.dosing, .endDosing):
            return .transition(to: .observation, audit: "dosing ended; observation started", override: nil)
        case (.dosing, .stopEarly(let reason)), (.observation, .stopEarly(let reason)), (.readyForDischarge, .stopEarly(let reason)):
            return withReason(reason, to: .stoppedEarly, verb: "stopped early")
        case (.observation, .markReadyForDischarge(let met, let override)):
            return gated(met, override, to: .readyForDischarge, audit: "ready for discharge",
                         refusal: "Discharge criteria are not met; a prescriber may override them with a reason.")
        case (.readyForDischarge, .discharge(_, _, let registerProblem?)):
            return .refuse(reason: registerProblem)
        case (.readyForDischarge, .discharge(let complete, let override, _)):
            return gated(complete, override, to: .discharged, audit: "discharged",
                         refusal: "Required readings are missing or the discharge criteria no longer hold; the session cannot be closed "
                             + "without a prescriber's override.")
        default:
            return .refuse(reason: "“\(event.name.prefix(1).uppercased() + event.name.dropFirst())” is not possible while the session is \(state.displayName.lowercased()).")
        }
    }

    /// A hard stop: passes when `satisfied`, or with a valid prescriber override.
    private static func gated(_ satisfied: Bool, _ override: SessionOverride?, to next: TreatmentSessionState, audit: String,
                              refusal: String) -> SessionAction {
        if satisfied { return .transition(to: next, audit: audit, override: nil) }
        guard let override else { return .refuse(reason: refusal) }
        guard override.byPrescriber else { return .refuse(reason: "Only a prescriber may override this stop.") }
        guard override.reason.count >= SessionOverride.minimumReasonLength else {
            return .refuse(reason: "Give the reason for the override (at least \(SessionOverride.minimumReasonLength) characters).")
        }
        return .transition(to: next, audit: "\(audit) (override by \(override.byName): \(override.reason))", override: override)
    }

    private static func withReason(_ reason: String, to next: TreatmentSessionState, verb: String) -> SessionAction {
        let trimmed = reason.trimmed
        guard !trimmed.isEmpty else { return .refuse(reason: "Say why the session is \(verb).") }
        return .transition(to: next, audit: "\(verb): \(trimmed)", override: nil)
    }
}
