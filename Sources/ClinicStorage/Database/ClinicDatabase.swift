import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit
import SQLKit

/// The clinic's database: a pool of readers and one group-committing writer, on SQLite or
/// PostgreSQL, behind one interface.
///
/// Repositories never open connections themselves. They read through ``read(_:)`` and write
/// through ``write(_:)``; a write returns only after its transaction is durable.
public final class ClinicDatabase: Sendable {
    /// Where the data lives.
    public let location: DatabaseLocation
    /// The engine, for the few places that must know (see ``SQLEngine``).
    public let engine: SQLEngine
    private let readers: ConnectionPool
    private let writer: GroupCommitWriter
    private let writerPool: ConnectionPool
    private let logger: Logger
    /// The server's secret keys (see ``ServerKeys``): repositories seal and digest secrets with
    /// them, and every audit entry written through this database carries a MAC under them.
    public let keys: ServerKeys
    /// The keys given when the database was opened (from the secrets file), nil when it was opened
    /// with the process's throwaway keys: verification checks MACs only with real keys.
    public let configuredKeys: ServerKeys?
    /// Results derived from append-only rows (a past session's vital-sign overview), kept while
    /// those rows have not grown; see ``AppendOnlyResultCache``.
    public let resultCache = AppendOnlyResultCache()

    /// Pool figures for `/metrics` and `/readyz`.
    public struct Figures: Sendable {
        /// Reader connections open, in use, waited for, and allowed.
        public var readersOpen, readersInUse, readersWaiting, readersMaximum: Int
        /// Writes queued for the next batch, batches and writes committed, largest batch.
        public var writesQueued, batchesCommitted, writesCommitted, largestBatch: Int
    }

    /// Opens (creating if needed) the database at `location`. Nothing is migrated here: call
    /// ``Migrator/migrate(_:)`` before use.
    public init(location: DatabaseLocation, poolSize: Int = 8, logger: Logger,
                keys: ServerKeys? = nil) throws {
        self.location = location
        self.configuredKeys = keys
        let keys = keys ?? .processDefault
        self.keys = keys
        self.engine = location.engine
        self.logger = logger
        let connect: @Sendable () async throws -> PooledConnection
        let connectWriter: @Sendable () async throws -> PooledConnection
        switch location {
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            connect = { try await Self.openSQLite(path: path, cacheKiB: SQLEngine.sqliteReaderCacheKiB, logger: logger) }
            connectWriter = { try await Self.openSQLite(path: path, cacheKiB: SQLEngine.sqliteWriterCacheKiB, logger: logger) }
        case .postgres(let url):
            let configuration = try SQLPostgresConfiguration(url: url)
            connect = { try await Self.openPostgres(configuration, logger: logger) }
            connectWriter = connect
        }
        // SQLite allows one writer at a time: a dedicated connection for it, readers beside it
        // (WAL lets them read while it writes). PostgreSQL: the writer is one more connection.
        readers = ConnectionPool(maximum: poolSize, connect: connect)
        writerPool = ConnectionPool(maximum: 1, connect: connectWriter)
        writer = GroupCommitWriter(pool: writerPool, engine: location.engine, logger: logger, keys: keys)
    }

