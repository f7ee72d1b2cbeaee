import Foundation

/// One clinic of a deployment. A clinic network runs several on one PostgreSQL database;
/// patients, staff and registers belong to exactly one.
public struct Clinic: Equatable, Sendable, Codable, Identifiable {
    /// Internal identifier.
    public var id: UUID
    /// What the administrator set.
    public var settings: ClinicSettings

    /// Assembles a clinic from stored values.
    public init(id: UUID, settings: ClinicSettings) {
        self.id = id
        self.settings = settings
    }
}
