import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The network view of the outcome report (`/outcomes/network`, `/api/v1/outcomes/network` and
/// their CSVs): every clinic of the deployment on the same filter, side by side, with the network
/// total. Needs `outcomes.network`; on SQLite the network is the one clinic.
extension OutcomesController {
    func addNetworkRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/outcomes/network", .permission(.outcomesNetwork), use: networkPage)
        routes.staff(.get, "/outcomes/network/export.csv", .permission(.outcomesNetwork), use: networkCSV)
        routes.staff(.get, "/api/v1/outcomes/network", .permission(.outcomesNetwork), answer: .encoding(NetworkOutcomeExport.self), use: networkJSON)
        routes.staff(.get, "/api/v1/outcomes/network/export.csv", .permission(.outcomesNetwork), use: networkCSV)
    }

    /// The network's clinics with their outcome policies.
    func networkClinics() async throws -> [CourseOutcomeRepository.NetworkClinic] {
        var result: [CourseOutcomeRepository.NetworkClinic] = []
        for clinic in try await SQLClinicRepository(database: services.database).all() {
            result.append(.init(clinic: clinic, policy: try await services.safetyPolicies.policy(of: clinic.id).outcomePolicy))
        }
        return result
    }

    /// The protocols any clinic of the network has, with the built-in library's.
    func networkProtocols(_ clinics: [CourseOutcomeRepository.NetworkClinic]) async throws -> [String] {
        let repository = CourseOutcomeRepository(database: services.database)
        var ids = Set<String>()
        for entry in clinics { ids.formUnion(try await repository.protocolIDs(clinicID: entry.clinic.id)) }
        return ids.sorted()
    }

    /// The network filter, or field errors (a named clinic must be one of the network's).
    func networkFilter(_ request: Request, home: Clinic, clinics: [CourseOutcomeRepository.NetworkClinic]) async throws
        -> Result<OutcomeCohortFilter, FieldErrors> {
        let fields = WebResponses.queryFields(of: request).filter { OutcomeCohortFilter.fieldNames.contains($0.key) }
        let protocols = try await networkProtocols(clinics)
        let filter: OutcomeCohortFilter
        do {
            filter = try OutcomeCohortFilter.parse(fields, knownProtocols: protocols, today: services.today(for: home))
        } catch {
            return .failure(error)
        }
        if let id = filter.clinicID, !clinics.contains(where: { $0.clinic.id == id }) {
            var errors = FieldErrors()
            errors.add("clinic", "No clinic of this network has the id \(id.uuidString).")
            return .failure(errors)
        }
        return .success(filter)
    }

    /// The network report for a valid filter, audited as a view or an export.
    func networkReport(_ filter: OutcomeCohortFilter, clinics: [CourseOutcomeRepository.NetworkClinic], context: Context,
                       action: AuditAction, channel: String) async throws -> NetworkOutcomeReport {
        let now = services.now()
        let report = try await CourseOutcomeRepository(database: services.database).networkReport(
            filter, clinics: clinics, now: now, labels: [.protocolID: protocolNames()])
        try await services.audit.record(AuditEvent(action, entityType: "outcome_report", entityID: "\(filter.from.iso)..\(filter.to.iso)",
                                                   summary: "network outcome report (\(channel)), \(report.clinics.count) clinics, "
                                                       + "\(report.network.overall.courses) courses"),
                                        stamp: context.stamp(at: now))
        return report
    }

    @Sendable func networkPage(_ request: Request, context: Context) async throws -> Response {
        let home = try await services.currentClinic()
        let clinics = try await networkClinics()
        let values = WebResponses.queryFields(of: request).filter { OutcomeCohortFilter.fieldNames.contains($0.key) }
        let protocols = try await networkProtocols(clinics).map { (id: $0, name: protocolNames()[$0] ?? $0) }
        let pageContext = WebResponses.pageContext(home, request, context, section: .outcomes)
        let single = services.database.engine == .sqlite
        switch try await networkFilter(request, home: home, clinics: clinics) {
        case .failure(let errors):
            let html = NetworkOutcomesPage.render(.init(values: values, errors: errors, report: nil, protocols: protocols,
                                                        singleClinicDatabase: single), context: pageContext)
            return WebResponses.page(html, status: .unprocessableContent)
        case .success(let filter):
            let report = try await networkReport(filter, clinics: clinics, context: context, action: .view, channel: "page")
            var shown = values
            shown["from"] = filter.from.iso
            shown["to"] = filter.to.iso
            let html = NetworkOutcomesPage.render(.init(values: shown, errors: FieldErrors(), report: report, protocols: protocols,
                                                        singleClinicDatabase: single), context: pageContext)
            return WebResponses.page(html)
        }
    }

    /// The report or a problem: an API client gets problem+json naming the fields, or "nothing to report".
    func validNetworkReport(_ request: Request, context: Context, channel: String) async throws -> NetworkOutcomeReport {
        let home = try await services.currentClinic()
        let clinics = try await networkClinics()
        switch try await networkFilter(request, home: home, clinics: clinics) {
        case .failure(let errors): throw Problem.validation(errors)
        case .success(let filter):
            let report = try await networkReport(filter, clinics: clinics, context: context, action: .export, channel: channel)
            guard !report.isEmpty else { throw Problem.emptyCohort(filter) }
            return report
        }
    }

    @Sendable func networkJSON(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(NetworkOutcomeExport(try await validNetworkReport(request, context: context, channel: "JSON")))
    }

    @Sendable func networkCSV(_ request: Request, context: Context) async throws -> Response {
        let report = try await validNetworkReport(request, context: context, channel: "CSV")
        let name = "network-outcomes-\(report.filter.from.iso)-\(report.filter.to.iso).csv"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                               .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(string: NetworkOutcomeExport(report).csv)))
    }
}
