import ClinicDomain

extension Migrations {
    /// Billing: the clinic's additions to the code table, its fee schedule, its charge-capture
    /// policy, and the patient ledger. Codes, prices and ledger lines are append-only: a code is
    /// retired and a price ended by a newer row, a charge is taken back by a reversing entry.
    static let createBillingLedger = Migration(version: 70, name: "create billing ledger", statements: [
        """
        CREATE TABLE billing_codes (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            code_system TEXT NOT NULL,
            code TEXT NOT NULL,
            description TEXT NOT NULL,
            unit TEXT NOT NULL,
            valid_from TEXT,
            valid_to TEXT,
            source TEXT NOT NULL,
            added_at BIGINT NOT NULL,
            added_by TEXT NOT NULL
        )
        """,
        "CREATE INDEX billing_codes_by_clinic ON billing_codes (clinic_id, added_at)",
        """
        CREATE TABLE fee_schedule_items (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            service TEXT NOT NULL,
            code_system TEXT,
            code TEXT,
            modifiers TEXT NOT NULL,
            price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
            self_pay_cents BIGINT NOT NULL CHECK (self_pay_cents >= 0),
            valid_from TEXT NOT NULL,
            valid_to TEXT,
            added_at BIGINT NOT NULL,
            added_by TEXT NOT NULL
        )
        """,
        "CREATE INDEX fee_schedule_items_by_clinic ON fee_schedule_items (clinic_id, valid_from)",
        "ALTER TABLE clinics ADD COLUMN billing_policy TEXT",
        "ALTER TABLE clinics ADD COLUMN billing_provider TEXT",
        """
        CREATE TABLE ledger_entries (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            kind TEXT NOT NULL,
            amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
            posted_on TEXT NOT NULL,
            session_id TEXT REFERENCES treatment_sessions (id),
            code TEXT,
            units INTEGER,
            diagnoses TEXT NOT NULL,
            self_pay BOOLEAN NOT NULL,
            method TEXT,
            reference TEXT,
            note TEXT NOT NULL,
            reverses_id TEXT REFERENCES ledger_entries (id),
            recorded_at BIGINT NOT NULL,
            recorded_by TEXT NOT NULL
        )
        """,
        "CREATE INDEX ledger_entries_by_patient ON ledger_entries (patient_id, posted_on)",
        "CREATE INDEX ledger_entries_by_session ON ledger_entries (session_id)",
        "CREATE INDEX ledger_entries_by_day ON ledger_entries (clinic_id, posted_on)",
        "CREATE UNIQUE INDEX ledger_entries_reversed_once ON ledger_entries (reverses_id)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "billing_codes") + engine.appendOnlyGuard(table: "fee_schedule_items")
            + engine.appendOnlyGuard(table: "ledger_entries")
    })
}
