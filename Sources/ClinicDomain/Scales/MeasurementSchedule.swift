import Foundation

/// When a protocol asks for a rating scale, relative to the course's sessions.
public enum MeasurementTiming: String, CaseIterable, Codable, Sendable {
    /// Once, on or before the first session.
    case baseline
    /// On the day of every session, before dosing.
    case beforeEachSession = "before-each-session"
    /// The day after every session (about 24 hours after the dose).
    case dayAfterEachSession = "day-after-each-session"
    /// Every 7 days from the first maintenance session.
    case weeklyInMaintenance = "weekly-in-maintenance"

    /// The words shown on due lists.
    public var displayName: String {
        switch self {
        case .baseline: "Baseline"
        case .beforeEachSession: "Before session"
        case .dayAfterEachSession: "24 h after session"
        case .weeklyInMaintenance: "Weekly (maintenance)"
        }
    }
}

/// One scale at one timing.
public struct MeasurementRule: Codable, Equatable, Sendable {
    /// The instrument.
    public var instrument: InstrumentID
    /// When.
    public var timing: MeasurementTiming

    /// Creates a rule.
    public init(_ instrument: InstrumentID, _ timing: MeasurementTiming) {
        self.instrument = instrument
        self.timing = timing
    }
}

/// A protocol's measurement-based-care schedule. The reference sets no schedule; the default is
/// clinic policy: PHQ-9 at baseline, before each session, 24 h after each session and weekly during
/// maintenance (measuring the same way every time is what shows response [R55-ELEKT] and the
/// duration of effect).
public struct MeasurementSchedule: Codable, Equatable, Sendable {
    /// The rules.
    public var rules: [MeasurementRule]

    /// Creates a schedule.
    public init(rules: [MeasurementRule]) { self.rules = rules }

    /// The default for every built-in protocol (clinic policy).
    public static let standard = MeasurementSchedule(rules: [
        MeasurementRule(.phq9, .baseline), MeasurementRule(.phq9, .beforeEachSession),
        MeasurementRule(.phq9, .dayAfterEachSession), MeasurementRule(.phq9, .weeklyInMaintenance),
    ])
}

/// One measurement due for a patient, and whether it is done.
public struct MeasurementDue: Equatable, Sendable {
    /// Where a due measurement stands.
    public enum Status: String, Sendable, Comparable {
        /// A response in the window exists.
        case done
        /// Overdue: the window has passed without a response.
        case overdue
        /// Due today.
        case due
        /// Later.
        case upcoming

        private var rank: Int { [.overdue, .due, .upcoming, .done].firstIndex(of: self)! }
        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// The instrument.
    public let instrument: InstrumentID
    /// Why it is due.
    public let timing: MeasurementTiming
    /// The session it belongs to (nil for weekly measurements).
    public let sessionNumber: Int?
    /// The day it is due.
    public let dueOn: CalendarDate
    /// The last day a response still counts for it.
    public let windowEnd: CalendarDate
    /// Where it stands.
    public let status: Status
}

/// Lays out the measurements a schedule asks for around a course's sessions and checks them
/// against the responses on record.
///
/// Windows (clinic policy): baseline — any response up to and including the first session's day
/// (overdue after it); before session — a response on the session's day (it must come before the
/// dose; the session workflow checks that); 24 h after — the day after the session, or the day
/// after that; weekly — within 3 days either side of each 7th day from the first maintenance
/// session, up to the last scheduled session.
public enum MeasurementPlanner {
    /// A session as the planner needs it.
    public struct Session: Equatable, Sendable {
        /// 1 for the first session.
        public let number: Int
        /// Its day.
        public let date: CalendarDate
        /// True in a maintenance phase.
        public let isMaintenance: Bool
        /// Creates a session.
        public init(number: Int, date: CalendarDate, isMaintenance: Bool) {
            self.number = number
            self.date = date
            self.isMaintenance = isMaintenance
        }
    }

    /// Every measurement `schedule` asks for around `sessions`, with its status on `today`, given the
    /// days on which each instrument was answered.
    public static func due(_ schedule: MeasurementSchedule, sessions: [Session], answered: [InstrumentID: [CalendarDate]],
                           today: CalendarDate) -> [MeasurementDue] {
        let sessions = sessions.sorted { $0.date < $1.date }
        guard let first = sessions.first else { return [] }
        var result: [MeasurementDue] = []
        func add(_ rule: MeasurementRule, session: Int?, from start: CalendarDate, dueOn: CalendarDate, windowEnd: CalendarDate) {
            let days = answered[rule.instrument] ?? []
            let done = days.contains { $0 >= start && $0 <= windowEnd }
            let status: MeasurementDue.Status = done ? .done : today > windowEnd ? .overdue : today >= dueOn ? .due : .upcoming
            result.append(MeasurementDue(instrument: rule.instrument, timing: rule.timing, sessionNumber: session, dueOn: dueOn,
                                         windowEnd: windowEnd, status: status))
        }
        for rule in schedule.rules {
            switch rule.timing {
            case .baseline:
                add(rule, session: nil, from: first.date.adding(days: -30), dueOn: first.date, windowEnd: first.date)
            case .beforeEachSession:
                for session in sessions { add(rule, session: session.number, from: session.date, dueOn: session.date, windowEnd: session.date) }
            case .dayAfterEachSession:
                for session in sessions {
                    add(rule, session: session.number, from: session.date.adding(days: 1), dueOn: session.date.adding(days: 1),
                        windowEnd: session.date.adding(days: 2))
                }
            case .weeklyInMaintenance:
                guard let start = sessions.first(where: \.isMaintenance)?.date, let last = sessions.last?.date else { continue }
                var dueOn = start.adding(days: 7)
                while dueOn <= last {
                    add(rule, session: nil, from: dueOn.adding(days: -3), dueOn: dueOn, windowEnd: dueOn.adding(days: 3))
                    dueOn = dueOn.adding(days: 7)
                }
            }
        }
        return result.sorted { ($0.dueOn, $0.status) < ($1.dueOn, $1.status) }
    }
}
