import Synchronization

/// Results computed from append-only rows, kept for as long as the rows they were computed from
/// have not grown. A past session's page read the same 5,000 monitor readings on every view to
/// build the same summary and series; its readings and alerts are only ever added to (the tables
/// refuse updates and deletes, and a correction is a new row), so their counts, read in one
/// indexed query, tell whether a kept result still holds.
///
/// A result is served only when the counts (`mark`) it was kept under equal the counts read now.
/// Rows added between reading the counts and computing the result make it kept under counts that
/// are already smaller than the table's: it is never served, and the next request computes again.
/// Each database has its own cache (``ClinicDatabase/resultCache``), so two servers on one
/// PostgreSQL database each check the counts themselves. The least recently used result goes
/// first when `capacity` is reached.
public final class AppendOnlyResultCache: Sendable {
    private struct Entry {
        var mark: [Int64]
        var value: any Sendable
        var used: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    /// How many results are kept at most.
    public let capacity: Int

    /// An empty cache that keeps up to `capacity` results.
    public init(capacity: Int = 64) {
        self.capacity = max(1, capacity)
    }

    /// The result kept under `key` when it was kept under `mark`; nil otherwise.
    public func value<Value: Sendable>(_ key: String, mark: [Int64], as type: Value.Type = Value.self) -> Value? {
        state.withLock { state in
            guard var entry = state.entries[key], entry.mark == mark, let value = entry.value as? Value else { return nil }
            state.clock += 1
            entry.used = state.clock
            state.entries[key] = entry
            return value
        }
    }

    /// Keeps `value` under `key`, computed from rows counted as `mark`.
    public func store(_ value: some Sendable, key: String, mark: [Int64]) {
        state.withLock { state in
            state.clock += 1
            state.entries[key] = Entry(mark: mark, value: value, used: state.clock)
            if state.entries.count > capacity, let oldest = state.entries.min(by: { $0.value.used < $1.value.used })?.key {
                state.entries[oldest] = nil
            }
        }
    }

    /// How many results are kept (for tests).
    public var count: Int { state.withLock { $0.entries.count } }
}
