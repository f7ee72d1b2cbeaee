/// Synthetic course histories for the large demo clinic: when each patient's course began, which
/// sessions were given, cancelled or are still to come, and the PHQ-9 ratings around them, drawn so
/// the clinic's outcome report lands near the published figures (docs/outcomes.md, "Demo clinic").
///
/// The chances are set from the clinical reference: IV ketamine response 55% (between ELEKT-D's
/// 50.8% [R55-ELEKT], Phillips' 59% [R55-Phil] and Murrough's 70.8% [R55-Mur]) and remission 40%
/// (KetECT 46% [R55-KetECT]); esketamine response 60% (TRANSFORM-1 54%, TRANSFORM-2 69.3% [R55-T2])
/// and remission 35% (ESCAPE-TRD 27.1% [R55-ESC], TRANSFORM-2 52.5% [R55-T2]); a median of 3
/// sessions to response [R55-Phil]; relapse after the course in half of IV responders (KetECT: 70%
/// of remitters within 12 months [R55-KetECT]) and 30% of esketamine responders (SUSTAIN-1 26.7%
/// [R55-SUS1]). Dropout (10%) and missed sessions (3%) have no source: demo assumptions.
public struct DemoCourseHistories: Sendable {
    /// One session: days from the course start and its state.
    public struct Session: Equatable, Sendable {
        public let offset: Int
        public let state: TreatmentSessionState
    }

    /// One rating: days from the course start and the PHQ-9 total.
    public struct Rating: Equatable, Sendable {
        public let offset: Int
        public let total: Int
    }

    /// One patient's course.
    public struct History: Equatable, Sendable {
        /// Which template: 0 IV ketamine, 1 esketamine.
        public let template: Int
        /// How many days before today the course started.
        public let startDaysAgo: Int
        /// The sessions, in order (as many as the template has).
        public let sessions: [Session]
        /// The ratings, in order, none on or after today.
        public let ratings: [Rating]
    }

    /// The chances for one treatment.
    struct Chances {
        let response: Double, remissionGivenResponse: Double, relapseGivenResponse: Double
    }

    static let iv = Chances(response: 0.55, remissionGivenResponse: 0.40 / 0.55, relapseGivenResponse: 0.5)          // [R55-ELEKT][R55-Phil][R55-KetECT]
    static let esketamine = Chances(response: 0.60, remissionGivenResponse: 0.35 / 0.60, relapseGivenResponse: 0.3)  // [R55-T2][R55-ESC][R55-SUS1]

    private var generator: SeededGenerator
    /// Day offsets of each template's sessions from its start.
    private let templates: [[Int]]

    /// A generator; `templates[0]` are the IV course's session offsets, `templates[1]` the esketamine course's.
    public init(seed: UInt64, templates: [[Int]]) {
        generator = SeededGenerator(seed: seed ^ 0x5EED_0C0E)
        self.templates = templates
    }

    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &generator) < p }
    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }

    /// The next patient's course. Courses start up to a year ago and all their sessions are in the
    /// past, so today's treatment room and board show only the demo's own stories; two in three
    /// are IV ketamine.
    public mutating func next() -> History {
        let template = templates.count > 1 && chance(1.0 / 3) ? 1 : 0
        let offsets = templates[template]
        let startDaysAgo = int(min(365, (offsets.max() ?? 0) + 1)...365)
        let chances = template == 0 ? Self.iv : Self.esketamine
        let baseline = int(15...24)          // PHQ-9 with item 9 at 0 (no suicidality alert) reaches 24
        let responds = chance(chances.response)
        let remits = responds && chance(chances.remissionGivenResponse)
        let relapses = responds && chance(chances.relapseGivenResponse)
        let dropsOutAfter: Int? = chance(0.10) ? int(1...3) : nil
        // Sessions: given before today unless dropped out or missed; from today on, scheduled.
        var sessions: [Session] = []
        for (index, offset) in offsets.enumerated() {
            let daysAgo = startDaysAgo - offset
            let state: TreatmentSessionState
            if daysAgo <= 0 {
                state = .scheduled
            } else if let stop = dropsOutAfter, index >= stop {
                state = .cancelled
            } else {
                state = chance(0.03) ? (chance(0.5) ? .noShow : .cancelled) : .discharged
            }
            sessions.append(Session(offset: offset, state: state))
        }
        let given = sessions.filter { $0.state == .discharged }.map(\.offset)
        // The trajectory: the response arrives after a median of 3 sessions [R55-Phil].
        let sessionsToRespond = min(given.count, [1, 2, 3, 3, 3, 4, 5, 6][int(0...7)])
        let respondDay = given.isEmpty ? Int.max : (sessionsToRespond > 0 ? given[sessionsToRespond - 1] + 1 : Int.max)
        let threshold = Double(baseline) / 2
        let target: Double = remits ? Double(int(1...4)) : responds ? Double(int(5...Int(threshold))) : Double(baseline) * Double(int(55...92)) / 100
        let effectDays = Double(int(6...20))           // how long a maintenance dose holds (clinic-specific; no source)
        let rise = (threshold - target + 1) / effectDays
        let lastGiven = given.last ?? 0
        let relapseDay = relapses ? lastGiven + int(10...90) : Int.max
        var ratings: [Rating] = []
        var days = [-1] + given.map { $0 + 1 }
        var followUp = (days.last ?? 0) + 7
        while days.count < 20 { days.append(followUp); followUp += 7 }
        if let stop = dropsOutAfter { days = Array(days.prefix(stop + 2)) }
        for day in Set(days).sorted() where day < startDaysAgo {
            var score: Double
            if day < 0 {
                score = Double(baseline)
            } else if !responds || day < respondDay {
                let progress = respondDay == Int.max ? min(1, Double(day) / 21) : min(1, Double(day) / Double(max(1, respondDay)))
                score = Double(baseline) + (target - Double(baseline)) * progress * (responds ? 0.8 : 1)
            } else if day >= relapseDay {
                score = Double(baseline) * Double(int(70...95)) / 100
            } else {
                let lastDose = given.last { $0 < day } ?? 0
                let sinceDose = Double(day - lastDose)
                // After the course a sustained responder holds; during it the effect wears off between doses.
                score = day > lastGiven + 1 && !relapses ? target : target + rise * max(0, sinceDose - 1)
            }
            score += Double(int(-1...1))
            ratings.append(Rating(offset: day, total: max(0, min(24, Int(rounding: score)))))
        }
        return History(template: template, startDaysAgo: startDaysAgo, sessions: sessions, ratings: ratings)
    }
}
