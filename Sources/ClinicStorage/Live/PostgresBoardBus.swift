import ClinicDomain
import Foundation
import Logging
import NIOPosix
import PostgresKit
import ServiceLifecycle
import SQLKit
import Synchronization

/// The bus for several app instances sharing one PostgreSQL database.
///
/// ``publish(_:)`` sends `pg_notify('ketaclinic_board', json)` on one of the database's pooled
/// connections. ``run()`` keeps a dedicated connection listening on that channel and hands each
/// notification to this instance's subscribers, so every instance, the publisher included,
/// delivers through PostgreSQL and all of them see the same events in the same order. A lost
/// connection is reopened with backoff (0.25 s doubling to 2 s); events published while it was
/// down are not replayed, so when listening resumes after a loss every local subscription is
/// ended: each board stream closes with a reconnect hint, and the board refetches its snapshot
/// when its stream reconnects.
public final class PostgresBoardBus: BoardBus, Service {
    /// The notification channel.
    public static let channel = "ketaclinic_board"

    private let database: ClinicDatabase
    private let configuration: SQLPostgresConfiguration
    private let logger: Logger
    private let fanOut = BoardFanOut()
    private let listening = Mutex<ListeningState>(ListeningState())
    /// Seconds between checks that the listening connection still answers.
    private let healthCheckInterval: Duration

    private struct ListeningState {
        var isListening = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// A bus over `database`, which must be a PostgreSQL location.
    public init(database: ClinicDatabase, logger: Logger, healthCheckInterval: Duration = .seconds(30)) throws {
        guard case .postgres(let url) = database.location else { throw NotPostgresError() }
        self.database = database
        self.configuration = try SQLPostgresConfiguration(url: url)
        self.logger = logger
        self.healthCheckInterval = healthCheckInterval
    }

    /// Sends `event` to every instance listening on the database.
    public func publish(_ event: BoardEvent) async throws {
        let payload = try BoardEventJSON.encode(event)
        try await database.read { db in
            try await db.raw("SELECT pg_notify(\(bind: Self.channel), \(bind: payload))").run()
        }
    }

    /// Starts receiving events (delivered while ``run()`` is listening).
    public func subscribe() -> BoardSubscription {
        fanOut.subscribe()
    }

    /// How many subscribers this instance has now.
    public var subscriberCount: Int { fanOut.count }

    /// True while the dedicated connection is listening.
    public var isListening: Bool { listening.withLock { $0.isListening } }

    /// Returns once the dedicated connection is listening (for start-up checks and tests).
    public func waitUntilListening() async {
        await withCheckedContinuation { continuation in
            let ready = listening.withLock { state in
                if state.isListening { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Listens until graceful shutdown (or cancellation), reconnecting with backoff, then ends
    /// every local subscription.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.listenUntilCancelled() }
        setListening(false)
        fanOut.finishAll()
    }

    private func listenUntilCancelled() async {
        var delay: Duration = .milliseconds(250)
        var lostBefore = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration.coreConfiguration,
                    id: 1, logger: logger)
                do {
                    try await listen(on: connection) { [fanOut, logger] in
                        delay = .milliseconds(250)
                        if lostBefore {
                            // Events published while nobody listened are gone: every stream
                            // ends so its client reconnects and redraws from the database.
                            logger.notice("board listener restored; board streams asked to resynchronise",
                                          metadata: ["streams": "\(fanOut.count)"])
                            fanOut.finishAll()
                        }
                    }
                } catch {
                    if !Task.isCancelled { logger.warning("board listener lost", metadata: ["error": "\(String(reflecting: error))"]) }
                }
                setListening(false)
                try? await connection.close()
            } catch {
                logger.warning("board listener cannot connect", metadata: ["error": "\(String(reflecting: error))"])
            }
            setListening(false)
            guard !Task.isCancelled else { break }
            lostBefore = true
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    /// Listens on `connection` until it fails or the task is cancelled; a periodic `SELECT 1`
    /// notices a connection that died without closing.
    private func listen(on connection: PostgresConnection, connected: () -> Void) async throws {
        try await connection.listen(on: Self.channel) { notifications in
            setListening(true)
            connected()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [fanOut, logger] in
                    for try await notification in notifications {
                        do { fanOut.deliver(try BoardEventJSON.decode(notification.payload)) }
                        catch { logger.error("unreadable board notification", metadata: ["error": "\(error)"]) }
                    }
                    throw ListenerEndedError()
                }
                group.addTask { [healthCheckInterval, logger] in
                    while true {
                        try await Task.sleep(for: healthCheckInterval)
                        _ = try await connection.query("SELECT 1", logger: logger)
                    }
                }
                defer { group.cancelAll() }
                _ = try await group.next()
            }
        }
    }

    private func setListening(_ value: Bool) {
        let waiters = listening.withLock { state in
            state.isListening = value
            guard value else { return [CheckedContinuation<Void, Never>]() }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A ``PostgresBoardBus`` was asked for over a database that is not PostgreSQL.
public struct NotPostgresError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String { "the PostgreSQL board bus needs a postgres:// database" }
}

/// The notification stream ended although nobody stopped listening: the connection closed.
struct ListenerEndedError: Error {}
