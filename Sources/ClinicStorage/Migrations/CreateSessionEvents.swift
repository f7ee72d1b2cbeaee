import ClinicDomain

extension Migrations {
    /// The append-only event log of each treatment session's state machine (version 8).
    static let createSessionEvents = Migration(version: 8, name: "create session events", statements: [
        // Every state change of a treatment session, in order, with who, when and any override.
        """
        CREATE TABLE treatment_session_events (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            sequence INTEGER NOT NULL,
            event TEXT NOT NULL,
            from_state TEXT NOT NULL,
            to_state TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            actor_name TEXT NOT NULL,
            detail TEXT NOT NULL,
            override TEXT,
            UNIQUE (session_id, sequence)
        )
        """,
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "treatment_session_events")
    })
}
