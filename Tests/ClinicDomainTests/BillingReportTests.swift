import ClinicDomain
import Foundation
import Testing

@Suite("Billing reports: A/R ageing buckets, period figures, CSV")
struct BillingReportTests {
    static let asOf = CalendarDate(year: 2026, month: 12, day: 31)!
    static let patient = UUID()

    static func charge(_ cents: Int64, daysAgo: Int, selfPay: Bool = true, code: String = "96365", id: UUID = UUID()) -> LedgerEntry {
        LedgerEntry(id: id, patientID: patient, kind: .charge, amount: Cents(cents), postedOn: asOf.adding(days: -daysAgo), code: code, units: 1,
                    selfPay: selfPay, recordedAt: Date(timeIntervalSince1970: Double(1_000_000 - daysAgo)), recordedBy: "t")
    }

    static func credit(_ kind: LedgerEntryKind, _ cents: Int64, daysAgo: Int = 0, method: PaymentMethod? = .card) -> LedgerEntry {
        LedgerEntry(patientID: patient, kind: kind, amount: Cents(cents), postedOn: asOf.adding(days: -daysAgo), method: method, reference: "R",
                    note: "n", recordedAt: Date(timeIntervalSince1970: 2_000_000), recordedBy: "t")
    }

    /// The buckets are the issue's (0–30, 31–60, 61–90, 90+ days) [issue 23]; credits meet the
    /// oldest charges first, as on statements [docs/billing.md, Ledger].
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let entries: [LedgerEntry]
        let expected: [Int64]
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "30 days is current, 31 is the second bucket", entries: [charge(100, daysAgo: 30), charge(200, daysAgo: 31)], expected: [100, 200, 0, 0]),
        Vector(name: "60/61 and 90/91 boundaries", entries: [charge(1, daysAgo: 60), charge(2, daysAgo: 61), charge(4, daysAgo: 90), charge(8, daysAgo: 91)],
               expected: [0, 1, 6, 8]),
        Vector(name: "a payment clears the oldest charge first", entries: [charge(40_000, daysAgo: 95), charge(40_000, daysAgo: 10), credit(.payment, 50_000)],
               expected: [30_000, 0, 0, 0]),
        Vector(name: "a refund reopens what it returned", entries: [charge(40_000, daysAgo: 45), credit(.payment, 40_000), credit(.refund, 10_000)],
               expected: [0, 10_000, 0, 0]),
        Vector(name: "a write-off counts like a payment", entries: [charge(40_000, daysAgo: 70), credit(.writeOff, 40_000, method: nil)],
               expected: [0, 0, 0, 0]),
        Vector(name: "entries after the as-of day are ignored", entries: [charge(100, daysAgo: 5), charge(100, daysAgo: -3)], expected: [100, 0, 0, 0]),
    ]

    @Test("Ageing buckets", arguments: vectors)
    func ageing(_ vector: Vector) {
        let lines = BillingReport.ageing(vector.entries, asOf: Self.asOf)
        let all = lines.reduce(AgeingBuckets()) { $0.plus($1.buckets) }
        #expect([all.days0to30, all.days31to60, all.days61to90, all.over90].map(\.value) == vector.expected)
    }

    @Test("A reversed charge is no longer owed; self-pay and insurer charges age apart")
    func reversalAndPayers() {
        let reversedID = UUID()
        var reversal = Self.credit(.chargeReversal, 500, daysAgo: 40, method: nil)
        reversal.reverses = reversedID
        let lines = BillingReport.ageing([Self.charge(500, daysAgo: 40, id: reversedID), reversal, Self.charge(700, daysAgo: 40, selfPay: false),
                                          Self.charge(300, daysAgo: 2)], asOf: Self.asOf)
        #expect(lines.map(\.selfPay) == [false, true])
        #expect(lines.map(\.buckets.total.value) == [700, 300])
    }

    @Test("Period figures: charges less reversals per payer and service, collections per method and month, the closing balance")
    func summary() {
        let reversedID = UUID()
        var reversal = Self.credit(.chargeReversal, 40_000, daysAgo: 20, method: nil)
        reversal.reverses = reversedID
        reversal.code = "96365"
        reversal.units = 1
        let entries = [Self.charge(40_000, daysAgo: 20, id: reversedID), reversal, Self.charge(45_000, daysAgo: 20),
                       Self.charge(90_000, daysAgo: 35, selfPay: false, code: "G2082"), Self.credit(.payment, 30_000, daysAgo: 3),
                       Self.credit(.payment, 63_000, daysAgo: 2, method: .insurer), Self.credit(.refund, 5_000, daysAgo: 1), Self.charge(1_000, daysAgo: 70)]
        let summary = BillingReport.summary(entries, from: CalendarDate(year: 2026, month: 11, day: 1)!, to: Self.asOf)
        #expect(summary.total.charges == Cents(135_000) && summary.total.collected == Cents(88_000))
        #expect(summary.byPayer.map { "\($0.key) \($0.charges.value)" } == ["Insurer 90000", "Self-pay 45000"])
        #expect(summary.byService.map { "\($0.key) \($0.charges.value) \($0.units)" } == ["96365 45000 1", "G2082 90000 1"])
        #expect(summary.byMethod.map { "\($0.key) \($0.collected.value)" } == ["Card 25000", "Insurer 63000"])
        #expect(summary.byMonth.map(\.key) == ["2026-11", "2026-12"])
        #expect(summary.balanceAtEnd == Cents(136_000 - 88_000), "includes the October charge before the period")
    }

    @Test("CSV: formula characters neutralised, negative amounts kept as numbers")
    func csv() {
        let patient = Self.patient
        let csv = BillingReport.csv(BillingReport.summary([], from: Self.asOf, to: Self.asOf),
                                    ageing: [AgeingLine(patientID: patient, selfPay: true, buckets: { var b = AgeingBuckets(); b.add(Cents(100), age: 3); return b }())],
                                    asOf: Self.asOf, names: [patient: "=HYPERLINK(\"x\"), Ann"])
        #expect(csv.contains("ageing,\"'=HYPERLINK(\"\"x\"\"), Ann\",Self-pay,1.00,0.00,0.00,0.00,1.00\r\n"))
        #expect(BillingCSV.field("-12.50") == "-12.50" && BillingCSV.field("+1") == "'+1" && BillingCSV.field("@SUM") == "'@SUM")
    }
}
