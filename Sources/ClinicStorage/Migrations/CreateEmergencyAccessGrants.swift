import ClinicDomain

extension Migrations {
    /// "Break the glass": an administrator's time-limited access to one patient's clinical record,
    /// with the written reason; kept for the prescribers to review, never deleted.
    static let createEmergencyAccessGrants = Migration(version: 14, name: "create emergency access grants", statements: [
        """
        CREATE TABLE emergency_access_grants (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            user_name TEXT NOT NULL,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            reason TEXT NOT NULL,
            granted_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX emergency_access_grants_by_user ON emergency_access_grants (user_id, expires_at)",
        "CREATE INDEX emergency_access_grants_by_patient ON emergency_access_grants (patient_id, granted_at)",
        "CREATE INDEX emergency_access_grants_by_time ON emergency_access_grants (granted_at)",
    ], engineStatements: { $0.appendOnlyGuard(table: "emergency_access_grants") })
}
