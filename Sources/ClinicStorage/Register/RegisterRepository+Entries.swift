import ClinicDomain
import Foundation
import SQLKit

/// Who signs an entry: the signed-in user (their display name for the register, the stamp for
/// the audit trail) and, where one is needed, the witness who confirmed with their own credentials.
public struct RegisterSignature: Sendable {
    /// The audit stamp of the request.
    public let stamp: AuditStamp
    /// The signer's name as the register shows it.
    public let name: String
    /// The witness, when the entry needs one.
    public let witness: ConfirmingPerson?

    /// Creates a signature.
    public init(stamp: AuditStamp, name: String, witness: ConfirmingPerson? = nil) {
        self.stamp = stamp
        self.name = name
        self.witness = witness
    }
}

/// The fields of an entry beyond its effect on stock.
struct EntryFields {
    var kind: MovementKind
    var lotID: UUID?
    var locationID: UUID?
    var toLocationID: UUID?
    var sessionID: UUID?
    var patientID: UUID?
    var drawID: UUID?
    var correctsID: UUID?
    var wasted = RegisterAmount.zero
    var supplier: String?
    var orderReference: String?
    var reason: String?
}

extension RegisterRepository {
    // MARK: Entries

    /// Records a receipt of `units` sealed units of lot `lotNumber` (created when new) into `locationID`.
    @discardableResult
    public func receive(productID: UUID, lotNumber: String, expiry: CalendarDate, units: Int64, locationID: UUID, supplier: String,
                        orderReference: String, clinicID: UUID, today: CalendarDate, signature: RegisterSignature) async throws -> RegisterMovement {
        let lotNumber = lotNumber.trimmed, supplier = supplier.trimmed, orderReference = orderReference.trimmed
        guard !lotNumber.isEmpty, lotNumber.count <= 60 else { throw RegisterRefusal("lotNumber", "Enter the lot number printed on the pack.") }
        guard !supplier.isEmpty, supplier.count <= 200 else { throw RegisterRefusal("supplier", "Name the supplier.") }
        guard !orderReference.isEmpty, orderReference.count <= 100 else {
            throw RegisterRefusal("orderReference", "Enter the order form or invoice number (in the US, the DEA Form 222 or CSOS order number).")
        }
        return try await database.write { db in
            let product = try await Self.lockProduct(productID, clinicID: clinicID, db)
            guard try await Self.location(locationID, clinicID: clinicID, db) else { throw RegisterRefusal("location", "Choose a storage location.") }
            let lot: RegisterLot
            if let row = try await db.raw("""
                SELECT * FROM register_lots WHERE product_id = \(bind: productID.uuidString) AND lot_number = \(bind: lotNumber)
                """).first() {
                lot = try Self.decodeLot(row)
                guard lot.expiry == expiry else {
                    throw RegisterRefusal("expiry", "Lot \(lotNumber) is recorded with expiry \(lot.expiry.iso); check the pack.")
                }
            } else {
                lot = RegisterLot(productID: productID, lotNumber: lotNumber, expiry: expiry)
                try await db.insert(into: "register_lots").columns("id", "product_id", "lot_number", "expiry", "created_at")
                    .values(SQLBind(lot.id.uuidString), SQLBind(productID.uuidString), SQLBind(lotNumber), SQLBind(expiry.iso),
                            SQLBind(signature.stamp.at.millisecondsSince1970))
                    .run()
            }
            let existing = try await db.raw("""
                SELECT * FROM register_stock WHERE lot_id = \(bind: lot.id.uuidString) AND location_id = \(bind: locationID.uuidString)
                AND kind = 'sealed'
                """).first().map(Self.decodeLine)
            let effect = try RegisterLedger.receive(product, lot: lot, units: units, locationID: locationID, existing: existing, today: today)
            return try await Self.append(effect, EntryFields(kind: .receipt, lotID: lot.id, locationID: locationID, supplier: supplier,
                                                              orderReference: orderReference),
                                         product: product, clinicID: clinicID, signature: signature, db)
        }
    }

