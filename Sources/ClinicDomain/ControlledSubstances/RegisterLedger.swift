import Foundation

/// Why the register refuses an entry; `field` names the form field it concerns.
public struct RegisterRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The form field (or "" for the whole entry).
    public let field: String
    /// Why, for the user.
    public let reason: String

    /// Creates a refusal.
    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { reason }

    /// The refusal as field errors, for a form.
    public var fieldErrors: FieldErrors {
        var errors = FieldErrors()
        errors.add(field.isEmpty ? "form" : field, reason)
        return errors
    }
}

/// A change to one stock line's kept balance.
public struct LineDelta: Equatable, Sendable {
    /// The line.
    public let lineID: UUID
    /// Units added (negative: removed).
    public let units: Int64
    /// Amount added (negative: removed).
    public let amount: RegisterAmount

    /// Creates a change.
    public init(lineID: UUID, units: Int64, amount: RegisterAmount) {
        self.lineID = lineID
        self.units = units
        self.amount = amount
    }
}

/// What an entry does to stock: the line changes, a line it creates (an opened vial, a new lot
/// or location), and the product-level in/out columns of the register.
public struct LedgerEffect: Equatable, Sendable {
    /// Changes to existing lines.
    public var changes: [LineDelta] = []
    /// A line created by the entry (its balance is the whole line).
    public var newLine: StockLine?
    /// Units in and out of the product's stock.
    public var unitsIn: Int64 = 0, unitsOut: Int64 = 0
    /// Amounts in and out of the product's stock.
    public var amountIn = RegisterAmount.zero, amountOut = RegisterAmount.zero
    /// Plain-language detail for the register.
    public var detail = ""

    /// Creates an effect.
    public init() {}
}

/// What a draw needs to know about the session it is for.
public struct DrawSessionFacts: Equatable, Sendable {
    /// Where the session stands.
    public let state: TreatmentSessionState
    /// The treatment.
    public let treatment: Treatment
    /// The planned dose, when known (signed plan, devices, or the administration record).
    public let plannedDose: RegisterAmount?

    /// Creates the facts.
    public init(state: TreatmentSessionState, treatment: Treatment, plannedDose: RegisterAmount?) {
        self.state = state
        self.treatment = treatment
        self.plannedDose = plannedDose
    }

    /// The substance the treatment uses.
    public var substance: ControlledSubstance { treatment == .esketamine ? .esketamine : .ketamine }
}

/// The register's rules as pure functions: each entry is checked against the stock line as it
/// stands and returns the changes to make, or a refusal. Nothing here reads the clock or the
/// database; the caller applies the changes in one transaction with a conditional update, so two
/// draws of the last vial cannot both pass.
public enum RegisterLedger {
    /// Most units one entry may move: far above a clinic's order, to catch typing slips.
    public static let maximumUnits: Int64 = 10_000

    /// A receipt of `units` sealed units of `lot` into `location` (adding to `existing`, the
    /// line of that lot at that location, when there is one).
    public static func receive(_ product: RegisterProduct, lot: RegisterLot, units: Int64, locationID: UUID, existing: StockLine?,
                               today: CalendarDate) throws(RegisterRefusal) -> LedgerEffect {
        guard units > 0, units <= maximumUnits else { throw RegisterRefusal("units", "Enter the number of \(product.form.unitName)s received (1 to \(maximumUnits)).") }
        guard !lot.isExpired(on: today) else { throw RegisterRefusal("expiry", "Lot \(lot.lotNumber) expired on \(lot.expiry.iso); do not receive it into stock.") }
        let amount = RegisterAmount(micrograms: product.perUnit.micrograms * units)
        var effect = LedgerEffect()
        if let existing {
            effect.changes = [LineDelta(lineID: existing.id, units: units, amount: amount)]
        } else {
            effect.newLine = StockLine(productID: product.id, lotID: lot.id, locationID: locationID, kind: .sealed, units: units, amount: amount)
        }
        effect.unitsIn = units
        effect.amountIn = amount
        effect.detail = "\(product.unitsText(units)) of lot \(lot.lotNumber) (expires \(lot.expiry.iso))"
        return effect
    }

    /// Moves `units` sealed units from `line` to another location (adding to `destination`, its line there, if any).
    public static func transfer(_ product: RegisterProduct, from line: StockLine, units: Int64, toLocationID: UUID,
                                destination: StockLine?) throws(RegisterRefusal) -> LedgerEffect {
        guard line.kind == .sealed else { throw RegisterRefusal("line", "An opened vial stays where it is; transfer sealed units.") }
        guard toLocationID != line.locationID else { throw RegisterRefusal("toLocation", "Choose a different location.") }
        guard units > 0, units <= maximumUnits else { throw RegisterRefusal("units", "Enter the number of units to move.") }
        guard units <= line.units else { throw RegisterRefusal("units", "Only \(product.unitsText(line.units)) are on this line.") }
        let amount = RegisterAmount(micrograms: product.perUnit.micrograms * units)
        var effect = LedgerEffect()
        effect.changes = [LineDelta(lineID: line.id, units: -units, amount: .zero - amount)]
        if let destination {
            effect.changes.append(LineDelta(lineID: destination.id, units: units, amount: amount))
        } else {
            effect.newLine = StockLine(productID: product.id, lotID: line.lotID, locationID: toLocationID, kind: .sealed, units: units, amount: amount)
        }
        effect.detail = "\(product.unitsText(units)) moved"
        return effect
    }

