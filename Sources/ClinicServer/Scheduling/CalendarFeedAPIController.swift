import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// Calendar feeds as JSON under `/api/v1/schedule/calendar-feeds`: list, make (the answer holds
/// the secret address, the only time it is shown) and revoke; and a patient's appointments file.
/// Bad input answers 422 naming the field, nothing stored; every change is audited.
struct CalendarFeedAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: CalendarFeedService { CalendarFeedService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/schedule/calendar-feeds", .permission(.scheduleBook), answer: .list(of: FeedResource.self), use: list)
        routes.staff(.post, "/api/v1/schedule/calendar-feeds", .permission(.scheduleBook), request: .requestBody(CreateBody.self), answer: .encoding(FeedResource.self, status: 201), use: create)
        routes.staff(.post, "/api/v1/schedule/calendar-feeds/:feed/revoke", .permission(.scheduleBook), request: .noBody, answer: .noContent, use: revoke)
        routes.staff(.get, "/api/v1/schedule/patients/:id/appointments.ics", .permission(.scheduleBook), use: appointments)
    }

    struct CreateBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["subject"]
        /// `chair:<id>` or `staff:<id>`.
        let subject: String
    }

    /// A feed as the API lists it; `address` only in the answer that made it.
    struct FeedResource: Codable {
        let id: UUID
        let kind: String
        let subject: UUID
        let subjectName: String
        let prefix: String
        let createdBy: String
        let createdAt: Date
        let lastReadAt: Date?
        let revokedAt: Date?
        let address: String?
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await workflow.feeds.feeds(of: clinic.id).map { Self.resource($0, address: nil) })
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(CreateBody.self, from: request)
        let subject = try CalendarFeedService.subject(from: body.subject, field: "subject")
        let (secret, feed) = try await workflow.create(subject, in: clinic, field: "subject", stamp: context.stamp(at: services.now()))
        return try APIResponse.json(Self.resource(feed, address: workflow.address(of: secret)), status: .created)
    }

    @Sendable func revoke(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let id = try Self.feedID(context)
        guard try await workflow.feeds.revoke(id, in: clinic.id, stamp: context.stamp(at: services.now())) else {
            throw Problem.notFound("There is no standing feed with that id.")
        }
        return Response(status: .noContent)
    }

    @Sendable func appointments(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try await workflow.appointmentsFile(of: try ScheduleAPIController.patientID(context), clinic: clinic,
                                                   stamp: context.stamp(at: services.now()))
    }

    static func feedID(_ context: Context) throws -> UUID {
        guard let id = context.parameters.get("feed").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("There is no such feed.") }
        return id
    }

    static func resource(_ feed: CalendarFeed, address: String?) -> FeedResource {
        FeedResource(id: feed.id, kind: feed.subject.kind, subject: feed.subject.id, subjectName: feed.subjectName, prefix: feed.prefix,
                     createdBy: feed.createdBy, createdAt: feed.createdAt, lastReadAt: feed.lastReadAt, revokedAt: feed.revokedAt, address: address)
    }
}
