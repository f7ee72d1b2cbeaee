import Foundation

/// What must be on file before a session of a treatment may happen. At booking the front desk sees
/// each missing item as a warning (the booking still stands, so the gap can be closed before the day).
public struct BookingPreconditions: Equatable, Sendable {
    /// The patient's REMS enrolment is on file (esketamine: enrol before the first treatment [R19][R21]).
    public var remsEnrolled: Bool
    /// The session belongs to the patient's current signed plan.
    public var planSigned: Bool
    /// The last day the patient's signed screening stays valid (its signing day plus
    /// ``SchedulingPolicy/screeningValidDays``), nil when there is none.
    public var screeningValidThrough: CalendarDate?
    /// The esketamine REMS applies to the clinic: it is a US programme [R20][R21], so a clinic in
    /// another jurisdiction records no REMS enrolment.
    public var remsRequired: Bool

    /// Creates the facts to judge.
    public init(remsEnrolled: Bool, planSigned: Bool, screeningValidThrough: CalendarDate?, remsRequired: Bool = true) {
        self.remsEnrolled = remsEnrolled
        self.planSigned = planSigned
        self.screeningValidThrough = screeningValidThrough
        self.remsRequired = remsRequired
    }

    /// The codes that check-in refuses outright (a hard stop) rather than warns about: no REMS
    /// enrolment for esketamine [R19][R21], no current signed screening for IV or IM (clinic policy).
    public static let checkInHardStops: Set<String> = ["rems-not-enrolled", "screening-missing", "screening-expired", "plan-not-signed"]

    /// What stops a session of `treatment` from being checked in on `date`: each missing item with
    /// its source, empty when check-in may go ahead. A booking only warns; check-in refuses.
    public func checkInRefusals(for treatment: Treatment, on date: CalendarDate) -> [BookingWarning] {
        warnings(for: treatment, on: date).filter { Self.checkInHardStops.contains($0.code) }
    }

    /// What is missing for a session of `treatment` on `date`.
    public func warnings(for treatment: Treatment, on date: CalendarDate) -> [BookingWarning] {
        var found: [BookingWarning] = []
        if !planSigned {
            found.append(BookingWarning(code: "plan-not-signed", message: "No signed treatment plan covers this session (clinic policy)."))
        }
        if treatment == .esketamine && remsRequired && !remsEnrolled {   // [R19][R21]
            found.append(BookingWarning(code: "rems-not-enrolled",
                                        message: "The patient's REMS enrolment is not on file: it must be done before the first treatment [R19][R21]."))
        }
        if treatment != .esketamine {
            if let through = screeningValidThrough {
                if through < date {
                    found.append(BookingWarning(code: "screening-expired",
                                                message: "The signed screening is valid through \(through.iso), before this session (clinic policy)."))
                }
            } else {
                found.append(BookingWarning(code: "screening-missing", message: "No signed screening is on file (clinic policy)."))
            }
        }
        return found
    }
}
