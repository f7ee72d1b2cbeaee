/// A diagnosis on the chart, coded in ICD-10. KetaClinic accepts the families it treats:
/// depressive episode F32.x, recurrent depressive disorder F33.x [R59], bipolar disorder F31.x
/// (bipolar depression; mania is screened separately), generalised anxiety F41.1 and PTSD F43.1.
public struct Diagnosis: Equatable, Sendable, Codable {
    /// The ICD-10 code, upper case with its dot, e.g. `F33.2`.
    public var icd10: String
    /// The day of onset or diagnosis, when known.
    public var diagnosedOn: CalendarDate?
    /// Free-text qualifier.
    public var note: String?

    /// Creates a diagnosis; call ``validated(today:)`` on user input.
    public init(icd10: String, diagnosedOn: CalendarDate? = nil, note: String? = nil) {
        self.icd10 = icd10
        self.diagnosedOn = diagnosedOn
        self.note = note
    }

    /// The code normalised, or the field errors.
    public func validated(today: CalendarDate) throws(FieldErrors) -> Diagnosis {
        var errors = FieldErrors()
        let code = Self.normalised(icd10)
        if code.isEmpty {
            errors.add("icd10", "Enter the ICD-10 code, for example F33.2.")
        } else if Self.family(of: code) == nil {
            errors.add("icd10", "Use an ICD-10 code KetaClinic treats: F32.x, F33.x, F31.x, F41.1 or F43.1.")
        }
        if let diagnosedOn, diagnosedOn > today { errors.add("diagnosedOn", "The diagnosis date is in the future.") }
        let note = IntakeText.optional(note, field: "note", limit: 300, into: &errors)
        try errors.throwIfAny()
        return Diagnosis(icd10: code, diagnosedOn: diagnosedOn, note: note)
    }

    /// The family a code belongs to.
    public enum Family: String, Sendable, CaseIterable {
        case depressiveEpisode = "F32"
        case recurrentDepressiveDisorder = "F33"
        case bipolarDisorder = "F31"
        case generalisedAnxiety = "F41.1"
        case postTraumaticStress = "F43.1"

        /// The family's ICD-10 title.
        public var title: String {
            switch self {
            case .depressiveEpisode: "Depressive episode"
            case .recurrentDepressiveDisorder: "Recurrent depressive disorder"
            case .bipolarDisorder: "Bipolar affective disorder"
            case .generalisedAnxiety: "Generalised anxiety disorder"
            case .postTraumaticStress: "Post-traumatic stress disorder"
            }
        }
    }

    /// The family of `code`, or nil when KetaClinic does not accept it.
    public static func family(of code: String) -> Family? {
        let pattern = code.split(separator: ".", maxSplits: 1).map(String.init)
        guard pattern.count == 2, !pattern[1].isEmpty, pattern[1].count <= 3,
              pattern[1].allSatisfy({ $0.isNumber || ($0.isLetter && $0.isUppercase) }) else { return nil }
        switch pattern[0] {
        case "F32": return .depressiveEpisode
        case "F33": return .recurrentDepressiveDisorder
        case "F31": return .bipolarDisorder
        case "F41": return pattern[1].hasPrefix("1") ? .generalisedAnxiety : nil
        case "F43": return pattern[1].hasPrefix("1") ? .postTraumaticStress : nil
        default: return nil
        }
    }

    /// The titles of the codes in the reference (§8.3 [R59]); other accepted codes show their family.
    public static let knownTitles: [String: String] = [
        "F32.0": "Depressive episode, mild", "F32.1": "Depressive episode, moderate",
        "F32.2": "Depressive episode, severe, without psychotic features",
        "F32.3": "Depressive episode, severe, with psychotic features",
        "F33.9": "Recurrent depressive disorder, unspecified",
    ]

    /// The title shown beside the code.
    public var title: String {
        Self.knownTitles[icd10] ?? Self.family(of: icd10)?.title ?? icd10
    }

    /// SNOMED CT concept where the reference gives one: 370143000 "Major depressive disorder"
    /// for the depressive families [R58]. Nil for the others (no code in the reference).
    public var snomedCode: String? {
        switch Self.family(of: icd10) {
        case .depressiveEpisode, .recurrentDepressiveDisorder: "370143000"
        default: nil
        }
    }

    /// True for the depressive families, where treatment-resistance staging applies.
    public var isDepressive: Bool { snomedCode != nil || Self.family(of: icd10) == .bipolarDisorder }

    private static func normalised(_ text: String) -> String {
        var code = text.trimmed.uppercased().replacingOccurrences(of: " ", with: "")
        if code.count >= 4, !code.contains("."), code.hasPrefix("F") {
            code.insert(".", at: code.index(code.startIndex, offsetBy: 3))
        }
        return code
    }
}
