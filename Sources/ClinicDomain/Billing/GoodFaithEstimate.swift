import Foundation

/// The No Surprises Act's Good Faith Estimate for an uninsured or self-pay patient [B9]: when it
/// is due, what it lists, and whether the final bill exceeds it by the amount that lets the
/// patient dispute it.
public struct GoodFaithEstimate: Equatable, Sendable {
    /// One expected item.
    public struct Item: Equatable, Sendable, Codable {
        /// The service.
        public var service: String
        /// Its code, when it has one.
        public var code: String?
        /// Units over the course.
        public var units: Int
        /// Expected charge for all units (self-pay price × units).
        public var expected: Cents

        /// Creates an item.
        public init(service: String, code: String?, units: Int, expected: Cents) {
            self.service = service
            self.code = code
            self.units = units
            self.expected = expected
        }
    }

    /// The items.
    public var items: [Item]
    /// The total expected charges.
    public var total: Cents { Cents.sum(items.map(\.expected)) ?? .zero }

    /// A final bill this much over the estimate (or more) may be disputed [B9].
    public static let disputeThreshold = Cents(40_000)

    /// The estimate for a course of `sessions` sessions, each billed `lines` (code or service,
    /// units per session), at the self-pay prices in force on `start`; nil when a line has no price.
    public static func estimate(sessions: Int, lines: [(key: String, units: Int)], fees: [FeeScheduleItem],
                                start: CalendarDate) -> GoodFaithEstimate? {
        guard (1...100).contains(sessions) else { return nil }
        var items: [Item] = []
        for line in lines {
            guard let fee = FeeScheduleItem.find(line.key, on: start, in: fees), (1...1000).contains(line.units),
                  let amount = fee.selfPayPrice.times(line.units * sessions) else { return nil }
            items.append(Item(service: fee.service, code: fee.code, units: line.units * sessions, expected: amount))
        }
        return GoodFaithEstimate(items: items)
    }

    /// Per-session lines as staff type them: codes or services separated by commas or spaces,
    /// units after an x (`96365, J3490` or `96366x2`); nil when empty or malformed (units 1–1000).
    public static func lines(_ text: String) -> [(key: String, units: Int)]? {
        var out: [(key: String, units: Int)] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let pieces = part.split(separator: "x", maxSplits: 1).map(String.init)
            guard let key = pieces.first?.uppercased(), !key.isEmpty else { return nil }
            let units = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let units, (1...1000).contains(units) else { return nil }
            out.append((key == ChargeCapture.missedSessionService.uppercased() ? ChargeCapture.missedSessionService : key, units))
        }
        return out.isEmpty || out.count > 12 ? nil : out
    }

    /// The day the estimate must be given by, for a service scheduled on `scheduledOn` to take
    /// place on `serviceOn`: scheduled at least 10 business days ahead, within 3 business days of
    /// scheduling; at least 3 business days ahead, within 1 business day; nil when scheduled
    /// sooner (no estimate is due before the service) [B9]. Business days are Monday to Friday;
    /// the sources found do not list the holidays to skip, so a clinic gives it earlier around them.
    public static func dueDate(scheduledOn: CalendarDate, serviceOn: CalendarDate) -> CalendarDate? {
        let ahead = businessDays(from: scheduledOn, to: serviceOn)
        if ahead >= 10 { return addingBusinessDays(3, to: scheduledOn) }
        if ahead >= 3 { return addingBusinessDays(1, to: scheduledOn) }
        return nil
    }

    /// The day an estimate asked for on `requestedOn` is due: within 3 business days [B9].
    public static func dueDate(requestedOn: CalendarDate) -> CalendarDate { addingBusinessDays(3, to: requestedOn) }

    /// True when `billed` exceeds the estimate by at least ``disputeThreshold`` [B9].
    public func finalBillDisputable(_ billed: Cents) -> Bool {
        billed.value - total.value >= Self.disputeThreshold.value
    }

    /// Business days (Monday to Friday) after `start` up to and including `end`.
    public static func businessDays(from start: CalendarDate, to end: CalendarDate) -> Int {
        let span = CalendarDate.daysBetween(start, end)
        guard span > 0 else { return 0 }
        return (1...min(span, 3660)).filter { start.adding(days: $0).weekday.rawValue <= 5 }.count
    }

    /// The business day `count` business days after `day`.
    public static func addingBusinessDays(_ count: Int, to day: CalendarDate) -> CalendarDate {
        var current = day, left = count
        while left > 0 {
            current = current.adding(days: 1)
            if current.weekday.rawValue <= 5 { left -= 1 }
        }
        return current
    }
}
