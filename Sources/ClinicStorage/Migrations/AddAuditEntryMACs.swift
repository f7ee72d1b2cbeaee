import ClinicDomain

extension Migrations {
    /// Keys the audit trail: each entry from here on carries an HMAC of its hash under the server's
    /// audit key (kept outside the database), so an insider who edits rows cannot recompute the
    /// chain or append entries unseen. `keyed_from` records the first entry that must carry one.
    /// On SQLite a BIGINT primary key accepts NULL: a trigger refuses NULL where the chain needs a value.
    static let addAuditEntryMACs = Migration(version: 12, name: "add audit entry MACs", statements: [
        "ALTER TABLE audit_entries ADD COLUMN mac TEXT",
        "ALTER TABLE audit_chain_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 1",
        "UPDATE audit_chain_head SET keyed_from = last_sequence + 1",
    ], engineStatements: { engine in
        switch engine {
        case .sqlite:
            ["""
             CREATE TRIGGER audit_entries_refuse_null BEFORE INSERT ON audit_entries
             WHEN NEW.sequence IS NULL OR NEW.mac IS NULL
             BEGIN SELECT RAISE(ABORT, 'audit entries need a sequence and a MAC'); END
             """]
        case .postgres:
            ["ALTER TABLE audit_entries ALTER COLUMN sequence SET NOT NULL",
             "ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_need_mac CHECK (mac IS NOT NULL) NOT VALID"]
        }
    })
}
