import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// `/schedule/calendar-feeds`: making and revoking chair and staff calendar feeds; the public
/// feed address `/calendar/<secret>.ics` that calendar apps fetch without an account (the secret
/// is the credential; a revoked or unknown one answers 404 like any missing page); and a
/// patient's appointments file from their schedule page.
struct CalendarFeedController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: CalendarFeedService { CalendarFeedService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/schedule/calendar-feeds", .permission(.scheduleBook), use: page)
        routes.staff(.post, "/schedule/calendar-feeds", .permission(.scheduleBook), use: create)
        routes.staff(.post, "/schedule/calendar-feeds/:feed/revoke", .permission(.scheduleBook), use: revoke)
        routes.staff(.get, "/schedule/patients/:id/appointments.ics", .permission(.scheduleBook), use: appointments)
        routes.open(.get, "/calendar/:secret", use: feed)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let model = try await model(clinic, context: context)
        return WebResponses.consumingFlash(WebResponses.page(CalendarFeedsPage.render(model, context: pageContext(clinic, request, context))),
                                           from: request)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        do {
            let subject = try CalendarFeedService.subject(from: fields["subject"], field: "subject")
            let (secret, _) = try await workflow.create(subject, in: clinic, field: "subject", stamp: context.stamp(at: services.now()))
            let model = try await model(clinic, context: context, newAddress: workflow.address(of: secret))
            return WebResponses.page(CalendarFeedsPage.render(model, context: pageContext(clinic, request, context)), status: .created)
        } catch let errors as FieldErrors {
            let model = try await model(clinic, context: context, values: fields, errors: errors)
            return WebResponses.page(CalendarFeedsPage.render(model, context: pageContext(clinic, request, context)), status: .unprocessableContent)
        }
    }

    @Sendable func revoke(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let id = try CalendarFeedAPIController.feedID(context)
        let revoked = try await workflow.feeds.revoke(id, in: clinic.id, stamp: context.stamp(at: services.now()))
        return WebResponses.redirect(to: "/schedule/calendar-feeds",
                                     flash: revoked ? Flash(.success, "Feed revoked: its address no longer answers.")
                                                    : Flash(.error, "That feed was already revoked or is not this clinic's."))
    }

    @Sendable func appointments(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try await workflow.appointmentsFile(of: try ScheduleAPIController.patientID(context), clinic: clinic,
                                                   stamp: context.stamp(at: services.now()))
    }

    /// The public feed. The clinic named by the feed answers, so a feed keeps working for a
    /// network's clinic other than the primary one.
    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Response {
        var secret = context.parameters.get("secret") ?? ""
        if secret.hasSuffix(".ics") { secret.removeLast(4) }
        guard let (feed, clinicID) = try await workflow.feeds.standingFeed(secret: secret),
              let clinic = try await SQLClinicRepository(database: services.database).all().first(where: { $0.id == clinicID }) else {
            throw HTTPError(.notFound)
        }
        let now = services.now()
        let document = try await workflow.feeds.document(for: feed, clinic: clinic, now: now,
                                                         stamp: context.stamp(at: now, actor: "calendar app (feed \(feed.prefix)…)"))
        return CalendarFeedService.calendarResponse(document, at: now)
    }

    private func model(_ clinic: Clinic, context: Context, newAddress: String? = nil, values: [String: String] = [:],
                       errors: FieldErrors = FieldErrors()) async throws -> CalendarFeedsPage.Model {
        let zone = clinic.settings.resolvedTimeZone
        let rows = try await workflow.feeds.feeds(of: clinic.id).map { feed in
            CalendarFeedsPage.Row(id: feed.id, subject: feed.subjectName, kind: feed.subject.kind == "chair" ? "Chair" : "Staff",
                                  prefix: feed.prefix, made: "\(Self.minute(feed.createdAt, zone)) by \(feed.createdBy)",
                                  lastRead: feed.lastReadAt.map { Self.minute($0, zone) } ?? "Not yet",
                                  revoked: feed.revokedAt.map { "Revoked \(Self.minute($0, zone))" })
        }
        let choices = try await workflow.choices(in: clinic, context: context).map { (value: $0.value, label: $0.label) }
        return CalendarFeedsPage.Model(rows: rows, choices: choices, newAddress: newAddress, values: values, errors: errors)
    }

    /// `YYYY-MM-DD HH:MM` in the clinic's time zone.
    static func minute(_ instant: Date, _ zone: TimeZone) -> String {
        String(Instant.text(instant, in: zone).prefix(16))
    }

    private func pageContext(_ clinic: Clinic, _ request: Request, _ context: Context) -> PageContext {
        WebResponses.pageContext(clinic, request, context, section: .sessions)
    }
}
