import Foundation

/// Accounts receivable ageing: what is still owed, by how long ago the service was. Payments,
/// write-offs and credits are applied to a patient's charges oldest first (the same rule as
/// statements, ``LedgerAllocation``), and each charge's unpaid rest is counted in the bucket of
/// its day of service: 0–30, 31–60, 61–90 and over 90 days (the buckets).
public struct AgeingBuckets: Equatable, Codable, Sendable {
    /// 0 to 30 days since the day of service.
    public var days0to30: Cents = .zero
    /// 31 to 60 days.
    public var days31to60: Cents = .zero
    /// 61 to 90 days.
    public var days61to90: Cents = .zero
    /// More than 90 days.
    public var over90: Cents = .zero

    /// An empty set of buckets.
    public init() {}

    /// The total owed.
    public var total: Cents { Cents.sum([days0to30, days31to60, days61to90, over90]) ?? .zero }

    /// Adds `amount` owed for a service `age` days ago.
    public mutating func add(_ amount: Cents, age: Int) {
        switch age {
        case ...30: days0to30 = days0to30.adding(amount) ?? days0to30
        case 31...60: days31to60 = days31to60.adding(amount) ?? days31to60
        case 61...90: days61to90 = days61to90.adding(amount) ?? days61to90
        default: over90 = over90.adding(amount) ?? over90
        }
    }

    /// These buckets plus `other`'s.
    public func plus(_ other: AgeingBuckets) -> AgeingBuckets {
        var sum = self
        sum.add(other.days0to30, age: 0)
        sum.add(other.days31to60, age: 31)
        sum.add(other.days61to90, age: 61)
        sum.add(other.over90, age: 91)
        return sum
    }
}

/// One patient's receivable, split by who was billed.
public struct AgeingLine: Equatable, Codable, Sendable {
    /// The patient.
    public var patientID: UUID
    /// Billed to the patient (self-pay) or to an insurer.
    public var selfPay: Bool
    /// What is owed, by age.
    public var buckets: AgeingBuckets

    /// Creates a line.
    public init(patientID: UUID, selfPay: Bool, buckets: AgeingBuckets) {
        self.patientID = patientID
        self.selfPay = selfPay
        self.buckets = buckets
    }
}

/// A period's billing figures: charges (less reversals), payments, refunds and write-offs in
/// total, per payer, per payment method, per service and per month; and the clinic's balance at
/// the end of the period.
public struct BillingPeriodSummary: Equatable, Codable, Sendable {
    /// Charges, payments, refunds and write-offs of one group.
    public struct Totals: Equatable, Codable, Sendable {
        /// The group: a payer, a method, a code or a month.
        public var key: String
        /// Charges less reversals.
        public var charges: Cents = .zero
        /// Units charged (less reversed units).
        public var units: Int = 0
        /// Payments received.
        public var payments: Cents = .zero
        /// Refunds paid.
        public var refunds: Cents = .zero
        /// Written off.
        public var writeOffs: Cents = .zero

        /// Payments less refunds: what was collected.
        public var collected: Cents { Cents(payments.value - refunds.value) }
    }

    /// First day.
    public var from: CalendarDate
    /// Last day.
    public var to: CalendarDate
    /// The whole period.
    public var total: Totals
    /// By payer of the charge ("Self-pay", "Insurer").
    public var byPayer: [Totals]
    /// Payments and refunds by method.
    public var byMethod: [Totals]
    /// Charges by code (or service).
    public var byService: [Totals]
    /// By calendar month ("2026-11").
    public var byMonth: [Totals]
    /// What all patients owed at the end of the period (negative: credits).
    public var balanceAtEnd: Cents
}

/// The billing reports, pure over ledger entries so they test without a database.
public enum BillingReport {
    /// Ageing of every patient's open charges on `asOf` (entries after it are ignored), largest
    /// total first; patients who owe nothing are left out.
    public static func ageing(_ entries: [LedgerEntry], asOf: CalendarDate) -> [AgeingLine] {
        let byPatient = Dictionary(grouping: entries.filter { $0.postedOn <= asOf }, by: \.patientID)
        var lines: [AgeingLine] = []
        for (patient, own) in byPatient {
            let reversed = Set(own.compactMap(\.reverses))
            var credit = own.reduce(Int64(0)) { sum, entry in
                switch entry.kind {
                case .payment, .writeOff: sum &+ entry.amount.value
                case .refund: sum &- entry.amount.value
                default: sum
                }
            }
            var buckets: [Bool: AgeingBuckets] = [:]
            let charges = own.filter { $0.kind == .charge && !reversed.contains($0.id) }
                .sorted { ($0.postedOn, $0.recordedAt, $0.id.uuidString) < ($1.postedOn, $1.recordedAt, $1.id.uuidString) }
            for charge in charges {
                let applied = max(0, min(credit, charge.amount.value))
                credit -= applied
                let open = charge.amount.value - applied
                guard open > 0 else { continue }
                buckets[charge.selfPay, default: AgeingBuckets()].add(Cents(open), age: CalendarDate.daysBetween(charge.postedOn, asOf))
            }
            for (selfPay, owed) in buckets where owed.total.value > 0 {
                lines.append(AgeingLine(patientID: patient, selfPay: selfPay, buckets: owed))
            }
        }
        return lines.sorted { ($0.buckets.total.value, $0.patientID.uuidString) > ($1.buckets.total.value, $1.patientID.uuidString) }
    }

