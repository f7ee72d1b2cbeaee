import ClinicDomain

extension Migrations {
    /// Prior authorisations from payers: append-only; a correction is a new row that supersedes
    /// the old one (once), with its reason.
    static let createPriorAuthorizations = Migration(version: 71, name: "create prior authorizations", statements: [
        """
        CREATE TABLE prior_authorizations (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            payer TEXT NOT NULL,
            member_id TEXT NOT NULL,
            number TEXT NOT NULL,
            approved_units INTEGER NOT NULL CHECK (approved_units > 0),
            valid_from TEXT NOT NULL,
            valid_to TEXT NOT NULL,
            codes TEXT NOT NULL,
            drug TEXT NOT NULL,
            supersedes_id TEXT REFERENCES prior_authorizations (id),
            reason TEXT,
            recorded_at BIGINT NOT NULL,
            recorded_by TEXT NOT NULL,
            CHECK (valid_to >= valid_from)
        )
        """,
        "CREATE INDEX prior_authorizations_by_patient ON prior_authorizations (patient_id, valid_to)",
        "CREATE INDEX prior_authorizations_by_end ON prior_authorizations (clinic_id, valid_to)",
        "CREATE UNIQUE INDEX prior_authorizations_superseded_once ON prior_authorizations (supersedes_id)",
    ], engineStatements: { engine in engine.appendOnlyGuard(table: "prior_authorizations") })
}
