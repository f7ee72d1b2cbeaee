import ClinicDomain

/// One input of an intake form. Its name is the JSON field name of the record value, so the
/// form, the API and the validation messages all speak of the same field.
public struct IntakeField: Sendable {
    /// How the field is entered.
    public enum Kind: Sendable {
        /// One line of text.
        case text
        /// Several lines of text.
        case longText
        /// A decimal number with its unit.
        case number(unit: String)
        /// A whole number with its unit.
        case integer(unit: String)
        /// A calendar date.
        case date
        /// One of fixed choices (stored value, label).
        case select([Choice])
        /// A yes/no tick box.
        case checkbox
        /// The medication interaction classes, one tick box each.
        case interactionClasses
        /// Up to three dated cardiovascular or cerebrovascular events.
        case vascularEvents
    }

    /// A choice of a select field.
    public struct Choice: Sendable {
        /// The stored value.
        public let value: String
        /// The label shown.
        public let label: String
    }

    /// JSON field name and form input name.
    public let name: String
    /// The label shown.
    public let label: String
    /// How it is entered.
    public let kind: Kind
    /// Whether the value must be given.
    public let required: Bool
    /// A hint under the label.
    public let hint: String?

    init(_ name: String, _ label: String, _ kind: Kind, required: Bool = false, hint: String? = nil) {
        self.name = name
        self.label = label
        self.kind = kind
        self.required = required
        self.hint = hint
    }

    static func choices<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ label: (E) -> String) -> Kind
    where E.RawValue == String {
        .select(E.allCases.map { Choice(value: $0.rawValue, label: label($0)) })
    }
}

/// The form of each intake section: which fields it has, in order.
public struct IntakeFormSpec: Sendable {
    /// The section the form edits.
    public let section: RecordSection
    /// The form's heading, e.g. "Add an allergy".
    public let title: String
    /// The fields in order.
    public let fields: [IntakeField]

