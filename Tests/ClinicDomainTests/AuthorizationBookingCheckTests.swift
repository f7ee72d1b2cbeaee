import ClinicDomain
import Foundation
import Testing

@Suite("Scheduling's authorisation warnings: missing, used up, expiring")
struct AuthorizationBookingCheckTests {
    static let today = CalendarDate(year: 2026, month: 12, day: 1)!

    static func authorization(approved: Int = 8, from: Int = -30, to: Int = 60, codes: [String] = ["G2082", "G2083", "J0013"]) -> PriorAuthorization {
        PriorAuthorization(patientID: UUID(), payer: "Cascade", memberID: "M", number: "PA-1", approvedUnits: approved, validFrom: today.adding(days: from),
                           validTo: today.adding(days: to), codes: codes, drug: "Spravato")
    }

    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let treatment: Treatment
        let days: [Int]
        let authorizations: [(PriorAuthorization, Int)]
        let payer: AuthorizationBookingCheck.Payer
        let codes: [String]
        let source: String
        var testDescription: String { "\(name) \(source)" }
    }

    static let vectors: [Vector] = [
        Vector(name: "covered with room: no warning", treatment: .esketamine, days: [3, 7, 10], authorizations: [(authorization(), 2)], payer: .insurer,
               codes: [], source: "[B1]"),
        Vector(name: "IV ketamine is not checked", treatment: .ivKetamine, days: [3], authorizations: [], payer: .insurer, codes: [], source: "[B6]"),
        Vector(name: "nothing on file, insurer-billed: missing", treatment: .esketamine, days: [3], authorizations: [], payer: .insurer,
               codes: ["authorization-missing"], source: "[B1]"),
        Vector(name: "nothing on file, new patient: missing (unless self-pay)", treatment: .esketamine, days: [3], authorizations: [], payer: .unknown,
               codes: ["authorization-missing"], source: "[B1]"),
        Vector(name: "self-pay with nothing on file: no warning", treatment: .esketamine, days: [3], authorizations: [], payer: .selfPay, codes: [],
               source: "clinic policy"),
        Vector(name: "a drug-only authorisation does not cover the session code", treatment: .esketamine, days: [3],
               authorizations: [(authorization(codes: ["J0013"]), 0)], payer: .insurer, codes: ["authorization-missing"], source: "[B1][B2]"),
        Vector(name: "sessions after the last day: missing for those days", treatment: .esketamine, days: [3, 70],
               authorizations: [(authorization(), 0)], payer: .insurer, codes: ["authorization-missing"], source: "[B1]"),
        Vector(name: "more sessions booked than approved: used up", treatment: .esketamine, days: [3, 7, 10], authorizations: [(authorization(), 6)],
               payer: .insurer, codes: ["authorization-used-up"], source: "[B1]"),
        Vector(name: "ends within 14 days: expiring", treatment: .esketamine, days: [3], authorizations: [(authorization(to: 14), 0)], payer: .insurer,
               codes: ["authorization-expiring"], source: "clinic policy (the issue's 14 days)"),
        Vector(name: "ends in 15 days: not yet expiring", treatment: .esketamine, days: [3], authorizations: [(authorization(to: 15), 0)], payer: .insurer,
               codes: [], source: "clinic policy"),
    ]

    @Test("Warnings by case", arguments: vectors)
    func warnings(_ vector: Vector) {
        let warnings = AuthorizationBookingCheck.warnings(treatment: vector.treatment, sessionDays: vector.days.map { Self.today.adding(days: $0) },
                                                          authorizations: vector.authorizations.map { (authorization: $0.0, used: $0.1) },
                                                          payer: vector.payer, today: Self.today)
        #expect(warnings.map(\.code) == vector.codes, "\(warnings.map(\.message))")
    }
}
