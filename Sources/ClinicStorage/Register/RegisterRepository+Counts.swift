import ClinicDomain
import Foundation
import SQLKit

/// A count as stored, with its lines.
public struct RegisterCountRecord: Sendable, Equatable {
    /// Identifier.
    public let id: UUID
    /// Why it was made.
    public let kind: CountKind
    /// When.
    public let countedAt: Date
    /// Who counted and who counted with them.
    public let countedByName: String, witnessName: String
    /// A note.
    public let note: String?
    /// What was counted, line by line.
    public let lines: [CountLine]
    /// Lines whose count differed from the register.
    public var discrepantLines: Int { lines.filter(\.isDiscrepant).count }
}

extension RegisterRepository {
    /// Records a count made by the signer and the witness (two people) and opens a discrepancy
    /// for every line whose count differs from the kept balance at that moment. The expected
    /// figures are read inside the write, so an entry made while counting is never mistaken for one.
    @discardableResult
    public func recordCount(kind: CountKind, counted: [UUID: (units: String?, amountMg: String?)], note: String?, clinicID: UUID,
                            signature: RegisterSignature) async throws -> RegisterCountRecord {
        guard let witness = signature.witness else { throw RegisterRefusal("witnessEmail", "A second person counts with you and confirms.") }
        return try await database.write { db in
            let catalogue = try await Self.catalogue(clinicID, db)
            let lines = try await Self.stock(clinicID, includeEmpty: false, db)
            guard !lines.isEmpty else { throw RegisterRefusal("form", "There is no stock to count.") }
            var countLines: [CountLine] = []
            var errors = FieldErrors()
            for line in lines {
                guard let product = catalogue.product(line.productID) else { continue }
                let typed = counted[line.id]
                do {
                    countLines.append(try CountLine.parse(line: line, product: product, units: typed?.units, amountMg: typed?.amountMg))
                } catch let refusal as RegisterRefusal {
                    errors.add(refusal.field, refusal.reason)
                }
            }
            try errors.throwIfAny()
            let id = UUID.random(), at = signature.stamp.at.millisecondsSince1970
            try await db.insert(into: "register_counts")
                .columns("id", "clinic_id", "kind", "counted_at", "counted_by", "counted_by_name", "witness_id", "witness_name", "note")
                .values(SQLBind(id.uuidString), SQLBind(clinicID.uuidString), SQLBind(kind.rawValue), SQLBind(at),
                        SQLBind(signature.stamp.userID?.uuidString), SQLBind(signature.name), SQLBind(witness.userID.uuidString),
                        SQLBind(witness.signature), SQLBind(note?.nilIfEmpty))
                .run()
            var events = [AuditEvent(.create, entityType: "register_count", entityID: id.uuidString,
                                     summary: "\(kind.displayName) count of \(countLines.count) stock line(s) with \(witness.email); "
                                         + "\(countLines.filter(\.isDiscrepant).count) discrepant")]
            for line in countLines {
                try await db.insert(into: "register_count_lines")
                    .columns("count_id", "line_id", "expected_units", "expected_micrograms", "counted_units", "counted_micrograms")
                    .values(SQLBind(id.uuidString), SQLBind(line.lineID.uuidString), SQLBind(line.expectedUnits), SQLBind(line.expectedAmount.micrograms),
                            SQLBind(line.countedUnits), SQLBind(line.countedAmount.micrograms))
                    .run()
                guard line.isDiscrepant, let stock = lines.first(where: { $0.id == line.lineID }) else { continue }
                let discrepancy = UUID.random()
                try await db.insert(into: "register_discrepancies")
                    .columns("id", "clinic_id", "count_id", "line_id", "product_id", "lot_id", "location_id", "expected_units",
                             "expected_micrograms", "counted_units", "counted_micrograms", "found_at")
                    .values(SQLBind(discrepancy.uuidString), SQLBind(clinicID.uuidString), SQLBind(id.uuidString), SQLBind(line.lineID.uuidString),
                            SQLBind(stock.productID.uuidString), SQLBind(stock.lotID.uuidString), SQLBind(stock.locationID.uuidString),
                            SQLBind(line.expectedUnits), SQLBind(line.expectedAmount.micrograms), SQLBind(line.countedUnits),
                            SQLBind(line.countedAmount.micrograms), SQLBind(at))
                    .run()
                let name = catalogue.product(stock.productID)?.name ?? "?"
                events.append(AuditEvent(.create, entityType: "register_discrepancy", entityID: discrepancy.uuidString,
                                         summary: "\(name), lot \(catalogue.lotText(stock.lotID)), \(catalogue.locationName(stock.locationID)): "
                                             + "register \(line.expectedUnits) unit(s) / \(line.expectedAmount), counted \(line.countedUnits) unit(s) / \(line.countedAmount)"))
            }
            try await AuditLog.append(events, stamp: signature.stamp, in: db)
            return RegisterCountRecord(id: id, kind: kind, countedAt: signature.stamp.at, countedByName: signature.name,
                                       witnessName: witness.signature, note: note?.nilIfEmpty, lines: countLines)
        }
    }

