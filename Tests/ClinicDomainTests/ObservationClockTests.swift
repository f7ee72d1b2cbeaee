import ClinicDomain
import Foundation
import Testing

@Suite("The observation clock (countdown and earliest discharge) and the board's vital-sign trends")
struct ObservationClockTests {
    static let start = Date(timeIntervalSince1970: 1_795_420_800)   // 2026-11-23 08:00 UTC
    static func at(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }

    /// A session of `treatment` with dosing from minute 0 to `endedAt` (nil: still dosing) and,
    /// for esketamine, the first device at `deviceAt`.
    static func record(_ treatment: Treatment, endedAt: Double?, deviceAt: Double? = nil) -> TreatmentSessionRecord {
        let date = CalendarDate(year: 2026, month: 11, day: 23)!
        let scheduled = ScheduledSession(id: UUID(), patientID: UUID(), planID: UUID(), number: 1, date: date,
                                         state: endedAt == nil ? .dosing : .observation, planned: CourseProposal.Session(
                                            number: 1, date: date, phaseName: "Induction", mgPerKg: treatment == .esketamine ? nil : 0.5,
                                            devices: treatment == .esketamine ? 2 : nil, doseMg: nil, change: "", courseTotalMg: nil,
                                            rollingSevenDayMg: nil, warnings: []))
        var transitions = [SessionTransition(sequence: 1, event: "", from: .scheduled, to: .checkedIn, at: at(-30), actorName: "nurse", detail: "", override: nil),
                           SessionTransition(sequence: 2, event: "", from: .checkedIn, to: .dosing, at: at(0), actorName: "nurse", detail: "", override: nil)]
        if let endedAt {
            transitions.append(SessionTransition(sequence: 3, event: "", from: .dosing, to: .observation, at: at(endedAt), actorName: "nurse",
                                                 detail: "", override: nil))
        }
        let entries = deviceAt.map {
            [SessionEntry(id: UUID(), content: .device(DeviceUse(number: 1, at: at($0))), recordedAt: at($0), recordedByName: "nurse",
                          amends: nil, reason: nil)]
        } ?? []
        return TreatmentSessionRecord(session: scheduled, treatment: treatment, plannedInfusionMinutes: treatment == .ivKetamine ? 40 : nil,
                                      transitions: transitions, entries: entries, storedReadings: [], alerts: [])
    }

    static func policy(racemicMinimum: Int?) -> SessionPolicy {
        var policy = SessionPolicy.defaults
        policy.racemicMinimumObservationMinutes = racemicMinimum
        return policy
    }

    /// treatment, dose end (min), first device (min), IV/IM minimum (policy), now (min) → earliest discharge (min), status.
    @Test("Earliest discharge and the countdown, from the rules the discharge criteria use", arguments: [
        // Esketamine: ≥ 2 h from the first device [R13][R19], whatever the clinic's IV setting.
        (Treatment.esketamine, 10.0, 2.0, nil, 60.0, 122.0, ObservationClock.Status.counting(remainingSeconds: 62 * 60)),
        (.esketamine, 10.0, 2.0, 30, 122.0, 122.0, .complete),
        (.esketamine, nil, nil, nil, 0.5, 120.0, .counting(remainingSeconds: 7_170)),   // no device yet: counts from dosing start [R13]
        // IV: clinic policy (NOT FOUND) from the end of the infusion; unset by default.
        (.ivKetamine, 40.0, nil, nil, 50.0, nil, .noMinimum),
        (.ivKetamine, 40.0, nil, 60, 50.0, 100.0, .counting(remainingSeconds: 50 * 60)),
        (.ivKetamine, nil, nil, 60, 20.0, nil, .notStarted),                              // still infusing
        (.imKetamine, 5.0, nil, 45, 50.0, 50.0, .complete),
    ] as [(Treatment, Double?, Double?, Int?, Double, Double?, ObservationClock.Status)])
    func earliestDischarge(treatment: Treatment, endedAt: Double?, deviceAt: Double?, racemicMinimum: Int?, now: Double,
                           earliest: Double?, status: ObservationClock.Status) {
        let record = Self.record(treatment, endedAt: endedAt, deviceAt: deviceAt)
        let policy = Self.policy(racemicMinimum: racemicMinimum)
        let clock = record.observationClock(policy: policy)
        #expect(clock.earliestDischarge == earliest.map(Self.at))
        #expect(clock.status(now: Self.at(now)) == status)
        // The discharge criterion judges the same clock: met exactly when the countdown is done.
        let criterion = record.dischargeReadiness(policy: policy, now: Self.at(now)).criteria.first { $0.key == "observation" }
        switch status {
        case .noMinimum: #expect(criterion == nil)
        case .complete: #expect(criterion?.met == true)
        case .counting, .notStarted: #expect(criterion?.met == false)
        }
    }

    @Test("The countdown rounds up to the whole second, so it never shows 0:00 before the minimum is met [R13]")
    func roundsUp() {
        let clock = ObservationClock(basis: .firstDevice, since: Self.start, minimumMinutes: 120)
        #expect(clock.status(now: Self.at(120).addingTimeInterval(-0.2)) == .counting(remainingSeconds: 1))
        #expect(clock.status(now: Self.at(120)) == .complete)
        #expect(clock.basis.sinceLabel == "since the first device")
    }

    /// systolic values in time order → trend (a plain comparison of the last two readings with a value).
    @Test("Trend arrows compare the last two readings that carry the measure", arguments: [
        ([120, 135] as [Int?], VitalTrend?.some(.rising)), ([135, 120], .falling), ([128, 128], .steady),
        ([140, nil, 150], .rising), ([nil, 150], nil), ([150], nil),
    ])
    func trend(systolic: [Int?], expected: VitalTrend?) {
        let readings = systolic.enumerated().map { index, value in
            BoardEvent.Reading(takenAt: Self.at(Double(index)), values: VitalReading(systolic: value, heartRate: 70))
        }
        #expect(VitalTrend.of(\.systolic, in: readings.reversed()) == expected, "order of the input does not matter")
        #expect(VitalTrend.of(\.heartRate, in: readings) == (readings.count >= 2 ? .steady : nil))
    }
}
