import ClinicDomain
import Foundation
import SQLKit

/// A product with its kept balance.
public struct ProductBalance: Sendable, Equatable {
    /// The product.
    public let product: RegisterProduct
    /// Units on hand.
    public let units: Int64
    /// Amount on hand.
    public let amount: RegisterAmount
    /// Entries in its register.
    public let entries: Int64
}

/// What `verify` found: every kept balance recomputed from the full register.
public struct RegisterVerification: Sendable, Equatable {
    /// Stock lines checked.
    public var linesChecked = 0
    /// Products checked.
    public var productsChecked = 0
    /// Entries read.
    public var entriesChecked: Int64 = 0
    /// Each difference found, in words; empty when every balance matches.
    public var problems: [String] = []

    /// True when every kept balance equals the sum of its entries.
    public var isIntact: Bool { problems.isEmpty }
}

/// The controlled-substance register: catalogue, stock lines with kept balances, append-only
/// entries (each with its audit entry in the same transaction), session draws and their
/// reconciliation, counts and discrepancies, and the verification of every balance against
/// the full register.
public struct RegisterRepository: Sendable {
    let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    // MARK: Catalogue

    /// The clinic's products, lots and locations.
    public func catalogue(clinicID: UUID) async throws -> RegisterCatalogue {
        try await database.read { db in try await Self.catalogue(clinicID, db) }
    }

    static func catalogue(_ clinicID: UUID, _ db: any SQLDatabase) async throws -> RegisterCatalogue {
        let products = try await db.raw("SELECT * FROM register_products WHERE clinic_id = \(bind: clinicID.uuidString) ORDER BY name")
            .all().map(decodeProduct)
        let lots = try await db.raw("""
            SELECT l.* FROM register_lots l JOIN register_products p ON p.id = l.product_id
            WHERE p.clinic_id = \(bind: clinicID.uuidString)
            """).all().map(decodeLot)
        let locations = try await db.raw("SELECT * FROM register_locations WHERE clinic_id = \(bind: clinicID.uuidString) ORDER BY name")
            .all().map { row in
                RegisterLocation(id: try uuid(row, "id"), name: try row.decode(column: "name", as: String.self),
                                 kind: RegisterLocation.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .other)
            }
        return RegisterCatalogue(products: products, lots: Dictionary(uniqueKeysWithValues: lots.map { ($0.id, $0) }), locations: locations)
    }

    /// Adds a product (already validated); names are unique per clinic.
    @discardableResult
    public func addProduct(_ product: RegisterProduct, clinicID: UUID, stamp: AuditStamp) async throws -> RegisterProduct {
        try await database.write { db in
            if try await db.raw("SELECT id FROM register_products WHERE clinic_id = \(bind: clinicID.uuidString) AND name = \(bind: product.name)").first() != nil {
                throw RegisterRefusal("name", "A product of that name is already in the register.")
            }
            try await db.insert(into: "register_products")
                .columns("id", "clinic_id", "name", "substance", "form", "per_unit_micrograms", "concentration_micrograms_per_ml", "product_code", "created_at")
                .values(SQLBind(product.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(product.name), SQLBind(product.substance.rawValue),
                        SQLBind(product.form.rawValue), SQLBind(product.perUnit.micrograms), SQLBind(product.concentrationMicrogramsPerMl),
                        SQLBind(product.productCode), SQLBind(stamp.at.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "register_product", entityID: product.id.uuidString,
                                                 summary: "register product: \(product.name), \(product.perUnit) per \(product.form.unitName)"),
                                      stamp: stamp, in: db)
            return product
        }
    }

    /// Adds a storage location; names are unique per clinic.
    @discardableResult
    public func addLocation(name: String, kind: RegisterLocation.Kind, clinicID: UUID, stamp: AuditStamp) async throws -> RegisterLocation {
        let clean = name.trimmed
        guard !clean.isEmpty, clean.count <= 100 else { throw RegisterRefusal("name", "Name the location (up to 100 characters).") }
        let location = RegisterLocation(name: clean, kind: kind)
        return try await database.write { db in
            if try await db.raw("SELECT id FROM register_locations WHERE clinic_id = \(bind: clinicID.uuidString) AND name = \(bind: clean)").first() != nil {
                throw RegisterRefusal("name", "A location of that name exists.")
            }
            try await db.insert(into: "register_locations").columns("id", "clinic_id", "name", "kind", "created_at")
                .values(SQLBind(location.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(clean), SQLBind(kind.rawValue),
                        SQLBind(stamp.at.millisecondsSince1970))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "register_location", entityID: location.id.uuidString,
                                                 summary: "register location: \(clean) (\(kind.rawValue))"), stamp: stamp, in: db)
            return location
        }
    }

