import ClinicDomain

extension Migrations {
    /// The clinic's REMS certification details for the monitoring form (version 10).
    static let addRemsSettingDetails = Migration(version: 10, name: "add REMS setting details", statements: [
        // The healthcare setting's REMS details (kind, address, telephone, designated monitoring
        // provider) as JSON: what the Patient Monitoring Form needs beyond the clinic's settings.
        "ALTER TABLE clinics ADD COLUMN rems_details TEXT",
    ])
}
