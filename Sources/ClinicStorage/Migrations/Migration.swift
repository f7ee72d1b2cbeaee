import ClinicDomain

/// One versioned step of the schema, written once in SQL that both engines accept
/// (see ``SQLEngine`` for the subset).
///
/// Names are verb-object ("create patients"). A migration that has shipped is never edited:
/// a change is a new migration.
public struct Migration: Sendable {
    /// Strictly increasing version; recorded in `schema_migrations`.
    public let version: Int
    /// What it does, in a few words.
    public let name: String
    /// The statements, run in order inside one transaction.
    public let statements: [String]
    /// Statements that differ by engine (triggers), run after `statements`; spelled in ``SQLEngine``.
    public let engineStatements: @Sendable (SQLEngine) -> [String]

    /// Declares a migration.
    public init(version: Int, name: String, statements: [String],
                engineStatements: @escaping @Sendable (SQLEngine) -> [String] = { _ in [] }) {
        self.version = version
        self.name = name
        self.statements = statements
        self.engineStatements = engineStatements
    }
}

/// Every migration KetaClinic knows, oldest first.
public enum Migrations {
    /// The full list; its last version is the schema this binary expects.
    public static let all: [Migration] = [
        createClinics,
        createPatients,
        createAccounts,
        createAuditTrail,
        createIntakeRecord,
        createTreatmentPlans,
        createRatingScales,
        createSessionEvents,
        createSessionRecord,
        addRemsSettingDetails,
        indexSessionLookups,
        addAuditEntryMACs,
        createRecoveryCodes,
        createEmergencyAccessGrants,
        createRegisterCatalogue,
        createRegisterMovements,
        createRegisterCounts,
        createMonitorDevices,
        createMonitorReadings,
        createMonitorMessages,
        createCourseOutcomes,
        indexSessionsGivenByDay,
        createBackupRuns,
        createSchedule,
        createScheduleWaitlist,
        createAppointmentReminders,
        createBillingLedger,
        createPriorAuthorizations,
        createSessionPackages,
        createRemittances,
        createGoodFaithEstimates,
        createQuestionnaireReminders,
        createCalendarFeeds,
        createFHIRExportJobs,
        createCourseOutcomeCube,
        addClinicMedicationCodes,
        narrowVitalCorrectionsIndex,
    ]

    /// The newest version this binary knows.
    public static var latestVersion: Int { all.last!.version }
}
