import ClinicDomain
import ClinicStorage
import Foundation
import Logging
import ServiceLifecycle

/// Sends the appointment reminders that are due: for each booked session starting within the
/// policy's hours, claims the reminder (so no other instance or restart sends it again), writes the
/// date, time and place — nothing clinical — and hands it to the clinic's mail relay over SMTP when
/// one is configured (email), or to the server's outbox (email or SMS), then records the outcome
/// with its audit entry.
public struct ReminderService: Sendable {
    let services: ClinicServices
    /// Names this server instance in each claim.
    let instance: String

    /// A service over `services`; `instance` names this app instance in the claims it makes.
    public init(services: ClinicServices, instance: String = ReminderService.defaultInstance) {
        self.services = services
        self.instance = instance
    }

    /// This process: host name, process id and a random suffix.
    public static let defaultInstance = "\(ProcessInfo.processInfo.hostName)#\(ProcessInfo.processInfo.processIdentifier)#\(UUID.random().uuidString.prefix(8))"

    /// How many reminders ended in each state this run.
    public struct Outcome: Sendable, Equatable, Codable {
        /// Handed on.
        public var sent = 0
        /// No email address or phone number on file.
        public var skipped = 0
        /// The relay or outbox refused it.
        public var failed = 0
        /// Questionnaire links issued and handed on.
        public var linksSent = 0
        /// Questionnaire links not sent: nothing due before the session, or no contact on file.
        public var linksSkipped = 0
        /// Questionnaire links the relay or outbox refused (the link is withdrawn).
        public var linksFailed = 0

        /// Counts of each outcome.
        public init(sent: Int = 0, skipped: Int = 0, failed: Int = 0, linksSent: Int = 0, linksSkipped: Int = 0, linksFailed: Int = 0) {
            self.sent = sent
            self.skipped = skipped
            self.failed = failed
            self.linksSent = linksSent
            self.linksSkipped = linksSkipped
            self.linksFailed = linksFailed
        }
    }

    /// Sends every reminder due now in the clinic, then every questionnaire link due before a
    /// session; returns how they ended.
    @discardableResult
    public func sendDue() async throws -> Outcome {
        var outcome = Outcome()
        let clinic = try await services.currentClinic()
        let reminders = ReminderRepository(database: services.database)
        let policy = try await reminders.policy(of: clinic.id)
        guard policy.enabled else { return outcome }
        let now = services.now()
        for due in try await reminders.due(in: clinic.id, now: now, hoursBefore: policy.hoursBefore) {
            guard try await reminders.claim(due, clinicID: clinic.id, instance: instance, now: now) else { continue }
            let stamp = AuditStamp.system("appointment reminders", at: services.now())
            let contact = try await services.records.chart(due.patientID, in: clinic.id)?.record.contact
            let text = AppointmentReminder(clinicName: clinic.settings.name, place: policy.place, date: due.slot.date, start: due.slot.span.start)
            let email = contact?.email.flatMap { EmailText.isPlainAddress($0) ? $0 : nil }
            let phone = contact?.phone?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            guard email != nil || phone != nil else {
                try await reminders.finish(due, status: .skipped, channel: nil, recipient: nil, detail: "no email address or phone number on file",
                                           stamp: stamp)
                outcome.skipped += 1
                continue
            }
            let channel: OutboxMessage.Channel = email != nil ? .email : .sms
            let recipient = email ?? phone!
            do {
                if channel == .email, let relay = policy.smtp {
                    try await SMTPClient.send(SMTPClient.Message(from: relay.sender, to: recipient, subject: text.subject, body: text.body,
                                                                 date: services.now()),
                                              host: relay.host, port: relay.port)
                } else {
                    try await services.outbox.deliver(OutboxMessage(channel: channel, recipient: recipient, subject: text.subject, body: text.body))
                }
                try await reminders.finish(due, status: .sent, channel: channel.rawValue, recipient: LoggingOutbox.masked(recipient), detail: nil,
                                           stamp: stamp)
                outcome.sent += 1
            } catch {
                try await reminders.finish(due, status: .failed, channel: channel.rawValue, recipient: LoggingOutbox.masked(recipient),
                                           detail: String(describing: error).prefix(300).description, stamp: stamp)
                outcome.failed += 1
            }
        }
        if policy.questionnaireLinks { try await sendQuestionnaireLinks(clinic: clinic, policy: policy, into: &outcome) }
        return outcome
    }
}

/// Runs ``ReminderService`` once a minute while the server runs (the first run a minute after start).
struct ReminderScheduler: Service {
    let services: ClinicServices
    let logger: Logger
    /// Seconds between runs.
    static let interval: Duration = .seconds(60)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            let service = ReminderService(services: services)
            while !Task.isCancelled {
                // Wait first: a starting server (or a test app) is not held up, and a restart loop cannot send in bursts.
                try? await Task.sleep(for: Self.interval)
                if Task.isCancelled { break }
                do {
                    let outcome = try await service.sendDue()
                    if outcome.sent + outcome.skipped + outcome.failed + outcome.linksSent + outcome.linksSkipped + outcome.linksFailed > 0 {
                        logger.info("appointment reminders", metadata: ["sent": "\(outcome.sent)", "skipped": "\(outcome.skipped)",
                                                                        "failed": "\(outcome.failed)", "links sent": "\(outcome.linksSent)",
                                                                        "links skipped": "\(outcome.linksSkipped)",
                                                                        "links failed": "\(outcome.linksFailed)"])
                    }
                } catch {
                    logger.error("appointment reminders failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
