import ClinicDomain
import ClinicStorage
import Foundation

extension DemoSchedule {
    /// What ``loadYear(in:chairs:bcryptCost:now:)`` added.
    public struct YearLoad: Sendable, Equatable {
        /// Chairs the clinic now has.
        public let chairs: Int
        /// Nurses on shift Monday to Friday.
        public let nurses: Int
        /// Past sessions booked into chairs.
        public let bookings: Int
    }

    /// The demo clinic as a busy clinic for load tests: `chairs` chairs ("Chair N"), enough demo
    /// nurses on shift Monday to Friday 08:00–18:00 for the nurse:chair ratio of the clinic's policy,
    /// and every past session of the last year booked into the chairs
    /// (``DemoClinicLoader/bookScheduleHistory(chairs:policy:hours:from:through:timeZone:now:)``).
    /// Runs after ``load(in:bcryptCost:now:)``; the added nurses have no usable password.
    public static func loadYear(in database: ClinicDatabase, chairs: Int, bcryptCost: Int, now: Date) async throws -> YearLoad {
        guard let clinic = try await SQLClinicRepository(database: database).primaryClinic() else { return YearLoad(chairs: 0, nurses: 0, bookings: 0) }
        let schedule = ScheduleRepository(database: database)
        let stamp = AuditStamp.system("demo loader", at: now)
        var existing = try await schedule.chairs(of: clinic.id)
        var number = existing.count
        while existing.filter(\.isActive).count < chairs {
            number += 1
            let name = "Chair \(number)"
            if existing.contains(where: { $0.name == name }) { continue }
            existing.append(try await schedule.addChair(named: name, to: clinic.id, stamp: stamp))
        }
        let policy = try await schedule.policy(of: clinic.id)
        let users = SQLUserRepository(database: database)
        let hasher = PasswordHasher(cost: bcryptCost, policy: PasswordPolicy())
        let day = DaySpan(start: ClockTime(hour: 8)!, end: ClockTime(hour: 18)!)!
        let onShift = Set(try await schedule.shifts(of: clinic.id).map(\.userID))
        let needed = (chairs + max(policy.chairsPerNurse, 1) - 1) / max(policy.chairsPerNurse, 1)
        var nurses = 0
        for index in 1...max(needed, 1) {
            let email = index == 1 ? EmailAddress(DemoAccounts.email(for: .nurse))! : EmailAddress("nurse-\(index)@demo.ketaclinic.test")!
            let id: UUID
            if let found = try await users.find(email: email) {
                id = found.account.id
            } else {
                id = try await users.create(NewUser(email: email, displayName: "Demo nurse \(index)", role: .nurse),
                                            passwordHash: try await hasher.hash(TemporaryPassword.generate()), mustChangePassword: true,
                                            stamp: stamp).id
            }
            if !onShift.contains(id) {
                for weekday in Weekday.mondayToFriday.sorted() {
                    try await schedule.addShift(userID: id, weekday: weekday, span: day, to: clinic.id, stamp: stamp)
                }
            }
            nurses += 1
        }
        let zone = clinic.settings.resolvedTimeZone
        let today = CalendarDate(instant: now, in: zone)
        let booked = try await DemoClinicLoader(database: database).bookScheduleHistory(
            chairs: existing.filter(\.isActive).prefix(chairs).map(\.id), policy: policy, hours: try await schedule.openingHours(of: clinic.id),
            from: today.adding(days: -365), through: today.adding(days: -1), timeZone: zone, now: now)
        return YearLoad(chairs: existing.filter(\.isActive).count, nurses: nurses, bookings: booked)
    }
}
