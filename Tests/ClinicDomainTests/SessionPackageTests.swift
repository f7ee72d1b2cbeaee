import ClinicDomain
import Foundation
import Testing

@Suite("Prepaid packages: each session's share of the price, split over its lines")
struct SessionPackageTests {
    /// Packages are the clinic's pricing, not a payer rule: the vectors check the arithmetic the
    /// clinic relies on (the shares add up exactly to the price) [clinic policy, docs/billing.md].
    struct ShareVector: Sendable, CustomTestStringConvertible {
        let name: String
        let price: Int64
        let sessions: Int
        let drawn: [Int64]
        let expected: Int64?
        var testDescription: String { name }
    }

    static let shares: [ShareVector] = [
        ShareVector(name: "six for $2,400.00: $400.00 each", price: 240_000, sessions: 6, drawn: [], expected: 40_000),
        ShareVector(name: "three for $1,000.00, first session", price: 100_000, sessions: 3, drawn: [], expected: 33_333),
        ShareVector(name: "three for $1,000.00, the last place takes the rest", price: 100_000, sessions: 3, drawn: [33_333, 33_333], expected: 33_334),
        ShareVector(name: "used up", price: 100_000, sessions: 3, drawn: [33_333, 33_333, 33_334], expected: nil),
        ShareVector(name: "a freed middle place is refilled at the base share", price: 100_000, sessions: 3, drawn: [33_334], expected: 33_333),
    ]

    @Test("A session's share of the package", arguments: shares)
    func share(_ vector: ShareVector) {
        let purchase = PackagePurchase(patientID: UUID(), packageID: UUID(), name: "P", sessions: vector.sessions, price: Cents(vector.price),
                                       codes: ["96365"], purchasedOn: CalendarDate(year: 2026, month: 11, day: 2)!)
        #expect(purchase.nextSessionAmount(drawn: vector.drawn.map(Cents.init))?.value == vector.expected)
    }

    struct SplitVector: Sendable, CustomTestStringConvertible {
        let name: String
        let amount: Int64
        let list: [Int64]
        let expected: [Int64]
        var testDescription: String { name }
    }

    static let splits: [SplitVector] = [
        SplitVector(name: "96365 $400 + J3490 $50 sharing $333.33", amount: 33_333, list: [40_000, 5_000], expected: [29_630, 3_703]),
        SplitVector(name: "one line takes it all", amount: 40_000, list: [45_000], expected: [40_000]),
        SplitVector(name: "96365 + 96366 + J3490", amount: 50_000, list: [40_000, 10_000, 5_000], expected: [36_365, 9_090, 4_545]),
        SplitVector(name: "a tiny line keeps at least a cent", amount: 100, list: [1_000_000, 1], expected: [99, 1]),
        SplitVector(name: "fewer cents than lines cannot be split", amount: 1, list: [10, 10], expected: []),
    ]

    @Test("Split over a session's covered lines, adding up exactly", arguments: splits)
    func split(_ vector: SplitVector) {
        let parts = PackagePurchase.split(Cents(vector.amount), over: vector.list.map(Cents.init)).map(\.value)
        #expect(parts == vector.expected)
        if !parts.isEmpty { #expect(parts.reduce(0, +) == vector.amount) }
    }
}
