import ClinicDomain
import Foundation
import NIOCore
import NIOPosix

/// A small SMTP client (RFC 5321) on SwiftNIO: one message per connection to the clinic's mail
/// relay — greeting, EHLO (HELO if refused), MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT —
/// each reply checked and each step bounded by a timeout. Plain TCP without authentication: it
/// speaks to a relay on the clinic's own network, which delivers onward (docs/scheduling.md).
public enum SMTPClient {
    /// A delivery the relay refused or a connection that failed, with the relay's reply.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What happened.
        public let description: String

        /// A failure saying `description`.
        public init(description: String) { self.description = description }
    }

    /// One email: the envelope and the text.
    public struct Message: Sendable {
        /// The sender address.
        public let from: String
        /// The recipient address.
        public let to: String
        /// The subject (one line).
        public let subject: String
        /// The text (UTF-8).
        public let body: String
        /// The `Date:` header's instant.
        public let date: Date
        /// A domain for the `Message-ID`.
        public let domain: String

        /// Creates a message; addresses must be plain (``EmailText/isPlainAddress(_:)``).
        public init(from: String, to: String, subject: String, body: String, date: Date, domain: String = "ketaclinic.local") {
            self.from = from
            self.to = to
            self.subject = subject
            self.body = body
            self.date = date
            self.domain = domain
        }
    }

    /// Sends `message` through the relay at `host`:`port`.
    public static func send(_ message: Message, host: String, port: Int, heloName: String = "ketaclinic.local",
                            timeout: Duration = .seconds(15)) async throws {
        guard EmailText.isPlainAddress(message.from), EmailText.isPlainAddress(message.to) else {
            throw Failure(description: "The sender or recipient is not a plain email address.")
        }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await conversation(message, channel: channel, heloName: heloName) }
            group.addTask {
                try await Task.sleep(for: timeout)
                channel.channel.close(promise: nil)
                throw Failure(description: "The relay did not finish within \(timeout).")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private static func conversation(_ message: Message, channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, heloName: String) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(iterator: inbound.makeAsyncIterator())
            try await expect(220, try await replies.next(), step: "greeting")
            try await outbound.write(ByteBuffer(string: "EHLO \(heloName)\r\n"))
            if try await replies.next().code != 250 {
                try await outbound.write(ByteBuffer(string: "HELO \(heloName)\r\n"))
                try await expect(250, try await replies.next(), step: "HELO")
            }
            try await outbound.write(ByteBuffer(string: "MAIL FROM:<\(message.from)>\r\n"))
            try await expect(250, try await replies.next(), step: "MAIL FROM")
            try await outbound.write(ByteBuffer(string: "RCPT TO:<\(message.to)>\r\n"))
            let rcpt = try await replies.next()
            guard rcpt.code == 250 || rcpt.code == 251 else { throw Failure(description: "The relay refused the recipient: \(rcpt)") }
            try await outbound.write(ByteBuffer(string: "DATA\r\n"))
            try await expect(354, try await replies.next(), step: "DATA")
            try await outbound.write(ByteBuffer(string: content(of: message)))
            try await expect(250, try await replies.next(), step: "the message")
            try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            _ = try? await replies.next()
        }
    }

    /// The message as sent after DATA: headers, a base64 UTF-8 body in 76-character lines, and the
    /// terminating `CRLF.CRLF`. Header values lose any line break, so nothing can be injected.
    static func content(of message: Message) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let body = Data(message.body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: <\(message.from)>", "To: <\(message.to)>", "Subject: \(encodedHeader(message.subject))",
            "Date: \(formatter.string(from: message.date))", "Message-ID: <\(UUID.random().uuidString.lowercased())@\(message.domain)>",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64",
        ]
        // Base64 lines never start with ".", so no dot-stuffing is needed in the body.
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n.\r\n"
    }

    /// A header value on one line: plain ASCII as is, anything else as an RFC 2047 encoded word.
    static func encodedHeader(_ text: String) -> String {
        let line = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if line.allSatisfy({ $0.isASCII }) { return line }
        return "=?UTF-8?B?\(Data(line.utf8).base64EncodedString())?="
    }

    private static func expect(_ code: Int, _ reply: Reply, step: String) async throws {
        guard reply.code == code else { throw Failure(description: "The relay answered \(step) with \(reply)") }
    }

    /// One SMTP reply: its code and text (the last line of a multi-line reply).
    struct Reply: CustomStringConvertible {
        let code: Int
        let text: String
        var description: String { "\(code) \(text)" }
    }

    /// Reads replies line by line from the connection (the caller bounds the whole conversation in time).
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        mutating func next() async throws -> Reply {
            while true {
                let line = try await nextLine()
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw Failure(description: "The relay sent '\(line.prefix(80))'.") }
                if line.dropFirst(3).first == "-" { continue }   // a multi-line reply goes on
                return Reply(code: code, text: String(line.dropFirst(4)))
            }
        }

        private mutating func nextLine() async throws -> String {
            while true {
                if let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending = String(pending[range.upperBound...])
                    return line
                }
                guard pending.utf8.count < 8192 else { throw Failure(description: "The relay sent a line over 8 KiB.") }
                guard let chunk = try await iterator.next() else { throw Failure(description: "The relay closed the connection.") }
                pending += String(decoding: chunk.readableBytesView, as: UTF8.self)
            }
        }
    }
}
