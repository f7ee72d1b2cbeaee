import ClinicDomain

extension Migrations {
    /// Prepaid session packages: the clinic's offers (each with its sale period) and each
    /// patient's purchases, both append-only. A charge drawn from a purchase names it in
    /// `ledger_entries.package_id`.
    static let createSessionPackages = Migration(version: 72, name: "create session packages", statements: [
        """
        CREATE TABLE session_packages (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            name TEXT NOT NULL,
            sessions INTEGER NOT NULL CHECK (sessions >= 2),
            price_cents BIGINT NOT NULL CHECK (price_cents > 0),
            codes TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_to TEXT,
            added_at BIGINT NOT NULL,
            added_by TEXT NOT NULL
        )
        """,
        "CREATE INDEX session_packages_by_clinic ON session_packages (clinic_id, valid_from)",
        """
        CREATE TABLE package_purchases (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            package_id TEXT NOT NULL REFERENCES session_packages (id),
            name TEXT NOT NULL,
            sessions INTEGER NOT NULL CHECK (sessions >= 2),
            price_cents BIGINT NOT NULL CHECK (price_cents > 0),
            codes TEXT NOT NULL,
            purchased_on TEXT NOT NULL,
            recorded_at BIGINT NOT NULL,
            recorded_by TEXT NOT NULL
        )
        """,
        "CREATE INDEX package_purchases_by_patient ON package_purchases (patient_id, purchased_on)",
        "ALTER TABLE ledger_entries ADD COLUMN package_id TEXT REFERENCES package_purchases (id)",
        "CREATE INDEX ledger_entries_by_package ON ledger_entries (package_id)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "session_packages") + engine.appendOnlyGuard(table: "package_purchases")
    })
}
