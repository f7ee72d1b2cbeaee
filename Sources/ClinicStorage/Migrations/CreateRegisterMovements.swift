extension Migrations {
    /// Stock lines with their kept balances (never below zero: a conditional update and a CHECK
    /// refuse it), the append-only register entries, and each entry's changes to the lines, from
    /// which `ketaclinic register verify` recomputes every balance.
    static let createRegisterMovements = Migration(version: 21, name: "create register movements", statements: [
        """
        CREATE TABLE register_stock (
            id TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES register_products (id),
            lot_id TEXT NOT NULL REFERENCES register_lots (id),
            location_id TEXT NOT NULL REFERENCES register_locations (id),
            kind TEXT NOT NULL,
            units BIGINT NOT NULL,
            micrograms BIGINT NOT NULL,
            opened_at BIGINT,
            beyond_use_at BIGINT,
            created_at BIGINT NOT NULL,
            CHECK (units >= 0 AND micrograms >= 0)
        )
        """,
        "CREATE INDEX register_stock_by_product ON register_stock (product_id, lot_id, location_id)",
        """
        CREATE TABLE register_movements (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            product_id TEXT NOT NULL REFERENCES register_products (id),
            sequence BIGINT NOT NULL,
            kind TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,
            recorded_by TEXT,
            recorded_by_name TEXT NOT NULL,
            witness_id TEXT,
            witness_name TEXT,
            lot_id TEXT REFERENCES register_lots (id),
            location_id TEXT REFERENCES register_locations (id),
            to_location_id TEXT REFERENCES register_locations (id),
            session_id TEXT REFERENCES treatment_sessions (id),
            patient_id TEXT REFERENCES patients (id),
            draw_id TEXT REFERENCES register_movements (id),
            corrects_id TEXT REFERENCES register_movements (id),
            units_in BIGINT NOT NULL,
            units_out BIGINT NOT NULL,
            micrograms_in BIGINT NOT NULL,
            micrograms_out BIGINT NOT NULL,
            micrograms_wasted BIGINT NOT NULL,
            balance_units BIGINT NOT NULL,
            balance_micrograms BIGINT NOT NULL,
            supplier TEXT,
            order_reference TEXT,
            reason TEXT,
            detail TEXT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX register_movements_by_sequence ON register_movements (product_id, sequence)",
        "CREATE INDEX register_movements_by_session ON register_movements (session_id, kind)",
        "CREATE INDEX register_movements_by_draw ON register_movements (draw_id)",
        """
        CREATE TABLE register_line_changes (
            movement_id TEXT NOT NULL REFERENCES register_movements (id),
            line_id TEXT NOT NULL REFERENCES register_stock (id),
            units BIGINT NOT NULL,
            micrograms BIGINT NOT NULL,
            PRIMARY KEY (movement_id, line_id)
        )
        """,
        "CREATE INDEX register_line_changes_by_line ON register_line_changes (line_id)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "register_movements") + engine.appendOnlyGuard(table: "register_line_changes")
    })
}
