import Foundation

/// How often sessions happen in one phase of a course.
public enum CourseFrequency: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// `n` sessions in any 7 days (1–3), as in the induction series [R55-Mur][R55-ELEKT].
    case perWeek(Int)
    /// One session every `n` weeks (1–8), as in maintenance [R15][R55-Phil].
    case everyWeeks(Int)

    /// In words: "3 a week", "weekly", "every 2 weeks".
    public var description: String {
        switch self {
        case .perWeek(1), .everyWeeks(1): "weekly"
        case .perWeek(let n): "\(n) a week"
        case .everyWeeks(let n): "every \(n) weeks"
        }
    }

    /// A stable text form for forms and the CLI: `3/week`, `every-2-weeks`.
    public var code: String {
        switch self {
        case .perWeek(let n): "\(n)/week"
        case .everyWeeks(let n): "every-\(n)-weeks"
        }
    }

    /// The frequency written as ``code``, or nil.
    public init?(code: String) {
        let text = code.trimmed.lowercased()
        if text.hasSuffix("/week"), let n = Int(text.dropLast(5)), (1...3).contains(n) {
            self = .perWeek(n)
        } else if text.hasPrefix("every-"), text.hasSuffix("-weeks") || text.hasSuffix("-week"),
                  let n = Int(text.dropFirst(6).split(separator: "-").first ?? ""), (1...8).contains(n) {
            self = .everyWeeks(n)
        } else {
            return nil
        }
    }

    /// The fewest days between two sessions at this frequency: 7 ÷ n rounded down for `n` a week
    /// (3 a week → 2 days, Monday–Wednesday–Friday [R55-Mur]; 2 a week → 3 days), 7·n for every n weeks.
    public var spacingDays: Int {
        switch self {
        case .perWeek(let n): 7 / max(n, 1)
        case .everyWeeks(let n): 7 * n
        }
    }

    /// Most sessions in any 7 consecutive days.
    public var sessionsPerSevenDays: Int {
        switch self {
        case .perWeek(let n): n
        case .everyWeeks: 1
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = CourseFrequency(code: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Unknown frequency '\(text)'"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

/// One phase of a course: induction or maintenance, its frequency and its length.
public struct CoursePhase: Codable, Equatable, Sendable {
    /// Induction (the initial series) or maintenance (boosters).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The initial series.
        case induction
        /// Sessions after the series.
        case maintenance
    }

    /// Shown on the plan, e.g. "Induction, weeks 1–4".
    public var name: String
    /// Induction or maintenance.
    public var kind: Kind
    /// The frequency a new plan starts with.
    public var frequency: CourseFrequency
    /// The frequencies a prescriber may choose for this phase (``frequency`` among them).
    public var allowedFrequencies: [CourseFrequency]
    /// Length in weeks from the phase's start, if the phase is measured in weeks.
    public var weeks: Int?
    /// Length in sessions, if the phase is measured in sessions.
    public var sessions: Int?
    /// Where the phase comes from.
    public var sources: [String]

    /// Creates a phase; with neither `weeks` nor `sessions` it runs until the course ends.
    public init(name: String, kind: Kind, frequency: CourseFrequency, allowedFrequencies: [CourseFrequency]? = nil,
                weeks: Int? = nil, sessions: Int? = nil, sources: [String]) {
        self.name = name
        self.kind = kind
        self.frequency = frequency
        self.allowedFrequencies = allowedFrequencies ?? [frequency]
        self.weeks = weeks
        self.sessions = sessions
        self.sources = sources
    }

    /// True when the phase has no set end: it runs for as many sessions as the plan asks.
    public var isOpenEnded: Bool { weeks == nil && sessions == nil }

    /// The most sessions the phase can hold, when it has an end.
    public var sessionCapacity: Int? {
        if let sessions { return sessions }
        guard let weeks else { return nil }
        switch frequency {
        case .perWeek(let n): return weeks * n
        case .everyWeeks(let n): return (weeks + n - 1) / n
        }
    }
}

/// A protocol's course: its phases in order and the shortest gap between any two sessions.
public struct CourseSchedule: Codable, Equatable, Sendable {
    /// The phases, induction first.
    public var phases: [CoursePhase]
    /// Fewest whole days between two sessions, whatever the frequency. No source gives one
    /// (NOT FOUND); the built-in protocols use 2 days, the gap of a 3-a-week series [R55-Mur].
    public var minimumDaysBetweenSessions: Int

    /// Creates a schedule.
    public init(phases: [CoursePhase], minimumDaysBetweenSessions: Int) {
        self.phases = phases
        self.minimumDaysBetweenSessions = minimumDaysBetweenSessions
    }

    /// Sessions in the phases that have an end: the course a plan proposes by default.
    public var defaultSessionCount: Int {
        let finite = phases.compactMap(\.sessionCapacity).reduce(0, +)
        return finite > 0 ? finite : 6
    }

    /// The schedule, or the fields that make no sense.
    public func validated() throws(FieldErrors) -> CourseSchedule {
        var errors = FieldErrors()
        if phases.isEmpty { errors.add("phases", "A course needs at least one phase.") }
        for (index, phase) in phases.enumerated() {
            let prefix = "phases[\(index)]."
            if phase.name.trimmed.isEmpty { errors.add(prefix + "name", "Name the phase.") }
            if !phase.allowedFrequencies.contains(phase.frequency) {
                errors.add(prefix + "frequency", "The phase's frequency must be one of its allowed frequencies.")
            }
            if let weeks = phase.weeks, !(1...104).contains(weeks) { errors.add(prefix + "weeks", "Enter 1 to 104 weeks.") }
            if let sessions = phase.sessions, !(1...52).contains(sessions) { errors.add(prefix + "sessions", "Enter 1 to 52 sessions.") }
            if phase.isOpenEnded && index != phases.count - 1 {
                errors.add(prefix + "sessions", "Only the last phase may run without an end.")
            }
        }
        if !(1...28).contains(minimumDaysBetweenSessions) {
            errors.add("minimumDaysBetweenSessions", "Enter 1 to 28 days.")
        }
        try errors.throwIfAny()
        return self
    }
}
