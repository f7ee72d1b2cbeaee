import ClinicDomain

extension Migrations {
    /// Indexes for the chair lookup of monitor gateways and the alert readings (version 11).
    static let indexSessionLookups = Migration(version: 11, name: "index session lookups", statements: [
        // A gateway's reading by chair finds the seated session with one indexed query.
        "CREATE INDEX treatment_sessions_by_chair ON treatment_sessions (chair, state)",
        // The board's summary of monitor readings asks which readings raised an alert.
        "CREATE INDEX session_alerts_by_reading ON session_alerts (vital_id)",
    ])
}
