import ClinicDomain
import ClinicStorage
import ClinicWeb
import Plot
import Foundation
import Hummingbird

/// The treatment plan pages: plan a course (a GET form that previews the dose arithmetic, the
/// PK curve and the proposed dates), sign it, and read signed versions.
struct PlanController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var plans: PlanService { PlanService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/patients/:id/plans", .permission(.patientsClinical), use: current)
        routes.staff(.get, "/patients/:id/plans/new", .permission(.dosingUse), use: planning)
        routes.staff(.post, "/patients/:id/plans", .permission(.plansSign), use: sign)
        routes.staff(.get, "/patients/:id/plans/:version", .permission(.patientsClinical), use: version)
    }

    @Sendable func current(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let base = "/patients/\(chart.summary.id.uuidString.lowercased())/plans"
        guard let latest = try await services.plans.latest(patientID: chart.summary.id) else {
            return WebResponses.redirect(to: "\(base)/new")
        }
        return WebResponses.redirect(to: "\(base)/\(latest.version)")
    }

    @Sendable func planning(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        try await services.recordView(of: chart, "treatment_plan", "treatment plan planning", context: context)
        return try await page(chart, clinic: clinic, fields: WebResponses.queryFields(of: request), request: request, context: context)
    }

    @Sendable func sign(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let form = try await WebResponses.formFields(of: request)
        do {
            let chosen = try await plans.treatmentProtocol(form["protocol"] ?? "", clinic: clinic)
            let planRequest = try TreatmentPlanRequest.parse(form, protocol: chosen)
            let plan = try await plans.sign(planRequest, chart: chart, revision: form["recordRevision"].flatMap { Int64($0) },
                                            clinic: clinic, context: context)
            return WebResponses.redirect(to: "/patients/\(chart.summary.id.uuidString.lowercased())/plans/\(plan.version)",
                                         flash: Flash(.success, "Treatment plan version \(plan.version) signed; \(plan.sessions.count) sessions scheduled."))
        } catch let errors as FieldErrors {
            return try await page(chart, clinic: clinic, fields: form, request: request, context: context, errors: errors,
                                  status: .unprocessableContent)
        }
    }

    @Sendable func version(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let plan = try await plans.signedVersion(context, chart: chart, via: "")
        let versions = try await services.plans.list(patientID: chart.summary.id)
        let sessions = try await services.plans.sessions(patientID: chart.summary.id).filter { $0.planID == plan.id }
        let html = TreatmentPlanPage.render(plan: plan, patient: chart.summary, versions: versions,
                                            states: Dictionary(uniqueKeysWithValues: sessions.map { ($0.number, $0.state) }),
                                            canPlan: context.identity.can(.dosingUse), timeZone: clinic.settings.resolvedTimeZone,
                                            context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    /// The planning page for `fields`: the protocol choice, and once a protocol is chosen, the
    /// plan's fields with their defaults and the preview.
    private func page(_ chart: PatientChart, clinic: Clinic, fields: [String: String], request: Request, context: Context,
                      errors: FieldErrors = FieldErrors(), status: HTTPResponse.Status = .ok) async throws -> Response {
        let available = try await services.protocols.library(clinicID: clinic.id).filter { !$0.isRetired }
        let chosen = available.first { $0.id == fields["protocol"] }
        var values = fields
        var formErrors = errors
        var review: TreatmentPlanReview?
        var figure: Node<HTML.BodyContext>?
        if let chosen {
            values = Self.withDefaults(fields, protocol: chosen, today: services.today(for: clinic))
            do {
                let planRequest = try TreatmentPlanRequest.parse(values, protocol: chosen)
                let (checked, _) = try await plans.review(planRequest, protocol: chosen, chart: chart, clinic: clinic)
                review = checked
                figure = PlanPharmacokinetics.figure(for: checked.proposal)
            } catch let parseErrors as FieldErrors {
                formErrors = formErrors.merging(parseErrors)
            }
        } else if let asked = fields["protocol"], !asked.isEmpty {
            formErrors.add("protocol", "Choose a protocol from the library.")
        }
        let model = TreatmentPlanPage.Model(
            patient: chart.summary, protocols: available, chosen: chosen, values: values, review: review, errors: formErrors,
            recordRevision: chart.revision, canSign: context.identity.can(.plansSign), pkFigure: figure,
            currentPlan: try await services.plans.latest(patientID: chart.summary.id))
        let html = TreatmentPlanPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .patients))
        return WebResponses.page(html, status: status)
    }

    /// `fields` with the protocol's defaults where empty: start today, its default session count,
    /// its dose, duration and frequencies.
    static func withDefaults(_ fields: [String: String], protocol chosen: TreatmentProtocol, today: CalendarDate) -> [String: String] {
        var values = fields
        func fill(_ name: String, _ value: String?) { if (values[name] ?? "").trimmed.isEmpty, let value { values[name] = value } }
        fill("start", today.iso)
        fill("sessions", String(chosen.schedule.defaultSessionCount))
        if let dosing = chosen.weightBased {
            fill("mgPerKg", Rounding.text(dosing.mgPerKg, places: 3))
            fill("minutes", dosing.minutes.map { Rounding.text($0, places: 1) })
        }
        if chosen.esketamine != nil { fill("devices", "2") }
        for (index, phase) in chosen.schedule.phases.enumerated() { fill("frequency\(index)", phase.frequency.code) }
        return values
    }
}
