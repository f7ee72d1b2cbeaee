/// The medical history screening reads (§3.3 for IV ketamine, §2.2 for esketamine).
public struct MedicalHistory: Equatable, Sendable, Codable {
    /// Hypertension and whether it is controlled.
    public enum Hypertension: String, CaseIterable, Sendable, Codable {
        /// Not present, controlled by treatment, or not controlled.
        case none, controlled, uncontrolled
    }

    /// Cardiac rhythm disorder and whether it is controlled.
    public enum Arrhythmia: String, CaseIterable, Sendable, Codable {
        /// Not present, controlled by treatment, or not controlled.
        case none, controlled, uncontrolled
    }

    /// Hepatic impairment by Child-Pugh class (esketamine: B monitor longer, C not recommended [R25]).
    public enum HepaticImpairment: String, CaseIterable, Sendable, Codable {
        /// No impairment, or its Child-Pugh class.
        case none, childPughA = "child_pugh_a", childPughB = "child_pugh_b", childPughC = "child_pugh_c"

        /// The label forms show.
        public var displayName: String {
            switch self {
            case .none: "None"
            case .childPughA: "Child-Pugh A (mild)"
            case .childPughB: "Child-Pugh B (moderate)"
            case .childPughC: "Child-Pugh C (severe)"
            }
        }
    }

    /// Thyroid disease (untreated hyperthyroidism contraindicates ketamine [R33]).
    public enum Thyroid: String, CaseIterable, Sendable, Codable {
        /// No thyroid disease, or its kind and treatment.
        case none, hypothyroid, hyperthyroidTreated = "hyperthyroid_treated", hyperthyroidUntreated = "hyperthyroid_untreated"
    }

    /// Pulmonary disease (significant insufficiency is an esketamine precaution [R22];
    /// oxygen dependence excluded patients from a ketamine trial [R40]).
    public enum PulmonaryDisease: String, CaseIterable, Sendable, Codable {
        /// None, present (e.g. COPD), or needing oxygen.
        case none, present, oxygenDependent = "oxygen_dependent"
    }

    /// Pregnancy status (pregnancy and lactation were trial exclusions [R41-tbl]; pre-eclampsia
    /// contraindicates ketamine [R33]).
    public enum Pregnancy: String, CaseIterable, Sendable, Codable {
        /// Not pregnant, pregnant, or pregnant with pre-eclampsia/eclampsia.
        case notPregnant = "not_pregnant", pregnant, preEclampsia = "pre_eclampsia"
    }

    /// A dated cardiovascular or cerebrovascular event.
    public struct VascularEvent: Equatable, Sendable, Codable {
        /// What kind of event.
        public enum Kind: String, CaseIterable, Sendable, Codable {
            /// The event kinds screening distinguishes.
            case myocardialInfarction = "myocardial_infarction", stroke, transientIschaemicAttack = "tia", otherCardiovascular = "other_cardiovascular"

            /// The label forms show.
            public var displayName: String {
                switch self {
                case .myocardialInfarction: "Myocardial infarction"
                case .stroke: "Stroke"
                case .transientIschaemicAttack: "Transient ischaemic attack"
                case .otherCardiovascular: "Other cardiovascular event"
                }
            }

            /// True for the cerebrovascular kinds ("prior cerebrovascular insult" [R33]).
            public var isCerebrovascular: Bool { self == .stroke || self == .transientIschaemicAttack }
        }

        /// What happened.
        public var kind: Kind
        /// When it happened.
        public var occurredOn: CalendarDate

        /// Creates an event.
        public init(kind: Kind, occurredOn: CalendarDate) {
            self.kind = kind
            self.occurredOn = occurredOn
        }
    }

