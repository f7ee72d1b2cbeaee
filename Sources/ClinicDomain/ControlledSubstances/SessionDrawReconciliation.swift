import Foundation

/// Whether what a session drew is accounted for: drawn − returned = administered + wasted. A
/// session is not discharged, and its note is not signed, until it is.
public struct SessionDrawReconciliation: Equatable, Sendable, Codable {
    /// Drawn from stock for the session.
    public let drawn: RegisterAmount
    /// Unopened units put back.
    public let returned: RegisterAmount
    /// Given to the patient (the administration record's dose, or devices used × 28 mg [R14]).
    public let administered: RegisterAmount
    /// Wasted before a witness.
    public let wasted: RegisterAmount

    /// Creates the figures.
    public init(drawn: RegisterAmount, returned: RegisterAmount, administered: RegisterAmount, wasted: RegisterAmount) {
        self.drawn = drawn
        self.returned = returned
        self.administered = administered
        self.wasted = wasted
    }

    /// What is still unaccounted for: positive when more was drawn than given and wasted,
    /// negative when more is recorded as given than was drawn.
    public var unaccounted: RegisterAmount { drawn - returned - administered - wasted }

    /// True when every milligram drawn is given, wasted or returned.
    public var isReconciled: Bool { unaccounted == .zero }

    /// Why the session cannot close, or nil when it can.
    public var problem: String? {
        let left = unaccounted
        if left > .zero {
            return "The controlled-substance draw is not reconciled: \(drawn - returned) drawn, \(administered) given, \(wasted) wasted; "
                + "\(left) is unaccounted for. Record a witnessed waste or correct the administration."
        }
        if left < .zero {
            return "The controlled-substance draw is not reconciled: \(administered) recorded as given but only \(drawn - returned) drawn "
                + "and \(wasted) wasted. Draw the rest from the register or correct the administration."
        }
        return nil
    }

    /// The rule a session applies at discharge: when the register holds stock of the session's
    /// substance, a dosed session must have drawn from it and be reconciled. `registerInUse` is
    /// false for a clinic that keeps no stock of the substance in KetaClinic.
    public static func dischargeProblem(_ reconciliation: SessionDrawReconciliation?, dosed: Bool, registerInUse: Bool) -> String? {
        guard let reconciliation, reconciliation.drawn > .zero else {
            return dosed && registerInUse ? "No dose was drawn from the controlled-substance register for this session; record the draw first." : nil
        }
        return reconciliation.problem
    }

    /// The amount given, from a session's administration record and devices: devices × 28 mg for
    /// esketamine [R14], else the recorded dose.
    public static func administered(treatment: Treatment, doseMg: Double?, devicesUsed: Int) -> RegisterAmount {
        if treatment == .esketamine { return RegisterAmount(micrograms: Int64(devicesUsed) * Int64(DeviceUse.milligramsPerDevice) * 1000) }  // [R14]
        guard let doseMg, let amount = RegisterAmount(milligrams: doseMg) else { return .zero }
        return amount
    }
}
