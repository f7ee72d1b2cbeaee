import ClinicDomain
import ClinicStorage
import Foundation
import Logging

/// Everything the controllers need, built once at start and handed to each controller's `init`.
public struct ClinicServices: Sendable {
    /// The database.
    public let database: ClinicDatabase
    /// Clinics and their settings.
    public let clinics: any ClinicRepository
    /// Registered patients.
    public let patients: any PatientRepository
    /// Patients' intake records.
    public let records: any PatientRecordRepository
    /// Signed screenings.
    public let screenings: ScreeningRepository
    /// The clinic's screening and treatment-resistance policies.
    public let policies: ClinicPolicyRepository
    /// The clinic's protocol library.
    public let protocols: ProtocolRepository
    /// Signed treatment plans and their scheduled sessions.
    public let plans: TreatmentPlanRepository
    /// Completed rating scales and suicidality alerts.
    public let scales: ScaleRepository
    /// One-time self-report links.
    public let selfReportLinks: SelfReportLinkRepository
    /// The clinic's safety policy (alert recipients, escalation, links, crisis resources).
    public let safetyPolicies: SafetyPolicyRepository
    /// Treatment sessions' state changes, through the session state machine.
    public let sessionStates: TreatmentSessionRepository
    /// Treatment sessions' records: entries, vital signs, alerts.
    public let sessionRecords: SessionRecordRepository
    /// The clinic's session policy (thresholds, gates, discharge, chairs).
    public let sessionPolicies: SessionPolicyRepository
    /// Where SMS and email go.
    public let outbox: any Outbox
    /// Staff accounts.
    public let users: any UserRepository
    /// Browser sessions.
    public let sessions: SessionRepository
    /// API tokens.
    public let tokens: APITokenRepository
    /// Sign-in attempts, for throttling.
    public let signInAttempts: SignInAttemptRepository
    /// The audit trail.
    public let audit: AuditTrail
    /// Hashes and checks passwords.
    public let passwords: PasswordHasher
    /// The schema migrator, for readiness.
    public let migrator: Migrator
    /// The server's settings.
    public let settings: ServerSettings
    /// The clock. Tests pass a fixed one; the domain never reads the clock itself.
    public let now: @Sendable () -> Date
    /// The live chair board's events: in-process on SQLite, LISTEN/NOTIFY on PostgreSQL.
    public let board: any BoardBus
    /// The live chair board's cards.
    public let boardSnapshots: any BoardSnapshotSource
    /// How long one board event stream stays open before the server ends it; the browser
    /// reconnects after 2 s and refetches the board, so streams spread over instances again.
    public var boardStreamLimit: Duration = .seconds(600)

    /// Wires the SQL repositories over `database`. The board's bus defaults to the one
    /// ``BoardBuses/make(for:logger:)`` chooses for the engine, its cards to the sessions under care.
    public init(database: ClinicDatabase, settings: ServerSettings, outbox: any Outbox = LoggingOutbox(),
                now: @escaping @Sendable () -> Date = { Date() }, board: (any BoardBus)? = nil,
                boardSnapshots: (any BoardSnapshotSource)? = nil) {
        self.board = board ?? BoardBuses.make(for: database, logger: Logger(label: "ketaclinic.board"))
        self.scales = ScaleRepository(database: database)
        self.selfReportLinks = SelfReportLinkRepository(database: database)
        self.safetyPolicies = SafetyPolicyRepository(database: database)
        self.outbox = outbox
        self.sessionStates = TreatmentSessionRepository(database: database)
        self.sessionRecords = SessionRecordRepository(database: database)
        self.sessionPolicies = SessionPolicyRepository(database: database)
        self.database = database
        self.clinics = SQLClinicRepository(database: database)
        self.patients = SQLPatientRepository(database: database)
        self.records = SQLPatientRecordRepository(database: database)
        self.screenings = ScreeningRepository(database: database)
        self.policies = ClinicPolicyRepository(database: database)
        self.protocols = ProtocolRepository(database: database)
        self.plans = TreatmentPlanRepository(database: database)
        self.users = SQLUserRepository(database: database)
        self.sessions = SessionRepository(database: database)
        self.tokens = APITokenRepository(database: database)
        self.signInAttempts = SignInAttemptRepository(database: database)
        self.audit = AuditTrail(database: database)
        self.passwords = PasswordHasher(cost: settings.bcryptCost,
                                        policy: PasswordPolicy(minimumLength: settings.passwordMinimumLength))
        self.migrator = Migrator()
        self.settings = settings
        self.now = now
        self.boardSnapshots = boardSnapshots ?? SessionBoardSnapshots(clinics: clinics, patients: patients, records: sessionRecords,
                                                                      policies: sessionPolicies)
    }

    /// The clinic this deployment serves. It exists once the server has started.
    func currentClinic() async throws -> Clinic {
        guard let clinic = try await clinics.primaryClinic() else {
            throw Problem.unavailable("The database has no clinic yet; run `ketaclinic migrate`.")
        }
        return clinic
    }

    /// Cookie attributes for this deployment.
    var cookies: SessionCookies { SessionCookies(secure: settings.behindTlsProxy) }

    /// Today's date where the clinic is.
    func today(for clinic: Clinic) -> CalendarDate {
        CalendarDate(instant: now(), in: clinic.settings.resolvedTimeZone)
    }
}

extension ClinicServices {
    /// Writes that the signed-in user viewed part of `chart`: every view of a patient's record is audited.
    func recordView(of chart: PatientChart, _ entityType: String, entityID: String? = nil, _ summary: String,
                    context: StaffRequestContext) async throws {
        try await audit.record(AuditEvent(.view, entityType: entityType, entityID: entityID ?? chart.summary.id.uuidString,
                                          patientID: chart.summary.id, summary: summary),
                               stamp: context.stamp(at: now()))
    }
}
