import Foundation
import Logging
import SQLKit
import SQLiteKit

/// One open connection to the database, whichever engine it is.
struct PooledConnection: Sendable {
    /// The connection as SQLKit sees it.
    let sql: any SQLDatabase
    /// Closes the underlying connection.
    let close: @Sendable () async -> Void
    /// True once the server or the driver has closed it; such a connection is discarded.
    let isClosed: @Sendable () -> Bool
    /// True for a network connection the server can drop (PostgreSQL): work on it is watched so
    /// that a query the driver never answers after the server went away fails instead of hanging.
    var canBeLost = false
    /// The SQLite connection itself, for the few scans that read rows by the engine's own values
    /// instead of through SQLKit's generic decoding (see ``ClinicDatabase/readSQLite(_:)``).
    var sqlite: SQLiteConnection?
}

/// A bounded set of connections lent out one task at a time.
///
/// Async all the way (no event-loop futures), and it counts what it does so `/metrics` can
/// show pool figures: open, in use, and tasks waiting for a connection.
actor ConnectionPool {
    /// Figures for monitoring.
    struct Figures: Sendable {
        var open = 0
        var inUse = 0
        var waiting = 0
        var maximum = 0
    }

    private let maximum: Int
    private let connect: @Sendable () async throws -> PooledConnection
    private var idle: [PooledConnection] = []
    private var open = 0
    private var inUse = 0
    private var waiters: [CheckedContinuation<PooledConnection, any Error>] = []
    private var isShutDown = false

    init(maximum: Int, connect: @escaping @Sendable () async throws -> PooledConnection) {
        self.maximum = max(1, maximum)
        self.connect = connect
    }

    /// A pool dropped without ``shutDown()`` (a caller that threw before reaching it) still closes
    /// its idle connections: an SQLite connection that is never closed keeps its file handles and
    /// locks, and the driver treats dropping one open as a programming error.
    deinit {
        let leftover = idle
        guard !leftover.isEmpty else { return }
        Task { for connection in leftover { await connection.close() } }
    }

    /// Runs `body` with a connection of its own, and returns the connection afterwards.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PooledConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let result = connection.canBeLost ? try await Self.watching(connection, body) : try await body(connection)
            giveBack(connection)
            return result
        } catch {
            giveBack(connection)
            throw error
        }
    }

    /// Current figures.
    var figures: Figures {
        Figures(open: open, inUse: inUse, waiting: waiters.count, maximum: maximum)
    }

    /// Closes idle connections and refuses new leases; leased ones close when given back.
    func shutDown() async {
        isShutDown = true
        for waiter in waiters { waiter.resume(throwing: PoolShutDownError()) }
        waiters.removeAll()
        let closing = idle
        idle.removeAll()
        open -= closing.count
        for connection in closing { await connection.close() }
    }

    /// Runs `body` on `connection`, but answers with ``ConnectionLostError`` as soon as the
    /// connection is found closed (checked every 100 ms) while `body` still waits: when the server
    /// ends a connection (a restart, a failover), a query in flight on it must fail at once, never
    /// hang the caller or the writer behind it. Nothing was committed by such a body.
    private static func watching<T: Sendable>(_ connection: PooledConnection,
                                              _ body: @escaping @Sendable (PooledConnection) async throws -> T) async throws -> T {
        let outcome = ResumeOnce<T>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.install(continuation)
            let work = Task {
                do { outcome.resume(with: .success(try await body(connection))) } catch { outcome.resume(with: .failure(error)) }
            }
            Task {
                while !outcome.isDone {
                    try? await Task.sleep(for: .milliseconds(100))
                    if !outcome.isDone, connection.isClosed() {
                        outcome.resume(with: .failure(ConnectionLostError()))
                        work.cancel()
                    }
                }
            }
        }
    }

    private func lease() async throws -> PooledConnection {
        guard !isShutDown else { throw PoolShutDownError() }
        while let connection = idle.popLast() {
            if connection.isClosed() { open -= 1; Task { await connection.close() }; continue }
            inUse += 1
            return connection
        }
        if open < maximum {
            open += 1
            do {
                let connection = try await connect()
                inUse += 1
                return connection
            } catch {
                open -= 1
                serveNextWaiter()
                throw error
            }
        }
        let connection = try await withCheckedThrowingContinuation { waiters.append($0) }
        return connection
    }

    private func giveBack(_ connection: PooledConnection) {
        if isShutDown || connection.isClosed() {
            open -= 1
            inUse -= 1
            Task { await connection.close() }
            serveNextWaiter()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            inUse -= 1
            idle.append(connection)
        }
    }

    private func connectFailed() {
        open -= 1
        inUse -= 1
        serveNextWaiter()
    }

    /// Room was freed (a connection closed, or opening one failed): the next waiter gets a new
    /// connection of its own, or the error opening it. While the database is down each waiter is
    /// thus answered at once with the connection error, instead of waiting for a connection that
    /// no one will give back.
    private func serveNextWaiter() {
        guard !waiters.isEmpty, !isShutDown, open < maximum else { return }
        let waiter = waiters.removeFirst()
        open += 1
        inUse += 1
        Task {
            do { waiter.resume(returning: try await self.connect()) }
            catch { self.connectFailed(); waiter.resume(throwing: error) }
        }
    }
}

/// Resumes a continuation once, whichever of its racers finishes first.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var done = false

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    var isDone: Bool { lock.withLock { done } }

    func resume(with result: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = lock.withLock {
            guard !done else { return nil }
            done = true
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }
}

/// The server closed the connection while a query on it was still waiting for its answer.
struct ConnectionLostError: Error, CustomStringConvertible {
    var description: String { "the database closed the connection while a query was waiting for its answer" }
}

/// The pool was shut down while a task waited for a connection.
struct PoolShutDownError: Error, CustomStringConvertible {
    var description: String { "the database is shutting down" }
}
