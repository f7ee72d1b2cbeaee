import Foundation

/// What staff did about a suicidality alert; an acknowledgement must name one.
public enum SafetyAction: String, CaseIterable, Codable, Sendable {
    /// Called the patient and assessed the risk.
    case contactedPatient = "contacted-patient"
    /// Saw the patient in the clinic.
    case assessedInPerson = "assessed-in-person"
    /// Informed the prescriber or the physician on call.
    case informedPhysician = "informed-physician"
    /// Arranged emergency care.
    case emergencyServices = "emergency-services"
    /// Reviewed: a known, managed situation (the note says how).
    case reviewedNoFurtherAction = "reviewed-no-further-action"

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .contactedPatient: "Contacted the patient and assessed risk"
        case .assessedInPerson: "Assessed the patient in person"
        case .informedPhysician: "Informed the prescriber / physician on call"
        case .emergencyServices: "Arranged emergency care"
        case .reviewedNoFurtherAction: "Reviewed; already managed (see note)"
        }
    }
}

/// A suicidality alert raised by a patient's answers: PHQ-9 item 9 above 0 [R42-calc] or a
/// high-risk C-SSRS screener [R48]. It stays open until a member of staff acknowledges it with the
/// action taken; if nobody does within the clinic's time, it escalates.
public struct SafetyAlert: Equatable, Sendable {
    /// The alert's id.
    public let id: UUID
    /// The patient.
    public let patientID: UUID
    /// The response that raised it.
    public let responseID: UUID
    /// The instrument, e.g. PHQ-9.
    public let instrument: InstrumentID
    /// What fired, in words: "PHQ-9 item 9 answered 2 (more than half the days)".
    public let detail: String
    /// When it was raised.
    public let raisedAt: Date
    /// When it escalated, if it did.
    public let escalatedAt: Date?
    /// The acknowledgement, once given.
    public let acknowledgement: Acknowledgement?

    /// Who acknowledged the alert, when, what they did and any note.
    public struct Acknowledgement: Equatable, Sendable, Codable {
        /// Who.
        public let byName: String
        /// When.
        public let at: Date
        /// What they did.
        public let action: SafetyAction
        /// Anything else.
        public let note: String?

        /// Creates an acknowledgement.
        public init(byName: String, at: Date, action: SafetyAction, note: String?) {
            self.byName = byName
            self.at = at
            self.action = action
            self.note = note
        }
    }

    /// Creates an alert value.
    public init(id: UUID, patientID: UUID, responseID: UUID, instrument: InstrumentID, detail: String, raisedAt: Date,
                escalatedAt: Date? = nil, acknowledgement: Acknowledgement? = nil) {
        self.id = id
        self.patientID = patientID
        self.responseID = responseID
        self.instrument = instrument
        self.detail = detail
        self.raisedAt = raisedAt
        self.escalatedAt = escalatedAt
        self.acknowledgement = acknowledgement
    }

    /// True until acknowledged.
    public var isOpen: Bool { acknowledgement == nil }

    /// True when open, not yet escalated, and older than `minutes` at `now`.
    public func isDueForEscalation(at now: Date, afterMinutes minutes: Int) -> Bool {
        isOpen && escalatedAt == nil && now.timeIntervalSince(raisedAt) >= Double(minutes) * 60
    }

    /// The alert a scored response raises, if any.
    public static func detail(for score: InstrumentScore) -> String? {
        guard score.isSuicidalityAlert else { return nil }
        switch score.instrument {
        case .phq9:
            let value = score.answers.count >= 9 ? score.answers[8] : nil
            return "PHQ-9 item 9 (thoughts of self-harm) answered \(value.map(String.init) ?? "?") of 3 [R42-calc]"
        case .cssrs:
            return "C-SSRS screener: high risk (ideation with intent or plan, or behaviour in the past 3 months) [R48]"
        default:
            return "\(score.instrument.rawValue): suicidality reported"
        }
    }
}
