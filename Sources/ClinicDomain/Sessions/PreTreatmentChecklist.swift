import Foundation

/// Pregnancy status recorded before a dose, where it is relevant.
public enum PregnancyStatus: String, Codable, CaseIterable, Sendable {
    /// Not relevant for this patient.
    case notApplicable = "not-applicable"
    /// The patient confirms she is not pregnant.
    case notPregnantConfirmed = "not-pregnant-confirmed"
    /// A pregnancy test today is negative.
    case testNegative = "test-negative"
    /// Pregnant or a positive test.
    case pregnant
    /// Not yet checked.
    case notChecked = "not-checked"

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .notApplicable: "Not applicable"
        case .notPregnantConfirmed: "Not pregnant (patient confirms)"
        case .testNegative: "Pregnancy test negative"
        case .pregnant: "Pregnant / test positive"
        case .notChecked: "Not checked"
        }
    }
}

/// What the nurse confirmed before the dose. Stored as one entry; a later entry replaces it as
/// the session's current checklist (the earlier one stays in the record).
public struct PreTreatmentChecklist: Codable, Equatable, Sendable {
    /// Identity confirmed (two identifiers).
    public var identityConfirmed: Bool
    /// Treatment consent on file.
    public var consentOnFile: Bool
    /// Fasting as the protocol requires [R15].
    public var fastingConfirmed: Bool
    /// An escort and transport are arranged: no driving until the next day [R14].
    public var escortAndTransportArranged: Bool
    /// Pregnancy status, where relevant.
    public var pregnancy: PregnancyStatus
    /// Esketamine in the US: the patient's REMS enrolment is confirmed [R19][R21].
    public var remsEnrolmentConfirmed: Bool
    /// Anything the nurse adds.
    public var note: String?

    /// Creates a checklist.
    public init(identityConfirmed: Bool, consentOnFile: Bool, fastingConfirmed: Bool, escortAndTransportArranged: Bool,
                pregnancy: PregnancyStatus, remsEnrolmentConfirmed: Bool, note: String? = nil) {
        self.identityConfirmed = identityConfirmed
        self.consentOnFile = consentOnFile
        self.fastingConfirmed = fastingConfirmed
        self.escortAndTransportArranged = escortAndTransportArranged
        self.pregnancy = pregnancy
        self.remsEnrolmentConfirmed = remsEnrolmentConfirmed
        self.note = note
    }

    /// Nothing confirmed yet.
    public static let empty = PreTreatmentChecklist(identityConfirmed: false, consentOnFile: false, fastingConfirmed: false,
                                                    escortAndTransportArranged: false, pregnancy: .notChecked,
                                                    remsEnrolmentConfirmed: false)
}

/// What the checklist is judged against, gathered by the caller from the record: the protocol,
/// the pre-dose reading, the screening, the day's scales.
public struct ChecklistFacts: Equatable, Sendable {
    /// The treatment.
    public var treatment: Treatment
    /// The fasting instruction in force, nil when none applies.
    public var fastingInstruction: String?
    /// True when pregnancy status matters (not for patients recorded as male at birth).
    public var pregnancyRelevant: Bool
    /// The latest reading before the dose.
    public var preDoseReading: VitalReading?
    /// The patient's age today.
    public var ageYears: Int
    /// The blood-pressure gate in force, nil for none.
    public var bloodPressureRule: PreDoseBloodPressureRule?
    /// Why the screening does not allow treatment (missing, not eligible, stale), nil when it does.
    public var screeningProblem: String?
    /// Rating scales the protocol asks for today that are not yet done.
    public var scalesOutstanding: [String]
    /// True when REMS enrolment must be confirmed (esketamine in the US) [R19][R21].
    public var remsRequired: Bool

    /// Creates the facts.
    public init(treatment: Treatment, fastingInstruction: String?, pregnancyRelevant: Bool, preDoseReading: VitalReading?,
                ageYears: Int, bloodPressureRule: PreDoseBloodPressureRule?, screeningProblem: String?, scalesOutstanding: [String],
                remsRequired: Bool) {
        self.treatment = treatment
        self.fastingInstruction = fastingInstruction
        self.pregnancyRelevant = pregnancyRelevant
        self.preDoseReading = preDoseReading
        self.ageYears = ageYears
        self.bloodPressureRule = bloodPressureRule
        self.screeningProblem = screeningProblem
        self.scalesOutstanding = scalesOutstanding
        self.remsRequired = remsRequired
    }
}

