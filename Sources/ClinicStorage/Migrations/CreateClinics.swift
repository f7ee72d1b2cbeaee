import ClinicDomain

extension Migrations {
    /// The clinic itself: name, time zone, jurisdiction and the MRN counter (version 1).
    static let createClinics = Migration(version: 1, name: "create clinics", statements: [
        """
        CREATE TABLE clinics (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            jurisdiction TEXT NOT NULL,
            mrn_prefix TEXT NOT NULL,
            last_mrn_sequence BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
    ])
}
