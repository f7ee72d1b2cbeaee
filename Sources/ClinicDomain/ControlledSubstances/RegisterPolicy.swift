import Foundation

/// The clinic's register settings. Each number is clinic policy with its default and where the
/// default comes from (docs/register.md).
public struct RegisterPolicy: Codable, Equatable, Sendable {
    /// Days an opened multi-dose vial may be used after its first puncture. Default 28: USP <797>
    /// sets a beyond-use date of 28 days after a conventionally manufactured multiple-dose
    /// container is first entered, unless the manufacturer's labelling says otherwise (a shorter
    /// or longer labelled period wins) [X1]. Clinic policy: set it to the label's figure when the
    /// label gives one.
    public var openedVialBeyondUseDays: Int
    /// The smallest volume the clinic's syringes measure, in hundredths of a mL (default 10 =
    /// 0.1 mL; clinic policy, NOT FOUND as a rule): a draw is rounded up to it and the extra is
    /// proposed as waste.
    public var syringeStepHundredthsMl: Int

    /// Creates a policy.
    public init(openedVialBeyondUseDays: Int = 28, syringeStepHundredthsMl: Int = 10) {
        self.openedVialBeyondUseDays = openedVialBeyondUseDays
        self.syringeStepHundredthsMl = syringeStepHundredthsMl
    }

    /// The defaults.
    public static let defaults = RegisterPolicy()

    /// The end of the beyond-use period of a vial first punctured at `openedAt`: `openedVialBeyondUseDays`
    /// later [X1], never after the end of the lot's expiry day in the clinic's time zone.
    public func beyondUse(openedAt: Date, lotExpiry: CalendarDate, timeZone: TimeZone) -> Date {
        let byPolicy = openedAt.addingTimeInterval(TimeInterval(openedVialBeyondUseDays) * 86_400)
        let expiryEnd = lotExpiry.adding(days: 1).startInstant(in: timeZone)
        return min(byPolicy, expiryEnd)
    }

    /// The policy or field errors: 1–28 days unless a label says more (up to 90), syringe step 1–100.
    public func validated() throws(FieldErrors) -> RegisterPolicy {
        var errors = FieldErrors()
        if !(1...90).contains(openedVialBeyondUseDays) { errors.add("openedVialBeyondUseDays", "Enter 1 to 90 days (USP <797> default 28 [X1]).") }
        if !(1...100).contains(syringeStepHundredthsMl) { errors.add("syringeStepHundredthsMl", "Enter the syringe step in hundredths of a mL (1 to 100).") }
        try errors.throwIfAny()
        return self
    }
}
