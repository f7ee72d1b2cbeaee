import Foundation

/// Where reminder email goes when the clinic has its own mail relay: KetaClinic hands each message
/// to this SMTP server on the clinic's network, which delivers it onward.
public struct SMTPRelay: Codable, Equatable, Sendable {
    /// The relay's host name or address.
    public var host: String
    /// Its port (25 or 587 for a relay; any 1–65535).
    public var port: Int
    /// The sender address on every reminder (`From:` and the envelope).
    public var sender: String

    /// Creates a relay setting.
    public init(host: String, port: Int, sender: String) {
        self.host = host
        self.port = port
        self.sender = sender
    }
}

/// How the clinic reminds patients of their booked sessions: clinic policy. The issue this product
/// was built to asks for a reminder 24 hours before each appointment; no clinical source sets one, so
/// the lead time is a clinic setting with that default (status: clinic policy).
public struct ReminderPolicy: Codable, Equatable, Sendable {
    /// False turns reminders off.
    public var enabled: Bool
    /// How many hours before the start the reminder goes: clinic policy, default 24.
    public var hoursBefore: Int
    /// The place named in the reminder (the clinic's address or "the clinic's front desk"); no
    /// treatment detail. Empty: the clinic's name only.
    public var place: String
    /// The clinic's mail relay; nil sends email through the server's outbox (logged unless a gateway
    /// is configured).
    public var smtp: SMTPRelay?
    /// False stops the self-report questionnaire links sent before sessions (the appointment
    /// reminders go on). Clinic setting, default on.
    public var questionnaireLinks: Bool
    /// How many hours before the start the questionnaire link goes (never before the session's day
    /// begins): clinic policy, default 3, 1–12.
    public var questionnaireHoursBefore: Int

    /// Creates a policy.
    public init(enabled: Bool, hoursBefore: Int, place: String, smtp: SMTPRelay?,
                questionnaireLinks: Bool = ReminderPolicy.defaultQuestionnaireLinks,
                questionnaireHoursBefore: Int = ReminderPolicy.defaultQuestionnaireHoursBefore) {
        self.enabled = enabled
        self.hoursBefore = hoursBefore
        self.place = place
        self.smtp = smtp
        self.questionnaireLinks = questionnaireLinks
        self.questionnaireHoursBefore = questionnaireHoursBefore
    }

    /// Questionnaire links before sessions are on unless the clinic turns them off.
    public static let defaultQuestionnaireLinks = true
    /// Clinic policy (no source sets it, NOT FOUND): 3 hours, so the patient answers on the day,
    /// before dosing, as the measurement schedule's before-session window asks.
    public static let defaultQuestionnaireHoursBefore = 3

    /// A new clinic's policy: reminders on, 24 hours before (clinic policy), no relay; questionnaire
    /// links 3 hours before (clinic policy).
    public static let defaults = ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: nil)

    private enum CodingKeys: String, CodingKey { case enabled, hoursBefore, place, smtp, questionnaireLinks, questionnaireHoursBefore }

    /// Decodes a policy; a policy stored before questionnaire links existed (or a request leaving
    /// them out) gets their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decode(Bool.self, forKey: .enabled)
        hoursBefore = try container.decode(Int.self, forKey: .hoursBefore)
        place = try container.decode(String.self, forKey: .place)
        smtp = try container.decodeIfPresent(SMTPRelay.self, forKey: .smtp)
        questionnaireLinks = try container.decodeIfPresent(Bool.self, forKey: .questionnaireLinks) ?? Self.defaultQuestionnaireLinks
        questionnaireHoursBefore = try container.decodeIfPresent(Int.self, forKey: .questionnaireHoursBefore)
            ?? Self.defaultQuestionnaireHoursBefore
    }

    /// The policy, or a field error for each value out of range.
    public func validated() throws(FieldErrors) -> ReminderPolicy {
        var errors = FieldErrors()
        if !(1...168).contains(hoursBefore) { errors.add("hoursBefore", "Enter 1 to 168 hours.") }
        if !(1...12).contains(questionnaireHoursBefore) { errors.add("questionnaireHoursBefore", "Enter 1 to 12 hours.") }
        if place.count > 200 || place.contains(where: \.isNewline) { errors.add("place", "Give the place on one line, up to 200 characters.") }
        if let smtp {
            let host = smtp.host.trimmingCharacters(in: .whitespaces)
            if host.isEmpty || host.count > 253 || host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) {
                errors.add("smtp.host", "Enter the relay's host name or address.")
            }
            if !(1...65535).contains(smtp.port) { errors.add("smtp.port", "Enter a port from 1 to 65535.") }
            if !EmailText.isPlainAddress(smtp.sender) { errors.add("smtp.sender", "Enter the sender as name@domain.") }
        }
        try errors.throwIfAny()
        return self
    }
}

/// Checks on email addresses before they go into a mail envelope or header.
public enum EmailText {
    /// True for a plain `local@domain` address with no spaces, angle brackets or line breaks, so it
    /// cannot inject SMTP commands or headers.
    public static func isPlainAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && text.count <= 254 && text.allSatisfy { $0.isASCII && !$0.isWhitespace && !"<>()[],;:\\\"".contains($0) && !$0.isNewline }
    }
}

/// The text of an appointment reminder: the clinic, the day, the time and the place. Nothing
/// clinical (no treatment, no dose, no chair), because a reminder may be read by anyone holding the
/// patient's phone or mailbox.
public struct AppointmentReminder: Equatable, Sendable {
    /// A short subject (email) or first line (SMS).
    public let subject: String
    /// The message.
    public let body: String

    /// The reminder for an appointment at `start` on `date`, in the clinic's words.
    public init(clinicName: String, place: String, date: CalendarDate, start: ClockTime) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEEE d MMMM yyyy"
        let day = formatter.string(from: date.startInstant(in: TimeZone(identifier: "UTC")!))
        let at = place.trimmingCharacters(in: .whitespaces).isEmpty ? clinicName : "\(clinicName), \(place.trimmingCharacters(in: .whitespaces))"
        subject = "Appointment reminder: \(day) at \(start)"
        body = "\(clinicName): a reminder of your appointment on \(day) at \(start), at \(at). "
            + "If you cannot come, please call the clinic."
    }

    /// When the reminder for an appointment starting at `start` is due under `policy`.
    public static func due(startingAt start: Date, policy: ReminderPolicy) -> Date {
        start.addingTimeInterval(-Double(policy.hoursBefore) * 3600)
    }
}