    /// Moves `units` sealed units of `lineID` to `toLocationID`.
    @discardableResult
    public func transfer(lineID: UUID, units: Int64, toLocationID: UUID, clinicID: UUID, signature: RegisterSignature) async throws -> RegisterMovement {
        try await database.write { db in
            let line = try await Self.requireLine(lineID, db)
            let product = try await Self.lockProduct(line.productID, clinicID: clinicID, db)
            guard try await Self.location(toLocationID, clinicID: clinicID, db) else { throw RegisterRefusal("toLocation", "Choose a storage location.") }
            let current = try await Self.requireLine(lineID, db)
            let destination = try await db.raw("""
                SELECT * FROM register_stock WHERE lot_id = \(bind: line.lotID.uuidString) AND location_id = \(bind: toLocationID.uuidString)
                AND kind = 'sealed'
                """).first().map(Self.decodeLine)
            let effect = try RegisterLedger.transfer(product, from: current, units: units, toLocationID: toLocationID, destination: destination)
            return try await Self.append(effect, EntryFields(kind: .transfer, lotID: line.lotID, locationID: line.locationID, toLocationID: toLocationID),
                                         product: product, clinicID: clinicID, signature: signature, db)
        }
    }

    /// Draws `amount` from `lineID` for the session `sessionID`. The session row is locked, then
    /// the product's: two draws of the last vial run one after the other, and the second sees none left.
    @discardableResult
    public func draw(lineID: UUID, amount: RegisterAmount, sessionID: UUID, clinicID: UUID, timeZone: TimeZone,
                     signature: RegisterSignature) async throws -> RegisterMovement {
        try await database.write { db in
            let (state, patientID) = try await SessionRecordRepository.lock(sessionID, db)
            guard let record = try await SessionRecordRepository.record(sessionID, db, monitorSummary: true) else {
                throw UnknownSessionItem(what: "treatment session")
            }
            guard let found = try await Self.line(lineID, db) else { throw RegisterRefusal("line", "Choose a stock line to draw from.") }
            let product = try await Self.lockProduct(found.productID, clinicID: clinicID, db)
            let line = try await Self.requireLine(lineID, db)
            let lot = try await Self.requireLot(line.lotID, db)
            let policy = try await Self.policy(clinicID, db)
            let facts = DrawSessionFacts(state: state, treatment: record.treatment, plannedDose: Self.plannedDose(record))
            let now = signature.stamp.at
            let effect = try RegisterLedger.draw(product, lot: lot, from: line, amount: amount, session: facts, now: now,
                                                 today: CalendarDate(instant: now, in: timeZone), timeZone: timeZone, policy: policy)
            return try await Self.append(effect, EntryFields(kind: .draw, lotID: lot.id, locationID: line.locationID, sessionID: sessionID,
                                                              patientID: patientID),
                                         product: product, clinicID: clinicID, signature: signature, db)
        }
    }

    /// The dose a session plans, in the register's terms: the signed plan's mg, its devices × 28 mg [R14],
    /// or the administration record's dose (a weight-based plan is dosed in mg at the session).
    public static func plannedDose(_ record: TreatmentSessionRecord) -> RegisterAmount? {
        if let devices = record.session.planned.devices, devices > 0 {
            return RegisterAmount(micrograms: Int64(devices) * Int64(DeviceUse.milligramsPerDevice) * 1000)   // [R14]
        }
        if let mg = record.administration?.details.doseMg, let amount = RegisterAmount(milligrams: mg), amount > .zero { return amount }
        if let planned = record.session.planned.doseMg, let amount = RegisterAmount(milligrams: planned.value), amount > .zero { return amount }
        return nil
    }

    /// Puts back `units` unused, unopened units of the draw `drawID`.
    @discardableResult
    public func returnUnits(drawID: UUID, units: Int64, clinicID: UUID, signature: RegisterSignature) async throws -> RegisterMovement {
        try await database.write { db in
            guard let draw = try await Self.entry(drawID, db), draw.kind == .draw, let sessionID = draw.sessionID else {
                throw RegisterRefusal("draw", "Choose the draw the units came from.")
            }
            // A session stopped early may still return what it did not use.
            let (_, patientID) = try await SessionRecordRepository.lock(sessionID, db)
            let product = try await Self.lockProduct(draw.productID, clinicID: clinicID, db)
            guard let source = try await db.raw("""
                SELECT line_id FROM register_line_changes WHERE movement_id = \(bind: drawID.uuidString) AND units < 0
                """).first().map({ try Self.uuid($0, "line_id") }) else { throw RegisterRefusal("draw", "Only whole devices can come back.") }
            let returned = try await db.raw("""
                SELECT CAST(COALESCE(SUM(units_in), 0) AS BIGINT) AS n FROM register_movements WHERE draw_id = \(bind: drawID.uuidString) AND kind = 'return'
                """).first()?.decode(column: "n", as: Int64.self) ?? 0
            let effect = try RegisterLedger.returnUnits(product, to: try await Self.requireLine(source, db), units: units,
                                                        drawnUnits: draw.unitsOut, returnedUnits: returned)
            return try await Self.append(effect, EntryFields(kind: .return, lotID: draw.lotID, locationID: draw.locationID, sessionID: sessionID,
                                                              patientID: patientID, drawID: drawID),
                                         product: product, clinicID: clinicID, signature: signature, db)
        }
    }

