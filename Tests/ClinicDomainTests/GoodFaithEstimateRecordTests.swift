import ClinicDomain
import Foundation
import Testing

@Suite("Good Faith Estimates kept with the account: due day, lateness, final charges against the $400 threshold")
struct GoodFaithEstimateRecordTests {
    static let monday = CalendarDate(year: 2026, month: 11, day: 2)!
    static let fees = [FeeScheduleItem(service: "IV infusion", system: .cpt, code: "96365", price: Cents(45_000), selfPayPrice: Cents(40_000),
                                       validFrom: CalendarDate(year: 2026, month: 1, day: 1)!),
                       FeeScheduleItem(service: "Ketamine", system: .hcpcs, code: "J3490", price: Cents(5_000), selfPayPrice: Cents(5_000),
                                       validFrom: CalendarDate(year: 2026, month: 1, day: 1)!)]

    static func make(scheduled: Int = 0, first: Int = 21, given: Int = 1, requested: Bool = false) throws -> GoodFaithEstimateRecord {
        try GoodFaithEstimateRecord.make(patientID: UUID(), sessions: 6, lines: [("96365", 1), ("J3490", 1)],
                                         firstServiceOn: monday.adding(days: first), lastServiceOn: monday.adding(days: first + 18),
                                         scheduledOn: monday.adding(days: scheduled), requested: requested, givenOn: monday.adding(days: given),
                                         fees: fees, today: monday.adding(days: 30))
    }

    struct DueVector: Sendable, CustomTestStringConvertible {
        let name: String
        let first: Int
        let given: Int
        let requested: Bool
        let due: Int?
        let late: Bool
        var testDescription: String { name }
    }

    /// [B9]: ≥ 10 business days ahead → 3 business days; ≥ 3 → 1 business day; on request → 3.
    static let dues: [DueVector] = [
        DueVector(name: "booked 3 weeks ahead, given the next day: due Thursday, on time", first: 21, given: 1, requested: false, due: 3, late: false),
        DueVector(name: "booked 3 weeks ahead, given the next Monday: late", first: 21, given: 7, requested: false, due: 3, late: true),
        DueVector(name: "booked a week ahead: due the next business day", first: 7, given: 1, requested: false, due: 1, late: false),
        DueVector(name: "booked 2 days ahead: nothing due before the service", first: 2, given: 1, requested: false, due: nil, late: false),
        DueVector(name: "asked for: 3 business days", first: 21, given: 4, requested: true, due: 3, late: true),
    ]

    @Test("Due day and lateness [B9]", arguments: dues)
    func due(_ vector: DueVector) throws {
        let record = try Self.make(first: vector.first, given: vector.given, requested: vector.requested)
        #expect(record.dueOn == vector.due.map { Self.monday.adding(days: $0) })
        #expect(record.givenLate == vector.late)
        #expect(record.total == Cents(6 * 45_000))
    }

    @Test("Final self-pay charges in the course against the estimate: $400 or more over is flagged [B9]")
    func comparison() throws {
        let record = try Self.make()
        func charges(_ amounts: [Int64], selfPay: Bool = true, day: Int = 25) -> [LedgerEntry] {
            amounts.map { LedgerEntry(patientID: record.patientID, kind: .charge, amount: Cents($0), postedOn: Self.monday.adding(days: day),
                                      selfPay: selfPay, recordedAt: Date(), recordedBy: "t") }
        }
        #expect(record.compare(with: charges([270_000 + 39_999])).overThreshold == false, "$399.99 over")
        #expect(record.compare(with: charges([270_000 + 40_000])).overThreshold == true, "$400.00 over")
        #expect(record.compare(with: charges([310_000], selfPay: false)).billed == .zero, "insurer-billed charges are not the patient's bill")
        #expect(record.compare(with: charges([310_000], day: 60)).billed == .zero, "after the course")
        #expect(record.compare(with: charges([200_000])).difference == Cents(-70_000))
    }

    @Test("Bad estimates are refused with field errors")
    func refusals() {
        #expect(throws: FieldErrors.self) { try Self.make(scheduled: 25) }
        #expect(throws: FieldErrors.self) { try Self.make(given: 40) }
        #expect(throws: FieldErrors.self) {
            try GoodFaithEstimateRecord.make(patientID: UUID(), sessions: 6, lines: [("99999", 1)], firstServiceOn: Self.monday.adding(days: 21),
                                             lastServiceOn: Self.monday.adding(days: 30), scheduledOn: Self.monday, requested: false, givenOn: Self.monday,
                                             fees: Self.fees, today: Self.monday)
        }
        #expect(throws: FieldErrors.self) {
            try GoodFaithEstimateRecord.make(patientID: UUID(), sessions: 6, lines: [("96365", 1)], firstServiceOn: Self.monday.adding(days: 21),
                                             lastServiceOn: Self.monday, scheduledOn: Self.monday, requested: false, givenOn: Self.monday,
                                             fees: Self.fees, today: Self.monday)
        }
    }
}
