import ClinicDomain
import Foundation
import SQLKit

/// Prepaid session packages: the clinic's offers, their sale to patients (with the prepayment
/// posted in the same transaction), and the draw-down: a self-pay session whose lines carry a
/// package's codes is charged its share of the package price instead of the list price, until
/// the sessions bought are used. Append-only and audited.
public struct PackageRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// The clinic's packages, by first day of sale.
    public func packages(of clinicID: UUID) async throws -> [SessionPackage] {
        try await database.read { db in
            try await db.select().columns("*").from("session_packages").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .orderBy("valid_from").orderBy("added_at").orderBy("id").all().map { row in
                    SessionPackage(id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID.random(),
                                   name: try row.decode(column: "name", as: String.self), sessions: try row.decode(column: "sessions", as: Int.self),
                                   price: Cents(try row.decode(column: "price_cents", as: Int64.self)),
                                   codes: Self.codes(try row.decode(column: "codes", as: String.self)),
                                   validFrom: CalendarDate(iso: try row.decode(column: "valid_from", as: String.self)) ?? CalendarDate(year: 1970, month: 1, day: 1)!,
                                   validTo: try row.decode(column: "valid_to", as: String?.self).flatMap(CalendarDate.init(iso:)))
                }
        }
    }

    /// Adds a package after validating it against the clinic's code table; audited.
    @discardableResult
    public func addPackage(_ package: SessionPackage, to clinicID: UUID, stamp: AuditStamp) async throws -> SessionPackage {
        let clean = try package.validated(codes: try await BillingRepository(database: database).codeTable(of: clinicID))
        try await database.write { db in
            try await db.insert(into: "session_packages")
                .columns("id", "clinic_id", "name", "sessions", "price_cents", "codes", "valid_from", "valid_to", "added_at", "added_by")
                .values(SQLBind(clean.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(clean.name), SQLBind(clean.sessions),
                        SQLBind(clean.price.value), SQLBind(clean.codes.joined(separator: ",")), SQLBind(clean.validFrom.iso),
                        SQLBind(clean.validTo?.iso), SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.actorName))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "session_package", entityID: clean.id.uuidString,
                                                 summary: "\(clean.name): \(clean.sessions) sessions for \(clean.price) "
                                                     + "(\(clean.codes.joined(separator: " "))) on sale from \(clean.validFrom.iso)"
                                                     + (clean.validTo.map { " to \($0.iso)" } ?? "")),
                                      stamp: stamp, in: db)
        }
        return clean
    }

    /// The prepayment taken when a package is sold.
    public struct Prepayment: Sendable, Equatable {
        /// How it was paid.
        public var method: PaymentMethod
        /// The external reference (required for anything but cash).
        public var reference: String?

        /// Creates a prepayment.
        public init(method: PaymentMethod, reference: String?) {
            self.method = method
            self.reference = reference
        }
    }

    /// Sells `packageID` to a patient on `day`, and when `prepayment` is given posts the package
    /// price as a payment (kept as a credit that the package's sessions draw down) in the same
    /// transaction. Field errors, and nothing stored, for a package not on sale that day, a
    /// future day, or a prepayment the ledger refuses (e.g. a card number as the reference).
    public func sell(_ packageID: UUID, to patientID: UUID, clinicID: UUID, on day: CalendarDate, prepayment: Prepayment?, today: CalendarDate,
                     stamp: AuditStamp) async throws -> PackagePurchase {
        guard let package = try await packages(of: clinicID).first(where: { $0.id == packageID }) else {
            throw BillingRefusal("No such package in this clinic.")
        }
        var errors = FieldErrors()
        if day > today { errors.add("purchasedOn", "The date is in the future.") }
        if !package.onSale(day) { errors.add("packageId", "\(package.name) is not on sale on \(day.iso).") }
        try errors.throwIfAny()
        let purchase = PackagePurchase(of: package, patientID: patientID, on: day)
        try await database.write { db in
            guard try await db.select().column("id").from("patients").where("id", .equal, SQLBind(patientID.uuidString))
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).first() != nil else {
                throw BillingRefusal("No such patient in this clinic.")
            }
            try await db.insert(into: "package_purchases")
                .columns("id", "clinic_id", "patient_id", "package_id", "name", "sessions", "price_cents", "codes", "purchased_on", "recorded_at",
                         "recorded_by")
                .values(SQLBind(purchase.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(patientID.uuidString), SQLBind(package.id.uuidString),
                        SQLBind(purchase.name), SQLBind(purchase.sessions), SQLBind(purchase.price.value), SQLBind(purchase.codes.joined(separator: ",")),
                        SQLBind(day.iso), SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.actorName))
                .run()
            var summary = "\(purchase.name) sold: \(purchase.sessions) sessions for \(purchase.price)"
            if let prepayment {
                let balance = LedgerSummary(try await BillingRepository.entries(patientID: patientID, clinicID: clinicID, in: db))
                let posting = try LedgerPosting(kind: .payment, amount: purchase.price, method: prepayment.method, reference: prepayment.reference,
                                                note: "Prepaid package: \(purchase.name)", postedOn: day, allowCredit: true)
                    .validated(against: balance, today: today)
                let entry = LedgerEntry(patientID: patientID, kind: .payment, amount: posting.amount, postedOn: day, method: posting.method,
                                        reference: posting.reference, note: posting.note, recordedAt: stamp.at, recordedBy: stamp.actorName)
                try await BillingRepository.insert(entry, clinicID: clinicID, in: db)
                summary += ", prepaid by \(prepayment.method.displayName)" + (posting.reference.map { " ref \($0)" } ?? "")
            }
            try await AuditLog.append(AuditEvent(.create, entityType: "package_purchase", entityID: purchase.id.uuidString, patientID: patientID,
                                                 summary: summary),
                                      stamp: stamp, in: db)
        }
        return purchase
    }

    /// A patient's purchases, oldest first, with the sessions drawn and what they carry.
    public func standings(of patientID: UUID, clinicID: UUID) async throws -> [PackageStanding] {
        try await database.read { db in
            var out: [PackageStanding] = []
            for purchase in try await Self.purchases(of: patientID, clinicID: clinicID, in: db) {
                let drawn = try await Self.drawnCharges(purchase.id, in: db)
                out.append(PackageStanding(purchase: purchase, used: Set(drawn.compactMap(\.sessionID)).count,
                                           drawn: Cents.sum(drawn.map(\.amount)) ?? .zero))
            }
            return out
        }
    }

    /// `lines` (a session's priced self-pay charges) with the lines a package covers repriced at
    /// the session's share of the oldest purchase (bought on or before the day of service) that
    /// still has a session left, or that this session already draws from. Lines of insurer-billed
    /// sessions, and sessions no purchase covers, are returned unchanged.
    static func drawing(_ lines: [LedgerEntry], session: UUID, patientID: UUID, clinicID: UUID, on day: CalendarDate,
                        in db: any SQLDatabase) async throws -> [LedgerEntry] {
        guard let first = lines.first, first.selfPay else { return lines }
        for purchase in try await purchases(of: patientID, clinicID: clinicID, in: db) where purchase.purchasedOn <= day {
            let covered = lines.indices.filter { lines[$0].code.map(purchase.codes.contains) ?? false }
            guard !covered.isEmpty else { continue }
            let drawn = try await drawnCharges(purchase.id, in: db)
            let own = drawn.filter { $0.sessionID == session }
            let others = Dictionary(grouping: drawn.filter { $0.sessionID != session }, by: { $0.sessionID })
                .values.map { Cents.sum($0.map(\.amount)) ?? .zero }
            guard let amount = own.isEmpty ? purchase.nextSessionAmount(drawn: others) : Cents.sum(own.map(\.amount)) else { continue }
            let shares = PackagePurchase.split(amount, over: covered.map { lines[$0].amount })
            guard shares.count == covered.count else { continue }
            var out = lines
            for (share, index) in zip(shares, covered) {
                out[index].amount = share
                out[index].packageID = purchase.id
                out[index].note += " · drawn from the package “\(purchase.name)” bought \(purchase.purchasedOn.iso)"
            }
            return out
        }
        return lines
    }

    static func purchases(of patientID: UUID, clinicID: UUID, in db: any SQLDatabase) async throws -> [PackagePurchase] {
        try await db.select().columns("*").from("package_purchases").where("patient_id", .equal, SQLBind(patientID.uuidString))
            .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).orderBy("purchased_on").orderBy("recorded_at").orderBy("id").all()
            .map { row in
                PackagePurchase(id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID.random(), patientID: patientID,
                                packageID: UUID(uuidString: try row.decode(column: "package_id", as: String.self)) ?? UUID.random(),
                                name: try row.decode(column: "name", as: String.self), sessions: try row.decode(column: "sessions", as: Int.self),
                                price: Cents(try row.decode(column: "price_cents", as: Int64.self)),
                                codes: codes(try row.decode(column: "codes", as: String.self)),
                                purchasedOn: CalendarDate(iso: try row.decode(column: "purchased_on", as: String.self)) ?? CalendarDate(year: 1970, month: 1, day: 1)!)
            }
    }

    /// The charges in force that draw from a purchase.
    static func drawnCharges(_ purchaseID: UUID, in db: any SQLDatabase) async throws -> [LedgerEntry] {
        try await db.raw("""
            SELECT e.* FROM ledger_entries e WHERE e.package_id = \(bind: purchaseID.uuidString) AND e.kind = 'charge'
            AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
            """).all().map(BillingRepository.entry)
    }

    private static func codes(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
}
