import ClinicDomain

extension Migrations {
    /// Scale responses, self-report links, safety alerts and the safety policy (version 7).
    static let createRatingScales = Migration(version: 7, name: "create rating scales", statements: [
        "ALTER TABLE clinics ADD COLUMN safety_policy TEXT",
        // Completed rating scales; a correction is a new row that amends an earlier one.
        """
        CREATE TABLE scale_responses (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            instrument TEXT NOT NULL,
            score TEXT NOT NULL,
            total INTEGER,
            administered_on TEXT NOT NULL,
            recorded_at BIGINT NOT NULL,
            source TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_by_name TEXT NOT NULL,
            amends TEXT,
            reason TEXT
        )
        """,
        "CREATE INDEX scale_responses_by_patient ON scale_responses (patient_id, instrument, administered_on)",
        // A response is corrected at most once; a later correction corrects the correction.
        "CREATE UNIQUE INDEX scale_responses_one_correction ON scale_responses (amends)",
        // One-time self-report links: only the code's digest is kept.
        """
        CREATE TABLE self_report_links (
            id TEXT PRIMARY KEY,
            code_digest TEXT NOT NULL UNIQUE,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            instruments TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            created_by TEXT NOT NULL,
            created_by_name TEXT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT,
            failed_checks INTEGER NOT NULL DEFAULT 0,
            revoked_at BIGINT
        )
        """,
        "CREATE INDEX self_report_links_by_patient ON self_report_links (patient_id, created_at)",
        """
        CREATE TABLE safety_alerts (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            response_id TEXT NOT NULL REFERENCES scale_responses (id),
            instrument TEXT NOT NULL,
            detail TEXT NOT NULL,
            raised_at BIGINT NOT NULL,
            escalated_at BIGINT,
            acknowledgement TEXT
        )
        """,
        "CREATE INDEX safety_alerts_open ON safety_alerts (acknowledgement, raised_at)",
        "CREATE INDEX safety_alerts_by_patient ON safety_alerts (patient_id, raised_at)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "scale_responses")
    })
}
