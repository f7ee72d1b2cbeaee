import Logging
import SQLKit

/// Serialises writes and commits those that arrive together in one transaction.
///
/// Many small writes arrive at once (vital signs from many chairs). Committing each alone costs
/// one fsync per write; committing each batch once costs one fsync per batch, with the same
/// guarantee: a caller is answered only after the transaction holding its write has committed.
///
/// Each write runs inside its own SAVEPOINT, so one write that fails (a constraint, a bad
/// value) is rolled back alone and the others in the batch still commit.
actor GroupCommitWriter {
    /// Figures for monitoring.
    struct Figures: Sendable {
        var queued = 0
        var batches = 0
        var writes = 0
        var largestBatch = 0
    }

    private let pool: ConnectionPool
    private let engine: SQLEngine
    private let logger: Logger
    private let keys: ServerKeys
    private let maximumBatch: Int
    private var pending: [any WriteJob] = []
    private var isDraining = false
    private var counts = Figures()

    init(pool: ConnectionPool, engine: SQLEngine, logger: Logger, keys: ServerKeys, maximumBatch: Int = 512) {
        self.pool = pool
        self.keys = keys
        self.engine = engine
        self.logger = logger
        self.maximumBatch = maximumBatch
    }

    /// Queues `body`, and returns its result once the transaction containing it has committed.
    func submit<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Job(body: body, continuation: continuation))
            if !isDraining {
                isDraining = true
                Task { await self.drain() }
            }
        }
    }

    /// Current figures.
    var figures: Figures {
        var figures = counts
        figures.queued = pending.count
        return figures
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maximumBatch))
            pending.removeFirst(batch.count)
            await commit(batch)
        }
        isDraining = false
    }

    private func commit(_ batch: [any WriteJob]) async {
        counts.batches += 1
        counts.writes += batch.count
        counts.largestBatch = max(counts.largestBatch, batch.count)
        let engine = engine
        let logger = logger
        let keys = keys
        do {
            try await pool.withConnection { connection in
                let db = connection.sql
                try await db.raw(SQLQueryString(engine.beginWrite)).run()
                let isolated = batch.count > 1
                for job in batch {
                    if isolated { try await db.raw("SAVEPOINT write_job").run() }
                    let succeeded = await AuditLog.$signingKeys.withValue(keys) { await job.run(on: db) }
                    if isolated {
                        if !succeeded { try await db.raw("ROLLBACK TO SAVEPOINT write_job").run() }
                        try await db.raw("RELEASE SAVEPOINT write_job").run()
                    } else if !succeeded {
                        try await db.raw("ROLLBACK").run()
                        return
                    }
                }
                do {
                    try await db.raw("COMMIT").run()
                } catch {
                    logger.error("commit failed; the batch is rolled back", metadata: ["error": "\(error)"])
                    try? await db.raw("ROLLBACK").run()
                    throw error
                }
            }
            for job in batch { job.finish(commitError: nil) }
        } catch {
            for job in batch { job.finish(commitError: error) }
        }
    }
}

/// A queued write, with its result type erased so different writes can share a batch.
protocol WriteJob: AnyObject, Sendable {
    /// Runs the write inside the open transaction; false when it threw.
    func run(on db: any SQLDatabase) async -> Bool
    /// Answers the caller: with the result if the commit succeeded, else with the error.
    func finish(commitError: (any Error)?)
}

/// One write and the caller waiting for it. Touched only by the writer actor, one step at a time.
private final class Job<T: Sendable>: WriteJob, @unchecked Sendable {
    private let body: @Sendable (any SQLDatabase) async throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var outcome: Result<T, any Error>?

    init(body: @escaping @Sendable (any SQLDatabase) async throws -> T,
         continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(on db: any SQLDatabase) async -> Bool {
        do {
            outcome = .success(try await body(db))
            return true
        } catch {
            outcome = .failure(error)
            return false
        }
    }

    func finish(commitError: (any Error)?) {
        switch (outcome, commitError) {
        case (.failure(let error)?, _): continuation.resume(throwing: error)
        case (_, let error?): continuation.resume(throwing: error)
        case (.success(let value)?, nil): continuation.resume(returning: value)
        case (nil, nil): continuation.resume(throwing: WriteNotRunError())
        }
    }
}

/// A write was queued but its transaction never reached it.
struct WriteNotRunError: Error, CustomStringConvertible {
    var description: String { "the write was not run because its transaction could not start" }
}
