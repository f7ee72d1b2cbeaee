import ClinicDomain
import Foundation
import Testing

@Suite("Monitoring points timed to the dose")
struct MonitoringScheduleTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }

    @Test("IV: every 10 min during a 40-minute infusion, every 15 min after [R36][R37]")
    func intravenous() {
        let points = MonitoringSchedule.intravenous.points(doseStartedAt: Self.start, doseEndedAt: Self.at(40), until: Self.at(90))
        #expect(points.map(\.label) == ["pre-dose", "10 min", "20 min", "30 min", "40 min", "55 min", "70 min", "85 min", "pre-discharge"])
    }

    @Test("Esketamine: pre-dose, 40 min, pre-discharge with pulse oximetry; at least 2 h of observation [R14][R13]")
    func esketamine() {
        let schedule = MonitoringSchedule.esketamine
        #expect(schedule.points(doseStartedAt: Self.start, doseEndedAt: Self.at(10), until: Self.at(130)).map(\.label)
                == ["pre-dose", "40 min", "pre-discharge"])
        #expect(schedule.requiresPulseOximetry)
        #expect(!schedule.observationComplete(doseEndedAt: Self.at(10), now: Self.at(129)))
        #expect(schedule.observationComplete(doseEndedAt: Self.at(10), now: Self.at(130)))
        #expect(MonitoringSchedule.intravenous.observationComplete(doseEndedAt: Self.at(40), now: Self.at(41)), "IV minimum unset")
    }

    @Test("A point is done within the tolerance, due at its time, overdue after the tolerance", arguments: [
        ([Double](), 9.0, MonitoringSchedule.Status.upcoming), ([], 10, .due), ([], 15, .due), ([], 15.5, .overdue),
        ([13.0], 30, .done), ([4.0], 30, .overdue),
    ])
    func status(readings: [Double], now: Double, expected: MonitoringSchedule.Status) {
        let point = MonitoringSchedule.Point(label: "10 min", dueAt: Self.at(10))
        #expect(MonitoringSchedule.intravenous.status(of: point, readings: readings.map(Self.at), now: Self.at(now)) == expected)
    }
}
