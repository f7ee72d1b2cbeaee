import ClinicDomain
import ClinicStorage
import Foundation

extension ReminderService {
    /// Sends the self-report questionnaire links due before booked sessions. For each booked session
    /// starting within the policy's `questionnaireHoursBefore` (and on its own day), it claims the
    /// link's record (exactly once across instances), asks the treatment protocol's measurement
    /// schedule which self-report instruments are still due before that session, issues a one-time
    /// link through ``SelfReportLinkRepository`` (audited, listed on the patient's scales page and
    /// revocable there like a link the staff issue), and sends the same words the staff's link
    /// message uses. A link the relay or outbox refuses is withdrawn at once.
    func sendQuestionnaireLinks(clinic: Clinic, policy: ReminderPolicy, into outcome: inout Outcome) async throws {
        let reminders = ReminderRepository(database: services.database)
        let zone = clinic.settings.resolvedTimeZone
        let now = services.now()
        let due = try await reminders.due(in: clinic.id, now: now, hoursBefore: policy.questionnaireHoursBefore, kind: .questionnaire)
        for item in due where now >= QuestionnaireReminder.sendAfter(start: item.startsAt, date: item.slot.date, timeZone: zone, policy: policy) {
            guard try await reminders.claim(item, clinicID: clinic.id, instance: instance, now: now, kind: .questionnaire) else { continue }
            let stamp = AuditStamp.system("questionnaire links", at: services.now())
            func skip(_ why: String) async throws {
                try await reminders.finish(item, status: .skipped, channel: nil, recipient: nil, detail: why, stamp: stamp, kind: .questionnaire)
                outcome.linksSkipped += 1
            }
            let instruments = try await dueInstruments(before: item)
            guard !instruments.isEmpty else {
                try await skip("no self-report questionnaire due before this session")
                continue
            }
            let contact = try await services.records.chart(item.patientID, in: clinic.id)?.record.contact
            let email = contact?.email.flatMap { EmailText.isPlainAddress($0) ? $0 : nil }
            let phone = contact?.phone?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            guard let recipient = email ?? phone else {
                try await skip("no email address or phone number on file")
                continue
            }
            let channel: OutboxMessage.Channel = email != nil ? .email : .sms
            let safety = try await services.safetyPolicies.policy(of: clinic.id)
            let lifetime = QuestionnaireReminder.lifetimeHours(now: stamp.at, start: item.startsAt, linkLifetimeHours: safety.linkLifetimeHours)
            let (link, code) = try await services.selfReportLinks.create(patientID: item.patientID, instruments: instruments,
                                                                         lifetimeHours: lifetime, stamp: stamp)
            let text = SelfReportInvitation(clinicName: clinic.settings.name,
                                            address: SelfReportController.address(of: code, settings: services.settings), code: code)
            let subject = channel == .email ? text.emailSubject : text.smsSubject
            do {
                if channel == .email, let relay = policy.smtp {
                    try await SMTPClient.send(SMTPClient.Message(from: relay.sender, to: recipient, subject: subject, body: text.body,
                                                                 date: services.now()),
                                              host: relay.host, port: relay.port)
                } else {
                    try await services.outbox.deliver(OutboxMessage(channel: channel, recipient: recipient, subject: subject, body: text.body))
                }
                try await reminders.finish(item, status: .sent, channel: channel.rawValue, recipient: LoggingOutbox.masked(recipient), detail: nil,
                                           stamp: stamp, kind: .questionnaire, linkID: link.id, instruments: instruments)
                outcome.linksSent += 1
            } catch {
                // Nobody received the code: the link is withdrawn so it cannot be used, and a retry issues a new one.
                _ = try await services.selfReportLinks.revoke(link.id, patientID: item.patientID, stamp: stamp)
                try await reminders.finish(item, status: .failed, channel: channel.rawValue, recipient: LoggingOutbox.masked(recipient),
                                           detail: String(describing: error).prefix(300).description, stamp: stamp, kind: .questionnaire,
                                           linkID: link.id, instruments: instruments)
                outcome.linksFailed += 1
            }
        }
    }

    /// The self-report instruments the patient's plan asks for before the booked session `item`,
    /// not yet answered in their window, as the measurement schedule has them on the session's day.
    private func dueInstruments(before item: ReminderRepository.Due) async throws -> [InstrumentID] {
        let sessions = try await services.plans.sessions(patientID: item.patientID)
        guard let session = sessions.first(where: { $0.id == item.sessionID }),
              let plan = try await services.plans.list(patientID: item.patientID).first(where: { $0.id == session.planID }) else { return [] }
        let course = sessions.filter { $0.planID == plan.id && $0.state != .cancelled }
        let responses = try await services.scales.responses(patientID: item.patientID)
        let due = ScaleService.due(plan: plan, sessions: course, answered: ScaleService.answered(responses), today: item.slot.date)
        return QuestionnaireReminder.instruments(due: due, sessionNumber: session.number, date: item.slot.date)
    }
}
