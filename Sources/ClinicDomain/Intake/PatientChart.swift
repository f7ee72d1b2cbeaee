import Foundation

/// One item of the record as the chart shows it: its value now, and the version metadata
/// (who entered or last amended it, when, why).
public struct RecordEntry<Value: RecordValue>: Sendable, Equatable {
    /// Stable identity of the item across its versions; amendments and retractions name it.
    public var key: UUID
    /// The current value.
    public var value: Value
    /// The version the value comes from.
    public var latest: RecordItemVersion

    /// Assembles an entry.
    public init(key: UUID, value: Value, latest: RecordItemVersion) {
        self.key = key
        self.value = value
        self.latest = latest
    }
}

/// A patient's intake record with the metadata the chart needs to amend each item.
public struct PatientChart: Sendable, Equatable {
    /// Who the patient is.
    public var summary: PatientSummary
    /// Incremented by every change to the record; a signed screening records the value it saw.
    public var revision: Int64
    /// Contact details.
    public var contact: RecordEntry<ContactDetails>?
    /// Escort or emergency contact.
    public var emergencyContact: RecordEntry<EmergencyContact>?
    /// Height.
    public var height: RecordEntry<HeightMeasurement>?
    /// Weighings, newest first.
    public var weights: [RecordEntry<WeightMeasurement>]
    /// Allergies.
    public var allergies: [RecordEntry<Allergy>]
    /// Current medications.
    public var medications: [RecordEntry<Medication>]
    /// Diagnoses.
    public var diagnoses: [RecordEntry<Diagnosis>]
    /// Psychiatric history.
    public var psychiatricHistory: RecordEntry<PsychiatricHistory>?
    /// Medical history.
    public var medicalHistory: RecordEntry<MedicalHistory>?
    /// Baseline vital signs, newest first.
    public var vitalSigns: [RecordEntry<VitalSigns>]
    /// Treatment trials, oldest first.
    public var trials: [RecordEntry<AntidepressantTrial>]
    /// The current depressive episode.
    public var episode: RecordEntry<DepressiveEpisode>?

    /// An empty chart for a newly registered patient.
    public init(summary: PatientSummary, revision: Int64) {
        self.summary = summary
        self.revision = revision
        weights = []
        allergies = []
        medications = []
        diagnoses = []
        vitalSigns = []
        trials = []
    }

    /// The record screening and staging read.
    public var record: PatientRecord {
        PatientRecord(
            registration: summary.registration, contact: contact?.value, emergencyContact: emergencyContact?.value,
            height: height?.value, weights: weights.map(\.value), allergies: allergies.map(\.value),
            medications: medications.map(\.value), diagnoses: diagnoses.map(\.value),
            psychiatricHistory: psychiatricHistory?.value, medicalHistory: medicalHistory?.value,
            vitalSigns: vitalSigns.map(\.value), trials: trials.map(\.value), currentEpisode: episode?.value)
    }

    /// The current items of `section` as values with their keys, in the chart's order.
    public func entries(of section: RecordSection) -> [(key: UUID, value: any RecordValue)] {
        func list<V: RecordValue>(_ entries: [RecordEntry<V>]) -> [(key: UUID, value: any RecordValue)] {
            entries.map { (key: $0.key, value: $0.value as any RecordValue) }
        }
        func one<V: RecordValue>(_ entry: RecordEntry<V>?) -> [(key: UUID, value: any RecordValue)] { list(entry.map { [$0] } ?? []) }
        switch section {
        case .contact: return one(contact)
        case .emergencyContact: return one(emergencyContact)
        case .height: return one(height)
        case .weight: return list(weights)
        case .allergy: return list(allergies)
        case .medication: return list(medications)
        case .diagnosis: return list(diagnoses)
        case .psychiatricHistory: return one(psychiatricHistory)
        case .medicalHistory: return one(medicalHistory)
        case .vitalSigns: return list(vitalSigns)
        case .trial: return list(trials)
        case .episode: return one(episode)
        case .identity: return []  // the identity is the summary's registration, not an item
        }
    }

    /// The section an item key belongs to, if it is a current item on this chart.
    public func section(of key: UUID) -> RecordSection? {
        RecordSection.allCases.first { section in entries(of: section).contains { $0.key == key } }
    }

    /// The current value of item `key`.
    public func value(of key: UUID) -> (any RecordValue)? {
        RecordSection.allCases.lazy.compactMap { section in self.entries(of: section).first { $0.key == key }?.value }.first
    }
}
