import Foundation
import Synchronization

/// The encoded document, built on the first request: the catalog does not change once the
/// server listens, and building ~150 operations on every fetch would be wasted work.
final class OpenAPICache: Sendable {
    private let stored = Mutex<Data?>(nil)

    /// The cached bytes, or `build()`'s result stored for the next caller.
    func data(_ build: () throws -> Data) throws -> Data {
        try stored.withLock { cached in
            if let cached { return cached }
            let data = try build()
            cached = data
            return data
        }
    }
}
