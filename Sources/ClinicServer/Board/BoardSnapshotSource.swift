import ClinicDomain
import Foundation

/// Where the chair board's cards come from: every active session at one moment.
public protocol BoardSnapshotSource: Sendable {
    /// The board as it stands at `now`.
    func snapshot(now: Date) async throws -> BoardSnapshot
}

/// A board that is always the same: for tests of the board itself.
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