    /// The clinic's register settings.
    public func policy(clinicID: UUID) async throws -> RegisterPolicy {
        try await database.read { db in try await Self.policy(clinicID, db) }
    }

    static func policy(_ clinicID: UUID, _ db: any SQLDatabase) async throws -> RegisterPolicy {
        guard let row = try await db.raw("SELECT register_policy FROM clinics WHERE id = \(bind: clinicID.uuidString)").first(),
              try row.decode(column: "register_policy", as: String?.self) != nil else { return .defaults }
        return try StoredJSON.value(RegisterPolicy.self, "register_policy", of: row)
    }

    /// Replaces the register settings (validated), audited.
    public func updatePolicy(_ policy: RegisterPolicy, clinicID: UUID, stamp: AuditStamp) async throws {
        let body = try StoredJSON.text(policy)
        try await database.write { db in
            try await db.update("clinics").set("register_policy", to: SQLBind(body)).where("id", .equal, SQLBind(clinicID.uuidString)).run()
            try await AuditLog.append(AuditEvent(.update, entityType: "register_policy", entityID: clinicID.uuidString,
                                                 summary: "opened vials usable \(policy.openedVialBeyondUseDays) days; syringe step "
                                                     + "\(Double(policy.syringeStepHundredthsMl) / 100) mL"), stamp: stamp, in: db)
        }
    }

    // MARK: Stock

    /// Every product with its kept balance: one row each, never a sum of the register.
    public func balances(clinicID: UUID) async throws -> [ProductBalance] {
        try await database.read { db in
            try await db.raw("SELECT * FROM register_products WHERE clinic_id = \(bind: clinicID.uuidString) ORDER BY name").all().map { row in
                ProductBalance(product: try Self.decodeProduct(row), units: try row.decode(column: "balance_units", as: Int64.self),
                               amount: RegisterAmount(micrograms: try row.decode(column: "balance_micrograms", as: Int64.self)),
                               entries: try row.decode(column: "last_sequence", as: Int64.self))
            }
        }
    }

    /// The stock lines holding anything (or every line with `includeEmpty`), per product, lot and location.
    public func stock(clinicID: UUID, includeEmpty: Bool = false) async throws -> [StockLine] {
        try await database.read { db in try await Self.stock(clinicID, includeEmpty: includeEmpty, db) }
    }

    static func stock(_ clinicID: UUID, includeEmpty: Bool, _ db: any SQLDatabase) async throws -> [StockLine] {
        try await db.raw("""
            SELECT s.* FROM register_stock s JOIN register_products p ON p.id = s.product_id
            WHERE p.clinic_id = \(bind: clinicID.uuidString) AND (\(bind: includeEmpty) OR s.units > 0 OR s.micrograms > 0)
            ORDER BY p.name, s.kind DESC, s.created_at
            """).all().map(decodeLine)
    }

    /// One stock line.
    public func line(_ id: UUID) async throws -> StockLine? {
        try await database.read { db in try await Self.line(id, db) }
    }

    static func line(_ id: UUID, _ db: any SQLDatabase) async throws -> StockLine? {
        try await db.raw("SELECT * FROM register_stock WHERE id = \(bind: id.uuidString)").first().map(decodeLine)
    }

    // MARK: Register

