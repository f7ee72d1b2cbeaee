import ClinicDomain

/// A lifecycle command staff give a session from the page or the API, by its stable name.
enum SessionCommand: String, CaseIterable, Sendable {
    case checkIn = "check-in"
    case beginChecks = "begin-checks"
    case startDosing = "start-dosing"
    case endDosing = "end-dosing"
    case readyForDischarge = "ready-for-discharge"
    case discharge
    case stopEarly = "stop-early"
    case cancel
    case noShow = "no-show"

    /// The button's label.
    var label: String {
        switch self {
        case .checkIn: "Check in"
        case .beginChecks: "Begin pre-treatment checks"
        case .startDosing: "Start dosing"
        case .endDosing: "End dosing"
        case .readyForDischarge: "Mark ready for discharge"
        case .discharge: "Discharge"
        case .stopEarly: "Stop session early"
        case .cancel: "Cancel session"
        case .noShow: "Mark no-show"
        }
    }

    /// The permission the command needs.
    var permission: Permission {
        switch self {
        case .checkIn, .cancel, .noShow: .sessionsCheckIn
        default: .sessionsRun
        }
    }

    /// True when the command needs a reason of its own (not an override).
    var needsReason: Bool { self == .stopEarly || self == .cancel }

    /// True for the steps that end a session short of its course: the page shows them apart from
    /// the next step, as secondary actions, and cancel and stop early ask for a reason first.
    var isDestructive: Bool { self == .stopEarly || self == .cancel || self == .noShow }

    /// True when the command passes a hard stop that a prescriber may override.
    var isGated: Bool { self == .startDosing || self == .readyForDischarge || self == .discharge }

    /// The commands that make sense in `state`, in the order the page offers them.
    static func available(in state: TreatmentSessionState) -> [SessionCommand] {
        switch state {
        case .scheduled: [.checkIn, .noShow, .cancel]
        case .checkedIn: [.beginChecks, .cancel]
        case .preTreatmentChecks: [.startDosing, .cancel]
        case .dosing: [.endDosing, .stopEarly]
        case .observation: [.readyForDischarge, .stopEarly]
        case .readyForDischarge: [.discharge, .stopEarly]
        case .discharged, .stoppedEarly, .cancelled, .noShow: []
        }
    }
}
