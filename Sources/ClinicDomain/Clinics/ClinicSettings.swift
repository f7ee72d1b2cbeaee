import Foundation

/// The settings an administrator keeps for one clinic: its name, the clock it runs on, and
/// the rules that apply to it.
///
/// They live in the database, not in the server's configuration, so that every app instance
/// of a clinic network sees the same values and an administrator can change them.
public struct ClinicSettings: Equatable, Sendable, Codable {
    /// Shown in every page header and on printed forms.
    public var name: String
    /// IANA time zone, e.g. `Europe/London`. Days, due times and schedules use it.
    public var timeZone: String
    /// Where the clinic operates; decides controlled-substance and approval rules.
    public var jurisdiction: Jurisdiction
    /// Prefix of the clinic's medical record numbers, e.g. `KC`.
    public var mrnPrefix: String
    /// When true, administrators must set up two-factor sign-in before they can do anything else.
    public var requireAdministratorTwoFactor: Bool
    /// The days the clinic treats patients; course plans propose sessions only on them.
    public var workingDays: Set<Weekday>

    /// Creates settings without checking them; call ``validated()`` on user input.
    public init(name: String, timeZone: String, jurisdiction: Jurisdiction, mrnPrefix: String,
                requireAdministratorTwoFactor: Bool = false, workingDays: Set<Weekday> = Weekday.mondayToFriday) {
        self.workingDays = workingDays
        self.name = name
        self.timeZone = timeZone
        self.jurisdiction = jurisdiction
        self.mrnPrefix = mrnPrefix
        self.requireAdministratorTwoFactor = requireAdministratorTwoFactor
    }

    /// The settings with white space trimmed, or the field errors that stop them being saved.
    public func validated() throws(FieldErrors) -> ClinicSettings {
        var errors = FieldErrors()
        let name = name.trimmed
        if name.isEmpty { errors.add("name", "Enter the clinic's name.") }
        else if name.count > 120 { errors.add("name", "Use at most 120 characters.") }
        let zone = timeZone.trimmed
        if TimeZone(identifier: zone) == nil || (!zone.contains("/") && zone != "UTC") {
            errors.add("timeZone", "Use an IANA time zone such as Europe/London or America/New_York.")
        }
        let prefix = mrnPrefix.trimmed.uppercased()
        if !(1...6).contains(prefix.count) || !prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            errors.add("mrnPrefix", "Use 1 to 6 letters or digits.")
        }
        if workingDays.isEmpty { errors.add("workingDays", "Choose at least one working day.") }
        try errors.throwIfAny()
        return ClinicSettings(name: name, timeZone: zone, jurisdiction: jurisdiction, mrnPrefix: prefix,
                              requireAdministratorTwoFactor: requireAdministratorTwoFactor, workingDays: workingDays)
    }

    /// The before → after lines of what differs from `other`, for the audit trail.
    public func changes(from other: ClinicSettings) -> String {
        AuditEvent.changes([
            ("name", other.name, name), ("time zone", other.timeZone, timeZone),
            ("jurisdiction", other.jurisdiction.code, jurisdiction.code), ("MRN prefix", other.mrnPrefix, mrnPrefix),
            ("administrators need two-factor", String(other.requireAdministratorTwoFactor), String(requireAdministratorTwoFactor)),
            ("working days", Self.workingDaysCode(other.workingDays), Self.workingDaysCode(workingDays)),
        ])
    }

    /// Working days as stored and typed: `mon,tue,wed,thu,fri`.
    public static func workingDaysCode(_ days: Set<Weekday>) -> String {
        days.sorted().map(\.code).joined(separator: ",")
    }

    /// Working days from ``workingDaysCode(_:)`` text; nil when a name is not a weekday.
    public static func workingDays(code: String) -> Set<Weekday>? {
        var days = Set<Weekday>()
        for part in code.split(separator: ",") where !String(part).trimmed.isEmpty {
            guard let day = Weekday(code: String(part)) else { return nil }
            days.insert(day)
        }
        return days
    }

    /// The clinic's time zone as a value; stored settings were validated, so UTC is only a guard.
    public var resolvedTimeZone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    /// What a new database starts with until an administrator changes it.
    public static let initial = ClinicSettings(
        name: "KetaClinic", timeZone: "UTC", jurisdiction: Jurisdiction(code: "US")!, mrnPrefix: "KC")
}
