import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// Appointment reminders and questionnaire links as JSON under `/api/v1/schedule/reminders`: the
/// clinic's reminder policy (hours before, place, mail relay, questionnaire links), the record of
/// both for a day, and sending the due ones now.
struct ReminderAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var reminders: ReminderRepository { ReminderRepository(database: services.database) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/schedule/reminders/policy", .permission(.scheduleBook), answer: .encoding(ReminderPolicy.self), use: policy)
        routes.staff(.put, "/api/v1/schedule/reminders/policy", .permission(.clinicConfigure), request: .of(ReminderPolicy.self, dates: .reference), answer: .encoding(ReminderPolicy.self), use: updatePolicy)
        routes.staff(.get, "/api/v1/schedule/reminders", .permission(.scheduleBook), answer: .list(of: RecordResource.self), use: list)
        routes.staff(.post, "/api/v1/schedule/reminders/send", .permission(.scheduleBook), request: .noBody, answer: .encoding(ReminderService.Outcome.self), use: send)
    }

    /// One reminder as the front desk sees it: the appointment, where the reminder stands, never its text's recipient in full.
    struct RecordResource: Codable {
        /// `appointment` or `questionnaire`.
        let kind: ReminderRepository.Kind
        let session: UUID
        let patient: UUID
        let startsAt: Date
        let status: ReminderRepository.Status
        let channel: String?
        let finishedAt: Date?
        let detail: String?
        /// The self-report link issued and its instruments (questionnaire links only).
        let link: UUID?
        let instruments: [InstrumentID]?
    }

    @Sendable func policy(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(try await reminders.policy(of: try await services.currentClinic().id))
    }

    @Sendable func updatePolicy(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let data = try await StrictJSON.objectData(from: request)
        let decoded: ReminderPolicy
        do { decoded = try JSONDecoder().decode(ReminderPolicy.self, from: data) } catch let error as DecodingError { throw FieldErrors.from(error) }
        let policy = try decoded.validated()
        try await reminders.update(policy, of: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(policy)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let date = try WebResponses.queryDate(of: request, default: services.today(for: clinic))
        let zone = clinic.settings.resolvedTimeZone
        let records = try await reminders.records(in: clinic.id, from: date.startInstant(in: zone), to: date.adding(days: 1).startInstant(in: zone))
        return try APIResponse.json(records.map {
            RecordResource(kind: $0.kind, session: $0.sessionID, patient: $0.patientID, startsAt: $0.startsAt, status: $0.status, channel: $0.channel,
                           finishedAt: $0.finishedAt, detail: $0.detail, link: $0.linkID,
                           instruments: $0.kind == .questionnaire ? $0.instruments : nil)
        })
    }

    @Sendable func send(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(try await ReminderService(services: services).sendDue())
    }
}