    /// The clinic's counts, newest first.
    public func counts(clinicID: UUID, limit: Int = 50) async throws -> [RegisterCountRecord] {
        try await database.read { db in
            let rows = try await db.raw("""
                SELECT * FROM register_counts WHERE clinic_id = \(bind: clinicID.uuidString) ORDER BY counted_at DESC LIMIT \(bind: limit)
                """).all()
            var result: [RegisterCountRecord] = []
            for row in rows {
                let id = try Self.uuid(row, "id")
                let lines = try await db.raw("SELECT * FROM register_count_lines WHERE count_id = \(bind: id.uuidString)").all().map { line in
                    CountLine(lineID: try Self.uuid(line, "line_id"), expectedUnits: try line.decode(column: "expected_units", as: Int64.self),
                              expectedAmount: RegisterAmount(micrograms: try line.decode(column: "expected_micrograms", as: Int64.self)),
                              countedUnits: try line.decode(column: "counted_units", as: Int64.self),
                              countedAmount: RegisterAmount(micrograms: try line.decode(column: "counted_micrograms", as: Int64.self)))
                }
                result.append(RegisterCountRecord(
                    id: id, kind: CountKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .other,
                    countedAt: Date(millisecondsSince1970: try row.decode(column: "counted_at", as: Int64.self)),
                    countedByName: try row.decode(column: "counted_by_name", as: String.self),
                    witnessName: try row.decode(column: "witness_name", as: String.self), note: try row.decode(column: "note", as: String?.self),
                    lines: lines))
            }
            return result
        }
    }

