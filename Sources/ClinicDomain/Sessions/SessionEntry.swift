import Foundation

/// The signed session note, or an amendment to it.
public struct SessionNoteText: Codable, Equatable, Sendable {
    /// The text.
    public var text: String

    /// Creates note text.
    public init(text: String) { self.text = text }
}

/// How a REMS Patient Monitoring Form was sent [R19].
public struct RemsSubmission: Codable, Equatable, Sendable {
    /// The channels the REMS accepts.
    public enum Channel: String, Codable, CaseIterable, Sendable {
        /// Through the REMS website, or by fax [R19].
        case online, fax

        /// The name shown to users.
        public var displayName: String { self == .online ? "Online (spravatorems.com)" : "Fax" }
    }

    /// The day it was sent.
    public var submittedOn: CalendarDate
    /// How.
    public var channel: Channel
    /// The REMS confirmation number, when given.
    public var confirmation: String?

    /// Creates a submission.
    public init(submittedOn: CalendarDate, channel: Channel, confirmation: String?) {
        self.submittedOn = submittedOn
        self.channel = channel
        self.confirmation = confirmation
    }
}

/// What one entry of a session's record holds. Entries are appended and never changed; a
/// correction is a new entry that amends an earlier one, with a reason.
public enum SessionEntryContent: Equatable, Sendable {
    /// The pre-treatment checklist as confirmed.
    case checklist(PreTreatmentChecklist)
    /// The administration details.
    case administration(AdministrationDetails)
    /// A rate change, pause or resume.
    case infusionChange(InfusionChange)
    /// One esketamine device used.
    case device(DeviceUse)
    /// Side effects observed.
    case sideEffects(SideEffectObservation)
    /// An adverse event.
    case adverseEvent(SessionAdverseEvent)
    /// The discharge assessment.
    case discharge(DischargeAssessment)
    /// The signed session note.
    case note(SessionNoteText)
    /// An amendment appended to the signed note.
    case noteAmendment(SessionNoteText)
    /// The REMS monitoring form was submitted.
    case remsSubmission(RemsSubmission)
    /// The patient was seated in a chair.
    case chair(String)

    /// The stored kind.
    public var kind: String {
        switch self {
        case .checklist: "checklist"
        case .administration: "administration"
        case .infusionChange: "infusion-change"
        case .device: "device"
        case .sideEffects: "side-effects"
        case .adverseEvent: "adverse-event"
        case .discharge: "discharge-assessment"
        case .note: "note"
        case .noteAmendment: "note-amendment"
        case .remsSubmission: "rems-submission"
        case .chair: "chair"
        }
    }

    /// What the audit trail says about the entry.
    public var auditSummary: String {
        switch self {
        case .checklist: "pre-treatment checklist recorded"
        case .administration(let details): "administration recorded: \(details.product), lot \(details.lotNumber)"
        case .infusionChange(let change): "infusion \(change.kind.displayName.lowercased()): \(change.reason)"
        case .device(let device): "esketamine device \(device.number) recorded"
        case .sideEffects: "side effects recorded"
        case .adverseEvent(let event): "adverse event recorded (\(event.severity.rawValue))"
        case .discharge(let assessment): "discharge assessment: Aldrete \(assessment.aldrete.total)"
        case .note: "session note signed"
        case .noteAmendment: "session note amended"
        case .remsSubmission(let submission): "REMS monitoring form submitted (\(submission.channel.rawValue))"
        case .chair(let chair): "seated in \(chair)"
        }
    }
}

/// One stored entry of a session's record.
public struct SessionEntry: Equatable, Sendable {
    /// The entry's id.
    public let id: UUID
    /// What it holds.
    public let content: SessionEntryContent
    /// When it was recorded.
    public let recordedAt: Date
    /// Who recorded it.
    public let recordedByName: String
    /// The entry it corrects, if any.
    public let amends: UUID?
    /// Why it corrects it.
    public let reason: String?

