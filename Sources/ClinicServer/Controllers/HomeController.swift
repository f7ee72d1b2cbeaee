import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// The home page: the clinic at a glance.
struct HomeController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/", .signedIn, use: home)
    }

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        async let count = services.patients.count(in: clinic.id)
        async let schema = services.migrator.status(services.database)
        var model = HomePage.Model(
            clinicName: clinic.settings.name, jurisdiction: clinic.settings.jurisdiction.displayName,
            timeZone: clinic.settings.timeZone, patientCount: try await count,
            databaseEngine: services.database.engine.rawValue, schemaVersion: try await schema.databaseVersion)
        if context.identity.can(.patientsClinical) {
            model.alerts = try await services.scales.openAlerts(clinicID: clinic.id).map { .init(alert: $0.alert, patientName: $0.patientName) }
            model.dayList = try await ScaleService(services: services).dayList(clinic: clinic)
                .map { .init(patientID: $0.patient.id, patientName: $0.patient.listName, due: $0.due) }
            model.canAcknowledge = context.identity.can(.alertsAcknowledge)
            if context.identity.can(.plansSign) {
                let grants = try await EmergencyAccessRepository(database: services.database)
                    .grants(since: services.now().addingTimeInterval(-7 * 86_400))
                var rows: [HomePage.EmergencyAccessRow] = []
                for grant in grants {
                    let name = try await services.patients.find(grant.patientID, in: clinic.id)?.listName ?? "Unknown patient"
                    rows.append(.init(grant: grant, patientName: name))
                }
                model.emergencyAccesses = rows
            }
            model.clinicTimeZone = clinic.settings.resolvedTimeZone
        }
        if context.identity.can(.registerManage) {
            let register = RegisterRepository(database: services.database)
            let catalogue = try await register.catalogue(clinicID: clinic.id)
            model.registerDiscrepancies = try await register.discrepancies(clinicID: clinic.id, openOnly: true).map {
                "\(catalogue.product($0.productID)?.name ?? "?"), lot \(catalogue.lotText($0.lotID)), \(catalogue.locationName($0.locationID)): "
                    + "\($0.differenceText), found \(Instant.text($0.foundAt, in: clinic.settings.resolvedTimeZone))"
            }
        }
        let identity = context.identity
        model.abilities.registerPatients = identity.can(.patientsRegister)
        model.abilities.seePatients = identity.can(.patientsRead)
        model.abilities.seeBoard = identity.can(.patientsClinical)
        model.abilities.seeSystem = identity.can(.operationsMetrics)
        model.clinicTimeZone = clinic.settings.resolvedTimeZone
        model.worklists = try await HomeWorklists(services: services).lists(for: context, clinic: clinic)
        let html = HomePage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .home))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }
}
