import ClinicStorage
import Foundation
import Testing

@Suite("Backup policy")
struct BackupScheduleTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    static let sixHours = BackupSchedule(intervalSeconds: 6 * 3_600, keep: 28, directory: "/var/backups/ketaclinic")

    // Clinic operations policy (no clinical source): overdue after 1.5 intervals, so one missed
    // or failed run raises the alert and a run that is merely about to happen does not.
    @Test("Freshness of the newest good backup against the policy", arguments: [
        (nil, BackupFreshness.never),
        (0, .current(ageSeconds: 0)),
        (6 * 3_600, .current(ageSeconds: 6 * 3_600)),
        (9 * 3_600, .current(ageSeconds: 9 * 3_600)),
        (9 * 3_600 + 1, .overdue(ageSeconds: 9 * 3_600 + 1)),
        (3 * 86_400, .overdue(ageSeconds: 3 * 86_400)),
    ] as [(Int?, BackupFreshness)])
    func freshness(ageSeconds: Int?, expected: BackupFreshness) {
        let last = ageSeconds.map { Self.now.addingTimeInterval(-TimeInterval($0)) }
        #expect(Self.sixHours.freshness(lastSuccess: last, now: Self.now) == expected)
        #expect(expected.needsAttention == (expected == .never || { if case .overdue = expected { true } else { false } }()))
    }

    @Test("The next backup is due one interval after the last good one, at once when there is none or it is late", arguments: [
        (nil, 0),
        (60, 6 * 3_600 - 60),
        (6 * 3_600, 0),
        (2 * 86_400, 0),
    ] as [(Int?, Int)])
    func nextDue(ageSeconds: Int?, dueInSeconds: Int) {
        let last = ageSeconds.map { Self.now.addingTimeInterval(-TimeInterval($0)) }
        #expect(Self.sixHours.nextDue(lastSuccess: last, now: Self.now) == Self.now.addingTimeInterval(TimeInterval(dueInSeconds)))
    }

    @Test("Retention removes all but the newest N scheduled files of the engine, oldest first, and nothing else")
    func retention() {
        let names = ["ketaclinic-20261203T000000Z.sqlite", "ketaclinic-20261201T000000Z.sqlite",
                     "ketaclinic-20261202T000000Z.sqlite", "ketaclinic-20261201T000000Z.sqlite.sha256",
                     "ketaclinic-20261130T000000Z.pgdump", "before-upgrade.sqlite", "notes.txt"]
        #expect(BackupSchedule.filesToPrune(names, keep: 2, engine: .sqlite) == ["ketaclinic-20261201T000000Z.sqlite"])
        #expect(BackupSchedule.filesToPrune(names, keep: 28, engine: .sqlite).isEmpty)
        #expect(BackupSchedule.filesToPrune(names, keep: 0, engine: .postgres) == ["ketaclinic-20261130T000000Z.pgdump"])
    }

    @Test("Scheduled file names sort by the time they were taken")
    func fileNames() {
        let earlier = BackupSchedule.fileName(at: Self.now, engine: .sqlite)
        let later = BackupSchedule.fileName(at: Self.now.addingTimeInterval(3_600), engine: .sqlite)
        #expect(earlier.hasPrefix("ketaclinic-") && earlier.hasSuffix("Z.sqlite"))
        #expect(earlier < later)
        #expect(BackupSchedule.fileName(at: Self.now, engine: .postgres).hasSuffix(".pgdump"))
    }

    @Test("Durations as written in settings", arguments: [
        ("6h", 21_600), ("30m", 1_800), ("1d", 86_400), ("45s", 45), (" 2H ", 7_200),
        ("6", nil), ("h", nil), ("-1h", nil), ("1.5h", nil), ("6w", nil), ("99999999999999999d", nil),
    ] as [(String, Int?)])
    func durations(text: String, seconds: Int?) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test("Ages as administrators read them", arguments: [
        (42, "42 s"), (600, "10 min"), (3_600, "1 h"), (19_200, "5 h 20 min"), (86_400, "1 d"), (273_600, "3 d 4 h"),
    ])
    func ages(seconds: Int, text: String) {
        #expect(DurationText.age(seconds) == text)
    }
}
