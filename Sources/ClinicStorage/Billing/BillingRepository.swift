import ClinicDomain
import Foundation
import SQLKit

/// Why a billing write was refused, in words for the user; nothing was stored.
public struct BillingRefusal: Error, Equatable, CustomStringConvertible {
    /// Why.
    public let reason: String
    /// A refusal for `reason`.
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// What capturing a session's charges did.
public enum CaptureOutcome: Equatable, Sendable {
    /// The session's first charges.
    case created([LedgerEntry])
    /// The session's charges changed (an amended record, a new policy): the old ones are reversed.
    case amended(reversed: [LedgerEntry], added: [LedgerEntry])
    /// The record gives the same charges as before; nothing was written.
    case unchanged([LedgerEntry])

    /// The session's charges in force afterwards.
    public var current: [LedgerEntry] {
        switch self {
        case .created(let lines), .unchanged(let lines), .amended(_, let lines): lines
        }
    }
}

/// Billing storage: the clinic's code table (shipped defaults plus its own rows), its fee schedule,
/// its charge-capture policy, charges captured from closed sessions, and the patient ledger.
/// Every write appends its audit entry in the same transaction; nothing is updated or deleted.
public struct BillingRepository: Sendable {
    private let database: ClinicDatabase
    private let policyColumn: ClinicJSONColumn<ChargeCapturePolicy>
    private let providerColumn: ClinicJSONColumn<BillingProvider>

    /// A repository over `database`.
    public init(database: ClinicDatabase) {
        self.database = database
        policyColumn = ClinicJSONColumn(database: database, column: "billing_policy", entityType: "billing_policy", defaults: .defaults)
        providerColumn = ClinicJSONColumn(database: database, column: "billing_provider", entityType: "billing_provider", defaults: .empty)
    }

    /// The clinic's billing and rendering provider details (empty until an administrator sets them).
    public func provider(of clinicID: UUID) async throws -> BillingProvider { try await providerColumn.value(of: clinicID) }

    /// Stores validated provider details, audited.
    public func updateProvider(_ provider: BillingProvider, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await providerColumn.update(try provider.validated(), of: clinicID, stamp: stamp)
    }

    /// One patient's account line for the overview.
    public struct AccountBalance: Sendable, Equatable {
        /// The patient.
        public let patientID: UUID
        /// Their name, family first.
        public let name: String
        /// Their MRN.
        public let mrn: String
        /// What they owe (negative: a credit).
        public let balance: Cents
    }

    /// Every patient whose ledger is not settled, largest balance first.
    public func openAccounts(in clinicID: UUID) async throws -> [AccountBalance] {
        try await database.read { db in
            try await db.raw("""
                SELECT p.id, p.given_name, p.family_name, p.mrn,
                  CAST(SUM(CASE WHEN e.kind IN ('charge', 'refund') THEN e.amount_cents ELSE -e.amount_cents END) AS BIGINT) AS balance
                FROM ledger_entries e JOIN patients p ON p.id = e.patient_id
                WHERE e.clinic_id = \(bind: clinicID.uuidString)
                GROUP BY p.id, p.given_name, p.family_name, p.mrn
                """).all().compactMap { row -> AccountBalance? in
                let balance = try row.decode(column: "balance", as: Int64.self)
                guard balance != 0, let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else { return nil }
                return AccountBalance(patientID: id,
                                      name: "\(try row.decode(column: "family_name", as: String.self)), \(try row.decode(column: "given_name", as: String.self))",
                                      mrn: try row.decode(column: "mrn", as: String.self), balance: Cents(balance))
            }.sorted { $0.balance > $1.balance }
        }
    }

    /// A patient's closed sessions, newest first, with whether charges are in force for each.
    public func closedSessions(of patientID: UUID) async throws -> [(id: UUID, date: CalendarDate, state: TreatmentSessionState, charged: Bool)] {
        try await database.read { db in
            try await db.raw("""
                SELECT s.id, s.scheduled_on, s.state,
                  (SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_entries e WHERE e.session_id = s.id AND e.kind = 'charge'
                     AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)) AS charged
                FROM treatment_sessions s WHERE s.patient_id = \(bind: patientID.uuidString)
                AND s.state IN ('discharged', 'stopped-early', 'cancelled', 'no-show')
                ORDER BY s.scheduled_on DESC, s.id
                """).all().compactMap { row in
                guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
                      let date = CalendarDate(iso: try row.decode(column: "scheduled_on", as: String.self)),
                      let state = TreatmentSessionState(rawValue: try row.decode(column: "state", as: String.self)) else { return nil }
                return (id, date, state, try row.decode(column: "charged", as: Int64.self) > 0)
            }
        }
    }