    /// Records the witnessed waste of `amount` of what the session of `drawID` drew and did not give.
    @discardableResult
    public func waste(drawID: UUID, amount: RegisterAmount, reason: String?, clinicID: UUID, signature: RegisterSignature) async throws -> RegisterMovement {
        guard let witness = signature.witness else { throw RegisterRefusal("witnessEmail", "A witness confirms the waste.") }
        return try await database.write { db in
            guard let draw = try await Self.entry(drawID, db), draw.kind == .draw, let sessionID = draw.sessionID else {
                throw RegisterRefusal("draw", "Choose the draw the waste comes from.")
            }
            if witness.userID == draw.recordedBy || witness.userID == signature.stamp.userID {
                throw RegisterRefusal("witnessEmail", "The witness must be someone other than the person who drew the dose.")
            }
            // A session stopped early is reconciled after it closes; the remainder bounds the waste.
            let (_, patientID) = try await SessionRecordRepository.lock(sessionID, db)
            guard let record = try await SessionRecordRepository.record(sessionID, db, monitorSummary: true),
                  let reconciliation = try await Self.reconciliation(record, db) else { throw UnknownSessionItem(what: "treatment session") }
            let product = try await Self.lockProduct(draw.productID, clinicID: clinicID, db)
            // Before the dose is recorded as given, the planned dose is what will be given.
            let given = reconciliation.administered > .zero ? reconciliation.administered : (Self.plannedDose(record) ?? .zero)
            let remainder = reconciliation.drawn - reconciliation.returned - reconciliation.wasted - given
            var effect = try RegisterLedger.waste(amount, remainder: remainder)
            effect.detail += " from the draw of \(draw.amountOut)"
            return try await Self.append(effect, EntryFields(kind: .waste, lotID: draw.lotID, locationID: draw.locationID, sessionID: sessionID,
                                                              patientID: patientID, drawID: drawID, wasted: amount, reason: reason?.nilIfEmpty),
                                         product: product, clinicID: clinicID, signature: signature, db)
        }
    }

    /// Destroys expired or spoiled stock before a witness: `units` sealed units, or an opened vial's remainder.
    @discardableResult
    public func destroy(lineID: UUID, units: Int64, reason: String, clinicID: UUID, signature: RegisterSignature) async throws -> RegisterMovement {
        guard signature.witness != nil else { throw RegisterRefusal("witnessEmail", "A witness confirms the destruction.") }
        let reason = reason.trimmed
        guard reason.count >= 3 else { throw RegisterRefusal("reason", "Say why the stock is destroyed (expired, broken, past its beyond-use date…).") }
        return try await database.write { db in
            let line = try await Self.requireLine(lineID, db)
            let product = try await Self.lockProduct(line.productID, clinicID: clinicID, db)
            let effect = try RegisterLedger.destroy(product, line: try await Self.requireLine(lineID, db), units: units)
            return try await Self.append(effect, EntryFields(kind: .destruction, lotID: line.lotID, locationID: line.locationID, reason: reason),
                                         product: product, clinicID: clinicID, signature: signature, db)
        }
    }

    /// Corrects the entry `correctsID` by `units` and `amount` on `lineID`, with the reason and a witness.
    @discardableResult
    public func correct(entry correctsID: UUID, lineID: UUID, units: Int64, amount: RegisterAmount, reason: String, clinicID: UUID,
                        signature: RegisterSignature) async throws -> RegisterMovement {
        guard signature.witness != nil else { throw RegisterRefusal("witnessEmail", "A witness confirms the correction.") }
        let reason = reason.trimmed
        guard reason.count >= 10 else { throw RegisterRefusal("reason", "Say why the entry is corrected (at least 10 characters).") }
        return try await database.write { db in
            guard let corrected = try await Self.entry(correctsID, db) else { throw RegisterRefusal("entry", "There is no such entry.") }
            let line = try await Self.requireLine(lineID, db)
            guard line.productID == corrected.productID else { throw RegisterRefusal("line", "The line is of another product than the entry.") }
            let product = try await Self.lockProduct(line.productID, clinicID: clinicID, db)
            var effect = try RegisterLedger.correct(product, line: try await Self.requireLine(lineID, db), units: units, amount: amount)
            effect.detail += " (corrects entry #\(corrected.sequence))"
            return try await Self.append(effect, EntryFields(kind: .correction, lotID: line.lotID, locationID: line.locationID,
                                                              sessionID: corrected.sessionID, correctsID: correctsID, reason: reason),
                                         product: product, clinicID: clinicID, signature: signature, db)
        }
    }