    /// Runs read-only queries on a pooled connection.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await readers.withConnection { try await body($0.sql) }
    }

    /// On SQLite, runs `body` on a pooled reader's own SQLite connection and returns its result; on
    /// PostgreSQL, nil. For long scans (verifying the audit trail) that read each value as SQLite
    /// stores it: SQLKit's generic row decoding was most of such a scan's time in a profile.
    func readSQLite<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws -> T? {
        guard engine == .sqlite else { return nil }
        return try await readers.withConnection { connection in
            guard let sqlite = connection.sqlite else { throw StoredDataError(what: "SQLite connection") }
            return try await body(sqlite)
        }
    }

    /// Runs `body` with the SQLite writer set for a bulk load, then puts it back, also when `body`
    /// throws (PostgreSQL: unchanged): the page cache raised to ``SQLEngine/sqliteBulkLoadCacheKiB``,
    /// and the WAL checkpointed every ``SQLEngine/sqliteBulkLoadCheckpointPages`` pages instead of
    /// every 1,000 (each checkpoint copies pages back and syncs the file; a profile of the load
    /// found a quarter of its time in the kernel).
    func withBulkLoadSettings<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard engine == .sqlite else { return try await body() }
        func set(cacheKiB: Int, checkpointPages: Int) async throws {
            try await write { db in
                try await db.raw("PRAGMA cache_size = \(unsafeRaw: String(-cacheKiB))").run()
                try await db.raw("PRAGMA wal_autocheckpoint = \(unsafeRaw: String(checkpointPages))").run()
            }
        }
        try await set(cacheKiB: SQLEngine.sqliteBulkLoadCacheKiB, checkpointPages: SQLEngine.sqliteBulkLoadCheckpointPages)
        do {
            let result = try await body()
            try await set(cacheKiB: SQLEngine.sqliteWriterCacheKiB, checkpointPages: 1_000)
            return result
        } catch {
            try? await set(cacheKiB: SQLEngine.sqliteWriterCacheKiB, checkpointPages: 1_000)
            throw error
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    /// Runs `body` alone in one transaction on the writer's connection, outside group commit:
    /// for schema migrations, which need the engine's migration lock first.
    func exclusiveTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let engine = engine
        let keys = keys
        return try await writerPool.withConnection { connection in
            let db = connection.sql
            try await db.raw(SQLQueryString(engine.beginWrite)).run()
            do {
                if let lock = engine.migrationLock { try await db.raw(SQLQueryString(lock)).run() }
                let result = try await AuditLog.$signingKeys.withValue(keys) { try await body(db) }
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Current pool and writer figures.
    public func figures() async -> Figures {
        let pool = await readers.figures
        let writes = await writer.figures
        return Figures(readersOpen: pool.open, readersInUse: pool.inUse, readersWaiting: pool.waiting,
                       readersMaximum: pool.maximum, writesQueued: writes.queued,
                       batchesCommitted: writes.batches, writesCommitted: writes.writes,
                       largestBatch: writes.largestBatch)
    }

    /// True when a trivial query answers.
    public func isReachable() async -> Bool {
        (try? await read { db in try await db.raw("SELECT 1 AS one").first() }) != nil
    }

    /// Closes every connection. Writes already answered are committed; none is lost.
    public func shutDown() async {
        await readers.shutDown()
        await writerPool.shutDown()
    }

    private static func openSQLite(path: String, cacheKiB: Int, logger: Logger) async throws -> PooledConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let sql = connection.sql(queryLogLevel: nil)
        do {
            for statement in SQLEngine.sqlite.connectionSetup { try await sql.raw(SQLQueryString(statement)).run() }
            // A negative cache_size is in KiB (SQLite's PRAGMA cache_size).
            try await sql.raw(SQLQueryString("PRAGMA cache_size = -" + String(cacheKiB))).run()
        } catch {
            // A cancelled task (a verification that stopped reading ahead) must still close what it
            // opened: the close runs in a task of its own, which the cancellation does not reach.
            await Task { try? await connection.close() }.value
            throw error
        }
        return PooledConnection(sql: sql, close: { try? await connection.close() }, isClosed: { connection.isClosed }, sqlite: connection)
    }

    private static func openPostgres(_ configuration: SQLPostgresConfiguration, logger: Logger) async throws -> PooledConnection {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(),
            configuration: configuration.coreConfiguration, id: 0, logger: logger)
        let sql = connection.sql(queryLogLevel: nil)
        for statement in SQLEngine.postgres.connectionSetup { try await sql.raw(SQLQueryString(statement)).run() }
        return PooledConnection(sql: sql, close: { try? await connection.close() }, isClosed: { connection.isClosed },
                                canBeLost: true)
    }
}
