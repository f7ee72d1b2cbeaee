/// The two database engines and every place where they differ.
///
/// Everything else (queries, migrations, repositories) is written once in SQL both accept:
/// TEXT, BIGINT, BOOLEAN and DOUBLE PRECISION columns, UUIDs as text, instants as BIGINT
/// milliseconds since 1970 UTC, calendar dates as `YYYY-MM-DD` text, `ON CONFLICT` and
/// `RETURNING`. When a new difference appears, it is added here and nowhere else.
public enum SQLEngine: String, Sendable, CaseIterable {
    /// SQLite, embedded; one app instance; the default.
    case sqlite
    /// PostgreSQL; several app instances may share it.
    case postgres

    /// Statements run on every new connection.
    ///
    /// SQLite: write-ahead logging so readers never block the writer; `synchronous = FULL` so a
    /// committed transaction survives a crash or power cut (group commit pays for the fsync once
    /// per batch); foreign keys on; wait up to 5 s for a lock instead of failing at once.
    var connectionSetup: [String] {
        switch self {
        case .sqlite:
            ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
             "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000"]
        case .postgres:
            // `BulkInsert` writes strings as literals, quotes doubled and backslashes as they are: that is
            // PostgreSQL's default reading, set here so a database or role set otherwise cannot change it.
            ["SET TIME ZONE 'UTC'", "SET standard_conforming_strings = on"]
        }
    }

    /// The SQLite writer's page cache, KiB. SQLite's default (2 MiB) is far smaller than the indexes
    /// a busy clinic writes into: a profile of a large load showed a third of the time in the kernel,
    /// re-reading evicted pages and spilling uncommitted ones to the WAL mid-transaction. One writer
    /// connection, so this bounds the memory it can take: 32 MiB keeps the server under 150 MB while
    /// monitors post 20,000 readings a second (64 MiB filled to the 150 MB limit; BENCHMARKS.md, P7),
    /// and bulk loads raise it for their duration (``sqliteBulkLoadCacheKiB``).
    static let sqliteWriterCacheKiB = 32 * 1024

    /// The SQLite writer's page cache during a bulk demo load, KiB: the load writes millions of
    /// rows into indexes of hundreds of MiB, and with the everyday cache most of its time went to
    /// evicting and re-reading index pages. The cache only grows as pages are used, and returns to
    /// ``sqliteWriterCacheKiB`` when the load ends.
    static let sqliteBulkLoadCacheKiB = 768 * 1024

    /// How many WAL pages a bulk demo load lets gather before SQLite checkpoints them (SQLite's
    /// default is 1,000): 64 MiB of 4 KiB pages, so the load checkpoints a few dozen times, not
    /// hundreds. Back to the default when the load ends.
    static let sqliteBulkLoadCheckpointPages = 16_384

    /// Each SQLite reader's page cache, KiB: larger than the default for the indexes pages and
    /// reports walk, small enough that a full pool stays well inside the server's memory budget.
    static let sqliteReaderCacheKiB = 8 * 1024

    /// Opens a write transaction. SQLite takes the write lock at once (`IMMEDIATE`) so two
    /// processes never deadlock upgrading a read lock; PostgreSQL locks rows as it goes.
    var beginWrite: String {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgres: "BEGIN"
        }
    }

    /// Serialises schema changes when several app instances start together. SQLite's
    /// `BEGIN IMMEDIATE` already does; PostgreSQL takes a transaction-scoped advisory lock.
    var migrationLock: String? {
        switch self {
        case .sqlite: nil
        case .postgres: "SELECT pg_advisory_xact_lock(7358301)"
        }
    }

    /// Lists the user tables, to tell an empty database from one of another application.
    var listTables: String {
        switch self {
        case .sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        case .postgres: "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
        }
    }

    /// Triggers that refuse UPDATE and DELETE on `table`, making it append-only for everyone
    /// who goes through SQL (the hash chain catches anyone who goes around it).
    func appendOnlyGuard(table: String) -> [String] {
        switch self {
        case .sqlite:
            ["""
             CREATE TRIGGER \(table)_refuse_update BEFORE UPDATE ON \(table)
             BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END
             """,
             """
             CREATE TRIGGER \(table)_refuse_delete BEFORE DELETE ON \(table)
             BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END
             """]
        case .postgres:
            ["""
             CREATE FUNCTION \(table)_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION '\(table) is append-only'; END $$
             """,
             """
             CREATE TRIGGER \(table)_refuse_change BEFORE UPDATE OR DELETE ON \(table)
             FOR EACH ROW EXECUTE FUNCTION \(table)_refuse_change()
             """,
             """
             CREATE TRIGGER \(table)_refuse_truncate BEFORE TRUNCATE ON \(table)
             FOR EACH STATEMENT EXECUTE FUNCTION \(table)_refuse_change()
             """]
        }
    }
}
