import Foundation

/// One recorded state change of a treatment session.
public struct SessionTransition: Equatable, Sendable {
    /// 1 for the session's first change.
    public let sequence: Int
    /// The event's name, e.g. "start dosing".
    public let event: String
    /// The state before.
    public let from: TreatmentSessionState
    /// The state after.
    public let to: TreatmentSessionState
    /// When.
    public let at: Date
    /// Who.
    public let actorName: String
    /// What the state machine wrote for the trail.
    public let detail: String
    /// The prescriber's override, when a hard stop was overridden.
    public let override: SessionOverride?

    /// Creates a transition.
    public init(sequence: Int, event: String, from: TreatmentSessionState, to: TreatmentSessionState, at: Date, actorName: String,
                detail: String, override: SessionOverride?) {
        self.sequence = sequence
        self.event = event
        self.from = from
        self.to = to
        self.at = at
        self.actorName = actorName
        self.detail = detail
        self.override = override
    }
}
