/// A recorded allergy or adverse drug reaction. Hypersensitivity to ketamine, esketamine or an
/// excipient contraindicates both treatments [R13][R34-label]; a prior adverse reaction to
/// ketamine is listed as a contraindication in [R34].
public struct Allergy: Equatable, Sendable, Codable {
    /// How serious the reaction was.
    public enum Severity: String, CaseIterable, Sendable, Codable {
        /// The severity grades, "unknown" when not recorded.
        case mild, moderate, severe, unknown

        /// The label forms show.
        public var displayName: String { rawValue.capitalized }
    }

    /// The substance, as written on the chart (e.g. "penicillin", "ketamine").
    public var substance: String
    /// What happened, in the clinician's words.
    public var reaction: String?
    /// How serious it was.
    public var severity: Severity

    /// Creates an allergy; call ``validated()`` on user input.
    public init(substance: String, reaction: String? = nil, severity: Severity = .unknown) {
        self.substance = substance
        self.reaction = reaction
        self.severity = severity
    }

    /// Trimmed, or the field errors.
    public func validated() throws(FieldErrors) -> Allergy {
        var errors = FieldErrors()
        let substance = IntakeText.required(substance, field: "substance", label: "the substance", limit: 120, into: &errors)
        let reaction = IntakeText.optional(reaction, field: "reaction", limit: 300, into: &errors)
        try errors.throwIfAny()
        return Allergy(substance: substance, reaction: reaction, severity: severity)
    }

    /// True when the substance is ketamine or esketamine (or arketamine): the screening rule
    /// for hypersensitivity reads this.
    public var involvesKetamine: Bool { substance.lowercased().contains("ketamine") }
}