    /// Hypertension and its control (uncontrolled: contraindication for IV ketamine [R33][R41-tbl]).
    public var hypertension: Hypertension
    /// Ischaemic heart disease [R34][R40].
    public var ischaemicHeartDisease: Bool
    /// Heart failure [R40].
    public var heartFailure: Bool
    /// Arrhythmia and its control [R41-tbl][R40][R22].
    public var arrhythmia: Arrhythmia
    /// Prolonged QT interval [R40].
    public var prolongedQT: Bool
    /// Dated myocardial infarctions, strokes and other events, newest first [R22][R33].
    public var vascularEvents: [VascularEvent]
    /// Aneurysmal vascular disease (thoracic or abdominal aorta, intracranial, peripheral) [R13].
    public var aneurysmalVascularDisease: Bool
    /// Arteriovenous malformation [R13].
    public var arteriovenousMalformation: Bool
    /// History of intracerebral haemorrhage [R13].
    public var intracerebralHaemorrhage: Bool
    /// Raised intracranial pressure or an intracranial mass [R34][R40].
    public var raisedIntracranialPressure: Bool
    /// Raised intraocular pressure or an open eye injury [R34][R41].
    public var raisedIntraocularPressure: Bool
    /// Hepatic impairment by Child-Pugh class [R25][R32][R40].
    public var hepaticImpairment: HepaticImpairment
    /// On dialysis [R40].
    public var dialysis: Bool
    /// Thyroid disease [R33].
    public var thyroid: Thyroid
    /// Bladder disease or interstitial/ulcerative cystitis [R25][R9-ODT].
    public var bladderDisease: Bool
    /// Pregnancy status [R41-tbl][R33].
    public var pregnancy: Pregnancy
    /// Breastfeeding [R41-tbl].
    public var breastfeeding: Bool
    /// Sleep apnoea; with BMI ≥ 35 an esketamine precaution [R22].
    public var sleepApnoea: Bool
    /// Pulmonary disease [R22][R40].
    public var pulmonaryDisease: PulmonaryDisease
    /// Anything else the prescriber wants on record.
    public var notes: String?

    /// Nothing reported.
    public static let none = MedicalHistory()

    /// Creates a history; everything defaults to "not present".
    public init(hypertension: Hypertension = .none, ischaemicHeartDisease: Bool = false, heartFailure: Bool = false,
                arrhythmia: Arrhythmia = .none, prolongedQT: Bool = false, vascularEvents: [VascularEvent] = [],
                aneurysmalVascularDisease: Bool = false, arteriovenousMalformation: Bool = false,
                intracerebralHaemorrhage: Bool = false, raisedIntracranialPressure: Bool = false,
                raisedIntraocularPressure: Bool = false, hepaticImpairment: HepaticImpairment = .none,
                dialysis: Bool = false, thyroid: Thyroid = .none, bladderDisease: Bool = false,
                pregnancy: Pregnancy = .notPregnant, breastfeeding: Bool = false, sleepApnoea: Bool = false,
                pulmonaryDisease: PulmonaryDisease = .none, notes: String? = nil) {
        self.hypertension = hypertension
        self.ischaemicHeartDisease = ischaemicHeartDisease
        self.heartFailure = heartFailure
        self.arrhythmia = arrhythmia
        self.prolongedQT = prolongedQT
        self.vascularEvents = vascularEvents
        self.aneurysmalVascularDisease = aneurysmalVascularDisease
        self.arteriovenousMalformation = arteriovenousMalformation
        self.intracerebralHaemorrhage = intracerebralHaemorrhage
        self.raisedIntracranialPressure = raisedIntracranialPressure
        self.raisedIntraocularPressure = raisedIntraocularPressure
        self.hepaticImpairment = hepaticImpairment
        self.dialysis = dialysis
        self.thyroid = thyroid
        self.bladderDisease = bladderDisease
        self.pregnancy = pregnancy
        self.breastfeeding = breastfeeding
        self.sleepApnoea = sleepApnoea
        self.pulmonaryDisease = pulmonaryDisease
        self.notes = notes
    }

    /// The history with trimmed notes, or field errors (an event dated in the future, or
    /// pregnancy recorded for a patient male at birth).
    public func validated(today: CalendarDate, sexAtBirth: SexAtBirth) throws(FieldErrors) -> MedicalHistory {
        var errors = FieldErrors()
        var copy = self
        copy.notes = IntakeText.optional(notes, field: "notes", limit: 2000, into: &errors)
        if vascularEvents.contains(where: { $0.occurredOn > today }) {
            errors.add("vascularEvents", "A cardiovascular or cerebrovascular event is dated in the future.")
        }
        if sexAtBirth == .male, pregnancy != .notPregnant || breastfeeding {
            errors.add("pregnancy", "Pregnancy or breastfeeding is recorded for a patient male at birth; check the entry.")
        }
        copy.vascularEvents.sort { $0.occurredOn > $1.occurredOn }
        try errors.throwIfAny()
        return copy
    }
}
