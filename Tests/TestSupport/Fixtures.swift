import ClinicDomain
import ClinicServer
import Foundation

/// Fixed values tests share, so results do not depend on the day they run.
public enum Fixtures {
    /// 2026-11-22 15:00 UTC: the instant tests treat as "now".
    public static let now = Date(timeIntervalSince1970: 1_795_359_600)
    /// The clinic date for ``now`` in UTC.
    public static let today = CalendarDate(year: 2026, month: 11, day: 22)!

    /// Server settings for tests: bcrypt at its lowest cost, so creating users stays fast.
    public static var settings: ServerSettings {
        var settings = ServerSettings()
        settings.bcryptCost = 4
        return settings
    }

    /// The audit stamp of test set-up work.
    public static let stamp = AuditStamp.system("test", at: now, requestID: "test")

    /// A valid registration.
    public static func registration(given: String = "Ada", family: String = "Testwood",
                                    born: String = "1980-05-17") -> PatientRegistration {
        PatientRegistration(givenName: given, familyName: family, dateOfBirth: CalendarDate(iso: born)!,
                            sexAtBirth: .female)
    }
}
