import ClinicDomain

extension Migrations {
    /// The clinic's calendar: chairs, closures, staff shifts and absences, the booking of each
    /// treatment session into a chair and hours, and the clinic's opening hours and booking policy
    /// (JSON on the clinic row, unset meaning the documented defaults), and each patient's REMS enrolment.
    static let createSchedule = Migration(version: 60, name: "create schedule", statements: [
        "ALTER TABLE clinics ADD COLUMN schedule_policy TEXT",
        "ALTER TABLE clinics ADD COLUMN opening_hours TEXT",
        """
        CREATE TABLE schedule_chairs (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            active BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            UNIQUE (clinic_id, name)
        )
        """,
        """
        CREATE TABLE schedule_closures (
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            on_date TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (clinic_id, on_date)
        )
        """,
        """
        CREATE TABLE schedule_staff_shifts (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            user_id TEXT NOT NULL REFERENCES users (id),
            weekday INTEGER NOT NULL,
            starts_minute INTEGER NOT NULL,
            ends_minute INTEGER NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX schedule_staff_shifts_by_clinic ON schedule_staff_shifts (clinic_id, weekday)",
        """
        CREATE TABLE schedule_staff_absences (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            user_id TEXT NOT NULL REFERENCES users (id),
            from_date TEXT NOT NULL,
            through_date TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE session_bookings (
            session_id TEXT PRIMARY KEY REFERENCES treatment_sessions (id),
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            chair_id TEXT NOT NULL REFERENCES schedule_chairs (id),
            treatment TEXT NOT NULL,
            on_date TEXT NOT NULL,
            starts_minute INTEGER NOT NULL,
            ends_minute INTEGER NOT NULL,
            starts_at BIGINT NOT NULL,
            ends_at BIGINT NOT NULL,
            released BOOLEAN NOT NULL,
            late_cancellation BOOLEAN NOT NULL,
            booked_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX session_bookings_by_day ON session_bookings (clinic_id, on_date, released)",
        // A patient's enrolment in the esketamine REMS, recorded once (enrol before the first treatment [R19][R21]).
        """
        CREATE TABLE patient_rems_enrolments (
            patient_id TEXT PRIMARY KEY REFERENCES patients (id),
            enrolled_on TEXT NOT NULL,
            reference TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_at BIGINT NOT NULL
        )
        """,
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "patient_rems_enrolments")
    })
}
