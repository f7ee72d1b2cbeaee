import Foundation

/// What the draw form proposes: from the planned dose and the stock on hand, which line to draw
/// from, how much (in mL for a vial, in devices for a spray) and the waste that will remain.
public struct DrawProposal: Equatable, Sendable {
    /// One part of the dose from one line.
    public struct Part: Equatable, Sendable {
        /// The line.
        public let line: StockLine
        /// The amount to draw from it.
        public let amount: RegisterAmount
        /// "0.7 mL (35 mg) from the opened vial of lot K123", "2 devices of lot S9".
        public let text: String
    }

    /// The planned dose.
    public let planned: RegisterAmount
    /// The parts, in the order to draw them.
    public let parts: [Part]
    /// What will be left over once the planned dose is given: syringe rounding, or the rest of
    /// a device dose; it is wasted before a witness.
    public let expectedWaste: RegisterAmount
    /// Why the dose cannot be drawn from stock, when it cannot.
    public let shortfall: String?

    /// Plans the draw of `planned` of `product`: opened vials first (the earliest beyond-use
    /// date, still in date), then sealed units of the lot that expires first. A vial draw is
    /// rounded up to the syringe step of `policy`; devices are whole, 28 mg each [R14].
    public static func plan(planned: RegisterAmount, product: RegisterProduct, lines: [StockLine], lots: [UUID: RegisterLot],
                            now: Date, today: CalendarDate, policy: RegisterPolicy) -> DrawProposal {
        let usable = lines.filter { line in
            guard line.productID == product.id, line.units > 0, line.amount > .zero, let lot = lots[line.lotID] else { return false }
            return !lot.isExpired(on: today) && !line.isBeyondUse(at: now)
        }
        let ordered = usable.sorted { a, b in
            if a.kind != b.kind { return a.kind == .opened }
            let ea = a.beyondUse ?? lots[a.lotID]!.expiry.startInstant(in: .gmt), eb = b.beyondUse ?? lots[b.lotID]!.expiry.startInstant(in: .gmt)
            return ea != eb ? ea < eb : a.id.uuidString < b.id.uuidString
        }
        var toDraw = rounded(planned, product: product, policy: policy)
        let expectedWaste = toDraw - planned
        var parts: [Part] = []
        for line in ordered where toDraw > .zero {
            let lotNumber = lots[line.lotID]?.lotNumber ?? "?"
            switch product.form {
            case .device:
                let devices = min(line.units, (toDraw.micrograms + product.perUnit.micrograms - 1) / product.perUnit.micrograms)
                let amount = RegisterAmount(micrograms: devices * product.perUnit.micrograms)
                parts.append(Part(line: line, amount: amount, text: "\(product.unitsText(devices)) of lot \(lotNumber)"))
                toDraw = toDraw - amount
            case .multiDoseVial:
                let available = line.kind == .opened ? line.amount : product.perUnit
                var take = min(available, toDraw)
                if line.kind == .sealed {
                    // Several sealed vials of one line, one part each.
                    var units = line.units
                    while toDraw > .zero && units > 0 {
                        take = min(product.perUnit, toDraw)
                        parts.append(Part(line: line, amount: take, text: RegisterLedger.volumeText(product, take) + " from a new vial of lot \(lotNumber)"))
                        toDraw = toDraw - take
                        units -= 1
                    }
                } else {
                    parts.append(Part(line: line, amount: take, text: RegisterLedger.volumeText(product, take) + " from the opened vial of lot \(lotNumber)"))
                    toDraw = toDraw - take
                }
            }
        }
        let shortfall = toDraw > .zero ? "Stock on hand is \(toDraw) short of the planned dose; receive stock first." : nil
        return DrawProposal(planned: planned, parts: parts, expectedWaste: max(expectedWaste, .zero), shortfall: shortfall)
    }

    /// `planned` rounded up to what can be drawn: whole devices, or the syringe step of a vial.
    public static func rounded(_ planned: RegisterAmount, product: RegisterProduct, policy: RegisterPolicy) -> RegisterAmount {
        switch product.form {
        case .device:
            let per = product.perUnit.micrograms
            return RegisterAmount(micrograms: (planned.micrograms + per - 1) / per * per)
        case .multiDoseVial:
            guard let concentration = product.concentrationMicrogramsPerMl, concentration > 0 else { return planned }
            // Step in micrograms = concentration (µg/mL) × step (mL).
            let step = concentration * Int64(policy.syringeStepHundredthsMl) / 100
            guard step > 0 else { return planned }
            return RegisterAmount(micrograms: (planned.micrograms + step - 1) / step * step)
        }
    }
}
