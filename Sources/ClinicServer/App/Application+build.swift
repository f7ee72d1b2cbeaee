import ClinicDomain
import ClinicStorage
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the router: middleware in the order a request meets it, then every controller,
/// each route declaring its access through ``SecureRoutes`` (recorded in `catalog`).
public func buildRouter(services: ClinicServices, catalog: RouteCatalog = RouteCatalog()) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let clinicName: @Sendable () async -> String = {
        (try? await services.clinics.primaryClinic()?.settings.name) ?? "KetaClinic"
    }
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: SecurityHeadersMiddleware(strictTransport: services.settings.behindTlsProxy))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorPresentationMiddleware(clinicName: clinicName))
    router.add(middleware: BodyLimitMiddleware(limit: services.settings.bodyLimitBytes))
    router.add(middleware: AuthenticationMiddleware(services: services))
    router.add(middleware: CSRFMiddleware())

    let routes = SecureRoutes(router: router, catalog: catalog, forbiddenPage: ForbiddenPage(services: services))
    HealthController(services: services).addRoutes(to: routes)
    AssetsController().addRoutes(to: routes)
    SignInController(services: services).addRoutes(to: routes)
    HomeController(services: services).addRoutes(to: routes)
    PatientsController(services: services).addRoutes(to: routes)
    IntakeController(services: services).addRoutes(to: routes)
    ScreeningController(services: services).addRoutes(to: routes)
    AuditController(services: services).addRoutes(to: routes)
    AccountController(services: services).addRoutes(to: routes)
    UsersAdminController(services: services).addRoutes(to: routes)
    ClinicSettingsController(services: services).addRoutes(to: routes)
    PolicyPageController<ScreeningPolicyForm>(services: services).addRoutes(to: routes)

    ClinicAPIController(services: services).addRoutes(to: routes)
    PatientsAPIController(services: services).addRoutes(to: routes)
    RecordAPIController(services: services).addRoutes(to: routes)
    ScreeningAPIController(services: services).addRoutes(to: routes)
    AccountsAPIController(services: services).addRoutes(to: routes)
    AuditAPIController(services: services).addRoutes(to: routes)
    PKController(services: services).addRoutes(to: routes)
    PKAPIController(services: services).addRoutes(to: routes)
    DosingController(services: services).addRoutes(to: routes)
    ProtocolController(services: services).addRoutes(to: routes)
    PlanController(services: services).addRoutes(to: routes)
    DosingAPIController(services: services).addRoutes(to: routes)
    PlanAPIController(services: services).addRoutes(to: routes)
    ScalesController(services: services).addRoutes(to: routes)
    SelfReportController(services: services).addRoutes(to: routes)
    PolicyPageController<SafetyPolicyForm>(services: services).addRoutes(to: routes)
    ScalesAPIController(services: services).addRoutes(to: routes)
    SessionsAPIController(services: services).addRoutes(to: routes)
    SessionController(services: services).addRoutes(to: routes)
    PolicyPageController<SessionPolicyForm>(services: services).addRoutes(to: routes)
    BoardController(services: services).addRoutes(to: routes)
    BoardStreamController(services: services).addRoutes(to: routes)
    RemsController(services: services).addRoutes(to: routes)
    RemsAPIController(services: services).addRoutes(to: routes)
    PolicyPageController<RemsSettingForm>(services: services).addRoutes(to: routes)
    PolicyPageController<SchedulingPolicyForm>(services: services).addRoutes(to: routes)
    RegisterController(services: services).addRoutes(to: routes)
    PolicyPageController<RegisterPolicyForm>(services: services).addRoutes(to: routes)
    PolicyPageController<MedicationCodesForm>(services: services).addRoutes(to: routes)
    MedicationCodesAPIController(services: services).addRoutes(to: routes)
    SessionRegisterController(services: services).addRoutes(to: routes)
    RegisterAPIController(services: services).addRoutes(to: routes)
    OutcomesController(services: services).addRoutes(to: routes)
    MonitorsController(services: services).addRoutes(to: routes)
    MonitorsAPIController(services: services).addRoutes(to: routes)
    BackupsController(services: services).addRoutes(to: routes)
    BillingAPIController(services: services).addRoutes(to: routes)
    BillingController(services: services).addRoutes(to: routes)
    ScheduleAPIController(services: services).addRoutes(to: routes)
    ScheduleController(services: services).addRoutes(to: routes)
    OpenAPIController(catalog: catalog).addRoutes(to: routes)
    FHIRController(services: services).addRoutes(to: routes)
    return router
}