    /// The period's figures from `entries` (any span; only those posted from `from` to `to` are
    /// counted, and those up to `to` make the closing balance).
    public static func summary(_ entries: [LedgerEntry], from: CalendarDate, to: CalendarDate) -> BillingPeriodSummary {
        var total = BillingPeriodSummary.Totals(key: "Total")
        var payers: [String: BillingPeriodSummary.Totals] = [:]
        var methods: [String: BillingPeriodSummary.Totals] = [:]
        var services: [String: BillingPeriodSummary.Totals] = [:]
        var months: [String: BillingPeriodSummary.Totals] = [:]
        var balance: Int64 = 0
        for entry in entries where entry.postedOn <= to {
            balance &+= entry.signedAmount.value
            guard entry.postedOn >= from else { continue }
            let month = String(entry.postedOn.iso.prefix(7))
            func apply(_ totals: inout BillingPeriodSummary.Totals) {
                switch entry.kind {
                case .charge:
                    totals.charges = totals.charges.adding(entry.amount) ?? totals.charges
                    totals.units += entry.units ?? 0
                case .chargeReversal:
                    totals.charges = totals.charges.adding(entry.amount.negated) ?? totals.charges
                    totals.units -= entry.units ?? 0
                case .payment: totals.payments = totals.payments.adding(entry.amount) ?? totals.payments
                case .refund: totals.refunds = totals.refunds.adding(entry.amount) ?? totals.refunds
                case .writeOff: totals.writeOffs = totals.writeOffs.adding(entry.amount) ?? totals.writeOffs
                }
            }
            apply(&total)
            apply(&months[month, default: .init(key: month)])
            switch entry.kind {
            case .charge, .chargeReversal:
                let payer = entry.selfPay ? "Self-pay" : "Insurer"
                apply(&payers[payer, default: .init(key: payer)])
                let service = entry.code ?? "—"
                apply(&services[service, default: .init(key: service)])
            case .payment, .refund:
                let method = entry.method?.displayName ?? "—"
                apply(&methods[method, default: .init(key: method)])
            case .writeOff:
                break
            }
        }
        func sorted(_ groups: [String: BillingPeriodSummary.Totals]) -> [BillingPeriodSummary.Totals] { groups.values.sorted { $0.key < $1.key } }
        return BillingPeriodSummary(from: from, to: to, total: total, byPayer: sorted(payers), byMethod: sorted(methods), byService: sorted(services),
                                    byMonth: sorted(months), balanceAtEnd: Cents(balance))
    }

    /// The report as CSV (RFC 4180, CRLF): `section,group,charges,units,payments,refunds,write_offs,collected` rows for the
    /// period, then `ageing,patient,payer,0-30,31-60,61-90,90+,total` rows. `names` labels patients (e.g. "Family, Given (MRN)").
    public static func csv(_ summary: BillingPeriodSummary, ageing: [AgeingLine], asOf: CalendarDate, names: [UUID: String]) -> String {
        var rows = [["section", "group", "charges", "units", "payments", "refunds", "write_offs", "collected"]]
        func add(_ section: String, _ totals: BillingPeriodSummary.Totals) {
            rows.append([section, totals.key, totals.charges.decimal, String(totals.units), totals.payments.decimal, totals.refunds.decimal,
                         totals.writeOffs.decimal, totals.collected.decimal])
        }
        add("period \(summary.from.iso) to \(summary.to.iso)", summary.total)
        summary.byPayer.forEach { add("payer", $0) }
        summary.byMethod.forEach { add("method", $0) }
        summary.byService.forEach { add("service", $0) }
        summary.byMonth.forEach { add("month", $0) }
        rows.append(["balance at \(summary.to.iso)", "", summary.balanceAtEnd.decimal, "", "", "", "", ""])
        rows.append([])
        rows.append(["ageing as of \(asOf.iso)", "patient", "payer", "0-30", "31-60", "61-90", "90+", "total"])
        var all = AgeingBuckets()
        for line in ageing {
            all = all.plus(line.buckets)
            rows.append(["ageing", names[line.patientID] ?? line.patientID.uuidString.lowercased(), line.selfPay ? "Self-pay" : "Insurer",
                         line.buckets.days0to30.decimal, line.buckets.days31to60.decimal, line.buckets.days61to90.decimal, line.buckets.over90.decimal,
                         line.buckets.total.decimal])
        }
        rows.append(["ageing", "All patients", "", all.days0to30.decimal, all.days31to60.decimal, all.days61to90.decimal, all.over90.decimal,
                     all.total.decimal])
        return rows.map { $0.map(BillingCSV.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

/// CSV fields for billing exports (RFC 4180): quoted when needed, and a leading formula character
/// (`= + - @`, tab, carriage return) neutralised with an apostrophe so a spreadsheet does not run
/// it; amounts like "-12.50" are left as numbers.
public enum BillingCSV {
    /// One field.
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first), Cents(dollars: value) == nil { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
