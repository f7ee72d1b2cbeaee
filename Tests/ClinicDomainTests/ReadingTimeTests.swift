import ClinicDomain
import Foundation
import Testing

@Suite("When a reading may be timed")
struct ReadingTimeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A clock-drift and typing guard, not a clinical threshold: one minute ahead, 12 hours back.
    @Test("Accepted from 12 hours back to one minute ahead", arguments: [
        (-12 * 3600 - 1, ReadingTime.tooOld), (-12 * 3600, .accepted), (0, .accepted), (60, .accepted), (61, .future),
    ] as [(TimeInterval, ReadingTime)])
    func window(offset: TimeInterval, expected: ReadingTime) {
        let judged = ReadingTime(takenAt: Self.now.addingTimeInterval(offset), now: Self.now)
        #expect(judged == expected)
        #expect((judged.fieldError == nil) == (expected == .accepted))
    }
}