/// Builds the whole application: router, server configuration, and the database as a service
/// so that it closes only after the server has stopped taking requests.
public func buildApplication(services: ClinicServices, logger: Logger,
                             catalog: RouteCatalog = RouteCatalog()) -> some ApplicationProtocol {
    _ = ClinicMetrics.shared
    let settings = services.settings
    return Application(
        router: buildRouter(services: services, catalog: catalog),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "KetaClinic"),
        services: lifecycleServices(services, logger: logger),
        logger: logger)
}

/// The background services, in start order; graceful shutdown runs in reverse, so the HTTP
/// server drains first, then the board's listener stops, and the database closes last.
private func lifecycleServices(_ services: ClinicServices, logger: Logger) -> [any Service] {
    var list: [any Service] = [DatabaseService(database: services.database)]
    if services.database.configuredKeys != nil {
        list.append(AuditCheckpointService(services: services, logger: logger))
    }
    if let bus = services.board as? any Service { list.append(bus) }
    list.append(AlertEscalationService(services: services, logger: logger))
    list.append(ReminderScheduler(services: services, logger: logger))
    if services.settings.monitors.port != nil {
        list.append(MLLPListener(services: services, settings: services.settings.monitors, logger: Logger(label: "ketaclinic.mllp")))
    }
    if services.settings.demo { list.append(DemoMonitorService(services: services, logger: logger)) }
    if let schedule = services.settings.backupSchedule {
        list.append(BackupScheduler(services: services, schedule: schedule, logger: logger))
    }
    return list
}

/// Keeps the database open while the application runs and closes it on graceful shutdown
/// (SIGTERM, SIGINT), after the HTTP server has drained.
struct DatabaseService: Service {
    let database: ClinicDatabase

    func run() async throws {
        try? await gracefulShutdown()
        await database.shutDown()
    }
}

/// Opens and prepares the database for serving: migrate, make sure a clinic exists, and load
/// the demo clinic when asked and the database has no patients.
public enum ServerStartup {
    /// What `prepare` did, for the start-up log.
    public struct Report: Sendable {
        /// Migrations applied now.
        public var migrationsApplied: [Int]
        /// Demo patients loaded now (0 when the database already had patients).
        public var demoPatientsLoaded: Int
        /// Demo users created now, with their passwords: printed once, never stored in clear.
        public var demoCredentials: [DemoAccounts.Credential] = []
    }

    /// Prepares `database` according to `settings`.
    public static func prepare(database: ClinicDatabase, settings: ServerSettings, now: Date,
                               progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        let applied = try await Migrator().migrate(database, now: now)
        var loaded = 0
        var credentials: [DemoAccounts.Credential] = []
        let demo = DemoClinicLoader(database: database)
        if settings.demo, try await demo.isEmpty() {
            loaded = try await demo.load(patients: settings.demoPatients, seed: settings.demoSeed, now: now,
                                         progress: progress).patientsAdded
        } else {
            _ = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: now)
        }
        if settings.demo {
            credentials = try await DemoAccounts.create(in: database, bcryptCost: settings.bcryptCost, now: now)
            if loaded > 0 { try await DemoRegister.load(database: database, now: now) }
            try await DemoSchedule.load(in: database, bcryptCost: settings.bcryptCost, now: now)
        }
        return Report(migrationsApplied: applied, demoPatientsLoaded: loaded, demoCredentials: credentials)
    }
}

import Foundation
