import ClinicDomain

extension Migrations {
    /// Patients waiting for an earlier slot (or a first course): the treatment, the referral day, the
    /// days and times they can come (JSON), and where the entry stands, with the last slot offered.
    static let createScheduleWaitlist = Migration(version: 61, name: "create schedule waitlist", statements: [
        """
        CREATE TABLE schedule_waitlist (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            treatment TEXT NOT NULL,
            referred_on TEXT NOT NULL,
            preference TEXT NOT NULL,
            status TEXT NOT NULL,
            offered TEXT,
            status_reason TEXT,
            added_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX schedule_waitlist_open ON schedule_waitlist (clinic_id, status, referred_on)",
    ])
}
