extension Migrations {
    /// One row per message the MLLP listener answered, with its outcome (AA, AE, AR) and reason:
    /// what the administrators' gateway page counts (last message, rate, errors).
    static let createMonitorMessages = Migration(version: 32, name: "create monitor messages", statements: [
        """
        CREATE TABLE monitor_messages (
            id TEXT PRIMARY KEY,
            gateway TEXT NOT NULL,
            sending_application TEXT,
            device_id TEXT,
            control_id TEXT,
            received_at BIGINT NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT,
            observations BIGINT NOT NULL,
            readings_stored BIGINT NOT NULL,
            readings_unmatched BIGINT NOT NULL,
            readings_repeated BIGINT NOT NULL
        )
        """,
        "CREATE INDEX monitor_messages_by_gateway ON monitor_messages (gateway, received_at)",
        "CREATE INDEX monitor_messages_by_time ON monitor_messages (received_at)",
    ])
}
