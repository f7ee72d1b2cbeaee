import ClinicDomain

extension Migrations {
    /// What happens in a session: checklist, administration, readings, alerts, discharge, note (version 9).
    static let createSessionRecord = Migration(version: 9, name: "create session record", statements: [
        "ALTER TABLE clinics ADD COLUMN session_policy TEXT",
        // The chair the patient sits in, kept on the session for the board (each change is also an entry).
        "ALTER TABLE treatment_sessions ADD COLUMN chair TEXT",
        // Checklist, administration, devices, side effects, discharge, note and amendments, REMS
        // submission: appended, never changed; a correction amends an earlier entry with a reason.
        """
        CREATE TABLE session_entries (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            recorded_at BIGINT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_by_name TEXT NOT NULL,
            amends TEXT REFERENCES session_entries (id),
            reason TEXT
        )
        """,
        "CREATE INDEX session_entries_by_session ON session_entries (session_id, recorded_at)",
        "CREATE INDEX session_entries_by_kind ON session_entries (kind, recorded_at)",
        "CREATE UNIQUE INDEX session_entries_one_correction ON session_entries (amends)",
        // Vital signs, typed or posted by a monitor gateway; a correction is a new row.
        """
        CREATE TABLE session_vitals (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            taken_at BIGINT NOT NULL,
            recorded_at BIGINT NOT NULL,
            source TEXT NOT NULL,
            systolic INTEGER,
            diastolic INTEGER,
            heart_rate INTEGER,
            oxygen_saturation INTEGER,
            respiratory_rate INTEGER,
            temperature_decicelsius INTEGER,
            recorded_by TEXT NOT NULL,
            recorded_by_name TEXT NOT NULL,
            amends TEXT REFERENCES session_vitals (id),
            reason TEXT
        )
        """,
        "CREATE INDEX session_vitals_by_session ON session_vitals (session_id, taken_at)",
        "CREATE UNIQUE INDEX session_vitals_one_correction ON session_vitals (amends)",
        // Alerts raised by readings; the acknowledgement is filled once.
        """
        CREATE TABLE session_alerts (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            vital_id TEXT NOT NULL REFERENCES session_vitals (id),
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            raised_at BIGINT NOT NULL,
            escalated_at BIGINT,
            acknowledged_at BIGINT,
            acknowledged_by TEXT,
            acknowledged_by_name TEXT,
            action TEXT,
            note TEXT
        )
        """,
        "CREATE INDEX session_alerts_by_session ON session_alerts (session_id, raised_at)",
        "CREATE INDEX session_alerts_open ON session_alerts (acknowledged_at, raised_at)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "session_entries") + engine.appendOnlyGuard(table: "session_vitals")
    })
}
