import Foundation

/// An itemised statement a self-pay patient sends their insurer to claim out-of-network
/// benefits: provider and patient, the diagnoses, and each service with its date, place,
/// code, modifiers, diagnosis pointers, units, charge and what was paid. Built from the
/// ledger, so it always matches the account.
public struct Superbill: Equatable, Sendable {
    /// One service line.
    public struct Line: Equatable, Sendable {
        /// Day of service.
        public var date: CalendarDate
        /// Place of service.
        public var placeOfService: String
        /// The code.
        public var code: String
        /// Its descriptor from the clinic's table.
        public var description: String
        /// Modifiers.
        public var modifiers: [String]
        /// Pointers (A–L) into ``Superbill/diagnoses``.
        public var pointers: [String]
        /// Units.
        public var units: Int
        /// The charge.
        public var charge: Cents
        /// The part of the charge paid (payments applied oldest charge first).
        public var paid: Cents
    }

    /// The provider.
    public var provider: BillingProvider
    /// Patient's name.
    public var patientName: String
    /// Date of birth.
    public var dateOfBirth: CalendarDate
    /// Medical record number.
    public var mrn: String
    /// First day covered.
    public var from: CalendarDate
    /// Last day covered.
    public var to: CalendarDate
    /// The diagnoses the lines point to, with their descriptors.
    public var diagnoses: [(code: String, description: String)]
    /// The lines.
    public var lines: [Line]

    /// Total charges.
    public var totalCharges: Cents { Cents.sum(lines.map(\.charge)) ?? .zero }
    /// Total paid.
    public var totalPaid: Cents { Cents.sum(lines.map(\.paid)) ?? .zero }
    /// What is still owed on these lines.
    public var balance: Cents { Cents(totalCharges.value - totalPaid.value) }

    /// Letters for diagnosis pointers, as a professional claim uses them (A–L).
    public static let pointerLetters = Array("ABCDEFGHIJKL").map(String.init)

    /// The superbill of the charges in force (not reversed) from `from` to `to`, or of one
    /// session when `sessionID` is given, with each line's paid share.
    public static func build(provider: BillingProvider, patientName: String, dateOfBirth: CalendarDate, mrn: String,
                             entries: [LedgerEntry], codes: [BillingCode], fees: [FeeScheduleItem],
                             from: CalendarDate, to: CalendarDate, sessionID: UUID? = nil) -> Superbill {
        let paid = LedgerAllocation.paidPerCharge(entries)
        let reversed = Set(entries.compactMap(\.reverses))
        let charges = entries.filter { entry in
            entry.kind == .charge && !reversed.contains(entry.id) && entry.postedOn >= from && entry.postedOn <= to
                && (sessionID == nil || entry.sessionID == sessionID)
        }
        var diagnosisCodes: [String] = []
        for code in charges.flatMap(\.diagnoses) where !diagnosisCodes.contains(code) && diagnosisCodes.count < pointerLetters.count {
            diagnosisCodes.append(code)
        }
        let diagnoses = diagnosisCodes.map { code in
            (code: code, description: codes.last { $0.system == .icd10cm && $0.code == code }?.description ?? Diagnosis(icd10: code).title)
        }
        let lines = charges.map { entry in
            let code = entry.code ?? ""
            return Line(date: entry.postedOn, placeOfService: provider.placeOfService, code: code,
                        description: codes.last { $0.code == code && $0.system != .icd10cm }?.description
                            ?? fees.last { $0.key == code }?.service ?? code,
                        modifiers: FeeScheduleItem.find(code, on: entry.postedOn, in: fees)?.modifiers ?? [],
                        pointers: entry.diagnoses.compactMap { diagnosisCodes.firstIndex(of: $0).map { pointerLetters[$0] } },
                        units: entry.units ?? 1, charge: entry.amount, paid: paid[entry.id] ?? .zero)
        }
        return Superbill(provider: provider, patientName: patientName, dateOfBirth: dateOfBirth, mrn: mrn, from: from, to: to,
                         diagnoses: diagnoses, lines: lines)
    }

    /// The superbill as CSV (RFC 4180, CRLF), one row per line, provider and patient repeated
    /// so each row stands alone in a spreadsheet.
    public var csv: String {
        var rows = ["date_of_service,place_of_service,code,modifiers,description,diagnosis_pointers,diagnosis_codes,units,charge,paid,"
                    + "patient,date_of_birth,mrn,billing_provider,billing_npi,tax_id,rendering_provider,rendering_npi"]
        for line in lines {
            let codes = line.pointers.compactMap { Self.pointerLetters.firstIndex(of: $0) }.map { diagnoses[$0].code }
            rows.append([line.date.iso, line.placeOfService, line.code, line.modifiers.joined(separator: " "), line.description,
                         line.pointers.joined(), codes.joined(separator: " "), String(line.units), line.charge.decimal, line.paid.decimal,
                         patientName, dateOfBirth.iso, mrn, provider.practiceName, provider.billingNPI, provider.taxID,
                         provider.renderingName, provider.renderingNPI].map(Self.field).joined(separator: ","))
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }

    /// One CSV field (``BillingCSV/field(_:)``: quoted when needed, formula characters neutralised).
    static func field(_ text: String) -> String { BillingCSV.field(text) }

    public static func == (lhs: Superbill, rhs: Superbill) -> Bool {
        lhs.provider == rhs.provider && lhs.patientName == rhs.patientName && lhs.lines == rhs.lines && lhs.from == rhs.from && lhs.to == rhs.to
            && lhs.diagnoses.map(\.code) == rhs.diagnoses.map(\.code)
    }
}

/// How payments meet charges: what a patient paid (less refunds) is applied to the charges in
/// force oldest first, so each line of a superbill or statement shows its paid share.
public enum LedgerAllocation {
    /// The paid share of each charge in force, by charge id.
    public static func paidPerCharge(_ entries: [LedgerEntry]) -> [UUID: Cents] {
        let reversed = Set(entries.compactMap(\.reverses))
        var pool = entries.reduce(Int64(0)) { sum, entry in
            switch entry.kind {
            case .payment: sum &+ entry.amount.value
            case .refund: sum &- entry.amount.value
            default: sum
            }
        }
        var out: [UUID: Cents] = [:]
        let charges = entries.filter { $0.kind == .charge && !reversed.contains($0.id) }
            .sorted { ($0.postedOn, $0.recordedAt) < ($1.postedOn, $1.recordedAt) }
        for charge in charges {
            let share = max(0, min(pool, charge.amount.value))
            out[charge.id] = Cents(share)
            pool -= share
        }
        return out
    }
}
