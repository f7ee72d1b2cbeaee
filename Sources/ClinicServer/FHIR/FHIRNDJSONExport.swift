import ClinicDomain
import ClinicStorage
import Foundation

/// Writes one NDJSON file per resource type (`<Type>.ndjson`, one resource per line), streaming:
/// rows are read in keyset batches and each batch's bytes are written before the next is read, so
/// memory stays flat. Shared by `ketaclinic export fhir` and the Bulk Data `$export` jobs.
public struct FHIRNDJSONExport: Sendable {
    /// One file written.
    public struct File: Sendable, Equatable, Codable {
        /// The resource type.
        public let type: String
        /// The file name inside the directory.
        public let name: String
        /// Resources written.
        public let count: Int
    }

    /// The store read from.
    public let store: FHIRStore
    /// Rows per query.
    public let batchSize: Int

    /// An export reading `store`.
    public init(store: FHIRStore, batchSize: Int = 2_000) {
        self.store = store
        self.batchSize = batchSize
    }

    /// Writes the files of `kinds` into `directory` (which must exist). `progress` gets the rows read
    /// so far after every batch; `isCancelled` is asked between batches. Types with no resources get no
    /// file (Bulk Data manifests list only files with content).
    public func write(_ kinds: [FHIRResourceKind], filter: FHIRRowFilter = FHIRRowFilter(), to directory: URL,
                      progress: (Int) async -> Void = { _ in },
                      isCancelled: () async -> Bool = { false }) async throws -> [File] {
        var files: [File] = []
        var rowsRead = 0
        var writer = FHIRJSONWriter(capacity: 1 << 20)
        for kind in kinds {
            let name = "\(kind.type).ndjson"
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: url.path, contents: nil),
                  let handle = try? FileHandle(forWritingTo: url) else {
                throw FHIRExportError(message: "cannot create \(url.path)")
            }
            var count = 0
            do {
                try await store.forEachRow(kind, filter: filter, batchSize: batchSize, each: { resources in
                    for resource in resources {
                        writer.write(resource.json)
                        writer.append("\n")
                    }
                    count += resources.count
                    // Flush at 1 MiB: the buffer never grows past one flush and a row.
                    if writer.bytes.count >= 1 << 20 {
                        try handle.write(contentsOf: writer.bytes)
                        writer.reset()
                    }
                }, afterBatch: { rows in
                    if await isCancelled() { throw CancellationError() }
                    rowsRead += rows
                    await progress(rowsRead)
                })
                try handle.write(contentsOf: writer.bytes)
                writer.reset()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            if count == 0 {
                try? FileManager.default.removeItem(at: url)
            } else {
                files.append(File(type: kind.type, name: name, count: count))
            }
        }
        return files
    }
}

/// An export that cannot write its files.
public struct FHIRExportError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let message: String
    public var description: String { message }
}
