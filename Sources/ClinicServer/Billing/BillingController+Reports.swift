import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The reports page, its CSV and the API: one period parser and one report for all three.
extension BillingController {
    @Sendable func reports(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let query = WebResponses.queryFields(of: request)
        let today = services.today(for: clinic)
        let (period, errors) = ReportPeriod.lenient(query, today: today)
        let report = try await ReportPeriod.report(period, services: services, clinic: clinic)
        try await services.audit.record(AuditEvent(.view, entityType: "billing_report", entityID: clinic.id.uuidString,
                                                   summary: "Billing report \(period.from.iso) to \(period.to.iso), ageing as of \(period.asOf.iso)"),
                                        stamp: context.stamp(at: services.now()))
        let model = BillingReportsPage.Model(
            summary: report.summary,
            ageing: report.ageing.map { .init(patientID: $0.patientID, name: report.names[$0.patientID] ?? "—", line: $0) },
            asOf: report.asOf, authorizations: report.authorizations.map(Self.line), values: errors.isEmpty ? [:] : query, errors: errors)
        let html = BillingReportsPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .billing))
        return WebResponses.page(html, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func reportsCSV(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (period, report) = try await ReportPeriod.audited(request, .export, services: services, clinic: clinic, context: context) {
            "Billing report CSV \($0.from.iso) to \($0.to.iso), ageing as of \($0.asOf.iso)"
        }
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"billing-\(period.from.iso)-\(period.to.iso).csv\"",
            .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: BillingReport.csv(report.summary, ageing: report.ageing, asOf: report.asOf, names: report.names))))
    }
}

extension BillingAPIController {
    /// The report as JSON.
    struct ReportResource: Codable {
        struct Ageing: Codable {
            let patientId: UUID
            let name: String
            let payer: String
            let buckets: AgeingBuckets
            let totalCents: Cents
        }

        let summary: BillingPeriodSummary
        let asOf: CalendarDate
        let ageing: [Ageing]
        let authorizations: [AuthorizationResource]
    }

    @Sendable func report(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (_, report) = try await ReportPeriod.audited(request, .view, services: services, clinic: clinic, context: context) {
            "API billing report \($0.from.iso) to \($0.to.iso)"
        }
        return try APIResponse.json(ReportResource(
            summary: report.summary, asOf: report.asOf,
            ageing: report.ageing.map { .init(patientId: $0.patientID, name: report.names[$0.patientID] ?? "", payer: $0.selfPay ? "self-pay" : "insurer",
                                              buckets: $0.buckets, totalCents: $0.buckets.total) },
            authorizations: report.authorizations.map {
                AuthorizationResource(authorization: $0.authorization, patientName: $0.patientName, used: $0.used, status: $0.status)
            }))
    }
}

/// A report's period from `from`, `to` and `asOf` (YYYY-MM-DD): by default the month so far,
/// ageing on its last day; at most two years.
struct ReportPeriod {
    let from: CalendarDate
    let to: CalendarDate
    let asOf: CalendarDate

    init(_ fields: [String: String], today: CalendarDate) throws(FieldErrors) {
        var errors = FieldErrors()
        let to = BillingAPIController.date(fields["to"], "to", &errors) ?? today
        let from = BillingAPIController.date(fields["from"], "from", &errors) ?? CalendarDate(year: to.year, month: to.month, day: 1) ?? to
        let asOf = BillingAPIController.date(fields["asOf"], "asOf", &errors) ?? to
        if to < from { errors.add("to", "The period ends before it starts.") }
        if CalendarDate.daysBetween(from, to) > 731 { errors.add("from", "Choose a period of at most two years.") }
        try errors.throwIfAny()
        self.from = from
        self.to = to
        self.asOf = asOf
    }

    /// The period asked for, or the default one with the field errors (for a page that shows them).
    static func lenient(_ fields: [String: String], today: CalendarDate) -> (ReportPeriod, FieldErrors) {
        do {
            return (try ReportPeriod(fields, today: today), FieldErrors())
        } catch {
            let fallback = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
            return (ReportPeriod(from: fallback, to: today, asOf: today), error)
        }
    }

    private init(from: CalendarDate, to: CalendarDate, asOf: CalendarDate) {
        self.from = from
        self.to = to
        self.asOf = asOf
    }

    /// The period the CSV export or the API asks for (a bad one is refused with its field errors)
    /// and the report over it, audited as `action` with the period's `summary`: both read a
    /// billing report the same way.
    static func audited(_ request: Request, _ action: AuditAction, services: ClinicServices, clinic: Clinic,
                        context: StaffRequestContext, summary: (ReportPeriod) -> String)
        async throws -> (ReportPeriod, BillingReportRepository.Report) {
        let period = try ReportPeriod(WebResponses.queryFields(of: request), today: services.today(for: clinic))
        let report = try await Self.report(period, services: services, clinic: clinic)
        try await services.audit.record(AuditEvent(action, entityType: "billing_report", entityID: clinic.id.uuidString, summary: summary(period)),
                                        stamp: context.stamp(at: services.now()))
        return (period, report)
    }

    static func report(_ period: ReportPeriod, services: ClinicServices, clinic: Clinic) async throws -> BillingReportRepository.Report {
        try await BillingReportRepository(database: services.database).report(clinicID: clinic.id, from: period.from, to: period.to, asOf: period.asOf,
                                                                              today: services.today(for: clinic))
    }
}
