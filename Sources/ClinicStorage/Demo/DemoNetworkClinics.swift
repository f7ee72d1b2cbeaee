import ClinicDomain
import Foundation

extension DemoClinicLoader {
    /// The most clinics a demo network has.
    public static let networkClinicRange = 1...10

    /// The ids of the demo network's clinics: the primary clinic, then `count − 1` more (PostgreSQL
    /// only; see ``ClinicNetworkNeedsPostgresError``), named "Demo Ketamine Clinic 2", "… 3"…,
    /// reused when a previous load made them.
    func demoNetworkClinics(_ count: Int, primary: Clinic, stamp: AuditStamp) async throws -> [UUID] {
        guard count > 1 else { return [primary.id] }
        guard Self.networkClinicRange.contains(count) else { throw StoredDataError(what: "demo network of \(count) clinics") }
        let repository = SQLClinicRepository(database: database)
        let existing = try await repository.all()
        var ids = [primary.id]
        for number in 2...count {
            var settings = Self.settings
            settings.name = "\(Self.settings.name) \(number)"
            settings.mrnPrefix = "DEM\(number)"
            if let found = existing.first(where: { $0.settings.name == settings.name }) {
                ids.append(found.id)
            } else {
                ids.append(try await repository.addNetworkClinic(settings, stamp: stamp).id)
            }
        }
        return ids
    }
}
