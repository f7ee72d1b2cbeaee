import ClinicDomain
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What the calendar-feed page, the API and the public feed address share: the subjects a feed
/// can follow, reading a subject from a form or a body, the feed's address, and the `.ics` answers.
struct CalendarFeedService: Sendable {
    let services: ClinicServices
    var feeds: CalendarFeedRepository { CalendarFeedRepository(database: services.database) }

    /// A chair or staff member a feed can follow, as the form offers it.
    struct SubjectChoice: Sendable {
        /// `chair:<id>` or `staff:<id>`.
        let value: String
        /// `Chair: Chair 1` or `Nurse: Nia Nurse`.
        let label: String
    }

    /// The clinic's active chairs (seeded from the session policy on first use, as the calendar
    /// does), then its active prescribers and nurses.
    func choices(in clinic: Clinic, context: StaffRequestContext) async throws -> [SubjectChoice] {
        let chairs = try await ScheduleService(services: services).chairs(clinic, context: context).filter(\.isActive)
        let staff = try await services.users.all().filter { $0.isActive && StaffFunction(role: $0.role) != nil }
            .sorted { $0.displayName.localizedStandardCompare($1.displayName) == .orderedAscending }
        return chairs.map { SubjectChoice(value: "chair:\($0.id.uuidString.lowercased())", label: "Chair: \($0.name)") }
            + staff.map { SubjectChoice(value: "staff:\($0.id.uuidString.lowercased())", label: "\(StaffFunction(role: $0.role)?.displayName ?? "Staff"): \($0.displayName)") }
    }

    /// `chair:<id>` or `staff:<id>` as a subject, or a field error on `field`.
    static func subject(from text: String?, field: String) throws -> CalendarFeedSubject {
        let parts = (text ?? "").trimmed.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let id = UUID(uuidString: parts[1]), let subject = CalendarFeedSubject(kind: parts[0], id: id) else {
            var errors = FieldErrors()
            errors.add(field, "Choose a chair or a staff member.")
            throw errors
        }
        return subject
    }

    /// The address a calendar app subscribes to.
    func address(of secret: String) -> String { "\(services.settings.linkBase)/calendar/\(secret).ics" }

    /// Makes a feed; a subject that is not the clinic's is a field error on `field`.
    func create(_ subject: CalendarFeedSubject, in clinic: Clinic, field: String, stamp: AuditStamp) async throws -> (secret: String, feed: CalendarFeed) {
        do {
            return try await feeds.create(for: subject, in: clinic.id, stamp: stamp)
        } catch let input as ScheduleInputError {
            var errors = FieldErrors()
            errors.add(field, input.message)
            throw errors
        }
    }

    /// An iCalendar answer: a subscription (`attachment` nil) or a file to save (`attachment` its name).
    static func calendarResponse(_ document: ICalendarDocument, at now: Date, attachment: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "text/calendar; charset=utf-8"]
        if let attachment {
            headers[.contentDisposition] = "attachment; filename=\"\(attachment)\""
            headers[.cacheControl] = "no-store"
        } else {
            headers[.cacheControl] = "private, max-age=300"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: document.text(stampedAt: now))))
    }

    /// A patient's upcoming appointments as a file, named after the clinic, with nothing clinical.
    func appointmentsFile(of patientID: UUID, clinic: Clinic, stamp: AuditStamp) async throws -> Response {
        guard try await services.patients.find(patientID, in: clinic.id) != nil else { throw Problem.notFound("There is no such patient.") }
        let place = try await ReminderRepository(database: services.database).policy(of: clinic.id).place
        let now = services.now()
        let document = try await feeds.appointments(of: patientID, clinic: clinic, place: place, now: now, stamp: stamp)
        return Self.calendarResponse(document, at: now, attachment: "appointments.ics")
    }
}