    // MARK: Codes

    /// The clinic's code table: the shipped defaults overlaid, code by code, by the clinic's own
    /// rows in the order they were added (a later row for the same code replaces its definition).
    public func codeTable(of clinicID: UUID) async throws -> [BillingCode] {
        let stored = try await database.read { db in
            try await db.select().columns("code_system", "code", "description", "unit", "valid_from", "valid_to", "source")
                .from("billing_codes").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .orderBy("added_at").orderBy("id").all()
                .map { row in
                    BillingCode(system: CodeSystem(rawValue: try row.decode(column: "code_system", as: String.self)) ?? .hcpcs,
                                code: try row.decode(column: "code", as: String.self),
                                description: try row.decode(column: "description", as: String.self),
                                unit: try row.decode(column: "unit", as: String.self),
                                validFrom: try row.decode(column: "valid_from", as: String?.self).flatMap(CalendarDate.init(iso:)),
                                validTo: try row.decode(column: "valid_to", as: String?.self).flatMap(CalendarDate.init(iso:)),
                                source: try row.decode(column: "source", as: String.self))
                }
        }
        var table = BillingCodeCatalog.defaults
        for code in stored {
            if let index = table.firstIndex(where: { $0.system == code.system && $0.code == code.code }) {
                table[index] = code
            } else {
                table.append(code)
            }
        }
        return table
    }

