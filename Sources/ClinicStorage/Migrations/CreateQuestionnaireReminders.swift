import ClinicDomain

extension Migrations {
    /// Self-report questionnaire links sent before sessions: one row per session and start time,
    /// claimed before the link is issued and sent (as an appointment reminder is), naming the link
    /// issued and the instruments it carries, so no link goes twice across restarts or app instances.
    static let createQuestionnaireReminders = Migration(version: 75, name: "create questionnaire reminders", statements: [
        """
        CREATE TABLE questionnaire_reminders (
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            starts_at BIGINT NOT NULL,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            status TEXT NOT NULL,
            channel TEXT,
            recipient TEXT,
            link_id TEXT REFERENCES self_report_links (id),
            instruments TEXT,
            claimed_by TEXT NOT NULL,
            claimed_at BIGINT NOT NULL,
            attempts INTEGER NOT NULL,
            finished_at BIGINT,
            detail TEXT,
            PRIMARY KEY (session_id, starts_at)
        )
        """,
        "CREATE INDEX questionnaire_reminders_by_clinic ON questionnaire_reminders (clinic_id, starts_at)",
    ])
}