    /// Creates an entry.
    public init(id: UUID, content: SessionEntryContent, recordedAt: Date, recordedByName: String, amends: UUID?, reason: String?) {
        self.id = id
        self.content = content
        self.recordedAt = recordedAt
        self.recordedByName = recordedByName
        self.amends = amends
        self.reason = reason
    }
}

/// Where a reading came from.
public enum ReadingSource: String, CaseIterable, Codable, Sendable {
    /// Typed by a nurse.
    case nurse
    /// Posted by a monitor gateway through the API.
    case gateway
}

/// One stored vital-sign reading.
public struct StoredVitalReading: Equatable, Sendable {
    /// The reading's id.
    public let id: UUID
    /// When it was taken.
    public let takenAt: Date
    /// When it was stored.
    public let recordedAt: Date
    /// Nurse or gateway.
    public let source: ReadingSource
    /// The values (all empty for a reading struck as entered in error).
    public let values: VitalReading
    /// Who recorded it.
    public let recordedByName: String
    /// The reading it corrects, if any.
    public let amends: UUID?
    /// Why.
    public let reason: String?

    /// Creates a stored reading.
    public init(id: UUID, takenAt: Date, recordedAt: Date, source: ReadingSource, values: VitalReading, recordedByName: String,
                amends: UUID?, reason: String?) {
        self.id = id
        self.takenAt = takenAt
        self.recordedAt = recordedAt
        self.source = source
        self.values = values
        self.recordedByName = recordedByName
        self.amends = amends
        self.reason = reason
    }
}

/// What a nurse did about a vital-sign alert.
public enum VitalAlertAction: String, Codable, CaseIterable, Sendable {
    /// The infusion was slowed, paused or stopped.
    case slowedInfusion = "slowed-infusion", pausedInfusion = "paused-infusion", stoppedInfusion = "stopped-infusion"
    /// A medication was given (named in the note).
    case gaveMedication = "gave-medication"
    /// The physician was told.
    case informedPhysician = "informed-physician"
    /// Watched; nothing else was needed.
    case observed

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .slowedInfusion: "Slowed the infusion"
        case .pausedInfusion: "Paused the infusion"
        case .stoppedInfusion: "Stopped the infusion"
        case .gaveMedication: "Gave a medication"
        case .informedPhysician: "Informed the physician"
        case .observed: "Observed; no action needed"
        }
    }
}

/// A vital-sign alert raised by a reading during a session.
public struct SessionVitalAlert: Equatable, Sendable {
    /// Who acknowledged it, when, and what they did.
    public struct Acknowledgement: Equatable, Sendable {
        /// When.
        public let at: Date
        /// Who.
        public let byName: String
        /// What was done.
        public let action: VitalAlertAction
        /// Details (the medication given, what the physician said…).
        public let note: String?

        /// Creates an acknowledgement.
        public init(at: Date, byName: String, action: VitalAlertAction, note: String?) {
            self.at = at
            self.byName = byName
            self.action = action
            self.note = note
        }
    }

    /// The alert's id.
    public let id: UUID
    /// The session.
    public let sessionID: UUID
    /// The reading that raised it.
    public let readingID: UUID
    /// Stable code, e.g. `systolic-high`.
    public let code: String
    /// What fired.
    public let message: String
    /// When.
    public let raisedAt: Date
    /// When it escalated, if it did.
    public let escalatedAt: Date?
    /// The acknowledgement, once given.
    public let acknowledgement: Acknowledgement?

    /// Creates an alert.
    public init(id: UUID, sessionID: UUID, readingID: UUID, code: String, message: String, raisedAt: Date, escalatedAt: Date?,
                acknowledgement: Acknowledgement?) {
        self.id = id
        self.sessionID = sessionID
        self.readingID = readingID
        self.code = code
        self.message = message
        self.raisedAt = raisedAt
        self.escalatedAt = escalatedAt
        self.acknowledgement = acknowledgement
    }
}