    /// Draws `amount` from `line` for a session. A device is drawn whole (the amount must be a
    /// whole number of devices: 56 mg is two 28 mg devices [R14]); a sealed vial is opened and
    /// its remainder becomes an opened line whose beyond-use date follows `policy` [X1].
    public static func draw(_ product: RegisterProduct, lot: RegisterLot, from line: StockLine, amount: RegisterAmount,
                            session: DrawSessionFacts, now: Date, today: CalendarDate, timeZone: TimeZone,
                            policy: RegisterPolicy) throws(RegisterRefusal) -> LedgerEffect {
        guard session.state.isActive else {
            throw RegisterRefusal("session", "The session is \(session.state.displayName.lowercased()); a draw needs an open session.")
        }
        guard let planned = session.plannedDose, planned > .zero else {
            throw RegisterRefusal("session", "The session has no planned dose; record the administration (dose in mg) first.")
        }
        guard product.substance == session.substance else {
            throw RegisterRefusal("line", "This session gives \(session.substance.displayName.lowercased()); \(product.name) is \(product.substance.displayName.lowercased()).")
        }
        guard !lot.isExpired(on: today) else { throw RegisterRefusal("line", "Lot \(lot.lotNumber) expired on \(lot.expiry.iso); it cannot be drawn.") }
        guard !line.isBeyondUse(at: now) else { throw RegisterRefusal("line", "This opened vial is past its beyond-use date; destroy it with a witness.") }
        guard amount > .zero else { throw RegisterRefusal("amountMg", "Enter the amount to draw, in mg.") }
        var effect = LedgerEffect()
        switch (product.form, line.kind) {
        case (.device, _):
            guard amount.micrograms % product.perUnit.micrograms == 0 else {
                throw RegisterRefusal("amountMg", "A device is used whole: draw a multiple of \(product.perUnit) (\(product.perUnit) per device [R14]).")
            }
            let units = amount.micrograms / product.perUnit.micrograms
            guard units <= line.units else { throw RegisterRefusal("amountMg", "Only \(product.unitsText(line.units)) on this line.") }
            effect.changes = [LineDelta(lineID: line.id, units: -units, amount: .zero - amount)]
            effect.unitsOut = units
            effect.detail = "\(product.unitsText(units))"
        case (.multiDoseVial, .sealed):
            guard line.units >= 1 else { throw RegisterRefusal("line", "No sealed vial is left on this line.") }
            guard amount <= product.perUnit else { throw RegisterRefusal("amountMg", "One vial holds \(product.perUnit); draw the rest from another vial.") }
            let remainder = product.perUnit - amount
            effect.changes = [LineDelta(lineID: line.id, units: -1, amount: .zero - product.perUnit)]
            if remainder > .zero {
                effect.newLine = StockLine(productID: product.id, lotID: lot.id, locationID: line.locationID, kind: .opened, units: 1, amount: remainder,
                                           openedAt: now, beyondUse: policy.beyondUse(openedAt: now, lotExpiry: lot.expiry, timeZone: timeZone))
            } else {
                effect.unitsOut = 1
            }
            effect.detail = volumeText(product, amount) + " from a newly opened vial" + (remainder > .zero ? "; \(remainder) left in it" : "")
        case (.multiDoseVial, .opened):
            guard amount <= line.amount else { throw RegisterRefusal("amountMg", "The opened vial holds \(line.amount); draw the rest from another vial.") }
            let emptied = amount == line.amount
            effect.changes = [LineDelta(lineID: line.id, units: emptied ? -1 : 0, amount: .zero - amount)]
            effect.unitsOut = emptied ? 1 : 0
            effect.detail = volumeText(product, amount) + " from the opened vial" + (emptied ? "; vial empty" : "; \(line.amount - amount) left in it")
        }
        effect.amountOut = amount
        return effect
    }

    /// Puts back `units` unopened units of a device draw (`drawnUnits` drawn, `returnedUnits` already back).
    public static func returnUnits(_ product: RegisterProduct, to line: StockLine, units: Int64, drawnUnits: Int64,
                                   returnedUnits: Int64) throws(RegisterRefusal) -> LedgerEffect {
        guard product.form == .device else { throw RegisterRefusal("draw", "Liquid drawn from a vial cannot go back; waste it before a witness.") }
        guard units > 0, units <= maximumUnits else { throw RegisterRefusal("units", "Enter the number of unused devices.") }
        guard units <= drawnUnits - returnedUnits else {
            throw RegisterRefusal("units", "Only \(product.unitsText(drawnUnits - returnedUnits)) of this draw can come back.")
        }
        var effect = LedgerEffect()
        let amount = RegisterAmount(micrograms: product.perUnit.micrograms * units)
        effect.changes = [LineDelta(lineID: line.id, units: units, amount: amount)]
        effect.unitsIn = units
        effect.amountIn = amount
        effect.detail = "\(product.unitsText(units)) unused, returned to stock"
        return effect
    }