/// One line of the judged checklist.
public struct ChecklistItem: Equatable, Sendable, Codable {
    /// Stable key, e.g. `pre-dose-vitals`.
    public let key: String
    /// What is checked.
    public let label: String
    /// True when it passes, false when it fails, nil when it does not apply.
    public let passed: Bool?
    /// Why it fails, or what it found.
    public let detail: String
}

/// The checklist judged against the facts. Dosing may start only when every applicable item
/// passes, or with a prescriber's audited override.
public struct ChecklistEvaluation: Equatable, Sendable, Codable {
    /// Every item, in the order the nurse works through them.
    public let items: [ChecklistItem]

    /// True when no applicable item fails.
    public var passed: Bool { items.allSatisfy { $0.passed != false } }
    /// The failing items.
    public var failures: [ChecklistItem] { items.filter { $0.passed == false } }

    /// Judges `checklist` against `facts`.
    public init(_ checklist: PreTreatmentChecklist, facts: ChecklistFacts) {
        var items: [ChecklistItem] = []
        func add(_ key: String, _ label: String, _ passed: Bool?, _ detail: String) {
            items.append(ChecklistItem(key: key, label: label, passed: passed, detail: detail))
        }
        add("identity", "Identity confirmed", checklist.identityConfirmed, checklist.identityConfirmed ? "Confirmed." : "Confirm two identifiers.")
        add("consent", "Consent on file", checklist.consentOnFile, checklist.consentOnFile ? "On file." : "Treatment consent is not confirmed.")
        if let instruction = facts.fastingInstruction {
            add("fasting", "Fasting as the protocol requires", checklist.fastingConfirmed,
                checklist.fastingConfirmed ? "Confirmed: \(instruction)" : "Not confirmed: \(instruction)")
        } else {
            add("fasting", "Fasting as the protocol requires", nil, "The protocol sets no fasting rule.")
        }
        add("escort", "Escort and transport arranged", checklist.escortAndTransportArranged,
            checklist.escortAndTransportArranged ? "Arranged; no driving until the next day [R14]."
                : "Arrange an escort and transport: no driving until the next day [R14].")
        if facts.pregnancyRelevant {
            switch checklist.pregnancy {
            case .notPregnantConfirmed, .testNegative: add("pregnancy", "Pregnancy status", true, checklist.pregnancy.displayName + ".")
            case .pregnant: add("pregnancy", "Pregnancy status", false, "Pregnant: a prescriber must decide.")
            case .notApplicable, .notChecked: add("pregnancy", "Pregnancy status", false, "Record the pregnancy status.")
            }
        } else {
            add("pregnancy", "Pregnancy status", nil, "Not relevant for this patient.")
        }
        Self.addVitals(facts, add)
        if facts.scalesOutstanding.isEmpty {
            add("scales", "Same-day rating scales", true, "None outstanding.")
        } else {
            add("scales", "Same-day rating scales", false, "Due today: " + facts.scalesOutstanding.joined(separator: ", ") + ".")
        }
        add("screening", "Signed screening, eligible and current", facts.screeningProblem == nil,
            facts.screeningProblem ?? "Eligible and current.")
        if facts.remsRequired {
            add("rems", "REMS patient enrolment confirmed", checklist.remsEnrolmentConfirmed,
                checklist.remsEnrolmentConfirmed ? "Confirmed [R19][R21]." : "Confirm enrolment before the first treatment [R19][R21].")
        } else {
            add("rems", "REMS patient enrolment confirmed", nil, "Not required for this treatment or jurisdiction.")
        }
        self.items = items
    }

    private static func addVitals(_ facts: ChecklistFacts, _ add: (String, String, Bool?, String) -> Void) {
        let label = "Pre-dose vital signs"
        guard let reading = facts.preDoseReading, let systolic = reading.systolic, let diastolic = reading.diastolic,
              reading.heartRate != nil else {
            add("pre-dose-vitals", label, false, "Record blood pressure and heart rate before the dose.")
            return
        }
        if facts.treatment == .esketamine, reading.oxygenSaturation == nil {
            add("pre-dose-vitals", label, false, "Record pulse oximetry: required every esketamine session [R14].")
            return
        }
        if let rule = facts.bloodPressureRule, let refusal = rule.refusal(systolic: systolic, diastolic: diastolic, ageYears: facts.ageYears) {
            add("pre-dose-vitals", label, false, refusal)
            return
        }
        add("pre-dose-vitals", label, true, "BP \(systolic)/\(diastolic) within the pre-dose gate.")
    }
}
