import ClinicStorage
import Testing

@Suite("Results kept while the append-only rows they came from have not grown")
struct AppendOnlyResultCacheTests {
    /// A lookup, and whether it must find the kept value.
    struct LookupVector: Sendable, CustomTestStringConvertible {
        let label: String
        let key: String
        let mark: [Int64]
        let found: Bool
        var testDescription: String { label }
    }

    static let lookups: [LookupVector] = [
        .init(label: "same key, same counts", key: "a", mark: [10, 0], found: true),
        .init(label: "a reading added since", key: "a", mark: [11, 0], found: false),
        .init(label: "an alert added since", key: "a", mark: [10, 1], found: false),
        .init(label: "another key", key: "b", mark: [10, 0], found: false),
    ]

    @Test("a kept result is served only under the counts it was kept under", arguments: lookups)
    func servedOnlyUnderItsMark(vector: LookupVector) {
        let cache = AppendOnlyResultCache()
        cache.store("overview", key: "a", mark: [10, 0])
        #expect((cache.value(vector.key, mark: vector.mark, as: String.self) != nil) == vector.found)
    }

    @Test("a value asked for as another type is not served")
    func typeMustMatch() {
        let cache = AppendOnlyResultCache()
        cache.store(42, key: "a", mark: [1])
        #expect(cache.value("a", mark: [1], as: String.self) == nil)
        #expect(cache.value("a", mark: [1], as: Int.self) == 42)
    }

    @Test("at capacity the least recently used result goes first")
    func leastRecentlyUsedGoesFirst() {
        let cache = AppendOnlyResultCache(capacity: 2)
        cache.store(1, key: "a", mark: [1])
        cache.store(2, key: "b", mark: [1])
        #expect(cache.value("a", mark: [1], as: Int.self) == 1, "a is used again, so b is now the oldest")
        cache.store(3, key: "c", mark: [1])
        #expect(cache.count == 2)
        #expect(cache.value("b", mark: [1], as: Int.self) == nil)
        #expect(cache.value("a", mark: [1], as: Int.self) == 1)
        #expect(cache.value("c", mark: [1], as: Int.self) == 3)
    }
}
