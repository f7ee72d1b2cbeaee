import Foundation

/// A registered patient as lists and headers show them.
public struct PatientSummary: Equatable, Sendable, Codable, Identifiable {
    /// Internal identifier; never shown to users.
    public var id: UUID
    /// The clinic's number for the patient.
    public var mrn: MedicalRecordNumber
    /// Identity as registered.
    public var registration: PatientRegistration
    /// When the chart was opened.
    public var registeredAt: Date

    /// Assembles a summary from stored values.
    public init(id: UUID, mrn: MedicalRecordNumber, registration: PatientRegistration, registeredAt: Date) {
        self.id = id
        self.mrn = mrn
        self.registration = registration
        self.registeredAt = registeredAt
    }

    /// "Family, Given": the form clinical lists sort and scan by.
    public var listName: String { "\(registration.familyName), \(registration.givenName)" }
}
