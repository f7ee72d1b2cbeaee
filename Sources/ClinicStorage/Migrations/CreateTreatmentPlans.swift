import ClinicDomain

extension Migrations {
    /// Protocols, signed treatment plans and the sessions they schedule (version 6).
    static let createTreatmentPlans = Migration(version: 6, name: "create treatment plans", statements: [
        "ALTER TABLE clinics ADD COLUMN working_days TEXT NOT NULL DEFAULT 'mon,tue,wed,thu,fri'",
        // Every saved protocol version; the built-in library is version 1 until a clinic saves its own.
        """
        CREATE TABLE treatment_protocols (
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            protocol_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            saved_at BIGINT NOT NULL,
            saved_by TEXT NOT NULL,
            saved_by_name TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (clinic_id, protocol_id, version)
        )
        """,
        """
        CREATE TABLE treatment_plans (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            version INTEGER NOT NULL,
            protocol_id TEXT NOT NULL,
            protocol_version INTEGER NOT NULL,
            body TEXT NOT NULL,
            supersedes TEXT,
            signed_by TEXT NOT NULL,
            signed_by_name TEXT NOT NULL,
            signed_at BIGINT NOT NULL,
            UNIQUE (patient_id, version)
        )
        """,
        // Sessions a signed plan scheduled; the session workflow moves them through their states.
        """
        CREATE TABLE treatment_sessions (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            plan_id TEXT NOT NULL REFERENCES treatment_plans (id),
            number INTEGER NOT NULL,
            scheduled_on TEXT NOT NULL,
            state TEXT NOT NULL,
            planned_dose TEXT NOT NULL,
            updated_at BIGINT NOT NULL,
            UNIQUE (plan_id, number)
        )
        """,
        "CREATE INDEX treatment_sessions_by_day ON treatment_sessions (scheduled_on, state)",
        "CREATE INDEX treatment_sessions_by_patient ON treatment_sessions (patient_id, scheduled_on)",
    ], engineStatements: { engine in
        // Protocol versions and signed plans are never changed or removed, only added to.
        engine.appendOnlyGuard(table: "treatment_protocols") + engine.appendOnlyGuard(table: "treatment_plans")
    })
}
