import ClinicDomain

extension Migrations {
    /// Appointment reminders: the clinic's reminder policy (JSON on the clinic row, unset meaning the
    /// documented defaults) and one row per session and start time, claimed before sending so that no
    /// reminder goes twice across restarts or app instances; a moved session gets a new row.
    static let createAppointmentReminders = Migration(version: 62, name: "create appointment reminders", statements: [
        "ALTER TABLE clinics ADD COLUMN reminder_policy TEXT",
        """
        CREATE TABLE appointment_reminders (
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            starts_at BIGINT NOT NULL,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            status TEXT NOT NULL,
            channel TEXT,
            recipient TEXT,
            claimed_by TEXT NOT NULL,
            claimed_at BIGINT NOT NULL,
            attempts INTEGER NOT NULL,
            finished_at BIGINT,
            detail TEXT,
            PRIMARY KEY (session_id, starts_at)
        )
        """,
        "CREATE INDEX appointment_reminders_by_clinic ON appointment_reminders (clinic_id, starts_at)",
    ])
}
