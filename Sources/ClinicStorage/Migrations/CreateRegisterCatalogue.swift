extension Migrations {
    /// The register's products, lots and storage locations. A product keeps its balance (units and
    /// micrograms) and the number of its last register entry, updated with each entry, so reading
    /// a balance never sums the register.
    static let createRegisterCatalogue = Migration(version: 20, name: "create register catalogue", statements: [
        """
        CREATE TABLE register_products (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            name TEXT NOT NULL,
            substance TEXT NOT NULL,
            form TEXT NOT NULL,
            per_unit_micrograms BIGINT NOT NULL,
            concentration_micrograms_per_ml BIGINT,
            product_code TEXT,
            balance_units BIGINT NOT NULL DEFAULT 0,
            balance_micrograms BIGINT NOT NULL DEFAULT 0,
            last_sequence BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            CHECK (balance_units >= 0 AND balance_micrograms >= 0)
        )
        """,
        "CREATE UNIQUE INDEX register_products_by_name ON register_products (clinic_id, name)",
        """
        CREATE TABLE register_lots (
            id TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES register_products (id),
            lot_number TEXT NOT NULL,
            expiry TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX register_lots_by_number ON register_lots (product_id, lot_number)",
        """
        CREATE TABLE register_locations (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX register_locations_by_name ON register_locations (clinic_id, name)",
        // Register settings (beyond-use days, syringe step) as JSON on the clinic.
        "ALTER TABLE clinics ADD COLUMN register_policy TEXT",
    ])
}
