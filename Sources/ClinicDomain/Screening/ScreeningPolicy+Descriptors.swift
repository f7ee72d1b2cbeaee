extension ScreeningPolicy {
    /// Where a setting's default comes from.
    public enum SettingStatus: String, Sendable, Codable, CaseIterable {
        /// The default is a value the reference sources (label, guideline or trial); a clinic may tighten it.
        case sourced
        /// The reference has no value (NOT FOUND); the default is clinic policy, documented with its basis.
        case policy
    }

    /// How the administrator page shows and checks one setting.
    public struct SettingDescriptor: Sendable, Equatable {
        /// The property name, also the form field and the key of validation errors.
        public let field: String
        /// The form label.
        public let label: String
        /// One or two sentences under the field.
        public let help: String
        /// The unit shown after the value.
        public let unit: String
        /// The default value.
        public let defaultValue: Double
        /// Sourced value or clinic policy.
        public let status: SettingStatus
        /// Source keys that support the default (or the value it borrows).
        public let sources: [String]
        /// Values the form accepts.
        public let allowedRange: ClosedRange<Double>
        /// True when the value must be a whole number.
        public let isWholeNumber: Bool
    }

    /// Every setting, in the order the administrator page shows them.
    public static let descriptors: [SettingDescriptor] = [
        .init(field: "restingSystolicLimit", label: "Resting systolic limit",
              help: "Above this resting systolic pressure racemic ketamine is contraindicated and esketamine needs a caution. The Swiss ketamine SmPC contraindicates >180/100 mmHg at rest; a psychiatric stop threshold was NOT FOUND, so the limit is clinic policy.",
              unit: "mmHg", defaultValue: 180, status: .policy, sources: ["R33"], allowedRange: 120...220, isWholeNumber: true),
        .init(field: "restingDiastolicLimit", label: "Resting diastolic limit",
              help: "Above this resting diastolic pressure the same rule fires. Default from the Swiss ketamine SmPC (>180/100 at rest); clinic policy.",
              unit: "mmHg", defaultValue: 100, status: .policy, sources: ["R33"], allowedRange: 70...130, isWholeNumber: true),
        .init(field: "esketamineSystolicGuide", label: "Esketamine pre-dose systolic guide",
              help: "The US label's general guide: if BP is above 140/90 before dosing, weigh benefit against risk.",
              unit: "mmHg", defaultValue: 140, status: .sourced, sources: ["R16"], allowedRange: 110...180, isWholeNumber: true),
        .init(field: "esketamineDiastolicGuide", label: "Esketamine pre-dose diastolic guide",
              help: "Diastolic part of the esketamine pre-dose guide (>140/90 mmHg).",
              unit: "mmHg", defaultValue: 90, status: .sourced, sources: ["R16"], allowedRange: 60...110, isWholeNumber: true),
        .init(field: "minimumSystolic", label: "Lowest resting systolic pressure",
              help: "A ketamine trial excluded patients with systolic pressure below 90 mmHg.",
              unit: "mmHg", defaultValue: 90, status: .sourced, sources: ["R40"], allowedRange: 70...110, isWholeNumber: true),
        .init(field: "minimumOxygenSaturation", label: "Lowest resting SpO₂",
              help: "A ketamine trial excluded patients with baseline SpO₂ below 95 %.",
              unit: "%", defaultValue: 95, status: .sourced, sources: ["R40"], allowedRange: 85...100, isWholeNumber: true),
        .init(field: "minimumHeartRate", label: "Lowest resting heart rate",
              help: "A ketamine trial excluded heart rates below 50 per minute.",
              unit: "/min", defaultValue: 50, status: .sourced, sources: ["R40"], allowedRange: 30...70, isWholeNumber: true),
        .init(field: "maximumHeartRate", label: "Highest resting heart rate",
              help: "A ketamine trial excluded heart rates above 120 per minute.",
              unit: "/min", defaultValue: 120, status: .sourced, sources: ["R40"], allowedRange: 90...150, isWholeNumber: true),
        .init(field: "minimumRespiratoryRate", label: "Lowest resting respiratory rate",
              help: "A ketamine trial excluded respiratory rates below 10 per minute.",
              unit: "/min", defaultValue: 10, status: .sourced, sources: ["R40"], allowedRange: 6...14, isWholeNumber: true),
        .init(field: "maximumRespiratoryRate", label: "Highest resting respiratory rate",
              help: "A ketamine trial excluded respiratory rates above 30 per minute.",
              unit: "/min", defaultValue: 30, status: .sourced, sources: ["R40"], allowedRange: 20...40, isWholeNumber: true),
        .init(field: "maximumLorazepamEquivalentMgPerDay", label: "Benzodiazepine cap",
              help: "Trials excluded more than 3 mg lorazepam-equivalent per day. Above the cap racemic ketamine is contraindicated and esketamine needs a caution.",
              unit: "mg/day", defaultValue: 3, status: .sourced, sources: ["R41-tbl"], allowedRange: 0...10, isWholeNumber: false),
        .init(field: "recentCardiovascularEventDays", label: "Recent cardiovascular event window (ketamine)",
              help: "Days after a myocardial infarction, stroke or other cardiovascular event during which racemic ketamine is contraindicated. No IV ketamine value was found (NOT FOUND); the default borrows the esketamine EU SmPC's 6 weeks.",
              unit: "days", defaultValue: 42, status: .policy, sources: ["R22"], allowedRange: 14...730, isWholeNumber: true),
        .init(field: "esketamineRecentCardiovascularEventDays", label: "Recent cardiovascular event window (esketamine)",
              help: "The EU/UK SmPC contraindicates esketamine within 6 weeks of a cardiovascular event including MI. Elsewhere the same window gives a caution. May be lengthened, not shortened.",
              unit: "days", defaultValue: 42, status: .sourced, sources: ["R22"], allowedRange: 42...730, isWholeNumber: true),
        .init(field: "sleepApnoeaBodyMassIndex", label: "Sleep apnoea BMI threshold",
              help: "Sleep apnoea with morbid obesity (BMI ≥ 35) is an esketamine precaution.",
              unit: "kg/m²", defaultValue: 35, status: .sourced, sources: ["R22"], allowedRange: 25...50, isWholeNumber: false),
        .init(field: "idealWeightDosingBodyMassIndex", label: "Ideal-body-weight dosing BMI",
              help: "The 2017 consensus suggested dosing ketamine on ideal body weight especially at BMI ≥ 30 (information only; the evidence conflicts).",
              unit: "kg/m²", defaultValue: 30, status: .sourced, sources: ["R2"], allowedRange: 25...50, isWholeNumber: false),
        .init(field: "minimumStudiedWeightKg", label: "Lightest studied weight",
              help: "A ketamine trial excluded patients under 45 kg (information only).",
              unit: "kg", defaultValue: 45, status: .sourced, sources: ["R40"], allowedRange: 25...80, isWholeNumber: false),
        .init(field: "maximumStudiedWeightKg", label: "Heaviest studied weight",
              help: "A ketamine trial excluded patients over 115 kg (information only).",
              unit: "kg", defaultValue: 115, status: .sourced, sources: ["R40"], allowedRange: 80...350, isWholeNumber: false),
        .init(field: "esketamineReducedStartAge", label: "Esketamine reduced start age",
              help: "Under the EU/UK SmPC patients of 65 or over start esketamine at 28 mg on day 1.",
              unit: "years", defaultValue: 65, status: .sourced, sources: ["R22"], allowedRange: 50...80, isWholeNumber: true),
    ]
}
