/// The psychiatric history screening needs: psychosis and mania contraindicate IV ketamine in
/// trials [R34][R41-tbl]; substance use needs care with esketamine [R14] and excluded patients
/// from trials [R41-tbl][R41].
public struct PsychiatricHistory: Equatable, Sendable, Codable {
    /// Schizophrenia or any psychotic disorder, past or present.
    public var psychosis: Bool
    /// A manic or hypomanic episode, past or present.
    public var mania: Bool
    /// An active substance use disorder.
    public var activeSubstanceUseDisorder: Bool
    /// Non-medical use of ketamine or PCP, ever.
    public var ketamineMisuse: Bool
    /// Hallucinogen or cannabis use in the last month.
    public var recentHallucinogenOrCannabis: Bool
    /// Anything else the prescriber wants on record.
    public var notes: String?

    /// Nothing reported.
    public static let none = PsychiatricHistory()

    /// Creates a history; everything defaults to "not present".
    public init(psychosis: Bool = false, mania: Bool = false, activeSubstanceUseDisorder: Bool = false,
                ketamineMisuse: Bool = false, recentHallucinogenOrCannabis: Bool = false, notes: String? = nil) {
        self.psychosis = psychosis
        self.mania = mania
        self.activeSubstanceUseDisorder = activeSubstanceUseDisorder
        self.ketamineMisuse = ketamineMisuse
        self.recentHallucinogenOrCannabis = recentHallucinogenOrCannabis
        self.notes = notes
    }

    /// Trimmed notes, or the field errors.
    public func validated() throws(FieldErrors) -> PsychiatricHistory {
        var errors = FieldErrors()
        var copy = self
        copy.notes = IntakeText.optional(notes, field: "notes", limit: 2000, into: &errors)
        try errors.throwIfAny()
        return copy
    }
}