    /// The clinic's discrepancies: the open ones (oldest first), or every one (newest first).
    public func discrepancies(clinicID: UUID, openOnly: Bool) async throws -> [RegisterDiscrepancy] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM register_discrepancies WHERE clinic_id = \(bind: clinicID.uuidString)
                AND (\(bind: !openOnly) OR closed_at IS NULL) ORDER BY found_at \(unsafeRaw: openOnly ? "ASC" : "DESC") LIMIT 500
                """).all().map(Self.decodeDiscrepancy)
        }
    }

    /// One discrepancy.
    public func discrepancy(_ id: UUID) async throws -> RegisterDiscrepancy? {
        try await database.read { db in
            try await db.raw("SELECT * FROM register_discrepancies WHERE id = \(bind: id.uuidString)").first().map(Self.decodeDiscrepancy)
        }
    }

    /// Closes a discrepancy once, with how and why. A register error or a loss adds an adjustment
    /// entry that brings the line to what was counted (the line's current balance moved by the
    /// count's difference, so entries made since the count stand).
    @discardableResult
    public func closeDiscrepancy(_ id: UUID, resolution: DiscrepancyResolution, reason: String?, clinicID: UUID,
                                 signature: RegisterSignature) async throws -> RegisterDiscrepancy {
        let reason = try RegisterDiscrepancy.validReason(reason)
        return try await database.write { db in
            guard let row = try await db.raw("""
                SELECT * FROM register_discrepancies WHERE id = \(bind: id.uuidString) AND clinic_id = \(bind: clinicID.uuidString)
                """).first() else { throw RegisterRefusal("", "There is no such discrepancy.") }
            let found = try Self.decodeDiscrepancy(row)
            guard found.isOpen else { throw RegisterRefusal("", "This discrepancy was closed on \(found.closing!.at) by \(found.closing!.byName).") }
            var adjustment: UUID?
            if resolution.adjustsRegister {
                let product = try await Self.lockProduct(found.productID, clinicID: clinicID, db)
                let line = try await Self.requireLine(found.lineID, db)
                let units = found.countedUnits - found.expectedUnits, amount = found.countedAmount - found.expectedAmount
                let target = (line.units + units, line.amount + amount)
                var effect = try RegisterLedger.adjust(product, line: line, toUnits: target.0, amount: target.1)
                effect.detail += resolution == .loss ? " (loss)" : " (register error)"
                let entry = try await Self.append(effect, EntryFields(kind: .countAdjustment, lotID: line.lotID, locationID: line.locationID,
                                                                       reason: "\(resolution.displayName): \(reason)"),
                                                  product: product, clinicID: clinicID, signature: signature, db)
                adjustment = entry.id
            }
            let at = signature.stamp.at.millisecondsSince1970
            let updated = try await db.raw("""
                UPDATE register_discrepancies SET closed_at = \(bind: at), closed_by = \(bind: signature.stamp.userID?.uuidString),
                    closed_by_name = \(bind: signature.name), resolution = \(bind: resolution.rawValue), reason = \(bind: reason),
                    adjustment_id = \(bind: adjustment?.uuidString)
                WHERE id = \(bind: id.uuidString) AND closed_at IS NULL RETURNING *
                """).first()
            guard let updated else { throw RegisterRefusal("", "This discrepancy was closed meanwhile.") }
            try await AuditLog.append(AuditEvent(.update, entityType: "register_discrepancy", entityID: id.uuidString,
                                                 summary: "closed: \(resolution.displayName); \(reason)"), stamp: signature.stamp, in: db)
            return try Self.decodeDiscrepancy(updated)
        }
    }

    static func decodeDiscrepancy(_ row: any SQLRow) throws -> RegisterDiscrepancy {
        let closing: RegisterDiscrepancy.Closing? = try row.decode(column: "closed_at", as: Int64?.self).map { at in
            RegisterDiscrepancy.Closing(at: Date(millisecondsSince1970: at), byName: try row.decode(column: "closed_by_name", as: String?.self) ?? "",
                                        resolution: DiscrepancyResolution(rawValue: try row.decode(column: "resolution", as: String?.self) ?? "") ?? .countError,
                                        reason: try row.decode(column: "reason", as: String?.self) ?? "",
                                        adjustmentID: try optionalUUID(row, "adjustment_id"))
        }
        return RegisterDiscrepancy(
            id: try uuid(row, "id"), countID: try uuid(row, "count_id"), lineID: try uuid(row, "line_id"), productID: try uuid(row, "product_id"),
            lotID: try uuid(row, "lot_id"), locationID: try uuid(row, "location_id"),
            expectedUnits: try row.decode(column: "expected_units", as: Int64.self),
            expectedAmount: RegisterAmount(micrograms: try row.decode(column: "expected_micrograms", as: Int64.self)),
            countedUnits: try row.decode(column: "counted_units", as: Int64.self),
            countedAmount: RegisterAmount(micrograms: try row.decode(column: "counted_micrograms", as: Int64.self)),
            foundAt: Date(millisecondsSince1970: try row.decode(column: "found_at", as: Int64.self)), closing: closing)
    }
}