    /// Wastes `amount` of what a session drew and did not give; `remainder` is what is still
    /// unaccounted for (drawn − returned − given − already wasted). Stock does not change: the
    /// amount left stock when it was drawn.
    public static func waste(_ amount: RegisterAmount, remainder: RegisterAmount) throws(RegisterRefusal) -> LedgerEffect {
        guard amount > .zero else { throw RegisterRefusal("amountMg", "Enter the amount wasted, in mg.") }
        guard amount <= remainder else {
            throw RegisterRefusal("amountMg", "Only \(max(remainder, .zero)) of this session's draw is unaccounted for; the waste cannot be larger.")
        }
        var effect = LedgerEffect()
        effect.detail = "\(amount) wasted"
        return effect
    }

    /// Destroys stock: `units` sealed units, or the whole remainder of an opened vial.
    public static func destroy(_ product: RegisterProduct, line: StockLine, units: Int64) throws(RegisterRefusal) -> LedgerEffect {
        var effect = LedgerEffect()
        switch line.kind {
        case .sealed:
            guard units > 0, units <= maximumUnits else { throw RegisterRefusal("units", "Enter the number of units destroyed.") }
            guard units <= line.units else { throw RegisterRefusal("units", "Only \(product.unitsText(line.units)) are on this line.") }
            let amount = RegisterAmount(micrograms: product.perUnit.micrograms * units)
            effect.changes = [LineDelta(lineID: line.id, units: -units, amount: .zero - amount)]
            effect.unitsOut = units
            effect.amountOut = amount
            effect.detail = "\(product.unitsText(units)) destroyed"
        case .opened:
            guard line.units > 0, line.amount > .zero else { throw RegisterRefusal("line", "This opened vial is already empty.") }
            effect.changes = [LineDelta(lineID: line.id, units: -line.units, amount: .zero - line.amount)]
            effect.unitsOut = line.units
            effect.amountOut = line.amount
            effect.detail = "opened vial's remainder (\(line.amount)) destroyed"
        }
        return effect
    }

    /// Corrects a line by `units` and `amount` (either may be negative), never below zero. A
    /// sealed line moves whole units only.
    public static func correct(_ product: RegisterProduct, line: StockLine, units: Int64, amount: RegisterAmount) throws(RegisterRefusal) -> LedgerEffect {
        guard units != 0 || amount != .zero else { throw RegisterRefusal("amountMg", "A correction changes the units or the amount.") }
        guard abs(units) <= maximumUnits, abs(amount.micrograms) <= RegisterAmount.maximum.micrograms else {
            throw RegisterRefusal("units", "That correction is larger than any stock the register holds.")
        }
        if line.kind == .sealed, amount.micrograms != units * product.perUnit.micrograms {
            throw RegisterRefusal("amountMg", "Sealed stock moves in whole units of \(product.perUnit): correct by units.")
        }
        guard line.units + units >= 0, (line.amount + amount) >= .zero else {
            throw RegisterRefusal("units", "The line holds \(product.unitsText(line.units)) (\(line.amount)); a balance can never go below zero.")
        }
        var effect = LedgerEffect()
        effect.changes = [LineDelta(lineID: line.id, units: units, amount: amount)]
        if units > 0 { effect.unitsIn = units } else { effect.unitsOut = -units }
        if amount > .zero { effect.amountIn = amount } else { effect.amountOut = .zero - amount }
        effect.detail = "corrected by \(units >= 0 ? "+" : "")\(units) unit(s), \(amount.micrograms >= 0 ? "+" : "")\(amount)"
        return effect
    }

    /// Brings `line` to what was counted (an administrator's closing of a discrepancy).
    public static func adjust(_ product: RegisterProduct, line: StockLine, toUnits units: Int64, amount: RegisterAmount) throws(RegisterRefusal) -> LedgerEffect {
        guard units >= 0, amount >= .zero else { throw RegisterRefusal("counted", "A count cannot be negative.") }
        var effect = try correct(product, line: StockLine(id: line.id, productID: line.productID, lotID: line.lotID, locationID: line.locationID,
                                                          kind: .opened, units: line.units, amount: line.amount),
                                 units: units - line.units, amount: amount - line.amount)
        effect.detail = "register brought to the count: \(product.unitsText(units)), \(amount)"
        return effect
    }

    /// "0.7 mL (35 mg)" for a vial, "35 mg" otherwise.
    public static func volumeText(_ product: RegisterProduct, _ amount: RegisterAmount) -> String {
        guard let ml = product.millilitres(for: amount) else { return amount.description }
        return "\(Rounding.text(ml, places: 2)) mL (\(amount))"
    }
}
