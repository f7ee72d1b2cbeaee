extension Migrations {
    /// Counts by two people, their lines (append-only), and the discrepancies they open, which an
    /// administrator closes once with a written reason.
    static let createRegisterCounts = Migration(version: 22, name: "create register counts", statements: [
        """
        CREATE TABLE register_counts (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            kind TEXT NOT NULL,
            counted_at BIGINT NOT NULL,
            counted_by TEXT,
            counted_by_name TEXT NOT NULL,
            witness_id TEXT NOT NULL,
            witness_name TEXT NOT NULL,
            note TEXT
        )
        """,
        "CREATE INDEX register_counts_by_time ON register_counts (clinic_id, counted_at)",
        """
        CREATE TABLE register_count_lines (
            count_id TEXT NOT NULL REFERENCES register_counts (id),
            line_id TEXT NOT NULL REFERENCES register_stock (id),
            expected_units BIGINT NOT NULL,
            expected_micrograms BIGINT NOT NULL,
            counted_units BIGINT NOT NULL,
            counted_micrograms BIGINT NOT NULL,
            PRIMARY KEY (count_id, line_id)
        )
        """,
        """
        CREATE TABLE register_discrepancies (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            count_id TEXT NOT NULL REFERENCES register_counts (id),
            line_id TEXT NOT NULL REFERENCES register_stock (id),
            product_id TEXT NOT NULL REFERENCES register_products (id),
            lot_id TEXT NOT NULL REFERENCES register_lots (id),
            location_id TEXT NOT NULL REFERENCES register_locations (id),
            expected_units BIGINT NOT NULL,
            expected_micrograms BIGINT NOT NULL,
            counted_units BIGINT NOT NULL,
            counted_micrograms BIGINT NOT NULL,
            found_at BIGINT NOT NULL,
            closed_at BIGINT,
            closed_by TEXT,
            closed_by_name TEXT,
            resolution TEXT,
            reason TEXT,
            adjustment_id TEXT REFERENCES register_movements (id)
        )
        """,
        "CREATE INDEX register_discrepancies_open ON register_discrepancies (clinic_id, closed_at)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "register_counts") + engine.appendOnlyGuard(table: "register_count_lines")
    })
}
