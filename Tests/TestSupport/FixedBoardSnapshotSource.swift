import ClinicDomain
import ClinicServer
import Foundation

/// A board that is always the same: so tests of the board see known cards.
public struct FixedBoardSnapshotSource: BoardSnapshotSource {
    /// The snapshot returned.
    public let fixed: BoardSnapshot

    /// A source that always answers `snapshot`.
    public init(_ snapshot: BoardSnapshot) {
        self.fixed = snapshot
    }

    /// The fixed snapshot, whatever `now` is.
    public func snapshot(now: Date) async throws -> BoardSnapshot {
        fixed
    }
}
