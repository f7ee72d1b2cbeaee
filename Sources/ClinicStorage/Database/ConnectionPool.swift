import Logging
import SQLKit

/// One open connection to the database, whichever engine it is.
struct PooledConnection: Sendable {
    /// The connection as SQLKit sees it.
    let sql: any SQLDatabase
    /// Closes the underlying connection.
    let close: @Sendable () async -> Void
    /// True once the server or the driver has closed it; such a connection is discarded.
    let isClosed: @Sendable () -> Bool
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

    /// Runs `body` with a connection of its own, and returns the connection afterwards.
    func withConnection<T: Sendable>(_ body: @Sendable (PooledConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
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

    private func lease() async throws -> PooledConnection {
        guard !isShutDown else { throw PoolShutDownError() }
        while let connection = idle.popLast() {
            if connection.isClosed() { open -= 1; continue }
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
            if !waiters.isEmpty, !isShutDown {
                // A replacement is opened for the next waiter.
                let waiter = waiters.removeFirst()
                open += 1
                inUse += 1
                Task {
                    do { waiter.resume(returning: try await self.connect()) }
                    catch { self.connectFailed(); waiter.resume(throwing: error) }
                }
            }
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
    }
}

/// The pool was shut down while a task waited for a connection.
struct PoolShutDownError: Error, CustomStringConvertible {
    var description: String { "the database is shutting down" }
}
