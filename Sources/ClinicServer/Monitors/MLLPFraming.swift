import NIOCore

/// What the framing hands to the listener: a whole message, or why the connection must close.
enum MLLPInbound: Sendable {
    /// The bytes between the start byte and the end bytes.
    case frame(ByteBuffer)
    /// The sender broke the framing or the limits; the listener logs it and closes.
    case violation(String)
}

/// MLLP framing: a message travels as 0x0B, the message, 0x1C 0x0D [M7]. This handler cuts the
/// byte stream into frames and enforces the limits that keep one sender from holding the server:
/// bytes outside a frame (other than line breaks between frames), a frame over `maxFrameBytes`,
/// and a frame whose end bytes do not arrive within `frameTimeout` of its start byte (a slow or
/// stalled sender) each end the connection. Outbound, it wraps each ACK in the same bytes.
final class MLLPFramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = MLLPInbound
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let startByte: UInt8 = 0x0B
    static let endByte: UInt8 = 0x1C
    static let carriageReturn: UInt8 = 0x0D

    private let maxFrameBytes: Int
    private let frameTimeout: TimeAmount
    private var buffer: ByteBuffer?
    private var sawEndByte = false
    private var frameTimer: Scheduled<Void>?
    private var failed = false

    init(maxFrameBytes: Int, frameTimeout: TimeAmount) {
        self.maxFrameBytes = maxFrameBytes
        self.frameTimeout = frameTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var bytes = unwrapInboundIn(data)
        while let byte = bytes.readInteger(as: UInt8.self) {
            if buffer == nil {
                switch byte {
                case Self.startByte:
                    buffer = context.channel.allocator.buffer(capacity: 1_024)
                    sawEndByte = false
                    startTimer(context: context)
                case Self.carriageReturn, 0x0A:
                    continue   // some senders add a line break after the end bytes
                default:
                    fail(context: context, "Bytes outside an MLLP frame (expected the start byte 0x0B).")
                    return
                }
                continue
            }
            if sawEndByte {
                if byte == Self.carriageReturn {
                    deliver(context: context)
                    continue
                }
                // 0x1C not followed by 0x0D: it was data after all.
                append(Self.endByte, context: context)
                sawEndByte = false
            }
            if byte == Self.endByte {
                sawEndByte = true
            } else if byte == Self.startByte {
                fail(context: context, "A new frame started before the previous one ended (truncated frame).")
                return
            } else {
                append(byte, context: context)
            }
            if failed { return }
        }
    }

    private func append(_ byte: UInt8, context: ChannelHandlerContext) {
        guard var frame = buffer else { return }
        buffer = nil   // keep the buffer uniquely referenced while writing
        frame.writeInteger(byte)
        if frame.readableBytes > maxFrameBytes {
            fail(context: context, "A frame exceeded \(maxFrameBytes) bytes.")
            return
        }
        buffer = frame
    }

    private func deliver(context: ChannelHandlerContext) {
        frameTimer?.cancel()
        frameTimer = nil
        guard let frame = buffer else { return }
        buffer = nil
        sawEndByte = false
        context.fireChannelRead(wrapInboundOut(.frame(frame)))
    }

    private func startTimer(context: ChannelHandlerContext) {
        frameTimer?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        frameTimer = context.eventLoop.scheduleTask(in: frameTimeout) {
            let (handler, context) = loopBound.value
            guard handler.buffer != nil else { return }
            handler.fail(context: context, "A frame did not finish within its time limit (slow sender).")
        }
    }

    private func fail(context: ChannelHandlerContext, _ reason: String) {
        guard !failed else { return }
        failed = true
        buffer = nil
        frameTimer?.cancel()
        frameTimer = nil
        context.fireChannelRead(wrapInboundOut(.violation(reason)))
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        frameTimer?.cancel()
        frameTimer = nil
        if buffer != nil, !failed {
            // The connection dropped mid-frame: nothing to answer, nothing stored.
            buffer = nil
            failed = true
            context.fireChannelRead(wrapInboundOut(.violation("The connection closed in the middle of a frame.")))
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if buffer == nil {
                context.close(promise: nil)   // silent between frames for too long: close quietly
            } else {
                fail(context: context, "The connection went silent in the middle of a frame.")
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let body = unwrapOutboundIn(data)
        var framed = context.channel.allocator.buffer(capacity: body.readableBytes + 3)
        framed.writeInteger(Self.startByte)
        framed.writeImmutableBuffer(body)
        framed.writeInteger(Self.endByte)
        framed.writeInteger(Self.carriageReturn)
        context.write(wrapOutboundOut(framed), promise: promise)
    }
}
