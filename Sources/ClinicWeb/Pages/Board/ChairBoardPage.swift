import ClinicDomain
import Foundation

/// The chair board for the nurses' station and its wall screen: one card per active session,
/// kept live by `board.js` over server-sent events.
///
/// The script relies on these hooks: `#board-cards` (the container the page refetches with
/// `GET /board?fragment=1`), `.chair-card[data-session-id]` (one per session, with
/// `data-chair`), `[data-vital]` cells (`bp`, `heartRate`, `oxygenSaturation`,
/// `respiratoryRate`, `takenAt`), `.card-alerts` (the card's open alerts, `li[data-alert-id]`),
/// `[data-since]`/`[data-until]` (millisecond instants of the live timers), `#board-alert-template`
/// (an alert with its acknowledge form, filled with `textContent`), `#board-connection`
/// (`data-state` `live` or `reconnecting`), `#board-clock` and `#board-announcer` (`aria-live`).
public enum ChairBoardPage {
    /// What the board shows.
    public struct Model: Sendable {
        /// The sessions under way.
        public var snapshot: BoardSnapshot
        /// The clinic's time zone, for the times printed by the server.
        public var timeZone: TimeZone
        /// True when the viewer may acknowledge alerts (the forms are shown only then).
        public var canAcknowledge: Bool

        /// Creates the model.
        public init(snapshot: BoardSnapshot, timeZone: TimeZone, canAcknowledge: Bool) {
            self.snapshot = snapshot
            self.timeZone = timeZone
            self.canAcknowledge = canAcknowledge
        }
    }

    /// Milliseconds since 1970, as the page's `data-` attributes carry instants.
    static func milliseconds(_ date: Date) -> String {
        String(date.millisecondsSince1970)
    }

    /// `m:ss` or `h:mm:ss` from `start` to `end` (never negative), as the timers show it.
    static func elapsed(from start: Date, to end: Date) -> String {
        let seconds = max(0, Int(saturating: end.timeIntervalSince(start)))
        let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// `10:04:05` in `timeZone`.
    static func clock(_ date: Date, in timeZone: TimeZone) -> String {
        String(Instant.text(date, in: timeZone).suffix(8))
    }
}
