import ClinicDomain
import ClinicStorage
import Foundation

/// Runs FHIR reads, searches and exports over the source tables: keyset pages of rows, mapped in
/// memory a batch at a time. The API, the Bulk Data export and the CLI all read through this.
public struct FHIRStore: Sendable {
    private let reader: FHIRRowReader
    /// The clinic and time zone resources are mapped for.
    public let context: FHIRMappingContext

    /// Rows one search request reads at most before it answers a short page with a `next` link.
    public let scanLimit: Int

    /// A store over `database` for one clinic.
    public init(database: ClinicDatabase, context: FHIRMappingContext, scanLimit: Int = 20_000) {
        reader = FHIRRowReader(database: database)
        self.context = context
        self.scanLimit = max(1, scanLimit)
    }

    /// One page of a search, and where the next page starts (nil when this was the last). A page may
    /// hold fewer than `count` resources, even none, when a narrow search reached `scanLimit`.
    public func search(_ kind: FHIRResourceKind, _ search: FHIRSearch) async throws -> (resources: [FHIRResource], next: FHIRCursor?) {
        var filter = search.filter
        filter.clinicID = context.clinicID
        var found: [(FHIRResource, FHIRCursor)] = []
        let wanted = search.count + 1
        // A cursor means: start at row `key` of source `source` (inclusive), skipping `skip` of its resources.
        let start = search.cursor ?? FHIRCursor(source: 0, key: nil, skip: 0)
        var rowsScanned = 0
        var sourceIndex = start.source
        var position = start.key.map { FHIRKeyPosition(key: $0, inclusive: true) }
        var skip = start.skip
        while found.count < wanted, sourceIndex < kind.sources.count {
            switch kind.sources[sourceIndex].origin {
            case .fixed(let resources):
                let matching = resources().filter(search.matches)
                for (index, resource) in matching.enumerated().dropFirst(skip) where found.count < wanted {
                    found.append((resource, FHIRCursor(source: sourceIndex, key: nil, skip: index)))
                }
                sourceIndex += 1
                (position, skip) = (nil, 0)
            case .table(let table, let map):
                // Enough rows for the page in one query; a row may give several resources or none.
                let batch = min(max(wanted, 64), 2_000)
                let rows = try await reader.page(table, filter: filter, from: position, limit: batch)
                var lastRow: (key: String, matched: Int)?
                for row in rows where found.count < wanted {
                    let key = FHIRRowReader.key(of: row, in: table)
                    let resources = try map(row, context).filter(search.matches)
                    for (index, resource) in resources.enumerated().dropFirst(skip) where found.count < wanted {
                        found.append((resource, FHIRCursor(source: sourceIndex, key: key, skip: index)))
                    }
                    (position, skip) = (FHIRKeyPosition(key: key, inclusive: false), 0)
                    lastRow = (key, resources.count)
                }
                rowsScanned += rows.count
                if rows.count < batch {
                    sourceIndex += 1
                    (position, skip) = (nil, 0)
                } else if found.count < wanted, rowsScanned >= scanLimit, let lastRow {
                    // A narrow code or id search over a large table: answer what was found so far and
                    // let the next link resume after the last row read, so every request stays bounded.
                    return (found.map(\.0), FHIRCursor(source: sourceIndex, key: lastRow.key, skip: lastRow.matched))
                }
            }
        }
        guard found.count == wanted else { return (found.map(\.0), nil) }
        // The one resource past the page says where the next page starts.
        let next = found.removeLast().1
        return (found.map(\.0), next)
    }

    /// Every resource of `kind` matching `filter`, row by row: `each` gets one row's resources as it
    /// is mapped (so a batch's resources are never all held at once), `afterBatch` the number of rows
    /// of each batch once its rows are done.
    public func forEachRow(_ kind: FHIRResourceKind, filter: FHIRRowFilter = FHIRRowFilter(), batchSize: Int = 2_000,
                           each: ([FHIRResource]) throws -> Void, afterBatch: (Int) async throws -> Void) async throws {
        var filter = filter
        filter.clinicID = context.clinicID
        for source in kind.sources {
            switch source.origin {
            case .fixed(let resources):
                try each(resources())
                try await afterBatch(0)
            case .table(let table, let map):
                var position: FHIRKeyPosition?
                while true {
                    let rows = try await reader.page(table, filter: filter, from: position, limit: batchSize)
                    for row in rows { try each(try map(row, context)) }
                    try await afterBatch(rows.count)
                    guard rows.count == batchSize, let last = rows.last else { break }
                    position = FHIRKeyPosition(key: FHIRRowReader.key(of: last, in: table), inclusive: false)
                }
            }
        }
    }

    /// About how many rows the export of `kind` reads (the base tables' sizes), for progress bars.
    public func estimatedRows(_ kind: FHIRResourceKind) async throws -> Int {
        var total = 0
        for source in kind.sources {
            if case .table(let table, _) = source.origin { total += try await reader.estimatedRows(table) }
        }
        return total
    }

    /// The resource `type/id`, or nil.
    public func read(_ kind: FHIRResourceKind, id: String) async throws -> FHIRResource? {
        for source in kind.sources {
            switch source.origin {
            case .fixed(let resources):
                if let found = resources().first(where: { $0.id == id }) { return found }
            case .table(let table, let map):
                var filter = FHIRRowFilter(clinicID: context.clinicID)
                filter.key = source.keyForID(id)
                for row in try await reader.page(table, filter: filter, from: nil, limit: 1) {
                    if let found = try map(row, context).first(where: { $0.id == id }) { return found }
                }
            }
        }
        return nil
    }

    /// Every resource of `kind` matching `filter` (the clinic is set here), in batches of about
    /// `batchSize` rows, each with the number of rows it came from: memory stays flat however large
    /// the clinic.
    public func forEachBatch(_ kind: FHIRResourceKind, filter: FHIRRowFilter = FHIRRowFilter(), batchSize: Int = 2_000,
                             _ body: ([FHIRResource], Int) async throws -> Void) async throws {
        var filter = filter
        filter.clinicID = context.clinicID
        for source in kind.sources {
            switch source.origin {
            case .fixed(let resources):
                try await body(resources(), 0)
            case .table(let table, let map):
                var position: FHIRKeyPosition?
                while true {
                    let rows = try await reader.page(table, filter: filter, from: position, limit: batchSize)
                    var resources: [FHIRResource] = []
                    resources.reserveCapacity(rows.count * 2)
                    for row in rows { resources += try map(row, context) }
                    try await body(resources, rows.count)
                    guard rows.count == batchSize, let last = rows.last else { break }
                    position = FHIRKeyPosition(key: FHIRRowReader.key(of: last, in: table), inclusive: false)
                }
            }
        }
    }
}
