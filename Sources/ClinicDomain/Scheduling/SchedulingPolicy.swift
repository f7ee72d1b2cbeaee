import Foundation

/// The clinic's booking rules. Numbers a source gives carry its key; the rest are clinic policy
/// (no published number: NOT FOUND), with defaults and status documented in docs/scheduling.md.
public struct SchedulingPolicy: Codable, Equatable, Sendable {
    /// Chairs one nurse may watch at once: clinic policy, default 2 (a 1:2 nurse:chair ratio).
    /// No guideline publishes a ratio for ketamine or esketamine monitoring (NOT FOUND).
    public var chairsPerNurse: Int
    /// Minutes a chair is held for an esketamine session: at least the 2-hour monitoring the REMS
    /// requires [R13][R19]; default 120.
    public var esketamineChairMinutes: Int
    /// Minutes a chair is held for an IV or IM ketamine session (infusion plus observation): clinic
    /// policy, default 120 (no numeric observation guideline: NOT FOUND [R32]).
    public var racemicChairMinutes: Int
    /// The grid slot starts fall on, minutes: clinic policy, default 15.
    public var slotStepMinutes: Int
    /// A cancellation less than this many hours before the start counts as late: clinic policy, default 24.
    public var lateCancellationHours: Int
    /// How many days after a session's planned day the proposer may look for a free slot: clinic policy, default 7.
    public var searchDays: Int
    /// Days a signed screening counts as current for booking IV or IM sessions: clinic policy, default
    /// 365 (no source sets how long a screening holds: NOT FOUND).
    public var screeningValidDays: Int

    /// Creates a policy.
    public init(chairsPerNurse: Int, esketamineChairMinutes: Int, racemicChairMinutes: Int, slotStepMinutes: Int,
                lateCancellationHours: Int, searchDays: Int, screeningValidDays: Int = 365) {
        self.chairsPerNurse = chairsPerNurse
        self.esketamineChairMinutes = esketamineChairMinutes
        self.racemicChairMinutes = racemicChairMinutes
        self.slotStepMinutes = slotStepMinutes
        self.lateCancellationHours = lateCancellationHours
        self.searchDays = searchDays
        self.screeningValidDays = screeningValidDays
    }

    /// The minimum chair time for esketamine: the REMS's 2-hour monitoring period [R13][R19].
    public static let esketamineMinimumMinutes = 120

    /// A new clinic's policy.
    public static let defaults = SchedulingPolicy(chairsPerNurse: 2,                       // clinic policy (NOT FOUND)
                                                  esketamineChairMinutes: esketamineMinimumMinutes, // [R13][R19]
                                                  racemicChairMinutes: 120,                 // clinic policy (NOT FOUND [R32])
                                                  slotStepMinutes: 15,                      // clinic policy
                                                  lateCancellationHours: 24,                // clinic policy
                                                  searchDays: 7,                            // clinic policy
                                                  screeningValidDays: 365)                  // clinic policy (NOT FOUND)

    /// Minutes a session of `treatment` holds its chair.
    public func chairMinutes(for treatment: Treatment) -> Int {
        treatment == .esketamine ? esketamineChairMinutes : racemicChairMinutes
    }

    /// The policy, or a field error for each value out of range.
    public func validated() throws(FieldErrors) -> SchedulingPolicy {
        var errors = FieldErrors()
        if !(1...6).contains(chairsPerNurse) { errors.add("chairsPerNurse", "Enter 1 to 6 chairs per nurse.") }
        if !(Self.esketamineMinimumMinutes...480).contains(esketamineChairMinutes) {
            errors.add("esketamineChairMinutes", "Enter 120 to 480 minutes: the REMS requires at least 2 hours of monitoring [R19].")
        }
        if !(30...480).contains(racemicChairMinutes) { errors.add("racemicChairMinutes", "Enter 30 to 480 minutes.") }
        if ![5, 10, 15, 20, 30, 60].contains(slotStepMinutes) { errors.add("slotStepMinutes", "Choose 5, 10, 15, 20, 30 or 60 minutes.") }
        if !(0...168).contains(lateCancellationHours) { errors.add("lateCancellationHours", "Enter 0 to 168 hours.") }
        if !(0...28).contains(searchDays) { errors.add("searchDays", "Enter 0 to 28 days.") }
        if !(1...730).contains(screeningValidDays) { errors.add("screeningValidDays", "Enter 1 to 730 days.") }
        try errors.throwIfAny()
        return self
    }
}
