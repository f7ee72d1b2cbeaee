import ClinicDomain

extension Migrations {
    /// Imported 835 remittances and what became of each claim in them (posted to the ledger, or
    /// kept for review with why). Append-only; one payer's trace number is imported once.
    static let createRemittances = Migration(version: 73, name: "create remittances", statements: [
        """
        CREATE TABLE remittances (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            payer TEXT NOT NULL,
            trace_number TEXT NOT NULL,
            total_paid_cents BIGINT NOT NULL,
            paid_on TEXT NOT NULL,
            imported_at BIGINT NOT NULL,
            imported_by TEXT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX remittances_once ON remittances (clinic_id, payer, trace_number)",
        """
        CREATE TABLE remittance_items (
            id TEXT PRIMARY KEY,
            remittance_id TEXT NOT NULL REFERENCES remittances (id),
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            kind TEXT NOT NULL,
            claim_id TEXT NOT NULL,
            payer_claim_number TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL,
            patient_id TEXT REFERENCES patients (id),
            session_id TEXT REFERENCES treatment_sessions (id),
            charge_cents BIGINT NOT NULL,
            paid_cents BIGINT NOT NULL,
            write_off_cents BIGINT NOT NULL,
            patient_share_cents BIGINT NOT NULL,
            adjustments TEXT NOT NULL,
            payment_entry_id TEXT REFERENCES ledger_entries (id),
            write_off_entry_id TEXT REFERENCES ledger_entries (id),
            position INTEGER NOT NULL
        )
        """,
        "CREATE INDEX remittance_items_by_remittance ON remittance_items (remittance_id, position)",
        "CREATE INDEX remittance_items_by_status ON remittance_items (clinic_id, status)",
        "CREATE INDEX remittance_items_by_claim ON remittance_items (claim_id)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "remittances") + engine.appendOnlyGuard(table: "remittance_items")
    })
}