    /// Up to `limit` entries of a product's register, newest first, before entry `before`
    /// (keyset paging on the product's sequence: page 1,000 costs what page 1 costs).
    public func entries(productID: UUID, before: Int64? = nil, limit: Int = 100) async throws -> [RegisterMovement] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM register_movements WHERE product_id = \(bind: productID.uuidString) AND sequence < \(bind: before ?? Int64.max)
                ORDER BY sequence DESC LIMIT \(bind: max(1, min(limit, 1000)))
                """).all().map(Self.decodeMovement)
        }
    }

    /// Entries of a product's register in order, after entry `after`, `limit` at a time (CSV, print).
    public func entries(productID: UUID, after: Int64, limit: Int = 5000) async throws -> [RegisterMovement] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM register_movements WHERE product_id = \(bind: productID.uuidString) AND sequence > \(bind: after)
                ORDER BY sequence LIMIT \(bind: max(1, min(limit, 10_000)))
                """).all().map(Self.decodeMovement)
        }
    }

    /// One entry.
    public func entry(_ id: UUID) async throws -> RegisterMovement? {
        try await database.read { db in try await Self.entry(id, db) }
    }

    static func entry(_ id: UUID, _ db: any SQLDatabase) async throws -> RegisterMovement? {
        try await db.raw("SELECT * FROM register_movements WHERE id = \(bind: id.uuidString)").first().map(decodeMovement)
    }

    /// The entries of a treatment session (draws, returns, wastes), oldest first.
    public func entries(sessionID: UUID) async throws -> [RegisterMovement] {
        try await database.read { db in try await Self.entries(sessionID, db) }
    }

    static func entries(_ sessionID: UUID, _ db: any SQLDatabase) async throws -> [RegisterMovement] {
        try await db.raw("SELECT * FROM register_movements WHERE session_id = \(bind: sessionID.uuidString) ORDER BY occurred_at, sequence")
            .all().map(Self.decodeMovement)
    }

    /// The session's draw reconciliation, judged on `record` (nil when nothing was drawn).
    public func reconciliation(of record: TreatmentSessionRecord) async throws -> SessionDrawReconciliation? {
        try await database.read { db in try await Self.reconciliation(record, db) }
    }

    static func reconciliation(_ record: TreatmentSessionRecord, _ db: any SQLDatabase) async throws -> SessionDrawReconciliation? {
        let entries = try await entries(record.session.id, db)
        guard entries.contains(where: { $0.kind == .draw }) else { return nil }
        let sum: (MovementKind, KeyPath<RegisterMovement, RegisterAmount>) -> RegisterAmount = { kind, path in
            entries.filter { $0.kind == kind }.reduce(.zero) { $0 + $1[keyPath: path] }
        }
        return SessionDrawReconciliation(
            drawn: sum(.draw, \.amountOut), returned: sum(.return, \.amountIn),
            administered: SessionDrawReconciliation.administered(treatment: record.treatment, doseMg: record.administration?.details.doseMg,
                                                                 devicesUsed: record.devices.count),
            wasted: sum(.waste, \.wasted))
    }

    /// Why the session cannot be discharged or signed off, judged inside `db`'s transaction (nil when it can).
    public static func dischargeProblem(_ record: TreatmentSessionRecord, _ db: any SQLDatabase) async throws -> String? {
        let substance: ControlledSubstance = record.treatment == .esketamine ? .esketamine : .ketamine
        let inUse = try await db.raw("""
            SELECT p.id FROM register_products p JOIN treatment_sessions s ON s.id = \(bind: record.session.id.uuidString)
            JOIN patients pt ON pt.id = s.patient_id
            WHERE p.clinic_id = pt.clinic_id AND p.substance = \(bind: substance.rawValue) LIMIT 1
            """).first() != nil
        return SessionDrawReconciliation.dischargeProblem(try await reconciliation(record, db), dosed: record.doseStartedAt != nil,
                                                          registerInUse: inUse)
    }

    /// Why the session cannot be discharged or signed off (nil when it can), read now.
    public func dischargeProblem(of record: TreatmentSessionRecord) async throws -> String? {
        try await database.read { db in try await Self.dischargeProblem(record, db) }
    }

    // MARK: Verification

    /// Recomputes every kept balance from the full register: each line from its changes, each
    /// product from its entries and from its lines, and each product's numbering (1…n, no gaps).
    public func verify() async throws -> RegisterVerification {
        try await database.read { db in
            var result = RegisterVerification()
            let sums = try await db.raw("""
                SELECT line_id, CAST(SUM(units) AS BIGINT) AS u, CAST(SUM(micrograms) AS BIGINT) AS m FROM register_line_changes GROUP BY line_id
                """).all()
            var byLine: [String: (Int64, Int64)] = [:]
            for row in sums {
                byLine[try row.decode(column: "line_id", as: String.self)] = (try row.decode(column: "u", as: Int64.self), try row.decode(column: "m", as: Int64.self))
            }
            var lineTotals: [String: (Int64, Int64)] = [:]
            for row in try await db.raw("SELECT id, product_id, units, micrograms FROM register_stock").all() {
                let id = try row.decode(column: "id", as: String.self), product = try row.decode(column: "product_id", as: String.self)
                let kept = (try row.decode(column: "units", as: Int64.self), try row.decode(column: "micrograms", as: Int64.self))
                let summed = byLine[id] ?? (0, 0)
                result.linesChecked += 1
                if kept != summed {
                    result.problems.append("stock line \(id): kept \(kept.0) units / \(RegisterAmount(micrograms: kept.1)), "
                                           + "register says \(summed.0) units / \(RegisterAmount(micrograms: summed.1))")
                }
                let total = lineTotals[product] ?? (0, 0)
                lineTotals[product] = (total.0 + kept.0, total.1 + kept.1)
            }
            let movementSums = try await db.raw("""
                SELECT product_id, COUNT(*) AS n, MAX(sequence) AS last, CAST(SUM(units_in - units_out) AS BIGINT) AS u,
                    CAST(SUM(micrograms_in - micrograms_out) AS BIGINT) AS m
                FROM register_movements GROUP BY product_id
                """).all()
            var byProduct: [String: (Int64, Int64, Int64, Int64)] = [:]
            for row in movementSums {
                byProduct[try row.decode(column: "product_id", as: String.self)] = (
                    try row.decode(column: "n", as: Int64.self), try row.decode(column: "last", as: Int64.self),
                    try row.decode(column: "u", as: Int64.self), try row.decode(column: "m", as: Int64.self))
            }
            for row in try await db.raw("SELECT id, name, balance_units, balance_micrograms, last_sequence FROM register_products").all() {
                let id = try row.decode(column: "id", as: String.self), name = try row.decode(column: "name", as: String.self)
                let units = try row.decode(column: "balance_units", as: Int64.self), mg = try row.decode(column: "balance_micrograms", as: Int64.self)
                let last = try row.decode(column: "last_sequence", as: Int64.self)
                let summed = byProduct[id] ?? (0, 0, 0, 0)
                result.productsChecked += 1
                result.entriesChecked += summed.0
                if summed.0 != last || summed.1 != last {
                    result.problems.append("\(name): \(summed.0) entries numbered up to \(summed.1), the product's counter says \(last)")
                }
                if (units, mg) != (summed.2, summed.3) {
                    result.problems.append("\(name): kept balance \(units) units / \(RegisterAmount(micrograms: mg)), register entries sum to "
                                           + "\(summed.2) units / \(RegisterAmount(micrograms: summed.3))")
                }
                let lines = lineTotals[id] ?? (0, 0)
                if (units, mg) != lines {
                    result.problems.append("\(name): kept balance \(units) units / \(RegisterAmount(micrograms: mg)), its stock lines hold "
                                           + "\(lines.0) units / \(RegisterAmount(micrograms: lines.1))")
                }
            }
            return result
        }
    }

    // MARK: Decoding

    static func uuid(_ row: any SQLRow, _ column: String) throws -> UUID {
        guard let id = UUID(uuidString: try row.decode(column: column, as: String.self)) else { throw StoredDataError(what: "register \(column)") }
        return id
    }

    static func optionalUUID(_ row: any SQLRow, _ column: String) throws -> UUID? {
        try row.decode(column: column, as: String?.self).flatMap(UUID.init(uuidString:))
    }

    static func decodeProduct(_ row: any SQLRow) throws -> RegisterProduct {
        guard let substance = ControlledSubstance(rawValue: try row.decode(column: "substance", as: String.self)),
              let form = ProductForm(rawValue: try row.decode(column: "form", as: String.self)) else { throw StoredDataError(what: "register product") }
        return RegisterProduct(id: try uuid(row, "id"), name: try row.decode(column: "name", as: String.self), substance: substance, form: form,
                               perUnit: RegisterAmount(micrograms: try row.decode(column: "per_unit_micrograms", as: Int64.self)),
                               concentrationMicrogramsPerMl: try row.decode(column: "concentration_micrograms_per_ml", as: Int64?.self),
                               productCode: try row.decode(column: "product_code", as: String?.self))
    }

    static func decodeLot(_ row: any SQLRow) throws -> RegisterLot {
        guard let expiry = CalendarDate(iso: try row.decode(column: "expiry", as: String.self)) else { throw StoredDataError(what: "register lot expiry") }
        return RegisterLot(id: try uuid(row, "id"), productID: try uuid(row, "product_id"), lotNumber: try row.decode(column: "lot_number", as: String.self),
                           expiry: expiry)
    }

    static func decodeLine(_ row: any SQLRow) throws -> StockLine {
        StockLine(id: try uuid(row, "id"), productID: try uuid(row, "product_id"), lotID: try uuid(row, "lot_id"),
                  locationID: try uuid(row, "location_id"),
                  kind: StockLine.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .sealed,
                  units: try row.decode(column: "units", as: Int64.self),
                  amount: RegisterAmount(micrograms: try row.decode(column: "micrograms", as: Int64.self)),
                  openedAt: try row.decode(column: "opened_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
                  beyondUse: try row.decode(column: "beyond_use_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }

    static func decodeMovement(_ row: any SQLRow) throws -> RegisterMovement {
        guard let kind = MovementKind(rawValue: try row.decode(column: "kind", as: String.self)) else { throw StoredDataError(what: "register entry kind") }
        let amount: (String) throws -> RegisterAmount = { RegisterAmount(micrograms: try row.decode(column: $0, as: Int64.self)) }
        return RegisterMovement(
            id: try uuid(row, "id"), productID: try uuid(row, "product_id"), sequence: try row.decode(column: "sequence", as: Int64.self),
            kind: kind, occurredAt: Date(millisecondsSince1970: try row.decode(column: "occurred_at", as: Int64.self)),
            recordedByName: try row.decode(column: "recorded_by_name", as: String.self), recordedBy: try optionalUUID(row, "recorded_by"),
            witnessName: try row.decode(column: "witness_name", as: String?.self), lotID: try optionalUUID(row, "lot_id"),
            locationID: try optionalUUID(row, "location_id"), toLocationID: try optionalUUID(row, "to_location_id"),
            sessionID: try optionalUUID(row, "session_id"), drawID: try optionalUUID(row, "draw_id"), correctsID: try optionalUUID(row, "corrects_id"),
            unitsIn: try row.decode(column: "units_in", as: Int64.self), unitsOut: try row.decode(column: "units_out", as: Int64.self),
            amountIn: try amount("micrograms_in"), amountOut: try amount("micrograms_out"), wasted: try amount("micrograms_wasted"),
            balanceUnits: try row.decode(column: "balance_units", as: Int64.self), balanceAmount: try amount("balance_micrograms"),
            supplier: try row.decode(column: "supplier", as: String?.self), orderReference: try row.decode(column: "order_reference", as: String?.self),
            reason: try row.decode(column: "reason", as: String?.self), detail: try row.decode(column: "detail", as: String.self))
    }
}
