import ClinicDomain
import ClinicStorage
import Foundation

extension APIResources {
    /// One current item of the record: its key (for amendments), value and version.
    public struct ItemResource<Value: RecordValue>: Codable, Sendable {
        public var key: String
        public var value: Value
        public var version: Int
        public var recordedAt: Date
        public var recordedBy: String
        public var reason: String?

        init(_ entry: RecordEntry<Value>) {
            key = entry.key.uuidString.lowercased()
            value = entry.value
            version = entry.latest.version
            recordedAt = entry.latest.recordedAt
            recordedBy = entry.latest.recordedBy
            reason = entry.latest.reason
        }
    }

    /// A patient's intake record: every section with its current items. Values have the same
    /// JSON shape as the bodies that add them (docs/api.md, docs/screening.md).
    public struct RecordResource: Codable, Sendable {
        public var patient: PatientResource
        public var revision: Int64
        public var contact: ItemResource<ContactDetails>?
        public var emergencyContact: ItemResource<EmergencyContact>?
        public var height: ItemResource<HeightMeasurement>?
        public var weights: [ItemResource<WeightMeasurement>]
        public var allergies: [ItemResource<Allergy>]
        public var medications: [ItemResource<Medication>]
        public var diagnoses: [ItemResource<Diagnosis>]
        public var psychiatricHistory: ItemResource<PsychiatricHistory>?
        public var medicalHistory: ItemResource<MedicalHistory>?
        public var vitalSigns: [ItemResource<VitalSigns>]
        public var trials: [ItemResource<AntidepressantTrial>]
        public var episode: ItemResource<DepressiveEpisode>?

        init(_ chart: PatientChart) {
            patient = PatientResource(chart.summary)
            revision = chart.revision
            contact = chart.contact.map(ItemResource.init)
            emergencyContact = chart.emergencyContact.map(ItemResource.init)
            height = chart.height.map(ItemResource.init)
            weights = chart.weights.map(ItemResource.init)
            allergies = chart.allergies.map(ItemResource.init)
            medications = chart.medications.map(ItemResource.init)
            diagnoses = chart.diagnoses.map(ItemResource.init)
            psychiatricHistory = chart.psychiatricHistory.map(ItemResource.init)
            medicalHistory = chart.medicalHistory.map(ItemResource.init)
            vitalSigns = chart.vitalSigns.map(ItemResource.init)
            trials = chart.trials.map(ItemResource.init)
            episode = chart.episode.map(ItemResource.init)
        }
    }

    /// The key of an item just added.
    public struct CreatedItem: Codable, Sendable {
        public var key: String
    }

    /// One stored version of an item.
    public struct ItemVersionResource: Codable, Sendable {
        public var version: Int
        public var recordedAt: Date
        public var recordedBy: String
        public var reason: String?
        public var withdrawn: Bool
        public var summary: String?
        /// The value as stored, as a JSON text (nil for a withdrawal).
        public var valueJSON: String?

        init(_ entry: RecordItemHistoryEntry) {
            version = entry.version.version
            recordedAt = entry.version.recordedAt
            recordedBy = entry.version.recordedBy
            reason = entry.version.reason
            withdrawn = entry.version.isRetraction
            summary = entry.summary
            valueJSON = entry.payload
        }
    }
}