    // MARK: Writing

    static func lockProduct(_ id: UUID, clinicID: UUID, _ db: any SQLDatabase) async throws -> RegisterProduct {
        // Touching the row takes its lock on PostgreSQL: entries of one product are written one after another across app instances.
        guard let row = try await db.raw("""
            UPDATE register_products SET last_sequence = last_sequence WHERE id = \(bind: id.uuidString)
            AND clinic_id = \(bind: clinicID.uuidString) RETURNING *
            """).first() else { throw RegisterRefusal("product", "There is no such product in the register.") }
        return try decodeProduct(row)
    }

    static func requireLine(_ id: UUID, _ db: any SQLDatabase) async throws -> StockLine {
        guard let line = try await line(id, db) else { throw RegisterRefusal("line", "There is no such stock line.") }
        return line
    }

    static func requireLot(_ id: UUID, _ db: any SQLDatabase) async throws -> RegisterLot {
        guard let row = try await db.raw("SELECT * FROM register_lots WHERE id = \(bind: id.uuidString)").first() else {
            throw RegisterRefusal("lot", "There is no such lot.")
        }
        return try decodeLot(row)
    }

    static func location(_ id: UUID, clinicID: UUID, _ db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT id FROM register_locations WHERE id = \(bind: id.uuidString) AND clinic_id = \(bind: clinicID.uuidString)")
            .first() != nil
    }

