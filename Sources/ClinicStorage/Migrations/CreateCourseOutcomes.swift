extension Migrations {
    /// The clinic outcome report's derived tables: one row per course and one per dose, judged from
    /// the plans, sessions and ratings and refreshed when those change (docs/outcomes.md). They hold
    /// no clinical record of their own: every row can be rebuilt from the source tables, so a
    /// refresh replaces a patient's rows instead of amending them.
    static let createCourseOutcomes = Migration(version: 40, name: "create course outcomes", statements: [
        """
        CREATE TABLE course_outcomes (
            course_id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            start_on TEXT NOT NULL,
            start_month TEXT NOT NULL,
            treatment TEXT NOT NULL,
            protocol_id TEXT NOT NULL,
            diagnosis TEXT NOT NULL,
            trd_stage TEXT NOT NULL,
            age_band TEXT NOT NULL,
            sex TEXT NOT NULL,
            exclusion TEXT,
            instrument TEXT,
            sessions_given INTEGER NOT NULL,
            baseline INTEGER,
            latest INTEGER,
            percent_change DOUBLE PRECISION,
            waterfall_bin INTEGER,
            is_response INTEGER NOT NULL,
            is_remission INTEGER NOT NULL,
            reliable_change TEXT,
            response_days INTEGER,
            response_event INTEGER,
            sessions_to_response INTEGER,
            relapse_days INTEGER,
            relapse_event INTEGER,
            is_dropout INTEGER NOT NULL,
            refreshed_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX course_outcomes_by_start ON course_outcomes (clinic_id, start_on)",
        "CREATE INDEX course_outcomes_by_patient ON course_outcomes (patient_id)",
        // One row per dose whose effect was seen: days to its end (event) or to the last rating
        // before the next dose (censored). The cohort keys are repeated so the report filters the
        // doses without a join.
        """
        CREATE TABLE course_dose_effects (
            course_id TEXT NOT NULL,
            dose_number INTEGER NOT NULL,
            patient_id TEXT NOT NULL,
            clinic_id TEXT NOT NULL,
            start_on TEXT NOT NULL,
            treatment TEXT NOT NULL,
            protocol_id TEXT NOT NULL,
            diagnosis TEXT NOT NULL,
            trd_stage TEXT NOT NULL,
            age_band TEXT NOT NULL,
            sex TEXT NOT NULL,
            days INTEGER NOT NULL,
            event INTEGER NOT NULL,
            PRIMARY KEY (course_id, dose_number)
        )
        """,
        "CREATE INDEX course_dose_effects_by_start ON course_dose_effects (clinic_id, start_on)",
        "CREATE INDEX course_dose_effects_by_patient ON course_dose_effects (patient_id)",
        // How far each clinic's rows are up to date: changes recorded after this instant are judged
        // again on the next refresh.
        """
        CREATE TABLE course_outcome_refreshes (
            clinic_id TEXT PRIMARY KEY REFERENCES clinics (id),
            refreshed_through BIGINT NOT NULL
        )
        """,
        // A refresh asks which patients changed since the last one; these keep that an index range.
        "CREATE INDEX scale_responses_by_recorded ON scale_responses (recorded_at)",
        "CREATE INDEX treatment_sessions_by_updated ON treatment_sessions (updated_at)",
        "CREATE INDEX treatment_plans_by_signed ON treatment_plans (signed_at)",
        "CREATE INDEX patient_record_items_by_recorded ON patient_record_items (recorded_at)",
    ])
}
