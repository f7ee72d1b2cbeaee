import Foundation

/// When a reading may be timed: not more than a minute ahead of the server's clock (monitor and
/// device clocks drift) and not more than 12 hours back (a late entry of the same treatment day).
/// The nurse's form, a gateway's batch and a monitor's message all judge a reading's time here; the
/// window is a typing and clock-drift guard, not a clinical threshold.
public enum ReadingTime: Equatable, Sendable {
    /// Within the window.
    case accepted
    /// More than ``futureTolerance`` ahead of now.
    case future
    /// More than ``lookBack`` before now.
    case tooOld

    /// How far ahead of the server's clock a reading may be timed.
    public static let futureTolerance: TimeInterval = 60
    /// How far back a reading may be timed.
    public static let lookBack: TimeInterval = 12 * 3600

    /// Judges `takenAt` against `now`.
    public init(takenAt: Date, now: Date) {
        if takenAt > now.addingTimeInterval(Self.futureTolerance) { self = .future }
        else if takenAt < now.addingTimeInterval(-Self.lookBack) { self = .tooOld }
        else { self = .accepted }
    }

    /// What a person entering the reading is told, or nil when it is accepted.
    public var fieldError: String? {
        switch self {
        case .accepted: nil
        case .future: "A reading cannot be taken in the future."
        case .tooOld: "Enter a time within the last 12 hours."
        }
    }
}
