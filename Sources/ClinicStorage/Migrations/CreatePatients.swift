import ClinicDomain

extension Migrations {
    /// Registered patients with their identity and per-clinic MRN (version 2).
    static let createPatients = Migration(version: 2, name: "create patients", statements: [
        """
        CREATE TABLE patients (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            mrn TEXT NOT NULL,
            given_name TEXT NOT NULL,
            family_name TEXT NOT NULL,
            date_of_birth TEXT NOT NULL,
            sex_at_birth TEXT NOT NULL,
            gender_identity TEXT,
            registered_at BIGINT NOT NULL,
            UNIQUE (clinic_id, mrn)
        )
        """,
        "CREATE INDEX patients_by_name ON patients (clinic_id, family_name, given_name, id)",
    ])
}
