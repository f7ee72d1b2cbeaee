import Foundation

/// A side effect the nurse looks for during a session.
public enum SessionSymptom: String, Codable, CaseIterable, Sendable {
    /// Common transient effects.
    case nausea, vomiting, dizziness, headache
    /// Blurred vision.
    case blurredVision = "blurred-vision"
    /// Anxiety during or after the dose.
    case anxiety
    /// Distressing perceptions or agitation on emerging from the dose.
    case emergenceReaction = "emergence-reaction"

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .nausea: "Nausea"
        case .vomiting: "Vomiting"
        case .dizziness: "Dizziness"
        case .headache: "Headache"
        case .blurredVision: "Blurred vision"
        case .anxiety: "Anxiety"
        case .emergenceReaction: "Emergence reaction"
        }
    }
}

/// One observation of side effects: dissociation (CADSS), sedation (MOAA/S), symptoms.
public struct SideEffectObservation: Codable, Equatable, Sendable {
    /// When.
    public var at: Date
    /// CADSS total, 0–92 for the 23-item version used in esketamine trials [R49].
    public var cadssTotal: Int?
    /// MOAA/S, 0 (no response) to 5 (responds readily to name spoken in a normal tone).
    public var moaas: Int?
    /// Symptoms seen.
    public var symptoms: [SessionSymptom]
    /// Respiratory depression seen (REMS asks) [R19].
    public var respiratoryDepression: Bool
    /// Anything else.
    public var note: String?

    /// Creates an observation.
    public init(at: Date, cadssTotal: Int?, moaas: Int?, symptoms: [SessionSymptom], respiratoryDepression: Bool = false, note: String? = nil) {
        self.at = at
        self.cadssTotal = cadssTotal
        self.moaas = moaas
        self.symptoms = symptoms
        self.respiratoryDepression = respiratoryDepression
        self.note = note
    }

    /// CADSS total above which the esketamine trials counted dissociation [R27].
    public static let dissociationAbove = 4   // [R27]
    /// Highest 23-item CADSS total (23 × 4, derived [R49]).
    public static let cadssMaximum = 92       // [R49], derived

    /// True when the CADSS total shows dissociation (> 4) [R27].
    public var dissociation: Bool { (cadssTotal ?? 0) > Self.dissociationAbove }
    /// True when MOAA/S is below 5 (any sedation); 0 is loss of consciousness [R13][R18].
    public var sedation: Bool { (moaas ?? 5) < 5 }
    /// True when MOAA/S is 0: loss of consciousness [R13][R18].
    public var lossOfConsciousness: Bool { moaas == 0 }

    /// The observation, or field errors.
    public func validated() throws(FieldErrors) -> SideEffectObservation {
        var errors = FieldErrors()
        if let cadss = cadssTotal, !(0...Self.cadssMaximum).contains(cadss) { errors.add("cadssTotal", "Enter a CADSS total from 0 to 92.") }
        if let moaas, !(0...5).contains(moaas) { errors.add("moaas", "Enter MOAA/S from 0 to 5.") }
        if cadssTotal == nil, moaas == nil, symptoms.isEmpty, !respiratoryDepression, note?.nilIfEmpty == nil {
            errors.add("cadssTotal", "Record at least one finding (CADSS, MOAA/S, a symptom or a note).")
        }
        try errors.throwIfAny()
        var clean = self
        clean.note = note?.nilIfEmpty
        return clean
    }
}

/// An adverse event during a session, with what was done and how it ended.
public struct SessionAdverseEvent: Codable, Equatable, Sendable {
    /// Severity.
    public enum Severity: String, Codable, CaseIterable, Sendable {
        /// Graded by the clinician.
        case mild, moderate, severe
        /// A threat to life.
        case lifeThreatening = "life-threatening"

        /// The name shown to users.
        public var displayName: String { self == .lifeThreatening ? "Life-threatening" : rawValue.capitalized }
    }

    /// Outcome.
    public enum Outcome: String, Codable, CaseIterable, Sendable {
        /// Where the event stands at the end of the session.
        case resolved, improving, ongoing
        /// The patient was sent to emergency care.
        case transferred = "transferred"

        /// The name shown to users.
        public var displayName: String { self == .transferred ? "Transferred to emergency care" : rawValue.capitalized }
    }

    /// When it began.
    public var at: Date
    /// What happened.
    public var description: String
    /// How bad.
    public var severity: Severity
    /// True when serious (hospitalisation, life-threatening, disability…): reportable.
    public var serious: Bool
    /// What was done.
    public var interventions: String
    /// How it ended.
    public var outcome: Outcome

    /// Creates an adverse event.
    public init(at: Date, description: String, severity: Severity, serious: Bool, interventions: String, outcome: Outcome) {
        self.at = at
        self.description = description
        self.severity = severity
        self.serious = serious
        self.interventions = interventions
        self.outcome = outcome
    }

    /// The event, or field errors.
    public func validated() throws(FieldErrors) -> SessionAdverseEvent {
        var errors = FieldErrors()
        var clean = self
        clean.description = description.trimmed
        clean.interventions = interventions.trimmed
        if clean.description.isEmpty { errors.add("description", "Describe what happened.") }
        if clean.interventions.isEmpty { errors.add("interventions", "Say what was done (or “none”).") }
        try errors.throwIfAny()
        return clean
    }
}
