/// What a member of staff does at the clinic; it decides what they may see and change.
///
/// Each user has exactly one role. The permissions of each role are in ``AccessMatrix`` and
/// in `docs/permissions.md`.
public enum Role: String, CaseIterable, Codable, Sendable {
    /// Runs the clinic's system: users, settings, the audit trail.
    case administrator
    /// Physician or nurse practitioner who assesses patients and prescribes.
    case prescriber
    /// Nurse who prepares and monitors treatment sessions.
    case nurse
    /// Front desk: registration and scheduling.
    case frontDesk = "front_desk"

    /// The role's name as staff say it.
    public var title: String {
        switch self {
        case .administrator: "Administrator"
        case .prescriber: "Prescriber"
        case .nurse: "Nurse"
        case .frontDesk: "Front desk"
        }
    }

    /// Parses a role as typed on the command line or in a form: `front_desk`, `front-desk` or `Front desk`.
    public init?(parsing text: String) {
        let key = text.trimmed.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        self.init(rawValue: key)
    }
}
