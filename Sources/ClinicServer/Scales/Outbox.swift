import Foundation
import Logging

/// A message to a person outside the app: an SMS or an email.
public struct OutboxMessage: Equatable, Sendable {
    /// How it travels.
    public enum Channel: String, Sendable {
        /// A text message.
        case sms
        /// An email.
        case email
    }

    /// How it travels.
    public let channel: Channel
    /// The phone number or email address.
    public let recipient: String
    /// A short subject (email) or first line (SMS).
    public let subject: String
    /// The text.
    public let body: String

    /// Creates a message.
    public init(channel: Channel, recipient: String, subject: String, body: String) {
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
    }
}

/// Where SMS and email go. Pluggable: a deployment supplies a gateway; the default only writes each
/// message to the log, so nothing leaves the server until a clinic connects a real one.
public protocol Outbox: Sendable {
    /// Sends (or records) `message`.
    func send(_ message: OutboxMessage) async
    /// Sends `message` and throws when it could not be handed on, for senders that keep a record of
    /// what went (appointment reminders). By default the same as ``send(_:)``.
    func deliver(_ message: OutboxMessage) async throws
}

extension Outbox {
    public func deliver(_ message: OutboxMessage) async throws { await send(message) }
}

/// The default outbox: writes every message to the log at notice level and sends nothing.
public struct LoggingOutbox: Outbox {
    private let logger: Logger

    /// An outbox that logs with `logger`.
    public init(logger: Logger = Logger(label: "ketaclinic.outbox")) { self.logger = logger }

    public func send(_ message: OutboxMessage) async {
        logger.notice("outbox message (not sent: no gateway configured)", metadata: [
            "channel": "\(message.channel.rawValue)", "recipient": "\(Self.masked(message.recipient))",
            "subject": "\(message.subject)", "body": "\(Self.withoutCodes(message.body))",
        ])
    }

    /// A phone number or address with all but its last 3 characters hidden, for the log.
    static func masked(_ recipient: String) -> String {
        String(repeating: "•", count: max(0, recipient.count - 3)) + recipient.suffix(3)
    }

    /// `text` with every self-report code (and the address that carries it) hidden: a log reader
    /// must not be able to answer for a patient.
    static func withoutCodes(_ text: String) -> String {
        text.replacing(/[2-9A-Z]{5}-[2-9A-Z]{5}/, with: "•••••-•••••")
    }
}
