import Foundation

/// Why a count is made.
public enum CountKind: String, Codable, CaseIterable, Sendable {
    /// The end of the clinic day.
    case endOfDay = "end-of-day"
    /// A change of shift.
    case shiftChange = "shift-change"
    /// The US biennial inventory (at least every 2 years [R62-DC]).
    case biennial
    /// The initial inventory on the first day of controlled-substance activity [R62-DC].
    case initial
    /// Any other count.
    case other

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .endOfDay: "End of day"
        case .shiftChange: "Shift change"
        case .biennial: "Biennial inventory"
        case .initial: "Initial inventory"
        case .other: "Other"
        }
    }
}

/// What was physically counted on one stock line, beside what the register says.
public struct CountLine: Codable, Equatable, Sendable {
    /// The line.
    public let lineID: UUID
    /// The register's balance when counted.
    public let expectedUnits: Int64, expectedAmount: RegisterAmount
    /// What was counted.
    public let countedUnits: Int64, countedAmount: RegisterAmount

    /// Creates a line.
    public init(lineID: UUID, expectedUnits: Int64, expectedAmount: RegisterAmount, countedUnits: Int64, countedAmount: RegisterAmount) {
        self.lineID = lineID
        self.expectedUnits = expectedUnits
        self.expectedAmount = expectedAmount
        self.countedUnits = countedUnits
        self.countedAmount = countedAmount
    }

    /// True when the count differs from the register.
    public var isDiscrepant: Bool { expectedUnits != countedUnits || expectedAmount != countedAmount }

    /// Counted − expected.
    public var difference: (units: Int64, amount: RegisterAmount) { (countedUnits - expectedUnits, countedAmount - expectedAmount) }

    /// A counted line from what was typed: sealed lines count units (the amount follows);
    /// an opened vial's remainder is read off its graduations, in mg.
    public static func parse(line: StockLine, product: RegisterProduct, units: String?, amountMg: String?) throws(RegisterRefusal) -> CountLine {
        let field = "count-\(line.id.uuidString.lowercased())"
        guard let typed = units?.trimmed, let counted = Int64(typed), counted >= 0, counted <= RegisterLedger.maximumUnits else {
            throw RegisterRefusal(field, "Enter the number of \(product.form.unitName)s counted (0 or more).")
        }
        let amount: RegisterAmount
        if line.kind == .opened {
            guard let mg = RegisterAmount.parse(milligrams: amountMg), mg <= product.perUnit else {
                throw RegisterRefusal(field + "-mg", "Enter the remainder of the opened vial in mg (0 to \(product.perUnit.milligramText)).")
            }
            amount = counted == 0 ? .zero : mg
        } else {
            amount = RegisterAmount(micrograms: counted * product.perUnit.micrograms)
        }
        return CountLine(lineID: line.id, expectedUnits: line.units, expectedAmount: line.amount, countedUnits: counted, countedAmount: amount)
    }
}

/// How an administrator closes a discrepancy.
public enum DiscrepancyResolution: String, Codable, CaseIterable, Sendable {
    /// The count was wrong (recounted, stock found): the register stands.
    case countError = "count-error"
    /// The register was wrong (an entry missed or mistyped): the register is brought to the count.
    case registerCorrected = "register-corrected"
    /// Stock is lost or stolen: the register is brought to the count and the loss is reported
    /// (in the US on DEA Form 106 [X2]).
    case loss

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .countError: "Count error: the register stands"
        case .registerCorrected: "Register error: bring the register to the count"
        case .loss: "Loss or theft: bring the register to the count and report it"
        }
    }

    /// True when closing adds an adjustment entry to the register.
    public var adjustsRegister: Bool { self != .countError }
}

/// A difference between a count and the register, open until an administrator investigates and
/// closes it with a written reason.
public struct RegisterDiscrepancy: Codable, Equatable, Sendable, Identifiable {
    /// Identifier.
    public let id: UUID
    /// The count that found it.
    public let countID: UUID
    /// The line, product, lot and location.
    public let lineID: UUID, productID: UUID, lotID: UUID, locationID: UUID
    /// The register's balance and what was counted.
    public let expectedUnits: Int64, expectedAmount: RegisterAmount, countedUnits: Int64, countedAmount: RegisterAmount
    /// When it was found.
    public let foundAt: Date
    /// The closing, once made.
    public let closing: Closing?

    /// An administrator's closing.
    public struct Closing: Codable, Equatable, Sendable {
        /// When.
        public let at: Date
        /// Who.
        public let byName: String
        /// How.
        public let resolution: DiscrepancyResolution
        /// Why: what the investigation found.
        public let reason: String
        /// The adjustment entry, when the register was brought to the count.
        public let adjustmentID: UUID?

        /// Creates a closing.
        public init(at: Date, byName: String, resolution: DiscrepancyResolution, reason: String, adjustmentID: UUID?) {
            self.at = at
            self.byName = byName
            self.resolution = resolution
            self.reason = reason
            self.adjustmentID = adjustmentID
        }
    }

    /// Creates a discrepancy.
    public init(id: UUID, countID: UUID, lineID: UUID, productID: UUID, lotID: UUID, locationID: UUID, expectedUnits: Int64,
                expectedAmount: RegisterAmount, countedUnits: Int64, countedAmount: RegisterAmount, foundAt: Date, closing: Closing?) {
        self.id = id
        self.countID = countID
        self.lineID = lineID
        self.productID = productID
        self.lotID = lotID
        self.locationID = locationID
        self.expectedUnits = expectedUnits
        self.expectedAmount = expectedAmount
        self.countedUnits = countedUnits
        self.countedAmount = countedAmount
        self.foundAt = foundAt
        self.closing = closing
    }

    /// True until closed.
    public var isOpen: Bool { closing == nil }

    /// Counted − expected, e.g. "−1 unit, −500 mg".
    public var differenceText: String {
        let units = countedUnits - expectedUnits, amount = countedAmount - expectedAmount
        return "\(units >= 0 ? "+" : "")\(units) unit(s), \(amount.micrograms >= 0 ? "+" : "")\(amount)"
    }

    /// Shortest written reason accepted when closing.
    public static let minimumReasonLength = 10

    /// The closing reason, trimmed, or a refusal.
    public static func validReason(_ text: String?) throws(RegisterRefusal) -> String {
        let reason = text?.trimmed ?? ""
        guard reason.count >= minimumReasonLength, reason.count <= 2000 else {
            throw RegisterRefusal("reason", "Write what the investigation found (at least \(minimumReasonLength) characters).")
        }
        return reason
    }
}
