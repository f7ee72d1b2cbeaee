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
        /// The sessions under way (all of them: the filter applies when the cards are drawn).
        public var snapshot: BoardSnapshot
        /// The clinic's time zone, for the times printed by the server.
        public var timeZone: TimeZone
        /// True when the viewer may acknowledge alerts (the forms are shown only then).
        public var canAcknowledge: Bool
        /// True when the viewer may record vital signs (the card's reading form is shown only then).
        public var canRecordVitals: Bool
        /// The clinic's chairs, in board order, for the "my chairs" filter.
        public var chairs: [String]
        /// The chairs the viewer chose to watch; empty shows every chair.
        public var filter: [String]
        /// A card's form that failed, shown again in that card with its errors.
        public var failure: CardFailure?
        /// A card's confirmation after an action done in place ("Reading saved.").
        public var notice: CardNotice?

        /// Creates the model.
        public init(snapshot: BoardSnapshot, timeZone: TimeZone, canAcknowledge: Bool, canRecordVitals: Bool = false,
                    chairs: [String] = [], filter: [String] = [], failure: CardFailure? = nil, notice: CardNotice? = nil) {
            self.snapshot = snapshot
            self.timeZone = timeZone
            self.canAcknowledge = canAcknowledge
            self.canRecordVitals = canRecordVitals
            self.chairs = chairs
            self.filter = filter
            self.failure = failure
            self.notice = notice
        }

        /// The cards shown: every card, or those of the chosen chairs (a card with no chair yet
        /// shows only on the unfiltered board).
        public var shownCards: [ChairCard] {
            guard !filter.isEmpty else { return snapshot.cards }
            return snapshot.cards.filter { $0.chair.map(filter.contains) ?? false }
        }

        /// The filter as a query string ("?chair=Chair%201&chair=Chair%202"), empty without one,
        /// so forms and links keep the nurse's view.
        public var filterQuery: String {
            guard !filter.isEmpty else { return "" }
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return "?" + filter.map { "chair=" + ($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") }.joined(separator: "&")
        }
    }

    /// A form posted from a card that could not be saved: the card shows it open again with the
    /// typed values and an error beside each field, or the reason it was refused.
    public struct CardFailure: Sendable {
        /// The card's session.
        public var sessionID: UUID
        /// "vitals", or the id of the alert whose acknowledgement failed.
        public var form: String
        /// The field errors.
        public var errors: FieldErrors
        /// What was typed.
        public var values: [String: String]
        /// Why the step was refused, when it was not a field error.
        public var refusal: String?

        /// Creates a failure.
        public init(sessionID: UUID, form: String, errors: FieldErrors = FieldErrors(), values: [String: String] = [:],
                    refusal: String? = nil) {
            self.sessionID = sessionID
            self.form = form
            self.errors = errors
            self.values = values
            self.refusal = refusal
        }
    }

    /// The confirmation a card shows after an action done in place.
    public struct CardNotice: Sendable {
        /// The card's session.
        public var sessionID: UUID
        /// What was done, in a sentence.
        public var message: String
        /// True when the action raised an alert (the message says which).
        public var alerting: Bool

        /// Creates a notice.
        public init(sessionID: UUID, message: String, alerting: Bool = false) {
            self.sessionID = sessionID
            self.message = message
            self.alerting = alerting
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

    /// `h:mm:ss` or `m:ss` still to run until `end` (0:00 once past).
    static func remaining(until end: Date, now: Date) -> String {
        let seconds = max(0, Int(saturating: end.timeIntervalSince(now).rounded(.up)))
        let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// `10:04` in `timeZone`.
    static func hourMinute(_ date: Date, in timeZone: TimeZone) -> String {
        String(clock(date, in: timeZone).prefix(5))
    }

    /// A duration in words: "6 min", "1 h 5 min", "45 s".
    static func duration(from start: Date, to end: Date) -> String {
        let seconds = max(0, Int(saturating: end.timeIntervalSince(start)))
        if seconds < 60 { return "\(seconds) s" }
        let (h, m) = (seconds / 3600, seconds % 3600 / 60)
        return h > 0 ? "\(h) h \(m) min" : "\(m) min"
    }

    /// `10:04:05` in `timeZone`.
    static func clock(_ date: Date, in timeZone: TimeZone) -> String {
        String(Instant.text(date, in: timeZone).suffix(8))
    }
}
