import ClinicDomain

extension Migrations {
    /// FHIR Bulk Data export jobs: who asked, for what (`system` or `patient` level, the types,
    /// `_since`), the state with its progress and heartbeat, and the files written (a JSON list).
    /// Rows are kept as the record of what left the clinic; a cancelled job keeps its row.
    static let createFHIRExportJobs = Migration(version: 80, name: "create fhir export jobs", statements: [
        """
        CREATE TABLE fhir_export_jobs (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            level TEXT NOT NULL,
            types TEXT NOT NULL,
            since BIGINT,
            request_url TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            requested_by_name TEXT NOT NULL,
            requested_at BIGINT NOT NULL,
            state TEXT NOT NULL,
            rows_read BIGINT NOT NULL DEFAULT 0,
            rows_estimated BIGINT NOT NULL DEFAULT 0,
            heartbeat_at BIGINT NOT NULL,
            finished_at BIGINT,
            output TEXT,
            error TEXT
        )
        """,
        "CREATE INDEX fhir_export_jobs_by_clinic ON fhir_export_jobs (clinic_id, requested_at)",
    ])
}