    /// The form for `section`.
    public static func of(_ section: RecordSection) -> IntakeFormSpec {
        switch section {
        case .contact:
            IntakeFormSpec(section: section, title: "Contact details", fields: [
                IntakeField("phone", "Telephone", .text), IntakeField("email", "Email", .text),
                IntakeField("address", "Address", .text)])
        case .emergencyContact:
            IntakeFormSpec(section: section, title: "Escort / emergency contact", fields: [
                IntakeField("name", "Name", .text, required: true),
                IntakeField("relationship", "Relationship", .text),
                IntakeField("phone", "Telephone", .text, required: true),
                IntakeField("isEscort", "Usually takes the patient home after sessions", .checkbox,
                            hint: "Patients may not drive until the next day after a treatment [R14].")])
        case .height:
            IntakeFormSpec(section: section, title: "Height", fields: [
                IntakeField("centimetres", "Height", .number(unit: "cm"), required: true, hint: "In centimetres, e.g. 172."),
                IntakeField("measuredOn", "Measured on", .date, required: true)])
        case .weight:
            IntakeFormSpec(section: section, title: "Weight", fields: [
                IntakeField("kilograms", "Weight", .number(unit: "kg"), required: true, hint: "In kilograms, e.g. 72.5."),
                IntakeField("measuredOn", "Weighed on", .date, required: true)])
        case .allergy:
            IntakeFormSpec(section: section, title: "Allergy or adverse reaction", fields: [
                IntakeField("substance", "Substance", .text, required: true),
                IntakeField("reaction", "Reaction", .text),
                IntakeField("severity", "Severity", IntakeField.choices(Allergy.Severity.self) { $0.displayName }, required: true)])
        case .medication:
            IntakeFormSpec(section: section, title: "Current medication", fields: [
                IntakeField("name", "Drug", .text, required: true, hint: "Generic name, e.g. lamotrigine."),
                IntakeField("dose", "Dose and schedule", .text),
                IntakeField("classes", "Interaction classes", .interactionClasses,
                            hint: "Tick every class that applies; screening reads these (§3.4)."),
                IntakeField("lorazepamEquivalentMgPerDay", "Lorazepam-equivalent dose", .number(unit: "mg/day"),
                            hint: "Benzodiazepines only: the total daily dose as lorazepam equivalent.")])
        case .diagnosis:
            IntakeFormSpec(section: section, title: "Diagnosis", fields: [
                IntakeField("icd10", "ICD-10 code", .text, required: true, hint: "F32.x, F33.x, F31.x, F41.1 or F43.1."),
                IntakeField("diagnosedOn", "Diagnosed on", .date),
                IntakeField("note", "Note", .text)])
        case .psychiatricHistory:
            IntakeFormSpec(section: section, title: "Psychiatric history", fields: [
                IntakeField("psychosis", "Psychosis or schizophrenia, past or present", .checkbox),
                IntakeField("mania", "Mania or hypomania, past or present", .checkbox),
                IntakeField("activeSubstanceUseDisorder", "Active substance use disorder", .checkbox),
                IntakeField("ketamineMisuse", "Non-medical ketamine or PCP use, ever", .checkbox),
                IntakeField("recentHallucinogenOrCannabis", "Hallucinogen or cannabis use in the last month", .checkbox),
                IntakeField("notes", "Notes", .longText)])
        case .medicalHistory:
            IntakeFormSpec(section: section, title: "Medical history", fields: [
                IntakeField("hypertension", "Hypertension", IntakeField.choices(MedicalHistory.Hypertension.self) { $0.rawValue.capitalized }, required: true),
                IntakeField("ischaemicHeartDisease", "Ischaemic heart disease", .checkbox),
                IntakeField("heartFailure", "Heart failure", .checkbox),
                IntakeField("arrhythmia", "Arrhythmia", IntakeField.choices(MedicalHistory.Arrhythmia.self) { $0.rawValue.capitalized }, required: true),
                IntakeField("prolongedQT", "Prolonged QT interval", .checkbox),
                IntakeField("vascularEvents", "Cardiovascular or cerebrovascular events", .vascularEvents,
                            hint: "Myocardial infarction, stroke, TIA… with the date."),
                IntakeField("aneurysmalVascularDisease", "Aneurysmal vascular disease (aorta, intracranial, peripheral)", .checkbox),
                IntakeField("arteriovenousMalformation", "Arteriovenous malformation", .checkbox),
                IntakeField("intracerebralHaemorrhage", "History of intracerebral haemorrhage", .checkbox),
                IntakeField("raisedIntracranialPressure", "Raised intracranial pressure or intracranial mass", .checkbox),
                IntakeField("raisedIntraocularPressure", "Raised intraocular pressure or open eye injury", .checkbox),
                IntakeField("hepaticImpairment", "Hepatic impairment", IntakeField.choices(MedicalHistory.HepaticImpairment.self) { $0.displayName }, required: true),
                IntakeField("dialysis", "On dialysis", .checkbox),
                IntakeField("thyroid", "Thyroid disease", IntakeField.choices(MedicalHistory.Thyroid.self) { ThyroidLabel.text($0) }, required: true),
                IntakeField("bladderDisease", "Bladder disease or cystitis", .checkbox),
                IntakeField("pregnancy", "Pregnancy", IntakeField.choices(MedicalHistory.Pregnancy.self) { PregnancyLabel.text($0) }, required: true),
                IntakeField("breastfeeding", "Breastfeeding", .checkbox),
                IntakeField("sleepApnoea", "Sleep apnoea", .checkbox),
                IntakeField("pulmonaryDisease", "Pulmonary disease", IntakeField.choices(MedicalHistory.PulmonaryDisease.self) { PulmonaryLabel.text($0) }, required: true),
                IntakeField("notes", "Notes", .longText)])
        case .vitalSigns:
            IntakeFormSpec(section: section, title: "Baseline vital signs", fields: [
                IntakeField("systolic", "Systolic pressure", .integer(unit: "mmHg"), required: true),
                IntakeField("diastolic", "Diastolic pressure", .integer(unit: "mmHg"), required: true),
                IntakeField("heartRate", "Heart rate", .integer(unit: "/min"), required: true),
                IntakeField("oxygenSaturation", "SpO₂", .integer(unit: "%")),
                IntakeField("respiratoryRate", "Respiratory rate", .integer(unit: "/min")),
                IntakeField("measuredOn", "Measured on", .date, required: true)])
        case .trial:
            IntakeFormSpec(section: section, title: "Antidepressant, ECT or TMS trial", fields: [
                IntakeField("kind", "Kind", IntakeField.choices(AntidepressantTrial.Kind.self) { $0.displayName }, required: true),
                IntakeField("treatment", "Drug or treatment", .text, required: true),
                IntakeField("drugClass", "Antidepressant class", IntakeField.choices(AntidepressantTrial.DrugClass.self) { $0.displayName },
                            hint: "Antidepressants only."),
                IntakeField("dose", "Dose", .text),
                IntakeField("adequateDose", "The dose was adequate", .checkbox),
                IntakeField("startedOn", "Started on", .date, required: true),
                IntakeField("endedOn", "Ended on", .date, hint: "Leave empty while ongoing."),
                IntakeField("outcome", "Outcome", IntakeField.choices(AntidepressantTrial.Outcome.self) { $0.displayName }, required: true),
                IntakeField("optimised", "The dose was optimised during the trial", .checkbox),
                IntakeField("augmentation", "Augmenting agent", .text, hint: "e.g. aripiprazole, lithium."),
                IntakeField("ectPlacement", "ECT placement", IntakeField.choices(AntidepressantTrial.ECTPlacement.self) { $0.rawValue.capitalized },
                            hint: "ECT only."),
                IntakeField("inCurrentEpisode", "Part of the current episode", .checkbox)])
        case .identity:
            IntakeFormSpec(section: section, title: "Identity", fields: [
                IntakeField("givenName", "Given name", .text, required: true),
                IntakeField("familyName", "Family name", .text, required: true),
                IntakeField("dateOfBirth", "Date of birth", .date, required: true),
                IntakeField("sexAtBirth", "Sex at birth", IntakeField.choices(SexAtBirth.self) { $0.displayName }, required: true),
                IntakeField("genderIdentity", "Gender identity", .text, hint: "In the patient's own words.")])
        case .episode:
            IntakeFormSpec(section: section, title: "Current depressive episode", fields: [
                IntakeField("startedOn", "Began on", .date, required: true, hint: "An estimate is fine."),
                IntakeField("severity", "Severity now", IntakeField.choices(DepressiveEpisode.Severity.self) { $0.displayName }, required: true)])
        }
    }

    /// The field names the API accepts for this section's JSON body.
    public var fieldNames: Set<String> { Set(fields.map(\.name)) }
}

enum ThyroidLabel {
    static func text(_ value: MedicalHistory.Thyroid) -> String {
        switch value {
        case .none: "None"
        case .hypothyroid: "Hypothyroidism"
        case .hyperthyroidTreated: "Hyperthyroidism, treated"
        case .hyperthyroidUntreated: "Hyperthyroidism, untreated"
        }
    }
}

enum PregnancyLabel {
    static func text(_ value: MedicalHistory.Pregnancy) -> String {
        switch value {
        case .notPregnant: "Not pregnant"
        case .pregnant: "Pregnant"
        case .preEclampsia: "Pregnant with pre-eclampsia/eclampsia"
        }
    }
}

enum PulmonaryLabel {
    static func text(_ value: MedicalHistory.PulmonaryDisease) -> String {
        switch value {
        case .none: "None"
        case .present: "Present (e.g. COPD)"
        case .oxygenDependent: "Oxygen-dependent"
        }
    }
}
