import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// `/api/v1/patients/:id/screening(s)` and `/api/v1/clinic/policy`: the live evaluation,
/// signing a review, signed versions, and the clinic's screening policy.
struct ScreeningAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var screening: ScreeningService { ScreeningService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/patients/:id/screening", .permission(.patientsClinical), answer: .encoding(LiveResource.self), use: live)
        routes.staff(.post, "/api/v1/patients/:id/screenings", .permission(.screeningSign), request: .requestBody(SignBody.self), answer: .encoding(SignedScreening.self, status: 201), use: sign)
        routes.staff(.get, "/api/v1/patients/:id/screenings", .permission(.patientsClinical), answer: .list(of: SignedSummary.self), use: list)
        routes.staff(.get, "/api/v1/patients/:id/screenings/:version", .permission(.patientsClinical), answer: .encoding(SignedScreening.self), use: version)
        routes.staff(.get, "/api/v1/clinic/policy", .signedIn, answer: .encoding(ClinicPolicies.self), use: policy)
        routes.staff(.put, "/api/v1/clinic/policy", .permission(.clinicConfigure), request: .requestBody(PolicyBody.self), answer: .encoding(ClinicPolicies.self), use: updatePolicy)
    }

    /// The live evaluation.
    struct LiveResource: Codable {
        let recordRevision: Int64
        let result: ScreeningResult
        let resistance: TreatmentResistanceAssessment
        let latestSigned: SignedSummary?
    }

    /// A signed version in lists.
    struct SignedSummary: Codable {
        let version: Int
        let signedBy: String
        let signedAt: Date
        let stale: Bool
        let decisions: [SignedScreening.Decision]
    }

    /// The body that signs.
    struct SignBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["review", "recordRevision"]
        let review: ScreeningReview
        let recordRevision: Int64?
    }

    @Sendable func live(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let (result, resistance) = try await screening.evaluate(chart, clinic: clinic)
        let latest = try await services.screenings.latest(patientID: chart.summary.id)
        try await services.recordView(of: chart, "screening", "API screening evaluation", context: context)
        return try APIResponse.json(LiveResource(recordRevision: chart.revision, result: result, resistance: resistance,
                                                 latestSigned: latest.map { summary($0, revision: chart.revision) }))
    }

    @Sendable func sign(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let body = try await StrictJSON.decode(SignBody.self, from: request)
        let signed = try await screening.sign(body.review, chart: chart, revision: body.recordRevision, clinic: clinic,
                                              context: context)
        return try APIResponse.json(signed, status: .created,
                                    location: "/api/v1/patients/\(chart.summary.id.uuidString.lowercased())/screenings/\(signed.version)")
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let versions = try await services.screenings.list(patientID: chart.summary.id)
        try await services.recordView(of: chart, "screening", "API screening list", context: context)
        return try APIResponse.json(versions.map { summary($0, revision: chart.revision) })
    }

    @Sendable func version(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        return try APIResponse.json(try await screening.signedVersion(context, chart: chart, via: "API "))
    }

    @Sendable func policy(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await services.policies.policies(of: clinic.id))
    }

    @Sendable func updatePolicy(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(PolicyBody.self, from: request)
        var errors = FieldErrors()
        var screeningPolicy = ScreeningPolicy.defaults
        var resistancePolicy = TreatmentResistancePolicy.defaults
        do { screeningPolicy = try body.screening.validated() } catch { errors = errors.merging(error.prefixed("screening.")) }
        do { resistancePolicy = try body.resistance.validated() } catch { errors = errors.merging(error.prefixed("resistance.")) }
        try errors.throwIfAny()
        let policies = ClinicPolicies(screening: screeningPolicy, resistance: resistancePolicy)
        try await services.policies.update(policies, of: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(policies)
    }

    /// The body that replaces the clinic's policies.
    struct PolicyBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["screening", "resistance"]
        let screening: ScreeningPolicy
        let resistance: TreatmentResistancePolicy
    }

    private func summary(_ signed: SignedScreening, revision: Int64) -> SignedSummary {
        SignedSummary(version: signed.version, signedBy: signed.signedBy, signedAt: signed.signedAt,
                      stale: signed.isStale(currentRevision: revision), decisions: signed.decisions)
    }
}
