import ClinicDomain

extension Migrations {
    /// The versioned intake record, search keys, screening and resistance policies (version 5).
    static let createIntakeRecord = Migration(version: 5, name: "create intake record", statements: [
        // Search keys: lower-cased names so a name prefix search is an index range on both engines.
        "ALTER TABLE patients ADD COLUMN family_key TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE patients ADD COLUMN given_key TEXT NOT NULL DEFAULT ''",
        "UPDATE patients SET family_key = LOWER(family_name), given_key = LOWER(given_name)",
        "CREATE INDEX patients_by_family_key ON patients (clinic_id, family_key, given_key, id)",
        "CREATE INDEX patients_by_birth ON patients (clinic_id, date_of_birth, family_key, given_key, id)",
        // Bumped with every change to the record; a signed screening remembers the value it saw.
        "ALTER TABLE patients ADD COLUMN record_revision BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE clinics ADD COLUMN screening_policy TEXT",
        "ALTER TABLE clinics ADD COLUMN resistance_policy TEXT",
        """
        CREATE TABLE patient_record_items (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            section TEXT NOT NULL,
            item_key TEXT NOT NULL,
            version INTEGER NOT NULL,
            payload TEXT,
            recorded_at BIGINT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_by_name TEXT NOT NULL,
            reason TEXT,
            UNIQUE (item_key, version)
        )
        """,
        "CREATE INDEX patient_record_items_by_patient ON patient_record_items (patient_id, section, item_key, version)",
        """
        CREATE TABLE screenings (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            version INTEGER NOT NULL,
            record_revision BIGINT NOT NULL,
            screened_on TEXT NOT NULL,
            jurisdiction TEXT NOT NULL,
            record_snapshot TEXT NOT NULL,
            policy_snapshot TEXT NOT NULL,
            result TEXT NOT NULL,
            review TEXT NOT NULL,
            decisions TEXT NOT NULL,
            signed_by TEXT NOT NULL,
            signed_by_name TEXT NOT NULL,
            signed_at BIGINT NOT NULL,
            UNIQUE (patient_id, version)
        )
        """,
    ], engineStatements: { engine in
        // Record items and signed screenings are never changed or removed, only added to.
        engine.appendOnlyGuard(table: "patient_record_items") + engine.appendOnlyGuard(table: "screenings")
    })
}
