import Foundation

/// The Spravato REMS Patient Monitoring Form (outpatient) for one esketamine session, filled from
/// the session's record and the patient's, the clinic's and the monitoring provider's details
/// [R19] (clinical reference §2.4; peers §3.3). Every field the form asks for is here; a value
/// that cannot be derived is nil and, when the form marks it required (*), named in
/// ``missingFields`` so staff know what to complete. It is due 7 calendar days after the
/// treatment [R19][R21].
public struct RemsMonitoringForm: Codable, Equatable, Sendable {
    /// The form's sex choices.
    public enum Sex: String, CaseIterable, Codable, Sendable {
        case male = "Male", female = "Female", other = "Other"
    }

    /// The form's dose choices: 56 mg (2 devices), 84 mg (3 devices) or another amount [R14].
    public enum Dose: Codable, Equatable, Sendable {
        /// The form's two boxes: 56 mg and 84 mg.
        case mg56, mg84
        /// Any other amount, written in.
        case other(milligrams: Int)

        /// The dose for `devices` devices of 28 mg each [R14].
        public init(devices: Int) {
            self.init(milligrams: devices * DeviceUse.milligramsPerDevice)   // 28 mg per device [R14]
        }

        /// Milligrams given.
        public var milligrams: Int {
            switch self {
            case .mg56: 56
            case .mg84: 84
            case .other(let milligrams): milligrams
            }
        }

        /// The dose for `milligrams`.
        public init(milligrams: Int) {
            self = milligrams == 56 ? .mg56 : milligrams == 84 ? .mg84 : .other(milligrams: milligrams)   // 2 or 3 devices [R14]
        }

        /// Decodes milligrams.
        public init(from decoder: any Decoder) throws {
            self.init(milligrams: try decoder.singleValueContainer().decode(Int.self))
        }

        /// Encodes milligrams.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(milligrams)
        }

