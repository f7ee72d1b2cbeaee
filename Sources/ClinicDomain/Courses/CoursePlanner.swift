import Foundation

/// One session date a course proposes.
public struct ProposedSession: Codable, Equatable, Sendable {
    /// 1 for the first session of the course.
    public let number: Int
    /// The day, in the clinic's time zone.
    public let date: CalendarDate
    /// Index into the schedule's phases.
    public let phaseIndex: Int
    /// The phase's name.
    public let phaseName: String

    /// Creates a proposed session.
    public init(number: Int, date: CalendarDate, phaseIndex: Int, phaseName: String) {
        self.number = number
        self.date = date
        self.phaseIndex = phaseIndex
        self.phaseName = phaseName
    }
}

/// Proposes session dates for a course.
///
/// Rules, in order:
/// 1. sessions fall on the clinic's working days;
/// 2. two sessions are at least the schedule's minimum number of days apart, and at least the
///    phase frequency's spacing (3 a week → 2 days, 2 a week → 3 days, every n weeks → 7·n days);
/// 3. no 7 consecutive days hold more sessions than the phase's frequency allows;
/// 4. a phase measured in weeks ends that many weeks after it starts; the next phase starts on
///    that day or after the spacing, whichever is later; a phase measured in sessions ends after
///    its last session.
/// When a date breaks a rule the next day is tried. Sessions the patient already had count for
/// rules 2 and 3. Dates only: the time of day is chosen when
/// the session is booked.
public enum CoursePlanner {
    /// Days the planner will look ahead for one session before giving up (a clinic with no
    /// working days, for example).
    public static let searchLimitDays = 370

    /// Why a course cannot be proposed.
    public enum PlanningError: Error, Equatable, CustomStringConvertible {
        /// No working day is set.
        case noWorkingDays
        /// The schedule leaves no day that satisfies the rules within a year.
        case noDateFound(afterSession: Int)

        /// Says what to change.
        public var description: String {
            switch self {
            case .noWorkingDays: "The clinic has no working days set; choose them in the clinic settings."
            case .noDateFound(let number): "No working day fits the schedule after session \(number) within a year."
            }
        }
    }

    /// `count` session dates from `start` (the first session is on the first working day on or
    /// after it), following `schedule` with `frequencies` (one per phase; nil keeps each phase's own).
    /// `previous` are sessions the patient already had (a plan being replaced): the new sessions keep
    /// the spacing and the 7-day limit from them too.
    public static func propose(schedule: CourseSchedule, frequencies: [CourseFrequency]? = nil, start: CalendarDate,
                               count: Int, workingDays: Set<Weekday>, previous: [CalendarDate] = []) throws(PlanningError) -> [ProposedSession] {
        guard !workingDays.isEmpty else { throw .noWorkingDays }
        var sessions: [ProposedSession] = []
        let prior = previous.sorted()
        var placed: [CalendarDate] { prior + sessions.map(\.date) }
        var phaseStart = start
        for (index, phase) in schedule.phases.enumerated() where sessions.count < count {
            let frequency = frequencies.flatMap { $0.indices.contains(index) ? $0[index] : nil } ?? phase.frequency
            let phaseEnd = phase.weeks.map { phaseStart.adding(days: 7 * $0) }
            let isLast = index == schedule.phases.count - 1
            let spacing = max(schedule.minimumDaysBetweenSessions, frequency.spacingDays)
            var inPhase = 0
            var nextTry = placed.last.map { max(phaseStart, $0.adding(days: spacing)) } ?? phaseStart
            while sessions.count < count {
                if let limit = phase.sessions, inPhase >= limit { break }
                guard let date = firstFitting(from: nextTry, before: isLast ? nil : phaseEnd, placed: placed,
                                              perSevenDays: frequency.sessionsPerSevenDays, workingDays: workingDays) else {
                    if phaseEnd != nil && !isLast { break }
                    throw .noDateFound(afterSession: sessions.count)
                }
                sessions.append(ProposedSession(number: sessions.count + 1, date: date, phaseIndex: index, phaseName: phase.name))
                inPhase += 1
                nextTry = date.adding(days: spacing)
            }
            phaseStart = phaseEnd ?? sessions.last.map { $0.date.adding(days: 1) } ?? phaseStart
        }
        return sessions
    }

    private static func firstFitting(from first: CalendarDate, before end: CalendarDate?, placed: [CalendarDate],
                                     perSevenDays: Int, workingDays: Set<Weekday>) -> CalendarDate? {
        var date = first
        for _ in 0..<searchLimitDays {
            if let end, date >= end { return nil }
            let windowStart = date.adding(days: -6)
            let inWindow = placed.reversed().prefix { $0 >= windowStart }.count
            if workingDays.contains(date.weekday) && inWindow < perSevenDays { return date }
            date = date.adding(days: 1)
        }
        return nil
    }
}
