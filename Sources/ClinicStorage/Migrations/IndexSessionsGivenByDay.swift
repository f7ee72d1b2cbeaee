import ClinicDomain

extension Migrations {
    /// The outcome report's safety measures count the sessions given in a period: a covering index
    /// on the day and state lets that count read the index alone (version 41).
    static let indexSessionsGivenByDay = Migration(version: 41, name: "index sessions given by day", statements: [
        "CREATE INDEX treatment_sessions_given_by_day ON treatment_sessions (scheduled_on, state, patient_id)",
    ])
}
