import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// The REMS monitoring forms as JSON: the queue, one session's form, recording a submission.
struct RemsAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var rems: RemsService { RemsService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/rems/forms", .permission(.patientsRead), answer: .encoding(APIResources.Items<FormResource>.self, named: "RemsForms"), use: queue)
        routes.staff(.get, "/api/v1/sessions/:session/rems-form", .permission(.patientsRead), answer: .encoding(FormResource.self), use: form)
        routes.staff(.post, "/api/v1/sessions/:session/rems-form/submission", .permission(.remsSubmit), request: .requestBody(SubmissionBody.self), answer: .encoding(FormResource.self, status: 201), use: submit)
    }

    /// The body of a submission.
    struct SubmissionBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["submittedOn", "channel", "confirmation", "reason"]
        let submittedOn: String
        let channel: String
        let confirmation: String?
        let reason: String?
    }

    /// A form with its submission and days left.
    struct FormResource: Codable {
        let form: RemsMonitoringForm
        let isComplete: Bool
        let durationBelowMinimum: Bool
        let daysLeft: Int
        let submitted: RemsQueueItem.Submitted?
    }

    @Sendable func queue(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let items = try await rems.repository.queue(clinic: clinic, today: services.today(for: clinic))
        try await services.recordQueueViews(items, "API REMS form queue", context: context)
        return try APIResponse.json(APIResources.Items(items.map { resource($0.form, submitted: $0.submitted, daysLeft: $0.daysLeft) }))
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let document = try await rems.document(context, clinic: clinic)
        try await rems.recordView(document, context: context)
        return try APIResponse.json(resource(document.form, submitted: document.submitted,
                                             daysLeft: document.form.daysLeft(today: services.today(for: clinic))))
    }

    @Sendable func submit(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(SubmissionBody.self, from: request)
        let document = try await rems.document(context, clinic: clinic)
        try await rems.submit(submittedOn: body.submittedOn, channel: body.channel, confirmation: body.confirmation, reason: body.reason,
                              document: document, clinic: clinic, context: context)
        let updated = try await rems.document(context, clinic: clinic)
        return try APIResponse.json(resource(updated.form, submitted: updated.submitted,
                                             daysLeft: updated.form.daysLeft(today: services.today(for: clinic))),
                                    status: .created)
    }

    private func resource(_ form: RemsMonitoringForm, submitted: RemsQueueItem.Submitted?, daysLeft: Int) -> FormResource {
        FormResource(form: form, isComplete: form.isComplete, durationBelowMinimum: form.durationBelowMinimum, daysLeft: daysLeft,
                     submitted: submitted)
    }
}