    /// Adds a code to the clinic's table, or replaces a code's definition (e.g. to retire it with
    /// a last day); validates first and audits.
    @discardableResult
    public func addCode(_ code: BillingCode, to clinicID: UUID, stamp: AuditStamp) async throws -> BillingCode {
        let clean = try code.validated()
        try await database.write { db in
            let id = UUID.random().uuidString
            try await db.insert(into: "billing_codes")
                .columns("id", "clinic_id", "code_system", "code", "description", "unit", "valid_from", "valid_to", "source", "added_at", "added_by")
                .values(SQLBind(id), SQLBind(clinicID.uuidString), SQLBind(clean.system.rawValue), SQLBind(clean.code),
                        SQLBind(clean.description), SQLBind(clean.unit), SQLBind(clean.validFrom?.iso), SQLBind(clean.validTo?.iso),
                        SQLBind(clean.source), SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.actorName))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "billing_code", entityID: id,
                                                 summary: "\(clean.system.displayName) \(clean.code) \(clean.validFrom?.iso ?? "…")–"
                                                     + "\(clean.validTo?.iso ?? "…") (\(clean.source))"),
                                      stamp: stamp, in: db)
        }
        return clean
    }

    // MARK: Fee schedule

    /// The clinic's fee schedule, oldest price first.
    public func feeSchedule(of clinicID: UUID) async throws -> [FeeScheduleItem] {
        try await database.read { db in
            try await db.select().columns("*").from("fee_schedule_items").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .orderBy("valid_from").orderBy("added_at").all().map(Self.feeItem)
        }
    }

    /// Adds a price, validated against the clinic's code table, and audits it.
    @discardableResult
    public func addFeeItem(_ item: FeeScheduleItem, to clinicID: UUID, stamp: AuditStamp) async throws -> FeeScheduleItem {
        let clean = try item.validated(codes: try await codeTable(of: clinicID))
        try await database.write { db in
            try await db.insert(into: "fee_schedule_items")
                .columns("id", "clinic_id", "service", "code_system", "code", "modifiers", "price_cents", "self_pay_cents", "valid_from",
                         "valid_to", "added_at", "added_by")
                .values(SQLBind(clean.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(clean.service), SQLBind(clean.system?.rawValue),
                        SQLBind(clean.code), SQLBind(clean.modifiers.joined(separator: ",")), SQLBind(clean.price.value),
                        SQLBind(clean.selfPayPrice.value), SQLBind(clean.validFrom.iso), SQLBind(clean.validTo?.iso),
                        SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.actorName))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "fee_schedule_item", entityID: clean.id.uuidString,
                                                 summary: "\(clean.service) \(clean.code ?? "") \(clean.price) (self-pay \(clean.selfPayPrice)) "
                                                     + "from \(clean.validFrom.iso)\(clean.validTo.map { " to \($0.iso)" } ?? "")"),
                                      stamp: stamp, in: db)
        }
        return clean
    }

    private static func feeItem(_ row: any SQLRow) throws -> FeeScheduleItem {
        let modifiers = try row.decode(column: "modifiers", as: String.self)
        return FeeScheduleItem(id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID.random(),
                               service: try row.decode(column: "service", as: String.self),
                               system: try row.decode(column: "code_system", as: String?.self).flatMap(CodeSystem.init(rawValue:)),
                               code: try row.decode(column: "code", as: String?.self),
                               modifiers: modifiers.isEmpty ? [] : modifiers.split(separator: ",").map(String.init),
                               price: Cents(try row.decode(column: "price_cents", as: Int64.self)),
                               selfPayPrice: Cents(try row.decode(column: "self_pay_cents", as: Int64.self)),
                               validFrom: CalendarDate(iso: try row.decode(column: "valid_from", as: String.self)) ?? CalendarDate(year: 1970, month: 1, day: 1)!,
                               validTo: try row.decode(column: "valid_to", as: String?.self).flatMap(CalendarDate.init(iso:)))
    }

    // MARK: Policy

    /// The clinic's charge-capture policy.
    public func policy(of clinicID: UUID) async throws -> ChargeCapturePolicy { try await policyColumn.value(of: clinicID) }

    /// Stores the clinic's charge-capture policy, audited.
    public func updatePolicy(_ policy: ChargeCapturePolicy, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await policyColumn.update(policy, of: clinicID, stamp: stamp)
    }

    // MARK: Ledger

    /// A patient's ledger, in the order entries were posted.
    public func ledger(of patientID: UUID, in clinicID: UUID) async throws -> [LedgerEntry] {
        try await database.read { db in try await Self.entries(patientID: patientID, clinicID: clinicID, in: db) }
    }

    /// The sums of a patient's ledger.
    public func summary(of patientID: UUID, in clinicID: UUID) async throws -> LedgerSummary {
        LedgerSummary(try await ledger(of: patientID, in: clinicID))
    }

    /// Posts a payment, refund or write-off after checking it against the balance inside the
    /// write, so two desks cannot overdraw the same account; throws ``FieldErrors`` and stores
    /// nothing when it does not fit.
    public func post(_ posting: LedgerPosting, patientID: UUID, clinicID: UUID, today: CalendarDate, stamp: AuditStamp) async throws -> LedgerEntry {
        try await database.write { db in
            guard try await db.select().column("id").from("patients").where("id", .equal, SQLBind(patientID.uuidString))
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).first() != nil else {
                throw BillingRefusal("No such patient in this clinic.")
            }
            let summary = LedgerSummary(try await Self.entries(patientID: patientID, clinicID: clinicID, in: db))
            let clean = try posting.validated(against: summary, today: today)
            let entry = LedgerEntry(patientID: patientID, kind: clean.kind, amount: clean.amount, postedOn: clean.postedOn,
                                    method: clean.method, reference: clean.reference, note: clean.note,
                                    recordedAt: stamp.at, recordedBy: stamp.actorName)
            try await Self.insert(entry, clinicID: clinicID, in: db)
            try await AuditLog.append(AuditEvent(.create, entityType: "ledger_entry", entityID: entry.id.uuidString, patientID: patientID,
                                                 summary: "\(clean.kind.displayName) \(clean.amount)"
                                                     + (clean.method.map { " by \($0.displayName)" } ?? "")
                                                     + (clean.reference.map { " ref \($0)" } ?? "")
                                                     + (clean.note.isEmpty ? "" : ": \(clean.note)")),
                                      stamp: stamp, in: db)
            return entry
        }
    }

    // MARK: Charge capture

    /// Captures a closed session's charges by the rules (``ChargeCapture``), priced from the fee
    /// schedule on the day of service (the self-pay price when `selfPay`). Run again after the
    /// session's record is amended, it reverses the charges that no longer hold and adds the new
    /// ones; when nothing changed it writes nothing. Throws ``CaptureRefusal`` when the session
    /// bills nothing, ``BillingRefusal`` when a line has no price; nothing is stored then.
    /// `selfPay` nil keeps the payer of the charges in force (self-pay for a first capture).
    /// A self-pay session covered by a prepaid package the patient bought draws from it
    /// (``PackageRepository``) instead of being charged the list price.
    public func captureCharges(session sessionID: UUID, clinicID: UUID, selfPay requested: Bool?, stamp: AuditStamp) async throws -> CaptureOutcome {
        guard let record = try await SessionRecordRepository(database: database).record(of: sessionID),
              let chart = try await SQLPatientRecordRepository(database: database).chart(record.session.patientID, in: clinicID) else {
            throw BillingRefusal("No such session in this clinic.")
        }
        let facts = SessionBillingFacts(record: record, diagnoses: chart.diagnoses.map(\.value.icd10))
        let lines = try ChargeCapture.lines(for: facts, policy: try await policy(of: clinicID)).get()
        let fees = try await feeSchedule(of: clinicID)
        let inForce = try await database.read { db in
            let entries = try await Self.entries(sessionID: sessionID, in: db)
            let reversed = Set(entries.compactMap(\.reverses))
            return entries.filter { $0.kind == .charge && !reversed.contains($0.id) }
        }
        let selfPay = requested ?? inForce.first?.selfPay ?? true
        let priced: [LedgerEntry] = try lines.map { line in
            guard let key = line.code ?? line.service, let fee = FeeScheduleItem.find(key, on: facts.serviceDate, in: fees) else {
                throw BillingRefusal("The fee schedule has no price for \(line.code ?? line.service ?? "the line") on \(facts.serviceDate.iso); "
                                     + "add one before capturing this session.")
            }
            guard let amount = (selfPay ? fee.selfPayPrice : fee.price).times(line.units), amount.value > 0, amount <= Cents.maximumEntry else {
                throw BillingRefusal("\(key) × \(line.units) is priced at zero or beyond the largest charge; check the fee schedule.")
            }
            let diagnoses = line.diagnosisPointers.compactMap { facts.diagnoses.indices.contains($0 - 1) ? facts.diagnoses[$0 - 1] : nil }
            return LedgerEntry(patientID: facts.patientID, kind: .charge, amount: amount, postedOn: facts.serviceDate, sessionID: sessionID,
                               code: key, units: line.units, diagnoses: diagnoses, note: line.rule, selfPay: selfPay, recordedAt: stamp.at, recordedBy: stamp.actorName)
        }
        return try await database.write { db in
            let priced = try await PackageRepository.drawing(priced, session: sessionID, patientID: facts.patientID, clinicID: clinicID,
                                                             on: facts.serviceDate, in: db)
            let existing = try await Self.entries(sessionID: sessionID, in: db)
            let reversedIDs = Set(existing.compactMap(\.reverses))
            let current = existing.filter { $0.kind == .charge && !reversedIDs.contains($0.id) }
            func signature(_ entries: [LedgerEntry]) -> [String] {
                entries.map { "\($0.code ?? "")|\($0.units ?? 0)|\($0.amount.value)|\($0.selfPay)|\($0.diagnoses.joined(separator: ","))|\($0.packageID?.uuidString ?? "")" }
                    .sorted()
            }
            if !current.isEmpty, signature(current) == signature(priced) { return .unchanged(current) }
            var reversals: [LedgerEntry] = []
            for charge in current {
                let reversal = LedgerEntry(patientID: charge.patientID, kind: .chargeReversal, amount: charge.amount, postedOn: charge.postedOn,
                                           sessionID: sessionID, code: charge.code, units: charge.units, diagnoses: charge.diagnoses,
                                           note: "Session record amended: charges recaptured", selfPay: charge.selfPay, reverses: charge.id,
                                           recordedAt: stamp.at, recordedBy: stamp.actorName)
                try await Self.insert(reversal, clinicID: clinicID, in: db)
                reversals.append(reversal)
            }
            for entry in priced { try await Self.insert(entry, clinicID: clinicID, in: db) }
            let codes = priced.map { "\($0.code ?? "") × \($0.units ?? 1) \($0.amount)" }.joined(separator: "; ")
            try await AuditLog.append(AuditEvent(current.isEmpty ? .create : .amend, entityType: "session_charges", entityID: sessionID.uuidString,
                                                 patientID: facts.patientID,
                                                 summary: (current.isEmpty ? "Charges captured: " : "Charges recaptured after amendment: ")
                                                     + codes + (selfPay ? " (self-pay)" : " (insurer)")),
                                      stamp: stamp, in: db)
            return current.isEmpty ? .created(priced) : .amended(reversed: reversals, added: priced)
        }
    }

    /// The sessions closed on days from `from` to `to` in the clinic, for capturing a period.
    public func closedSessions(in clinicID: UUID, from: CalendarDate, to: CalendarDate) async throws -> [UUID] {
        try await database.read { db in
            try await db.raw("""
                SELECT s.id FROM treatment_sessions s JOIN patients p ON p.id = s.patient_id
                WHERE p.clinic_id = \(bind: clinicID.uuidString) AND s.scheduled_on >= \(bind: from.iso) AND s.scheduled_on <= \(bind: to.iso)
                AND s.state IN ('discharged', 'stopped-early', 'cancelled', 'no-show')
                ORDER BY s.scheduled_on, s.id
                """).all().compactMap { UUID(uuidString: try $0.decode(column: "id", as: String.self)) }
        }
    }

    // MARK: Rows

    static func insert(_ entry: LedgerEntry, clinicID: UUID, in db: any SQLDatabase) async throws {
        try await db.insert(into: "ledger_entries")
            .columns("id", "clinic_id", "patient_id", "kind", "amount_cents", "posted_on", "session_id", "code", "units", "diagnoses", "self_pay", "method",
                     "reference", "note", "reverses_id", "recorded_at", "recorded_by", "package_id")
            .values(SQLBind(entry.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(entry.patientID.uuidString), SQLBind(entry.kind.rawValue),
                    SQLBind(entry.amount.value), SQLBind(entry.postedOn.iso), SQLBind(entry.sessionID?.uuidString), SQLBind(entry.code),
                    SQLBind(entry.units), SQLBind(entry.diagnoses.joined(separator: ",")), SQLBind(entry.selfPay), SQLBind(entry.method?.rawValue), SQLBind(entry.reference), SQLBind(entry.note),
                    SQLBind(entry.reverses?.uuidString), SQLBind(entry.recordedAt.millisecondsSince1970), SQLBind(entry.recordedBy),
                    SQLBind(entry.packageID?.uuidString))
            .run()
    }

    static func entries(patientID: UUID, clinicID: UUID, in db: any SQLDatabase) async throws -> [LedgerEntry] {
        try await db.select().columns("*").from("ledger_entries").where("patient_id", .equal, SQLBind(patientID.uuidString))
            .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).orderBy("posted_on").orderBy("recorded_at").orderBy("id")
            .all().map(entry)
    }

    static func entries(sessionID: UUID, in db: any SQLDatabase) async throws -> [LedgerEntry] {
        try await db.select().columns("*").from("ledger_entries").where("session_id", .equal, SQLBind(sessionID.uuidString))
            .orderBy("recorded_at").orderBy("id").all().map(entry)
    }

    static func entry(_ row: any SQLRow) throws -> LedgerEntry {
        LedgerEntry(id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID.random(),
                    patientID: UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) ?? UUID.random(),
                    kind: LedgerEntryKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .charge,
                    amount: Cents(try row.decode(column: "amount_cents", as: Int64.self)),
                    postedOn: CalendarDate(iso: try row.decode(column: "posted_on", as: String.self)) ?? CalendarDate(year: 1970, month: 1, day: 1)!,
                    sessionID: try row.decode(column: "session_id", as: String?.self).flatMap(UUID.init(uuidString:)),
                    code: try row.decode(column: "code", as: String?.self),
                    units: try row.decode(column: "units", as: Int?.self),
                    diagnoses: try row.decode(column: "diagnoses", as: String.self).split(separator: ",").map(String.init),
                    method: try row.decode(column: "method", as: String?.self).flatMap(PaymentMethod.init(rawValue:)),
                    reference: try row.decode(column: "reference", as: String?.self),
                    note: try row.decode(column: "note", as: String.self),
                    selfPay: try row.decode(column: "self_pay", as: Bool.self),
                    reverses: try row.decode(column: "reverses_id", as: String?.self).flatMap(UUID.init(uuidString:)),
                    packageID: try row.decode(column: "package_id", as: String?.self).flatMap(UUID.init(uuidString:)),
                    recordedAt: Date(millisecondsSince1970: try row.decode(column: "recorded_at", as: Int64.self)),
                    recordedBy: try row.decode(column: "recorded_by", as: String.self))
    }
}
