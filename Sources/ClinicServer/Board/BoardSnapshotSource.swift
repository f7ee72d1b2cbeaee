import ClinicDomain
import Foundation

/// Where the chair board's cards come from: every active session at one moment.
public protocol BoardSnapshotSource: Sendable {
    /// The board as it stands at `now`.
    func snapshot(now: Date) async throws -> BoardSnapshot
}
