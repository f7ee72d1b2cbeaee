import Foundation

/// Everything known about a patient that screening, staging and dosing read: the identity from
/// registration plus the intake sections. It is assembled from the stored record; corrections
/// are stored as amendments, so this is always the current version of each item.
public struct PatientRecord: Equatable, Sendable, Codable {
    /// Identity as registered.
    public var registration: PatientRegistration
    /// Contact details.
    public var contact: ContactDetails?
    /// Escort or emergency contact.
    public var emergencyContact: EmergencyContact?
    /// Latest height.
    public var height: HeightMeasurement?
    /// Weighings, newest first.
    public var weights: [WeightMeasurement]
    /// Allergies and adverse drug reactions.
    public var allergies: [Allergy]
    /// Current medications.
    public var medications: [Medication]
    /// Diagnoses.
    public var diagnoses: [Diagnosis]
    /// Psychiatric history; nil until entered.
    public var psychiatricHistory: PsychiatricHistory?
    /// Medical history; nil until entered.
    public var medicalHistory: MedicalHistory?
    /// Baseline vital signs, newest first.
    public var vitalSigns: [VitalSigns]
    /// Antidepressant, ECT and TMS trials, oldest first.
    public var trials: [AntidepressantTrial]
    /// The current depressive episode, when entered.
    public var currentEpisode: DepressiveEpisode?

    /// Creates a record; the intake sections start empty.
    public init(registration: PatientRegistration, contact: ContactDetails? = nil,
                emergencyContact: EmergencyContact? = nil, height: HeightMeasurement? = nil,
                weights: [WeightMeasurement] = [], allergies: [Allergy] = [], medications: [Medication] = [],
                diagnoses: [Diagnosis] = [], psychiatricHistory: PsychiatricHistory? = nil,
                medicalHistory: MedicalHistory? = nil, vitalSigns: [VitalSigns] = [],
                trials: [AntidepressantTrial] = [], currentEpisode: DepressiveEpisode? = nil) {
        self.registration = registration
        self.contact = contact
        self.emergencyContact = emergencyContact
        self.height = height
        self.weights = weights
        self.allergies = allergies
        self.medications = medications
        self.diagnoses = diagnoses
        self.psychiatricHistory = psychiatricHistory
        self.medicalHistory = medicalHistory
        self.vitalSigns = vitalSigns
        self.trials = trials
        self.currentEpisode = currentEpisode
    }

    /// The most recent weighing.
    public var latestWeight: WeightMeasurement? { weights.max { $0.measuredOn < $1.measuredOn } }

    /// The most recent vital signs.
    public var latestVitalSigns: VitalSigns? { vitalSigns.max { $0.measuredOn < $1.measuredOn } }

    /// BMI from the latest weight and height, when both are known.
    public var bodyMassIndex: Double? {
        guard let weight = latestWeight, let height else { return nil }
        return BodyMetrics.bodyMassIndex(kilograms: weight.kilograms, centimetres: height.centimetres)
    }

    /// Age in whole years on `today`.
    public func age(on today: CalendarDate) -> Int { registration.dateOfBirth.age(on: today) }
}

extension PatientRecord {
    /// Decodes a record; the list sections (`weights`, `allergies`, `medications`, `diagnoses`,
    /// `vitalSigns`, `trials`) may be left out and then start empty. Encoding writes every key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            registration: try container.decode(PatientRegistration.self, forKey: .registration),
            contact: try container.decodeIfPresent(ContactDetails.self, forKey: .contact),
            emergencyContact: try container.decodeIfPresent(EmergencyContact.self, forKey: .emergencyContact),
            height: try container.decodeIfPresent(HeightMeasurement.self, forKey: .height),
            weights: try container.decodeIfPresent([WeightMeasurement].self, forKey: .weights) ?? [],
            allergies: try container.decodeIfPresent([Allergy].self, forKey: .allergies) ?? [],
            medications: try container.decodeIfPresent([Medication].self, forKey: .medications) ?? [],
            diagnoses: try container.decodeIfPresent([Diagnosis].self, forKey: .diagnoses) ?? [],
            psychiatricHistory: try container.decodeIfPresent(PsychiatricHistory.self, forKey: .psychiatricHistory),
            medicalHistory: try container.decodeIfPresent(MedicalHistory.self, forKey: .medicalHistory),
            vitalSigns: try container.decodeIfPresent([VitalSigns].self, forKey: .vitalSigns) ?? [],
            trials: try container.decodeIfPresent([AntidepressantTrial].self, forKey: .trials) ?? [],
            currentEpisode: try container.decodeIfPresent(DepressiveEpisode.self, forKey: .currentEpisode))
    }
}
