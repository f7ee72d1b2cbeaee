/// A value that is stored as an item of a patient's intake record.
public protocol RecordValue: Codable, Sendable, Equatable {
    /// The section items of this type belong to.
    static var section: RecordSection { get }
    /// A short line for the audit trail and the item's history, e.g. "penicillin (severe)".
    var auditSummary: String { get }
    /// The value cleaned up, or field errors keyed by its JSON field names.
    func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self
}

/// What validation of a record item may depend on besides the item itself.
public struct RecordValidationContext: Sendable {
    /// The clinic's date: nothing may be dated after it.
    public var today: CalendarDate
    /// The patient's sex at birth (pregnancy checks).
    public var sexAtBirth: SexAtBirth

    /// Creates a context.
    public init(today: CalendarDate, sexAtBirth: SexAtBirth) {
        self.today = today
        self.sexAtBirth = sexAtBirth
    }
}

extension ContactDetails: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated() }
    public static var section: RecordSection { .contact }
    public var auditSummary: String { [phone, email].compactMap { $0 }.joined(separator: ", ") }
}

extension EmergencyContact: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated() }
    public static var section: RecordSection { .emergencyContact }
    public var auditSummary: String { name + (isEscort ? " (escort)" : "") }
}

extension HeightMeasurement: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated(today: context.today) }
    public static var section: RecordSection { .height }
    public var auditSummary: String { "\(BodyMetrics.format(centimetres)) cm on \(measuredOn)" }
}

extension WeightMeasurement: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated(today: context.today) }
    public static var section: RecordSection { .weight }
    public var auditSummary: String { "\(BodyMetrics.format(kilograms)) kg on \(measuredOn)" }
}

extension Allergy: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated() }
    public static var section: RecordSection { .allergy }
    public var auditSummary: String { "\(substance) (\(severity.rawValue))" }
}

extension Medication: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated() }
    public static var section: RecordSection { .medication }
    public var auditSummary: String {
        let classes = sortedClasses.map(\.displayName).joined(separator: ", ")
        return classes.isEmpty ? name : "\(name) [\(classes)]"
    }
}

extension Diagnosis: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated(today: context.today) }
    public static var section: RecordSection { .diagnosis }
    public var auditSummary: String { "\(icd10) \(title)" }
}

extension PsychiatricHistory: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated() }
    public static var section: RecordSection { .psychiatricHistory }
    public var auditSummary: String {
        let flags = [(psychosis, "psychosis"), (mania, "mania"), (activeSubstanceUseDisorder, "substance use disorder"),
                     (ketamineMisuse, "ketamine misuse"), (recentHallucinogenOrCannabis, "recent hallucinogen/cannabis")]
            .filter(\.0).map(\.1)
        return flags.isEmpty ? "nothing of note" : flags.joined(separator: ", ")
    }
}

extension MedicalHistory: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated(today: context.today, sexAtBirth: context.sexAtBirth) }
    public static var section: RecordSection { .medicalHistory }
    public var auditSummary: String { "\(MedicalHistoryFindings.list(self).count) conditions recorded" }
}

extension VitalSigns: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated(today: context.today) }
    public static var section: RecordSection { .vitalSigns }
    public var auditSummary: String { "BP \(bloodPressureText), HR \(heartRate) on \(measuredOn)" }
}

extension AntidepressantTrial: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated(today: context.today) }
    public static var section: RecordSection { .trial }
    public var auditSummary: String { "\(treatment) from \(startedOn): \(outcome.displayName)" }
}

extension DepressiveEpisode: RecordValue {
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated(today: context.today) }
    public static var section: RecordSection { .episode }
    public var auditSummary: String { "since \(startedOn), \(severity.displayName.lowercased())" }
}

extension PatientRegistration: RecordValue {
    public static var section: RecordSection { .identity }
    public func validated(in context: RecordValidationContext) throws(FieldErrors) -> Self { try validated(today: context.today) }
    public var auditSummary: String {
        "\(familyName), \(givenName), born \(dateOfBirth), \(sexAtBirth.rawValue)" + (genderIdentity.map { ", \($0)" } ?? "")
    }
}

/// The medical history as a list of plain-language findings, for the chart and the audit line.
public enum MedicalHistoryFindings {
    /// Every condition recorded as present, in words.
    public static func list(_ h: MedicalHistory) -> [String] {
        var out: [String] = []
        switch h.hypertension {
        case .none: break
        case .controlled: out.append("Hypertension, controlled")
        case .uncontrolled: out.append("Hypertension, uncontrolled")
        }
        if h.ischaemicHeartDisease { out.append("Ischaemic heart disease") }
        if h.heartFailure { out.append("Heart failure") }
        switch h.arrhythmia {
        case .none: break
        case .controlled: out.append("Arrhythmia, controlled")
        case .uncontrolled: out.append("Arrhythmia, uncontrolled")
        }
        if h.prolongedQT { out.append("Prolonged QT") }
        out += h.vascularEvents.map { "\($0.kind.displayName) on \($0.occurredOn)" }
        if h.aneurysmalVascularDisease { out.append("Aneurysmal vascular disease") }
        if h.arteriovenousMalformation { out.append("Arteriovenous malformation") }
        if h.intracerebralHaemorrhage { out.append("Intracerebral haemorrhage") }
        if h.raisedIntracranialPressure { out.append("Raised intracranial pressure / intracranial mass") }
        if h.raisedIntraocularPressure { out.append("Raised intraocular pressure / open eye injury") }
        if h.hepaticImpairment != .none { out.append("Hepatic impairment: \(h.hepaticImpairment.displayName)") }
        if h.dialysis { out.append("Dialysis") }
        switch h.thyroid {
        case .none: break
        case .hypothyroid: out.append("Hypothyroidism")
        case .hyperthyroidTreated: out.append("Hyperthyroidism, treated")
        case .hyperthyroidUntreated: out.append("Hyperthyroidism, untreated")
        }
        if h.bladderDisease { out.append("Bladder disease / cystitis") }
        switch h.pregnancy {
        case .notPregnant: break
        case .pregnant: out.append("Pregnant")
        case .preEclampsia: out.append("Pregnant, pre-eclampsia/eclampsia")
        }
        if h.breastfeeding { out.append("Breastfeeding") }
        if h.sleepApnoea { out.append("Sleep apnoea") }
        switch h.pulmonaryDisease {
        case .none: break
        case .present: out.append("Pulmonary disease")
        case .oxygenDependent: out.append("Pulmonary disease, oxygen-dependent")
        }
        return out
    }
}
