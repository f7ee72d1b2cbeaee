import ClinicDomain

/// The bus for one app instance (SQLite): events go straight to this process's subscribers.
public final class InProcessBoardBus: BoardBus {
    private let fanOut = BoardFanOut()

    /// A bus with no subscribers yet.
    public init() {}

    /// Hands `event` to every current subscriber. Like the PostgreSQL bus, it refuses an event
    /// whose wire form is over ``BoardEventJSON/maximumBytes``, so SQLite catches it too. Only an
    /// alert's message is free text: an event without one (every reading a gateway posts) is
    /// bounded well under the limit, so it is not encoded just to be measured
    /// (``BoardEventJSON/isBoundedWithoutEncoding(_:)``).
    public func publish(_ event: BoardEvent) async throws {
        if !BoardEventJSON.isBoundedWithoutEncoding(event) { _ = try BoardEventJSON.encode(event) }
        fanOut.deliver(event)
    }

    /// Starts receiving events.
    public func subscribe() -> BoardSubscription {
        fanOut.subscribe()
    }

    /// How many subscribers are registered now (for tests and monitoring).
    public var subscriberCount: Int { fanOut.count }

    /// Ends every subscription, as at shutdown.
    public func finish() {
        fanOut.finishAll()
    }
}
