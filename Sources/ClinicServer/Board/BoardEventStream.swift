import ClinicDomain
import ClinicStorage
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// One browser's (or client's) server-sent event stream of board events.
///
/// It writes `retry: 2000`, then `event: <kind>` / `data: <json>` for each event, and a
/// `: keep-alive` comment every 15 s so proxies keep the connection and a departed client is
/// noticed. It ends when the client goes away, the server shuts down gracefully, the bus ends
/// the subscription (after a gap in the feed), or the stream has lasted `limit`; unless the
/// client went away it ends with ``reconnectHint``, so the client reconnects and redraws.
struct BoardEventStream: Sendable {
    /// The bus it relays.
    let bus: any BoardBus
    /// Time between keep-alive comments.
    var keepAlive: Duration = .seconds(15)
    /// The longest a stream stays open.
    let limit: Duration

    /// The response: `text/event-stream`, never cached, never buffered by a proxy.
    func response() -> Response {
        Response(status: .ok,
                 headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                           Self.accelBuffering: "no"],
                 body: body())
    }

    /// Tells nginx-style proxies not to buffer the stream.
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!

    /// Tells the client it missed events and must refetch the board.
    static let resync = "event: resync\ndata: {}\n\n"

    /// The last frame of a stream the server ends: reconnect in 2 s (to this or another instance)
    /// and redraw the board from a fresh snapshot, since events may be missed in between.
    static let reconnectHint = "retry: 2000\nevent: reconnect\ndata: {\"reconnectAfterMs\":2000,\"resync\":true}\n\n"

    /// One event in the stream's wire form.
    static func frame(_ event: BoardEvent) throws -> String {
        "event: \(event.kind.rawValue)\ndata: \(try BoardEventJSON.encode(event))\n\n"
    }

    private func body() -> ResponseBody {
        ResponseBody { [bus, keepAlive, limit] writer in
            // Subscribe before anything is written, so no event is missed once the client sees the stream open.
            let subscription = bus.subscribe()
            let (chunks, output) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(BoardStreamLimits.buffer))
            let producer = Task {
                await Self.produce(from: subscription, into: output, keepAlive: keepAlive, limit: limit)
            }
            defer { producer.cancel() }
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            for await chunk in chunks {
                try await writer.write(ByteBuffer(string: chunk))
            }
            try await writer.finish(nil)
        }
    }

    /// Feeds `output` until the first of: the subscription ends, `limit` passes, graceful
    /// shutdown, or cancellation (the writer stopped); then finishes it.
    private static func produce(from subscription: BoardSubscription, into output: AsyncStream<String>.Continuation,
                                keepAlive: Duration, limit: Duration) async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in subscription {
                        guard let frame = try? BoardEventStream.frame(event) else { continue }
                        if case .dropped = output.yield(frame) {
                            // A slow client lost an older event: tell it to redraw the board.
                            output.yield(BoardEventStream.resync)
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: keepAlive)
                        if Task.isCancelled { break }
                        output.yield(": keep-alive\n\n")
                    }
                }
                group.addTask { try? await Task.sleep(for: limit) }
                await group.next()
                group.cancelAll()
            }
        }
        output.yield(BoardEventStream.reconnectHint)
        output.finish()
    }
}

/// Limits of one event stream.
enum BoardStreamLimits {
    /// Frames a slow client may fall behind before the oldest are dropped.
    static let buffer = 512
}
