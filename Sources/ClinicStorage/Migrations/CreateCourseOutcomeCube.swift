extension Migrations {
    /// The outcome report's month cube: the derived course rows counted by start month and every
    /// cohort key, and the survival, waterfall and sessions-to-response counts likewise, so a report
    /// over whole months reads a few thousand rows instead of every course and dose of a large
    /// clinic (docs/outcomes.md, "How the report stays fast"). Like the rows it counts, it holds
    /// nothing of its own: each month is rebuilt from `course_outcomes` and `course_dose_effects`
    /// whenever a refresh changes it, and this migration fills it from the rows already there.
    static let createCourseOutcomeCube = Migration(version: 95, name: "create course outcome cube", statements: [
        """
        CREATE TABLE course_outcome_cube (
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            start_month TEXT NOT NULL,
            treatment TEXT NOT NULL,
            protocol_id TEXT NOT NULL,
            diagnosis TEXT NOT NULL,
            trd_stage TEXT NOT NULL,
            age_band TEXT NOT NULL,
            sex TEXT NOT NULL,
            exclusion TEXT,
            courses INTEGER NOT NULL,
            responses INTEGER NOT NULL,
            remissions INTEGER NOT NULL,
            reliable_assessed INTEGER NOT NULL,
            reliable_improved INTEGER NOT NULL,
            responded INTEGER NOT NULL,
            relapsed INTEGER NOT NULL,
            dropouts INTEGER NOT NULL
        )
        """,
        "CREATE INDEX course_outcome_cube_by_month ON course_outcome_cube (clinic_id, start_month)",
        """
        CREATE TABLE course_outcome_counts (
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            start_month TEXT NOT NULL,
            treatment TEXT NOT NULL,
            protocol_id TEXT NOT NULL,
            diagnosis TEXT NOT NULL,
            trd_stage TEXT NOT NULL,
            age_band TEXT NOT NULL,
            sex TEXT NOT NULL,
            measure TEXT NOT NULL,
            value INTEGER NOT NULL,
            event INTEGER NOT NULL,
            n INTEGER NOT NULL
        )
        """,
        "CREATE INDEX course_outcome_counts_by_month ON course_outcome_counts (clinic_id, measure, start_month)",
    ] + CourseOutcomeCubeSQL.rebuild(where: "1 = 1"))
}

/// The statements that count the derived rows into the cube, shared by the migration (every
/// month) and the repository (the months a refresh touched).
enum CourseOutcomeCubeSQL {
    static let keys = "clinic_id, start_month, treatment, protocol_id, diagnosis, trd_stage, age_band, sex"

    /// INSERT … SELECT statements filling the cube from the course and dose rows that match
    /// `condition` (a condition on `clinic_id` and `start_on`, columns both tables have).
    static func rebuild(where condition: String) -> [String] {
        let counted = "exclusion IS NULL AND \(condition)"
        func counts(_ measure: String, value: String, event: String, from table: String = "course_outcomes",
                    month: String = "start_month", filter: String) -> String {
            """
            INSERT INTO course_outcome_counts (\(keys), measure, value, event, n)
            SELECT clinic_id, \(month), treatment, protocol_id, diagnosis, trd_stage, age_band, sex, '\(measure)', \(value), \(event), COUNT(*)
            FROM \(table) WHERE \(filter)
            GROUP BY clinic_id, \(month), treatment, protocol_id, diagnosis, trd_stage, age_band, sex, \(value)\(event == "0" ? "" : ", \(event)")
            """
        }
        return [
            """
            INSERT INTO course_outcome_cube (\(keys), exclusion, courses, responses, remissions, reliable_assessed, reliable_improved,
                responded, relapsed, dropouts)
            SELECT \(keys), exclusion, COUNT(*), SUM(is_response), SUM(is_remission),
                SUM(CASE WHEN reliable_change IS NULL THEN 0 ELSE 1 END), SUM(CASE WHEN reliable_change = 'improved' THEN 1 ELSE 0 END),
                SUM(CASE WHEN relapse_event IS NULL THEN 0 ELSE 1 END), SUM(CASE WHEN relapse_event = 1 THEN 1 ELSE 0 END),
                SUM(CASE WHEN sessions_given > 0 AND is_dropout = 1 THEN 1 ELSE 0 END)
            FROM course_outcomes WHERE \(condition)
            GROUP BY \(keys), exclusion
            """,
            counts("response", value: "response_days", event: "response_event", filter: "\(counted) AND response_days IS NOT NULL"),
            counts("relapse", value: "relapse_days", event: "relapse_event", filter: "\(counted) AND relapse_days IS NOT NULL"),
            counts("waterfall", value: "waterfall_bin", event: "0", filter: "\(counted) AND waterfall_bin IS NOT NULL"),
            counts("sessions", value: "sessions_to_response", event: "0", filter: "\(counted) AND sessions_to_response IS NOT NULL"),
            counts("dose", value: "days", event: "event", from: "course_dose_effects", month: "substr(start_on, 1, 7)",
                   filter: "days IS NOT NULL AND \(condition)"),
        ]
    }
}
