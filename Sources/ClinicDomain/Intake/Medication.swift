/// Drug classes that change what screening says about ketamine or esketamine (§3.4).
public enum InteractionClass: String, CaseIterable, Sendable, Codable {
    /// Sedation with esketamine; on the REMS form; trials cap ≤ 3 mg lorazepam-equivalent [R19][R41-tbl].
    case benzodiazepine
    /// Lamotrigine and other NMDA-active drugs (acamprosate, memantine, riluzole, lithium):
    /// excluded in trials; lamotrigine attenuates ketamine's effects [R41][R49-Bremner].
    case nmdaActive = "nmda_active"
    /// Monoamine-oxidase inhibitors: blood pressure rises [R28].
    case maoi
    /// Psychostimulants: blood pressure rises; on the REMS form [R19].
    case psychostimulant
    /// Opioids: additive sedation and respiratory effects [R19-video][R15-goodrx].
    case opioid
    /// Theophylline or aminophylline: may lower the seizure threshold with ketamine [R32].
    case theophylline
    /// Non-benzodiazepine sedative-hypnotics ("Z-drugs"): CNS depressants that add sedation with
    /// esketamine; asked on the REMS monitoring form [R19][R13].
    case sedativeHypnotic = "sedative_hypnotic"

    /// The label forms and the chart show.
    public var displayName: String {
        switch self {
        case .benzodiazepine: "Benzodiazepine"
        case .nmdaActive: "Lamotrigine / NMDA-active"
        case .maoi: "MAOI"
        case .psychostimulant: "Psychostimulant"
        case .opioid: "Opioid"
        case .theophylline: "Theophylline / aminophylline"
        case .sedativeHypnotic: "Non-benzodiazepine sedative-hypnotic"
        }
    }

    /// Generic names known to belong to each class, so the form can suggest the tags. The
    /// prescriber's tags are what screening reads; this list only helps them.
    public static let knownDrugs: [String: InteractionClass] = [
        "alprazolam": .benzodiazepine, "chlordiazepoxide": .benzodiazepine, "clobazam": .benzodiazepine,
        "clonazepam": .benzodiazepine, "diazepam": .benzodiazepine, "lorazepam": .benzodiazepine,
        "midazolam": .benzodiazepine, "oxazepam": .benzodiazepine, "temazepam": .benzodiazepine,
        "lamotrigine": .nmdaActive, "acamprosate": .nmdaActive, "memantine": .nmdaActive,
        "riluzole": .nmdaActive, "lithium": .nmdaActive,
        "phenelzine": .maoi, "tranylcypromine": .maoi, "isocarboxazid": .maoi, "selegiline": .maoi,
        "moclobemide": .maoi,
        "methylphenidate": .psychostimulant, "dexmethylphenidate": .psychostimulant,
        "amphetamine": .psychostimulant, "dextroamphetamine": .psychostimulant,
        "lisdexamfetamine": .psychostimulant, "modafinil": .psychostimulant, "armodafinil": .psychostimulant,
        "morphine": .opioid, "oxycodone": .opioid, "hydrocodone": .opioid, "hydromorphone": .opioid,
        "codeine": .opioid, "tramadol": .opioid, "tapentadol": .opioid, "fentanyl": .opioid,
        "methadone": .opioid, "buprenorphine": .opioid,
        "theophylline": .theophylline, "aminophylline": .theophylline,
        "zolpidem": .sedativeHypnotic, "zaleplon": .sedativeHypnotic, "zopiclone": .sedativeHypnotic,
        "eszopiclone": .sedativeHypnotic,
    ]

    /// The classes suggested for a drug name (first word, case-insensitive).
    public static func suggested(for drugName: String) -> Set<InteractionClass> {
        let words = drugName.lowercased().split(whereSeparator: { !$0.isLetter })
        return Set(words.compactMap { knownDrugs[String($0)] })
    }
}

/// A medication the patient currently takes.
public struct Medication: Equatable, Sendable, Codable {
    /// Drug name, generic preferred.
    public var name: String
    /// Dose and schedule as prescribed, e.g. "1 mg twice daily".
    public var dose: String?
    /// The interaction classes the prescriber tagged.
    public var classes: Set<InteractionClass>
    /// Total daily dose as lorazepam-equivalent milligrams; required for benzodiazepines,
    /// because trials excluded more than 3 mg/day [R41-tbl]. The conversion is the prescriber's.
    public var lorazepamEquivalentMgPerDay: Double?

    /// Creates a medication; call ``validated()`` on user input.
    public init(name: String, dose: String? = nil, classes: Set<InteractionClass> = [],
                lorazepamEquivalentMgPerDay: Double? = nil) {
        self.name = name
        self.dose = dose
        self.classes = classes
        self.lorazepamEquivalentMgPerDay = lorazepamEquivalentMgPerDay
    }

    /// Trimmed, or the field errors.
    public func validated() throws(FieldErrors) -> Medication {
        var errors = FieldErrors()
        let name = IntakeText.required(name, field: "name", label: "the drug name", limit: 120, into: &errors)
        let dose = IntakeText.optional(dose, field: "dose", limit: 120, into: &errors)
        // A drug whose class is known cannot be saved without it: screening reads the tags (§3.4).
        let missing = InteractionClass.allCases.filter { InteractionClass.suggested(for: name).contains($0) && !classes.contains($0) }
        if !missing.isEmpty {
            errors.add("classes", "\(name) is \(missing.map { $0.displayName }.joined(separator: " and ")): tick that class.")
        }
        if classes.contains(.benzodiazepine) {
            if let equivalent = lorazepamEquivalentMgPerDay {
                if !equivalent.isFinite || equivalent <= 0 || equivalent > 100 {
                    errors.add("lorazepamEquivalentMgPerDay", "Enter the daily lorazepam-equivalent dose in mg, between 0 and 100.")
                }
            } else {
                errors.add("lorazepamEquivalentMgPerDay", "Enter the daily lorazepam-equivalent dose in mg for a benzodiazepine.")
            }
        } else if lorazepamEquivalentMgPerDay != nil {
            errors.add("lorazepamEquivalentMgPerDay", "A lorazepam-equivalent dose applies only to benzodiazepines; tick that class or clear the dose.")
        }
        try errors.throwIfAny()
        return Medication(name: name, dose: dose, classes: classes, lorazepamEquivalentMgPerDay: lorazepamEquivalentMgPerDay)
    }

    /// The classes sorted as ``InteractionClass/allCases`` lists them.
    public var sortedClasses: [InteractionClass] { InteractionClass.allCases.filter(classes.contains) }
}
