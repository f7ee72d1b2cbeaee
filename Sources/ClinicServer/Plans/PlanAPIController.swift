import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// Treatment plans as JSON: preview a plan (nothing stored), sign it, read signed versions and
/// the scheduled sessions. Signing refuses exactly what the page refuses, as problem+json.
struct PlanAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var plans: PlanService { PlanService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.post, "/api/v1/patients/:id/plans/preview", .permission(.dosingUse), request: .requestBody(PlanBody.self), answer: .encoding(PreviewResource.self), use: preview)
        routes.staff(.post, "/api/v1/patients/:id/plans", .permission(.plansSign), request: .requestBody(PlanBody.self), answer: .encoding(TreatmentPlan.self, status: 201), use: sign)
        routes.staff(.get, "/api/v1/patients/:id/plans", .permission(.patientsClinical), answer: .list(of: TreatmentPlan.self), use: list)
        routes.staff(.get, "/api/v1/patients/:id/plans/:version", .permission(.patientsClinical), answer: .encoding(TreatmentPlan.self), use: version)
        routes.staff(.get, "/api/v1/patients/:id/sessions", .permission(.patientsClinical), answer: .list(of: SessionResource.self), use: sessions)
    }

    /// A plan request: the same fields as the planning form.
    struct PlanBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["protocol", "start", "sessions", "mgPerKg", "devices", "minutes", "frequencies",
                                                  "limitReason", "titrationReason", "note", "recordRevision"]
        let `protocol`: String
        let start: String
        let sessions: Int?
        let mgPerKg: Double?
        let devices: Int?
        let minutes: Double?
        let frequencies: [String]?
        let limitReason: String?
        let titrationReason: String?
        let note: String?
        let recordRevision: Int64?

        /// The body as the planning form's fields.
        var fields: [String: String] {
            var fields: [String: String] = ["protocol": self.protocol, "start": start]
            fields["sessions"] = sessions.map(String.init)
            fields["mgPerKg"] = mgPerKg.map { String($0) }
            fields["devices"] = devices.map(String.init)
            fields["minutes"] = minutes.map { String($0) }
            fields["limitReason"] = limitReason
            fields["titrationReason"] = titrationReason
            fields["note"] = note
            for (index, code) in (frequencies ?? []).enumerated() { fields["frequency\(index)"] = code }
            return fields
        }
    }

    /// A preview: whether it can be signed, why not, and the proposal.
    struct PreviewResource: Codable {
        struct Problem: Codable { let field: String, message: String }
        let readyToSign: Bool
        let problems: [Problem]
        let recordRevision: Int64
        let screeningDecision: ScreeningDecision?
        let titration: DoseChange?
        let dose: DoseOrder?
        let sessions: [CourseProposal.Session]
        let warnings: [DoseWarning]
        let courseTotalMg: Double?
        let largestSevenDayMg: Double?
    }

    /// A scheduled session.
    struct SessionResource: Codable {
        let id: UUID
        let planID: UUID
        let number: Int
        let date: CalendarDate
        let state: TreatmentSessionState
        let planned: CourseProposal.Session
    }

    @Sendable func preview(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let body = try await StrictJSON.decode(PlanBody.self, from: request)
        let chosen = try await plans.treatmentProtocol(body.protocol, clinic: clinic)
        let planRequest = try TreatmentPlanRequest.parse(body.fields, protocol: chosen)
        let (review, _) = try await plans.review(planRequest, protocol: chosen, chart: chart, clinic: clinic)
        try await services.recordView(of: chart, "treatment_plan", "API treatment plan preview", context: context)
        let proposal = review.proposal
        return try APIResponse.json(PreviewResource(
            readyToSign: review.isReadyToSign, problems: review.errors.entries.map { .init(field: $0.field, message: $0.message) },
            recordRevision: chart.revision, screeningDecision: review.screeningDecision, titration: review.titration, dose: proposal?.weightBasedDose?.order,
            sessions: proposal?.sessions ?? [], warnings: proposal?.warnings ?? [], courseTotalMg: proposal?.courseTotal?.value,
            largestSevenDayMg: proposal?.largestSevenDayTotal?.value))
    }

    @Sendable func sign(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let body = try await StrictJSON.decode(PlanBody.self, from: request)
        let chosen = try await plans.treatmentProtocol(body.protocol, clinic: clinic)
        let planRequest = try TreatmentPlanRequest.parse(body.fields, protocol: chosen)
        let plan = try await plans.sign(planRequest, chart: chart, revision: body.recordRevision, clinic: clinic, context: context)
        return try APIResponse.json(plan, status: .created,
                                    location: "/api/v1/patients/\(chart.summary.id.uuidString.lowercased())/plans/\(plan.version)")
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let versions = try await services.plans.list(patientID: chart.summary.id)
        try await services.recordView(of: chart, "treatment_plan", "API treatment plan list", context: context)
        return try APIResponse.json(versions)
    }

    @Sendable func version(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        return try APIResponse.json(try await plans.signedVersion(context, chart: chart, via: "API "))
    }

    @Sendable func sessions(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let sessions = try await services.plans.sessions(patientID: chart.summary.id)
        try await services.recordView(of: chart, "treatment_session", "API scheduled sessions", context: context)
        return try APIResponse.json(sessions.map {
            SessionResource(id: $0.id, planID: $0.planID, number: $0.number, date: $0.date, state: $0.state, planned: $0.planned)
        })
    }
}
