import ClinicDomain

/// Carries the live chair board's events from the instance that stored a change to every
/// browser watching the board, on this instance and (on PostgreSQL) on every other one.
///
/// Delivery is at most once and best effort: a subscriber that falls more than 512 events
/// behind loses the oldest, and nothing is replayed after a reconnection. The board therefore
/// refetches its snapshot after a gap; the database stays the record.
public protocol BoardBus: Sendable {
    /// Sends `event` to every subscriber (on PostgreSQL, on every instance, including this one).
    func publish(_ event: BoardEvent) async throws
    /// Starts receiving events published from now on; stop iterating (or drop it) to unsubscribe.
    func subscribe() -> BoardSubscription
}

/// The events one subscriber receives, in publication order, for as long as it iterates.
/// It unregisters itself when the consumer stops (its task is cancelled or it drops the sequence).
public struct BoardSubscription: AsyncSequence, Sendable {
    /// Each element is one event.
    public typealias Element = BoardEvent
    /// A subscription never fails; it ends when the bus shuts down.
    public typealias Failure = Never

    private let stream: AsyncStream<BoardEvent>

    /// Wraps a stream the bus feeds.
    init(stream: AsyncStream<BoardEvent>) {
        self.stream = stream
    }

    /// Iterates the events.
    public func makeAsyncIterator() -> AsyncStream<BoardEvent>.AsyncIterator {
        stream.makeAsyncIterator()
    }
}
