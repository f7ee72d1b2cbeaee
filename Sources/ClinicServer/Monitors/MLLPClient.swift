import ClinicInterop
import Foundation
import NIOCore
import NIOPosix

/// A small MLLP sender: the demo clinic's stand-in monitor and `ketaclinic monitors send` use it
/// to speak to a listener exactly as a gateway does (frame, wait for the ACK, next message).
public enum MLLPClient {
    /// What the listener answered to one message.
    public struct Answer: Sendable, Equatable {
        /// MSA-1: AA, AE or AR.
        public let code: String
        /// MSA-3, the text.
        public let text: String?
        /// The whole ACK.
        public let raw: String
    }

    /// A sending problem (connection refused, closed before the ACK).
    public struct Failure: Error, CustomStringConvertible {
        /// What happened.
        public let description: String
        /// A failure saying `description`.
        public init(description: String) { self.description = description }
    }

    /// Sends `messages` in order over one connection to `host`:`port`, each after the previous
    /// ACK, and returns the answers.
    public static func send(_ messages: [String], host: String, port: Int, timeout: Duration = .seconds(30)) async throws -> [Answer] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MLLPFramingHandler(maxFrameBytes: 1 << 20, frameTimeout: .seconds(60)))
                    return try NIOAsyncChannel<MLLPInbound, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var answers: [Answer] = []
            var iterator = inbound.makeAsyncIterator()
            for message in messages {
                try await outbound.write(ByteBuffer(string: message))
                guard case .frame(let buffer)? = try await iterator.next() else {
                    throw Failure(description: "The listener closed the connection before acknowledging message \(answers.count + 1).")
                }
                let raw = String(decoding: buffer.readableBytesView, as: UTF8.self)
                let parsed = try? HL7Message(parsing: raw)
                let msa = parsed?.first("MSA")
                answers.append(Answer(code: msa.flatMap { parsed?.value($0, 1) } ?? "", text: msa.flatMap { parsed?.value($0, 3) }, raw: raw))
            }
            return answers
        }
    }
}
