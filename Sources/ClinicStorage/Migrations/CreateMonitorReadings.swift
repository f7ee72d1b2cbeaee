extension Migrations {
    /// Every reading a monitor sent over MLLP, keyed by device, message control id and observation
    /// time so a resent message is not stored twice. A reading for a seated patient points at the
    /// flowsheet row it became (`vital_id`); one for an empty chair waits as `unmatched` until a
    /// nurse assigns it to a session or discards it with a reason (never deleted). `observations`
    /// keeps what was not charted (unknown codes, NIBP mean, refused values) to be shown.
    static let createMonitorReadings = Migration(version: 31, name: "create monitor readings", statements: [
        """
        CREATE TABLE monitor_readings (
            id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            control_id TEXT NOT NULL,
            observed_at BIGINT NOT NULL,
            received_at BIGINT NOT NULL,
            gateway TEXT NOT NULL,
            chair TEXT,
            bed TEXT,
            vital_values TEXT NOT NULL,
            observations TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT,
            session_id TEXT REFERENCES treatment_sessions (id),
            vital_id TEXT REFERENCES session_vitals (id),
            resolved_at BIGINT,
            resolved_by TEXT,
            resolved_by_name TEXT,
            resolution_reason TEXT
        )
        """,
        "CREATE UNIQUE INDEX monitor_readings_once ON monitor_readings (device_id, control_id, observed_at)",
        "CREATE INDEX monitor_readings_by_status ON monitor_readings (status, observed_at)",
        "CREATE INDEX monitor_readings_by_session ON monitor_readings (session_id, observed_at)",
    ])
}
