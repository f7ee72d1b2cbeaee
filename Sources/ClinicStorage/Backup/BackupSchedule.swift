import Foundation

/// The clinic's backup policy for `serve`: how often, how many to keep, where; and the rules
/// that follow from it (when the next is due, when the last good one is too old, which files
/// retention removes). Pure: the caller passes `now` and the directory's file names.
public struct BackupSchedule: Sendable, Equatable {
    /// Seconds between backups.
    public var intervalSeconds: Int
    /// Scheduled backup files kept; older ones are removed after each good backup.
    public var keep: Int
    /// The folder scheduled backups are written to.
    public var directory: String

    /// A policy.
    public init(intervalSeconds: Int, keep: Int, directory: String) {
        self.intervalSeconds = intervalSeconds
        self.keep = keep
        self.directory = directory
    }

    /// The last good backup is overdue once it is older than one and a half intervals: one
    /// scheduled run has been missed (or failed) and the next is not just about to happen.
    public var overdueAfterSeconds: Int { intervalSeconds + intervalSeconds / 2 }

    /// Scheduled backup files are named `ketaclinic-<UTC time>.<ext>`, so names sort by age.
    public static let filePrefix = "ketaclinic-"

    /// The file name of a scheduled backup taken at `instant`.
    public static func fileName(at instant: Date, engine: SQLEngine) -> String {
        filePrefix + ISO8601DateFormatter.compactUTC.string(from: instant) + "." + fileExtension(engine)
    }

    /// `sqlite` for SQLite copies, `pgdump` for PostgreSQL archives.
    public static func fileExtension(_ engine: SQLEngine) -> String {
        switch engine {
        case .sqlite: "sqlite"
        case .postgres: "pgdump"
        }
    }

    /// When the next scheduled backup is due: at once when there has never been a good one,
    /// else one interval after the last good one (never in the past).
    public func nextDue(lastSuccess: Date?, now: Date) -> Date {
        guard let lastSuccess else { return now }
        return max(now, lastSuccess.addingTimeInterval(TimeInterval(intervalSeconds)))
    }

    /// How fresh the newest good backup is under this policy.
    public func freshness(lastSuccess: Date?, now: Date) -> BackupFreshness {
        guard let lastSuccess else { return .never }
        let age = max(0, Int(rounding: now.timeIntervalSince(lastSuccess), .down))
        return age > overdueAfterSeconds ? .overdue(ageSeconds: age) : .current(ageSeconds: age)
    }

    /// Of the scheduled backup files in a folder (other files are ignored), those retention
    /// removes: all but the newest `keep`, oldest first.
    public static func filesToPrune(_ names: [String], keep: Int, engine: SQLEngine) -> [String] {
        let suffix = "." + fileExtension(engine)
        let backups = names.filter { $0.hasPrefix(filePrefix) && $0.hasSuffix(suffix) }.sorted()
        return Array(backups.dropLast(max(0, keep)))
    }
}

/// How old the newest good backup is against the policy.
public enum BackupFreshness: Sendable, Equatable {
    /// No good backup has been recorded.
    case never
    /// Within the policy.
    case current(ageSeconds: Int)
    /// Older than the policy allows: an administrator must look.
    case overdue(ageSeconds: Int)

    /// True when the administrator should be alerted.
    public var needsAttention: Bool {
        switch self {
        case .current: false
        case .never, .overdue: true
        }
    }
}

/// A duration as people write it in settings: `90s`, `30m`, `6h`, `1d`.
public enum DurationText {
    /// Seconds in `text`, or nil when it is not a whole number followed by s, m, h or d.
    public static func seconds(_ text: String) -> Int? {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = value.last, let number = Int(value.dropLast()), number >= 0 else { return nil }
        let scale: Int
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3_600
        case "d": scale = 86_400
        default: return nil
        }
        let (product, overflow) = number.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// `seconds` the way an administrator reads an age: `45 s`, `12 min`, `5 h 20 min`, `3 d 4 h`.
    public static func age(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3_600 { return "\(seconds / 60) min" }
        if seconds < 86_400 {
            let minutes = seconds % 3_600 / 60
            return "\(seconds / 3_600) h" + (minutes > 0 ? " \(minutes) min" : "")
        }
        let hours = seconds % 86_400 / 3_600
        return "\(seconds / 86_400) d" + (hours > 0 ? " \(hours) h" : "")
    }
}
