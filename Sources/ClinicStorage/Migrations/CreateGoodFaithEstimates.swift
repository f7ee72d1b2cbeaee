import ClinicDomain

extension Migrations {
    /// Good Faith Estimates given to uninsured or self-pay patients, kept with their account:
    /// append-only, the items as given (JSON), audited.
    static let createGoodFaithEstimates = Migration(version: 74, name: "create good faith estimates", statements: [
        """
        CREATE TABLE good_faith_estimates (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            sessions INTEGER NOT NULL CHECK (sessions > 0),
            first_service_on TEXT NOT NULL,
            last_service_on TEXT NOT NULL,
            scheduled_on TEXT NOT NULL,
            requested BOOLEAN NOT NULL,
            items TEXT NOT NULL,
            total_cents BIGINT NOT NULL CHECK (total_cents >= 0),
            due_on TEXT,
            given_on TEXT NOT NULL,
            recorded_at BIGINT NOT NULL,
            recorded_by TEXT NOT NULL,
            CHECK (last_service_on >= first_service_on)
        )
        """,
        "CREATE INDEX good_faith_estimates_by_patient ON good_faith_estimates (patient_id, first_service_on)",
        "CREATE INDEX good_faith_estimates_by_clinic ON good_faith_estimates (clinic_id, last_service_on)",
    ], engineStatements: { engine in engine.appendOnlyGuard(table: "good_faith_estimates") })
}