        /// As the form shows it.
        public var text: String {
            switch self {
            case .mg56: "56 mg"
            case .mg84: "84 mg"
            case .other(let milligrams): "Other: \(milligrams) mg"
            }
        }
    }

    /// A blood pressure, mmHg.
    public struct BloodPressure: Codable, Equatable, Sendable {
        /// Systolic.
        public let systolic: Int
        /// Diastolic.
        public let diastolic: Int
        /// When it was taken.
        public let takenAt: Date

        /// Creates a value.
        public init(systolic: Int, diastolic: Int, takenAt: Date) {
            self.systolic = systolic
            self.diastolic = diastolic
            self.takenAt = takenAt
        }

        /// "128/80".
        public var text: String { "\(systolic)/\(diastolic)" }

        init?(_ reading: StoredVitalReading?) {
            guard let reading, let systolic = reading.values.systolic, let diastolic = reading.values.diastolic else { return nil }
            self.init(systolic: systolic, diastolic: diastolic, takenAt: reading.takenAt)
        }
    }

    /// The healthcare provider who monitored the patient.
    public struct Provider: Codable, Equatable, Sendable {
        /// First name.
        public var firstName: String
        /// Last name.
        public var lastName: String
        /// Email.
        public var email: String

        /// Creates a provider.
        public init(firstName: String, lastName: String, email: String) {
            self.firstName = firstName
            self.lastName = lastName
            self.email = email
        }

        /// A provider from a display name ("Grace Monitor": first word, then the rest) and email.
        public init(displayName: String, email: String) {
            let words = displayName.trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            self.init(firstName: words.first ?? "", lastName: words.dropFirst().joined(separator: " "), email: email)
        }
    }

    /// What the form is built from besides the session's record.
    public struct Facts: Equatable, Sendable {
        /// The patient's registration.
        public var patient: PatientRegistration
        /// The patient's current medications from the intake record; nil when no record exists.
        public var medications: [Medication]?
        /// True when no esketamine session of this patient was dosed before this one.
        public var isFirstTreatment: Bool
        /// The clinic's name (used when the REMS details give no setting name).
        public var clinicName: String
        /// The clinic's REMS details.
        public var setting: RemsSettingDetails
        /// The staff member who monitored the patient, when known; else the details' designated provider.
        public var monitoringProvider: Provider?
        /// The clinic's session policy (the pre-dose gate and alert limits).
        public var policy: SessionPolicy

        /// Creates facts.
        public init(patient: PatientRegistration, medications: [Medication]?, isFirstTreatment: Bool, clinicName: String,
                    setting: RemsSettingDetails, monitoringProvider: Provider?, policy: SessionPolicy) {
            self.patient = patient
            self.medications = medications
            self.isFirstTreatment = isFirstTreatment
            self.clinicName = clinicName
            self.setting = setting
            self.monitoringProvider = monitoringProvider
            self.policy = policy
        }
    }

    /// Minutes after the first device at which the ~40-minute blood pressure is taken [R14][R17].
    public static let bloodPressurePeakMinutes = 40       // [R14][R17]
    /// The minimum monitoring, minutes from the first device [R13][R19].
    public static let minimumMonitoringMinutes = 120      // [R13][R19]
    /// Calendar days after the treatment within which the form is submitted [R19][R21].
    public static let dueWithinDays = 7                   // [R19][R21]

    // MARK: Fields

    /// The session.
    public let sessionID: UUID
    /// The patient.
    public let patientID: UUID
    /// Patient first name*.
    public let patientFirstName: String?
    /// Middle initial (the clinic records no middle name: always empty).
    public let middleInitial: String?
    /// Patient last name*.
    public let patientLastName: String?
    /// Birthdate* (MM/DD/YYYY).
    public let birthdate: String?
    /// Sex* (Male/Female/Other).
    public let sex: Sex?
    /// First treatment?* (no esketamine session dosed before this one).
    public let firstTreatment: Bool
    /// Enrolled in the REMS?* (the pre-treatment checklist's confirmation) [R19][R21].
    public let enrolledInRems: Bool?
    /// Concomitant benzodiazepines*.
    public let benzodiazepines: Bool?
    /// Concomitant non-benzodiazepine sedative-hypnotics*.
    public let nonBenzodiazepineSedativeHypnotics: Bool?
    /// Concomitant psychostimulants*.
    public let psychostimulants: Bool?
    /// Concomitant MAOIs*.
    public let maois: Bool?
    /// Concomitant opioids* (newer form [R19-video]).
    public let opioids: Bool?
    /// Monitoring HCP first name*.
    public let hcpFirstName: String?
    /// Monitoring HCP last name*.
    public let hcpLastName: String?
    /// Monitoring HCP telephone*.
    public let hcpTelephone: String?
    /// Monitoring HCP email*.
    public let hcpEmail: String?
    /// Healthcare setting name*.
    public let settingName: String?
    /// Address 1*.
    public let address1: String?
    /// Address 2.
    public let address2: String?
    /// City*.
    public let city: String?
    /// State*.
    public let state: String?
    /// ZIP*.
    public let zip: String?
    /// Treatment date*.
    public let treatmentDate: CalendarDate
    /// Dose administered* (devices × 28 mg [R14]).
    public let dose: Dose?
    /// Lot number(s).
    public let lotNumbers: [String]
    /// Total treatment duration*: minutes from the first device to the end of monitoring [R19].
    public let totalDurationMinutes: Int?
    /// The REMS evaluation question*: minutes after the first device at which the patient would
    /// have been ready to leave without the 2-hour rule [R19].
    public let readyWithoutMinimumMinutes: Int?
    /// Vital signs within acceptable range before administration?* (the pre-dose BP gate).
    public let vitalsAcceptableBeforeAdministration: Bool?
    /// Vital signs within acceptable range before the session ended?* (no alert on the last reading).
    public let vitalsAcceptableBeforeCompletion: Bool?
    /// Blood pressure before administration*.
    public let bloodPressureBeforeAdministration: BloodPressure?
    /// Blood pressure about 40 minutes after the first device* [R14][R17].
    public let bloodPressureAt40Minutes: BloodPressure?
    /// Blood pressure before the session ended*.
    public let bloodPressureBeforeCompletion: BloodPressure?
    /// Did the patient experience sedation?*
    public let sedation: Bool?
    /// Dissociation?* (CADSS > 4 [R27]).
    public let dissociation: Bool?
    /// Respiratory depression?*
    public let respiratoryDepression: Bool?
    /// A serious adverse event?*
    public let seriousAdverseEvent: Bool
    /// The day the form is due: the treatment date + 7 calendar days [R19][R21].
    public let dueOn: CalendarDate
    /// Every required (*) field that could not be filled, by its label on the form.
    public let missingFields: [String]

    /// True when every required field is filled.
    public var isComplete: Bool { missingFields.isEmpty }
    /// True when the total duration is below the 2-hour minimum [R13][R19].
    public var durationBelowMinimum: Bool { totalDurationMinutes.map { $0 < Self.minimumMonitoringMinutes } ?? false }

    /// The form for `record` (an esketamine session), given `facts`.
    public init(record: TreatmentSessionRecord, facts: Facts) {
        let patient = facts.patient
        sessionID = record.session.id
        patientID = record.session.patientID
        patientFirstName = patient.givenName.trimmed.nilIfEmpty
        middleInitial = nil
        patientLastName = patient.familyName.trimmed.nilIfEmpty
        let born = patient.dateOfBirth
        birthdate = String(format: "%02d/%02d/%04d", born.month, born.day, born.year)
        sex = switch patient.sexAtBirth { case .male: .male; case .female: .female; case .unknown: .other }
        firstTreatment = facts.isFirstTreatment
        enrolledInRems = record.checklist?.remsEnrolmentConfirmed
        func taking(_ interaction: InteractionClass) -> Bool? { facts.medications.map { $0.contains { $0.classes.contains(interaction) } } }
        benzodiazepines = taking(.benzodiazepine)
        nonBenzodiazepineSedativeHypnotics = taking(.sedativeHypnotic)
        psychostimulants = taking(.psychostimulant)
        maois = taking(.maoi)
        opioids = taking(.opioid)
        let setting = facts.setting
        let provider = facts.monitoringProvider
            ?? Provider(firstName: setting.monitoringFirstName, lastName: setting.monitoringLastName, email: setting.monitoringEmail)
        hcpFirstName = provider.firstName.trimmed.nilIfEmpty
        hcpLastName = provider.lastName.trimmed.nilIfEmpty
        hcpEmail = provider.email.trimmed.nilIfEmpty
        hcpTelephone = setting.telephone.trimmed.nilIfEmpty
        settingName = setting.settingName.trimmed.nilIfEmpty ?? facts.clinicName.trimmed.nilIfEmpty
        address1 = setting.address1.trimmed.nilIfEmpty
        address2 = setting.address2.trimmed.nilIfEmpty
        city = setting.city.trimmed.nilIfEmpty
        state = setting.state.trimmed.nilIfEmpty
        zip = setting.zip.trimmed.nilIfEmpty
        treatmentDate = record.session.date
        dueOn = record.session.date.adding(days: Self.dueWithinDays)   // [R19][R21]
        dose = record.devices.isEmpty ? nil : Dose(devices: record.devices.count)
        var lots: [String] = []
        for entry in record.currentEntries {
            if case .administration(let details) = entry.content, !lots.contains(details.lotNumber) { lots.append(details.lotNumber) }
        }
        lotNumbers = lots
        let start = record.doseStartedAt
        if let start, let end = record.closedAt, record.session.state == .discharged || record.session.state == .stoppedEarly {
            totalDurationMinutes = Int(saturating: end.timeIntervalSince(start) / 60)
        } else {
            totalDurationMinutes = nil
        }
        readyWithoutMinimumMinutes = record.dischargeAssessment?.readyWithoutMinimumMinutes
        let baseline = record.baseline
        bloodPressureBeforeAdministration = BloodPressure(baseline)
        if let baseline, let systolic = baseline.values.systolic, let diastolic = baseline.values.diastolic {
            let age = patient.dateOfBirth.age(on: record.session.date)
            vitalsAcceptableBeforeAdministration = facts.policy.esketamineBloodPressureRule
                .refusal(systolic: systolic, diastolic: diastolic, ageYears: age) == nil
        } else {
            vitalsAcceptableBeforeAdministration = nil
        }
        let afterStart = start.map { start in record.readings.filter { $0.takenAt > start && $0.values.hasBloodPressure } } ?? []
        if let start {
            let target = start.addingTimeInterval(Double(Self.bloodPressurePeakMinutes) * 60)
            let tolerance = Double(facts.policy.readingToleranceMinutes) * 60
            let nearest = afterStart.filter { abs($0.takenAt.timeIntervalSince(target)) <= tolerance }
                .min { abs($0.takenAt.timeIntervalSince(target)) < abs($1.takenAt.timeIntervalSince(target)) }
            bloodPressureAt40Minutes = BloodPressure(nearest)
        } else {
            bloodPressureAt40Minutes = nil
        }
        let last = record.closedAt != nil ? afterStart.last : nil
        bloodPressureBeforeCompletion = BloodPressure(last)
        vitalsAcceptableBeforeCompletion = last.map { facts.policy.alerts.alerts(for: $0.values, baseline: baseline?.values).isEmpty }
        let observations = record.sideEffects
        sedation = observations.isEmpty ? nil : observations.contains(where: \.sedation)
        dissociation = observations.isEmpty ? nil : observations.contains(where: \.dissociation)   // CADSS > 4 [R27]
        respiratoryDepression = observations.isEmpty ? nil : observations.contains(where: \.respiratoryDepression)
        seriousAdverseEvent = record.adverseEvents.contains(where: \.serious)

        var missing: [String] = []
        func require(_ value: Any?, _ label: String) { if value == nil { missing.append(label) } }
        require(patientFirstName, "Patient first name")
        require(patientLastName, "Patient last name")
        require(birthdate, "Birthdate")
        require(sex, "Sex")
        require(enrolledInRems, "Enrolled in the REMS")
        require(benzodiazepines, "Benzodiazepines")
        require(nonBenzodiazepineSedativeHypnotics, "Non-benzodiazepine sedative-hypnotics")
        require(psychostimulants, "Psychostimulants")
        require(maois, "MAOIs")
        require(opioids, "Opioids")
        require(hcpFirstName, "Monitoring HCP first name")
        require(hcpLastName, "Monitoring HCP last name")
        require(hcpTelephone, "Monitoring HCP telephone")
        require(hcpEmail, "Monitoring HCP email")
        require(settingName, "Healthcare setting name")
        require(address1, "Address 1")
        require(city, "City")
        require(state, "State")
        require(zip, "ZIP")
        require(dose, "Dose administered")
        require(totalDurationMinutes, "Total treatment duration")
        require(readyWithoutMinimumMinutes, "REMS evaluation question")
        require(vitalsAcceptableBeforeAdministration, "Vital signs acceptable before administration")
        require(vitalsAcceptableBeforeCompletion, "Vital signs acceptable before session completion")
        require(bloodPressureBeforeAdministration, "Blood pressure before administration")
        require(bloodPressureAt40Minutes, "Blood pressure at 40 minutes")
        require(bloodPressureBeforeCompletion, "Blood pressure before session completion")
        require(sedation, "Sedation")
        require(dissociation, "Dissociation")
        require(respiratoryDepression, "Respiratory depression")
        missingFields = missing
    }

    /// Days from `today` to the due date: negative when overdue.
    public func daysLeft(today: CalendarDate) -> Int { CalendarDate.daysBetween(today, dueOn) }

    /// True when the clinic must submit monitoring forms: a US clinic [R20] whose REMS setting is
    /// outpatient (inpatient settings are exempt [R21]).
    public static func applies(to jurisdiction: Jurisdiction, setting: RemsSettingDetails) -> Bool {
        jurisdiction.region == .unitedStates && setting.kind == .outpatient
    }
}
