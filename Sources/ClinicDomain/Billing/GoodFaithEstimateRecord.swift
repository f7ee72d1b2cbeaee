import Foundation

/// A Good Faith Estimate as given to a patient and kept with their account [B9]: the planned
/// course (sessions, first and last day), its items at the self-pay prices, when the service was
/// booked (or the estimate asked for), the day it was due and the day it was given. Kept
/// unchanged; a new estimate for the same course is a new record.
public struct GoodFaithEstimateRecord: Equatable, Codable, Sendable, Identifiable {
    /// Identity.
    public var id: UUID
    /// The patient.
    public var patientID: UUID
    /// Sessions planned.
    public var sessions: Int
    /// First day of the course.
    public var firstServiceOn: CalendarDate
    /// Last day of the course: final charges up to this day are compared with the estimate.
    public var lastServiceOn: CalendarDate
    /// The day the service was booked, or the estimate asked for.
    public var scheduledOn: CalendarDate
    /// The patient asked for it (due within 3 business days) rather than booking.
    public var requested: Bool
    /// The items.
    public var items: [GoodFaithEstimate.Item]
    /// The day it was due; nil when booked fewer than 3 business days ahead [B9].
    public var dueOn: CalendarDate?
    /// The day it was given.
    public var givenOn: CalendarDate

    /// Creates a record.
    public init(id: UUID = UUID.random(), patientID: UUID, sessions: Int, firstServiceOn: CalendarDate, lastServiceOn: CalendarDate, scheduledOn: CalendarDate,
                requested: Bool, items: [GoodFaithEstimate.Item], dueOn: CalendarDate?, givenOn: CalendarDate) {
        self.id = id
        self.patientID = patientID
        self.sessions = sessions
        self.firstServiceOn = firstServiceOn
        self.lastServiceOn = lastServiceOn
        self.scheduledOn = scheduledOn
        self.requested = requested
        self.items = items
        self.dueOn = dueOn
        self.givenOn = givenOn
    }

    /// The total expected charges.
    public var total: Cents { GoodFaithEstimate(items: items).total }

    /// True when it was given after the day it was due [B9].
    public var givenLate: Bool { dueOn.map { givenOn > $0 } ?? false }

    /// The estimate for a course, or field errors: sessions outside 1–100, no lines, a course
    /// that ends before it starts or runs over a year, a booking after the course starts, a
    /// given day before the booking or after `today`, a line without a self-pay price on the
    /// first day.
    public static func make(patientID: UUID, sessions: Int, lines: [(key: String, units: Int)], firstServiceOn: CalendarDate,
                            lastServiceOn: CalendarDate, scheduledOn: CalendarDate, requested: Bool, givenOn: CalendarDate, fees: [FeeScheduleItem],
                            today: CalendarDate) throws(FieldErrors) -> GoodFaithEstimateRecord {
        var errors = FieldErrors()
        if !(1...100).contains(sessions) { errors.add("sessions", "Plan 1 to 100 sessions.") }
        if lines.isEmpty || lines.count > 12 { errors.add("codes", "Name 1 to 12 codes or services per session, e.g. 96365 J3490.") }
        if lastServiceOn < firstServiceOn { errors.add("lastServiceOn", "The course ends before it starts.") }
        if CalendarDate.daysBetween(firstServiceOn, lastServiceOn) > 366 { errors.add("lastServiceOn", "Estimate a course of at most a year.") }
        if scheduledOn > firstServiceOn { errors.add("scheduledOn", "The booking (or request) is after the first session.") }
        if givenOn < scheduledOn { errors.add("givenOn", "The estimate is given on or after the day it was booked or asked for.") }
        if givenOn > today { errors.add("givenOn", "The date is in the future.") }
        try errors.throwIfAny()
        guard let estimate = GoodFaithEstimate.estimate(sessions: sessions, lines: lines, fees: fees, start: firstServiceOn) else {
            errors.add("codes", "A code has no self-pay price on \(firstServiceOn.iso) in the fee schedule (or too many units).")
            throw errors
        }
        let due = requested ? GoodFaithEstimate.dueDate(requestedOn: scheduledOn)
            : GoodFaithEstimate.dueDate(scheduledOn: scheduledOn, serviceOn: firstServiceOn)
        return GoodFaithEstimateRecord(patientID: patientID, sessions: sessions, firstServiceOn: firstServiceOn, lastServiceOn: lastServiceOn,
                                       scheduledOn: scheduledOn, requested: requested, items: estimate.items, dueOn: due, givenOn: givenOn)
    }

    /// The final self-pay charges of the course set against the estimate.
    public struct Comparison: Equatable, Codable, Sendable {
        /// Self-pay charges in force from the first to the last day of the course.
        public var billed: Cents
        /// Billed less estimated (negative: under the estimate).
        public var difference: Cents
        /// The bill is at least ``GoodFaithEstimate/disputeThreshold`` over the estimate [B9].
        public var overThreshold: Bool
    }

    /// `entries` (the patient's ledger) set against the estimate: self-pay charges in force from
    /// the first to the last day of the course.
    public func compare(with entries: [LedgerEntry]) -> Comparison {
        let reversed = Set(entries.compactMap(\.reverses))
        let billed = Cents.sum(entries.filter {
            $0.kind == .charge && $0.selfPay && !reversed.contains($0.id) && $0.postedOn >= firstServiceOn && $0.postedOn <= lastServiceOn
        }.map(\.amount)) ?? .zero
        let estimate = GoodFaithEstimate(items: items)
        return Comparison(billed: billed, difference: Cents(billed.value - estimate.total.value), overThreshold: estimate.finalBillDisputable(billed))
    }
}
