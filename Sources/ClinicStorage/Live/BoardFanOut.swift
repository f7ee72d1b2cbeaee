import ClinicDomain
import Foundation
import Synchronization

/// The local half of every bus: hands each event to the subscribers of this process.
/// A lock, not an actor: publishing costs one short critical section and no task hop.
final class BoardFanOut: Sendable {
    /// Events a slow subscriber may fall behind before the oldest are dropped.
    static let buffer = 512

    private let subscribers = Mutex<[UUID: AsyncStream<BoardEvent>.Continuation]>([:])

    /// How many subscribers are registered now.
    var count: Int { subscribers.withLock { $0.count } }

    /// Registers a subscriber that unregisters itself when its stream terminates.
    func subscribe() -> BoardSubscription {
        let id = UUID.random()
        let (stream, continuation) = AsyncStream<BoardEvent>.makeStream(bufferingPolicy: .bufferingNewest(Self.buffer))
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return BoardSubscription(stream: stream)
    }

    /// Hands `event` to every subscriber.
    func deliver(_ event: BoardEvent) {
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets { continuation.yield(event) }
    }

    /// Ends every subscription.
    func finishAll() {
        let targets = subscribers.withLock { all in
            defer { all.removeAll() }
            return Array(all.values)
        }
        for continuation in targets { continuation.finish() }
    }
}
