import Foundation

/// The parts of a patient's intake record. Each stored item belongs to one section; some
/// sections hold one item (the medical history), others a list (allergies, weighings).
public enum RecordSection: String, CaseIterable, Sendable, Codable {
    /// One case per section; the raw value is stored.
    case contact
    case emergencyContact = "emergency_contact"
    case height
    case weight
    case allergy
    case medication
    case diagnosis
    case psychiatricHistory = "psychiatric_history"
    case medicalHistory = "medical_history"
    case vitalSigns = "vital_signs"
    case trial
    case episode
    /// Corrections of the registered identity (name, date of birth, sex, gender identity).
    case identity

    /// True when the section holds a single item that later entries amend.
    public var isSingle: Bool {
        switch self {
        case .contact, .emergencyContact, .height, .psychiatricHistory, .medicalHistory, .episode, .identity: true
        case .weight, .allergy, .medication, .diagnosis, .vitalSigns, .trial: false
        }
    }

    /// The name staff read, singular.
    public var displayName: String {
        switch self {
        case .contact: "contact details"
        case .emergencyContact: "escort / emergency contact"
        case .height: "height"
        case .weight: "weight"
        case .allergy: "allergy"
        case .medication: "medication"
        case .diagnosis: "diagnosis"
        case .psychiatricHistory: "psychiatric history"
        case .medicalHistory: "medical history"
        case .vitalSigns: "vital signs"
        case .trial: "treatment trial"
        case .episode: "current episode"
        case .identity: "identity"
        }
    }
}

/// Who wrote one version of a record item, when, and why. Items are never changed in place:
/// a correction is a new version with a reason, and a retraction is a version with no content.
public struct RecordItemVersion: Equatable, Sendable, Codable {
    /// 1 for the first entry, then 2, 3… for each amendment.
    public var version: Int
    /// When it was written.
    public var recordedAt: Date
    /// The user who wrote it.
    public var recordedBy: String
    /// Why it was amended or retracted; nil on a first entry.
    public var reason: String?
    /// True when this version withdraws the item (entered in error, no longer taken…).
    public var isRetraction: Bool

    /// Assembles stored metadata.
    public init(version: Int, recordedAt: Date, recordedBy: String, reason: String?, isRetraction: Bool) {
        self.version = version
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.reason = reason
        self.isRetraction = isRetraction
    }
}

/// A reason for amending or retracting an item: required, so no clinical entry changes silently.
public enum AmendmentReason {
    /// The trimmed reason, or a field error under `reason`.
    public static func validated(_ text: String?) throws(FieldErrors) -> String {
        var errors = FieldErrors()
        let reason = text?.trimmed ?? ""
        if reason.count < 3 {
            errors.add("reason", "Say why the entry is being corrected or withdrawn (who asked, what was wrong).")
        } else if reason.count > 500 {
            errors.add("reason", "Use at most 500 characters.")
        }
        try errors.throwIfAny()
        return reason
    }
}

extension RecordSection {
    /// The type stored in this section.
    public var valueType: any RecordValue.Type {
        switch self {
        case .contact: ContactDetails.self
        case .emergencyContact: EmergencyContact.self
        case .height: HeightMeasurement.self
        case .weight: WeightMeasurement.self
        case .allergy: Allergy.self
        case .medication: Medication.self
        case .diagnosis: Diagnosis.self
        case .psychiatricHistory: PsychiatricHistory.self
        case .medicalHistory: MedicalHistory.self
        case .vitalSigns: VitalSigns.self
        case .trial: AntidepressantTrial.self
        case .episode: DepressiveEpisode.self
        case .identity: PatientRegistration.self
        }
    }

    /// True for the sections front-desk staff keep (contact details and escort); the others are
    /// clinical and need the intake permission.
    public var isContact: Bool { self == .contact || self == .emergencyContact || self == .identity }

    /// The permission that adding to or amending this section needs.
    public var editPermission: Permission {
        self == .identity ? .patientsRegister : isContact ? .patientsContact : .patientsIntake
    }

    /// The path segment in URLs: `emergency-contact`, `vital-signs`…
    public var slug: String { rawValue.replacingOccurrences(of: "_", with: "-") }

    /// The section named by a URL segment.
    public init?(slug: String) { self.init(rawValue: slug.replacingOccurrences(of: "-", with: "_")) }
}
