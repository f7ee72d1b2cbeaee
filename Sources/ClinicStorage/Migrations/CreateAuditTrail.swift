import ClinicDomain

extension Migrations {
    /// The hash-chained, append-only audit trail and its chain head (version 4).
    static let createAuditTrail = Migration(version: 4, name: "create audit trail", statements: [
        """
        CREATE TABLE audit_entries (
            sequence BIGINT PRIMARY KEY,
            occurred_at BIGINT NOT NULL,
            user_id TEXT,
            actor_name TEXT NOT NULL,
            role TEXT,
            request_id TEXT NOT NULL,
            ip_address TEXT NOT NULL,
            action TEXT NOT NULL,
            entity_type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            patient_id TEXT,
            summary TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        "CREATE INDEX audit_entries_by_patient ON audit_entries (patient_id, sequence)",
        "CREATE INDEX audit_entries_by_user ON audit_entries (user_id, sequence)",
        "CREATE INDEX audit_entries_by_time ON audit_entries (occurred_at, sequence)",
        """
        CREATE TABLE audit_chain_head (
            id BIGINT PRIMARY KEY,
            last_sequence BIGINT NOT NULL,
            last_hash TEXT NOT NULL
        )
        """,
        "INSERT INTO audit_chain_head (id, last_sequence, last_hash) VALUES (1, 0, '\(AuditEntry.genesisHash)')",
    ], engineStatements: { $0.appendOnlyGuard(table: "audit_entries") })
}