    /// Writes `effect` and its entry: the new line, each line's kept balance (a conditional update
    /// that never lets it below zero), the product's balance and next number, the entry, its line
    /// changes and its audit entry, all in the caller's transaction.
    static func append(_ effect: LedgerEffect, _ fields: EntryFields, product: RegisterProduct, clinicID: UUID, signature: RegisterSignature,
                       _ db: any SQLDatabase) async throws -> RegisterMovement {
        let unitsDelta = effect.unitsIn - effect.unitsOut, amountDelta = (effect.amountIn - effect.amountOut).micrograms
        let lineUnits = effect.changes.reduce(effect.newLine?.units ?? 0) { $0 + $1.units }
        let lineAmount = effect.changes.reduce(effect.newLine?.amount.micrograms ?? 0) { $0 + $1.amount.micrograms }
        guard lineUnits == unitsDelta, lineAmount == amountDelta else {
            throw StoredDataError(what: "register entry whose line changes (\(lineUnits), \(lineAmount)) differ from its in/out (\(unitsDelta), \(amountDelta))")
        }
        let at = signature.stamp.at.millisecondsSince1970
        var changes = effect.changes
        if let line = effect.newLine {
            try await db.insert(into: "register_stock")
                .columns("id", "product_id", "lot_id", "location_id", "kind", "units", "micrograms", "opened_at", "beyond_use_at", "created_at")
                .values(SQLBind(line.id.uuidString), SQLBind(line.productID.uuidString), SQLBind(line.lotID.uuidString),
                        SQLBind(line.locationID.uuidString), SQLBind(line.kind.rawValue), SQLBind(line.units), SQLBind(line.amount.micrograms),
                        SQLBind(line.openedAt?.millisecondsSince1970), SQLBind(line.beyondUse?.millisecondsSince1970), SQLBind(at))
                .run()
            changes.append(LineDelta(lineID: line.id, units: line.units, amount: line.amount))
        }
        for change in effect.changes {
            let updated = try await db.raw("""
                UPDATE register_stock SET units = units + \(bind: change.units), micrograms = micrograms + \(bind: change.amount.micrograms)
                WHERE id = \(bind: change.lineID.uuidString) AND units + \(bind: change.units) >= 0
                  AND micrograms + \(bind: change.amount.micrograms) >= 0
                RETURNING units
                """).first()
            guard updated != nil else { throw RegisterRefusal("line", "Not enough stock on this line: a balance can never go below zero.") }
        }
        guard let balance = try await db.raw("""
            UPDATE register_products SET last_sequence = last_sequence + 1, balance_units = balance_units + \(bind: unitsDelta),
                balance_micrograms = balance_micrograms + \(bind: amountDelta)
            WHERE id = \(bind: product.id.uuidString) AND balance_units + \(bind: unitsDelta) >= 0
              AND balance_micrograms + \(bind: amountDelta) >= 0
            RETURNING last_sequence, balance_units, balance_micrograms
            """).first() else { throw RegisterRefusal("", "The product's balance can never go below zero.") }
        let sequence = try balance.decode(column: "last_sequence", as: Int64.self)
        let movement = RegisterMovement(
            id: UUID.random(), productID: product.id, sequence: sequence, kind: fields.kind, occurredAt: signature.stamp.at,
            recordedByName: signature.name, recordedBy: signature.stamp.userID, witnessName: signature.witness?.signature,
            lotID: fields.lotID, locationID: fields.locationID, toLocationID: fields.toLocationID, sessionID: fields.sessionID,
            drawID: fields.drawID, correctsID: fields.correctsID, unitsIn: effect.unitsIn, unitsOut: effect.unitsOut,
            amountIn: effect.amountIn, amountOut: effect.amountOut, wasted: fields.wasted,
            balanceUnits: try balance.decode(column: "balance_units", as: Int64.self),
            balanceAmount: RegisterAmount(micrograms: try balance.decode(column: "balance_micrograms", as: Int64.self)),
            supplier: fields.supplier, orderReference: fields.orderReference, reason: fields.reason, detail: effect.detail)
        try await db.insert(into: "register_movements")
            .columns("id", "clinic_id", "product_id", "sequence", "kind", "occurred_at", "recorded_by", "recorded_by_name", "witness_id",
                     "witness_name", "lot_id", "location_id", "to_location_id", "session_id", "patient_id", "draw_id", "corrects_id",
                     "units_in", "units_out", "micrograms_in", "micrograms_out", "micrograms_wasted", "balance_units", "balance_micrograms",
                     "supplier", "order_reference", "reason", "detail")
            .values(SQLBind(movement.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(product.id.uuidString), SQLBind(sequence),
                    SQLBind(fields.kind.rawValue), SQLBind(at), SQLBind(signature.stamp.userID?.uuidString), SQLBind(signature.name),
                    SQLBind(signature.witness?.userID.uuidString), SQLBind(signature.witness?.signature), SQLBind(fields.lotID?.uuidString),
                    SQLBind(fields.locationID?.uuidString), SQLBind(fields.toLocationID?.uuidString), SQLBind(fields.sessionID?.uuidString),
                    SQLBind(fields.patientID?.uuidString), SQLBind(fields.drawID?.uuidString), SQLBind(fields.correctsID?.uuidString),
                    SQLBind(effect.unitsIn), SQLBind(effect.unitsOut), SQLBind(effect.amountIn.micrograms), SQLBind(effect.amountOut.micrograms),
                    SQLBind(fields.wasted.micrograms), SQLBind(movement.balanceUnits), SQLBind(movement.balanceAmount.micrograms),
                    SQLBind(fields.supplier), SQLBind(fields.orderReference), SQLBind(fields.reason), SQLBind(effect.detail))
            .run()
        for change in changes {
            try await db.insert(into: "register_line_changes").columns("movement_id", "line_id", "units", "micrograms")
                .values(SQLBind(movement.id.uuidString), SQLBind(change.lineID.uuidString), SQLBind(change.units), SQLBind(change.amount.micrograms))
                .run()
        }
        var summary = "\(fields.kind.displayName) #\(sequence) of \(product.name): \(effect.detail); in \(effect.amountIn) / \(effect.unitsIn) unit(s), "
            + "out \(effect.amountOut) / \(effect.unitsOut) unit(s); balance \(movement.balanceAmount) / \(movement.balanceUnits) unit(s)"
        if fields.wasted > .zero { summary += "; wasted \(fields.wasted)" }
        if let witness = signature.witness { summary += "; witness \(witness.email)" }
        if let reason = fields.reason { summary += "; reason: \(reason)" }
        if let session = fields.sessionID { summary += "; session \(session.uuidString)" }
        try await AuditLog.append(AuditEvent(.create, entityType: "register_movement", entityID: movement.id.uuidString, patientID: fields.patientID,
                                             summary: summary),
                                  stamp: signature.stamp, in: db)
        return movement
    }
}
