import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The clinic's outcome report: the page (`/outcomes`), its CSV (`/outcomes/export.csv`), and the
/// JSON API (`/api/v1/outcomes`, `/api/v1/outcomes/export.csv`). One filter parser and one report
/// builder serve all of them; the exports suppress small cells. Bad input re-renders the page with
/// field errors or answers problem+json, never an empty plot. Each view or export is audited.
struct OutcomesController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/outcomes", .permission(.outcomesRead), use: page)
        routes.staff(.get, "/outcomes/export.csv", .permission(.outcomesRead), use: csv)
        routes.staff(.get, "/api/v1/outcomes", .permission(.outcomesRead), answer: .encoding(OutcomeExport.self), use: json)
        routes.staff(.get, "/api/v1/outcomes/export.csv", .permission(.outcomesRead), use: csv)
        addNetworkRoutes(to: routes)
    }

    /// The filter from the query and the clinic it reports on, or field errors. A reader with
    /// `outcomes.network` may name any clinic of the network; others read their own clinic only.
    func filter(_ request: Request, clinic: Clinic, context: Context) async throws -> Result<(OutcomeCohortFilter, Clinic), FieldErrors> {
        let fields = WebResponses.queryFields(of: request).filter { OutcomeCohortFilter.fieldNames.contains($0.key) }
        let protocols = try await CourseOutcomeRepository(database: services.database).protocolIDs(clinicID: clinic.id)
        var filter: OutcomeCohortFilter
        do {
            filter = try OutcomeCohortFilter.parse(fields, knownProtocols: protocols, today: services.today(for: clinic))
        } catch {
            return .failure(error)
        }
        guard let other = filter.clinicID, other != clinic.id else {
            filter.clinicID = nil
            return .success((filter, clinic))
        }
        var errors = FieldErrors()
        guard context.identity.can(.outcomesNetwork) else {
            errors.add("clinic", "You can read the outcomes of your own clinic only.")
            return .failure(errors)
        }
        guard let target = try await SQLClinicRepository(database: services.database).all().first(where: { $0.id == other }) else {
            errors.add("clinic", "No clinic of this network has the id \(other.uuidString).")
            return .failure(errors)
        }
        return .success((filter, target))
    }

    /// The report for a valid filter, audited as a view or an export.
    func report(_ filter: OutcomeCohortFilter, clinic: Clinic, context: Context, action: AuditAction, channel: String) async throws -> OutcomeReport {
        let policy = try await services.safetyPolicies.policy(of: clinic.id).outcomePolicy
        let now = services.now()
        let report = try await CourseOutcomeRepository(database: services.database).report(
            filter, clinicID: clinic.id, timeZone: clinic.settings.resolvedTimeZone, policy: policy, now: now,
            labels: [.protocolID: protocolNames(), .clinic: [clinic.id.uuidString: clinic.settings.name]])
        try await services.audit.record(AuditEvent(action, entityType: "outcome_report", entityID: "\(filter.from.iso)..\(filter.to.iso)",
                                                   summary: "outcome report (\(channel)) of \(clinic.settings.name), \(report.overall.courses) courses"),
                                        stamp: context.stamp(at: now))
        return report
    }

    /// The clinics a reader may choose on the page: the network's, for a reader with `outcomes.network`.
    func clinicChoices(_ context: Context) async throws -> [(id: String, name: String)] {
        guard context.identity.can(.outcomesNetwork) else { return [] }
        let all = try await SQLClinicRepository(database: services.database).all()
        return all.count > 1 ? all.map { (id: $0.id.uuidString, name: $0.settings.name) } : []
    }

    func protocolNames() -> [String: String] {
        Dictionary(uniqueKeysWithValues: ProtocolLibrary.builtIn.map { ($0.id, $0.name) })
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let values = WebResponses.queryFields(of: request).filter { OutcomeCohortFilter.fieldNames.contains($0.key) }
        let protocols = try await CourseOutcomeRepository(database: services.database).protocolIDs(clinicID: clinic.id)
            .map { (id: $0, name: protocolNames()[$0] ?? $0) }
        let pageContext = WebResponses.pageContext(clinic, request, context, section: .outcomes)
        let clinics = try await clinicChoices(context)
        switch try await filter(request, clinic: clinic, context: context) {
        case .failure(let errors):
            let html = OutcomesPage.render(.init(values: values, errors: errors, report: nil, protocols: protocols, clinics: clinics),
                                           context: pageContext)
            return WebResponses.page(html, status: .unprocessableContent)
        case .success(let (filter, target)):
            let report = try await report(filter, clinic: target, context: context, action: .view, channel: "page")
            var shown = values
            shown["from"] = filter.from.iso
            shown["to"] = filter.to.iso
            let html = OutcomesPage.render(.init(values: shown, errors: FieldErrors(), report: report, protocols: protocols, clinics: clinics),
                                           context: pageContext)
            return WebResponses.page(html)
        }
    }

    /// The filter or a problem: an API client gets problem+json naming the fields.
    func validFilter(_ request: Request, clinic: Clinic, context: Context) async throws -> (OutcomeCohortFilter, Clinic) {
        switch try await filter(request, clinic: clinic, context: context) {
        case .failure(let errors): throw Problem.validation(errors)
        case .success(let chosen): return chosen
        }
    }

    @Sendable func json(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (filter, target) = try await validFilter(request, clinic: clinic, context: context)
        let report = try await report(filter, clinic: target, context: context, action: .export, channel: "JSON")
        guard !report.isEmpty else { throw Problem.emptyCohort(filter) }
        return try APIResponse.json(OutcomeExport(report))
    }

    @Sendable func csv(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (filter, target) = try await validFilter(request, clinic: clinic, context: context)
        let report = try await report(filter, clinic: target, context: context, action: .export, channel: "CSV")
        guard !report.isEmpty else { throw Problem.emptyCohort(filter) }
        let name = "outcomes-\(filter.from.iso)-\(filter.to.iso).csv"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                               .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(string: OutcomeExport(report).csv)))
    }
}

extension Problem {
    /// No course matched: a clear answer instead of a document of zeros that looks like a result.
    static func emptyCohort(_ filter: OutcomeCohortFilter) -> Problem {
        var errors = FieldErrors()
        errors.add("from", "No course had its first session from \(filter.from.iso) to \(filter.to.iso) with these filters: there is nothing to report. "
                   + "Widen the period or clear a filter.")
        return .validation(errors)
    }
}
