import ClinicDomain
import Foundation
import Testing

@Suite("Billing: codes with sources, charge capture, prices, ledger arithmetic")
struct BillingRulesTests {
    static let day2025 = CalendarDate(year: 2025, month: 11, day: 3)!
    static let day2026 = CalendarDate(year: 2026, month: 2, day: 9)!

    static func facts(_ treatment: Treatment, dose: Double?, minutes: Int? = nil, on day: CalendarDate = day2026,
                      state: TreatmentSessionState = .discharged, diagnoses: [String] = ["F33.2"]) -> SessionBillingFacts {
        SessionBillingFacts(sessionID: UUID(), patientID: UUID(), serviceDate: day, treatment: treatment, state: state,
                            doseMg: dose, infusionMinutes: minutes, diagnoses: diagnoses)
    }

    /// One vector: what the session was, the lines expected (code × units), and the source of each code.
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let facts: SessionBillingFacts
        let policy: ChargeCapturePolicy
        let expected: [String]
        let source: String
        var testDescription: String { "\(name) \(source)" }
    }

    static let vectors: [Vector] = [
        Vector(name: "esketamine 56 mg is the G2082 band", facts: facts(.esketamine, dose: 56), policy: .defaults,
               expected: ["G2082×1", "J0013×56"], source: "[B1][B3]"),
        Vector(name: "esketamine 28 mg", facts: facts(.esketamine, dose: 28), policy: .defaults, expected: ["G2082×1", "J0013×28"], source: "[B1][B3]"),
        Vector(name: "esketamine 84 mg is over 56 mg: G2083", facts: facts(.esketamine, dose: 84), policy: .defaults,
               expected: ["G2083×1", "J0013×84"], source: "[B2][B3]"),
        Vector(name: "esketamine before 2026-01-01 takes S0013", facts: facts(.esketamine, dose: 84, on: day2025), policy: .defaults,
               expected: ["G2083×1", "S0013×84"], source: "[B3]"),
        Vector(name: "esketamine on 2026-01-01 takes J0013", facts: facts(.esketamine, dose: 56, on: CalendarDate(year: 2026, month: 1, day: 1)!),
               policy: .defaults, expected: ["G2082×1", "J0013×56"], source: "[B3]"),
        Vector(name: "clinic keeps S0013 for a payer not yet on J0013", facts: facts(.esketamine, dose: 56),
               policy: ChargeCapturePolicy(esketamineDrugCode: .s0013), expected: ["G2082×1", "S0013×56"], source: "[B3]"),
        Vector(name: "Medicare: the G-code bundles the drug", facts: facts(.esketamine, dose: 84),
               policy: ChargeCapturePolicy(esketamineDrugCode: .bundled), expected: ["G2083×1"], source: "[B4]"),
        Vector(name: "IV 40 min: initial hour + J3490", facts: facts(.ivKetamine, dose: 35, minutes: 40), policy: .defaults,
               expected: ["96365×1", "J3490×1"], source: "[B5][B6]"),
        Vector(name: "IV 90 min is still the initial hour", facts: facts(.ivKetamine, dose: 35, minutes: 90), policy: .defaults,
               expected: ["96365×1", "J3490×1"], source: "[B5]"),
        Vector(name: "IV 91 min adds one hour", facts: facts(.ivKetamine, dose: 35, minutes: 91), policy: .defaults,
               expected: ["96365×1", "96366×1", "J3490×1"], source: "[B5]"),
        Vector(name: "IV 150 min: one additional hour", facts: facts(.ivKetamine, dose: 35, minutes: 150), policy: .defaults,
               expected: ["96365×1", "96366×1", "J3490×1"], source: "[B5]"),
        Vector(name: "IV 151 min: two additional hours", facts: facts(.ivKetamine, dose: 35, minutes: 151), policy: .defaults,
               expected: ["96365×1", "96366×2", "J3490×1"], source: "[B5]"),
        Vector(name: "IV 15 min is a push", facts: facts(.ivKetamine, dose: 35, minutes: 15), policy: .defaults,
               expected: ["96374×1", "J3490×1"], source: "[B5]"),
        Vector(name: "IV stopped early after 50 min bills what was given", facts: facts(.ivKetamine, dose: 20, minutes: 50, state: .stoppedEarly),
               policy: .defaults, expected: ["96365×1", "J3490×1"], source: "[B5][B6]"),
        Vector(name: "IM ketamine: the drug line", facts: facts(.imKetamine, dose: 50), policy: .defaults, expected: ["J3490×1"], source: "[B6]"),
        Vector(name: "no-show with the missed-session fee", facts: facts(.esketamine, dose: nil, state: .noShow),
               policy: ChargeCapturePolicy(billMissedSessions: true), expected: ["missed-session×1"], source: "clinic policy"),
    ]

    @Test("Charge rules, each code with its source", arguments: vectors)
    func chargeRules(vector: Vector) throws {
        let lines = try ChargeCapture.lines(for: vector.facts, policy: vector.policy).get()
        #expect(lines.map { "\($0.code ?? $0.service ?? "?")×\($0.units)" } == vector.expected)
        for line in lines where line.code != nil {
            // A code the clinic keeps past its last day by choice (S0013 in 2026) is in the table, extended by the clinic.
            let onDay = BillingCodeCatalog.find(line.code!, system: line.system, on: vector.facts.serviceDate, in: BillingCodeCatalog.defaults)
            #expect(onDay != nil || vector.policy.esketamineDrugCode == .s0013, "\(line.code!) is valid on the day")
            let code = try #require(BillingCodeCatalog.defaults.last { $0.code == line.code && $0.system == line.system })
            #expect(line.rule.contains(code.source), "the rule names the code's source \(code.source)")
        }
    }

    @Test("Nothing is billed for a session stopped before dosing, one still open, or one without a diagnosis")
    func nothingBilled() {
        let policy = ChargeCapturePolicy.defaults
        for state in [TreatmentSessionState.cancelled, .noShow] {
            #expect(ChargeCapture.lines(for: Self.facts(.ivKetamine, dose: nil, state: state), policy: policy)
                    == .failure(CaptureRefusal(.noDoseGiven(state))))
        }
        #expect(ChargeCapture.lines(for: Self.facts(.esketamine, dose: 56, state: .observation), policy: policy)
                == .failure(CaptureRefusal(.notClosed(.observation))))
        #expect(ChargeCapture.lines(for: Self.facts(.esketamine, dose: 56, diagnoses: []), policy: policy)
                == .failure(CaptureRefusal(.noDiagnosis)))
        #expect(ChargeCapture.lines(for: Self.facts(.esketamine, dose: 5000), policy: policy)
                == .failure(CaptureRefusal(.implausibleDose(5000))))
    }

    @Test("Diagnosis pointers follow the chart, at most four per line")
    func pointers() throws {
        let lines = try ChargeCapture.lines(for: Self.facts(.esketamine, dose: 56, diagnoses: ["F33.2", "F41.1", "F43.10", "F32.1", "F33.9"]),
                                            policy: .defaults).get()
        #expect(lines.allSatisfy { $0.diagnosisPointers == [1, 2, 3, 4] })
    }

    @Test("96366 units by minutes: none to 90, then each hour or part over 30 minutes [B5]", arguments: [
        (60, 0), (90, 0), (91, 1), (150, 1), (151, 2), (210, 2), (211, 3),
    ])
    func additionalHours(minutes: Int, units: Int) {
        #expect(ChargeCapture.additionalHours(minutes) == units)
    }

    @Test("The code table: S0013 ends 2025-12-31 and J0013 starts 2026-01-01, both shown [B3]; every shipped code cites a source")
    func codeTable() {
        let table = BillingCodeCatalog.defaults
        let lastS = CalendarDate(year: 2025, month: 12, day: 31)!, firstJ = CalendarDate(year: 2026, month: 1, day: 1)!
        #expect(BillingCodeCatalog.find("S0013", system: .hcpcs, on: lastS, in: table) != nil)
        #expect(BillingCodeCatalog.find("S0013", system: .hcpcs, on: firstJ, in: table) == nil)
        #expect(BillingCodeCatalog.find("J0013", system: .hcpcs, on: lastS, in: table) == nil)
        #expect(BillingCodeCatalog.find("J0013", system: .hcpcs, on: firstJ, in: table) != nil)
        for code in ["G2082", "G2083", "S0013", "J0013", "J3490"] { #expect(table.contains { $0.code == code && $0.system == .hcpcs }) }
        for code in ["96365", "96366", "99213", "99214"] { #expect(table.contains { $0.code == code && $0.system == .cpt }) }
        #expect(table.filter { $0.system == .icd10cm }.allSatisfy { $0.code.hasPrefix("F32") || $0.code.hasPrefix("F33") })
        for code in table {
            #expect(code.source.hasPrefix("[B") || code.source.hasPrefix("[R"), "\(code.code) cites a source")
            #expect((try? code.validated()) == code, "\(code.code) passes its own validation")
        }
    }

    @Test("Codes from outside: wrong shapes and reversed dates are refused", arguments: [
        (CodeSystem.cpt, "9636", "code"), (.cpt, "G2082", "code"), (.hcpcs, "96365", "code"), (.hcpcs, "g20820", "code"),
        (.icd10cm, "33.2", "code"), (.icd10cm, "F33.22222", "code"),
    ])
    func badCodes(system: CodeSystem, code: String, field: String) {
        #expect(throws: FieldErrors.self) { try BillingCode(system: system, code: code, description: "x", source: "clinic").validated() }
    }

    @Test("A code whose last day is before its first is refused")
    func reversedCode() throws {
        let code = BillingCode(system: .hcpcs, code: "J0013", description: "x", validFrom: Self.day2026, validTo: Self.day2025, source: "clinic")
        let errors = try #require(throws: FieldErrors.self) { try code.validated() }
        #expect(errors["validTo"] != nil)
    }

    @Test("Money is parsed and printed exactly, in integer cents", arguments: [
        ("1234", Int64(123_400), "$1,234.00"), ("12.5", 1250, "$12.50"), ("$0.07", 7, "$0.07"), ("1,000,000.00", 100_000_000, "$1,000,000.00"),
        ("-25.00", -2500, "-$25.00"),
    ])
    func money(text: String, cents: Int64, printed: String) throws {
        let amount = try #require(Cents(dollars: text))
        #expect(amount.value == cents)
        #expect(amount.description == printed)
    }

    @Test("Money refuses junk, three decimals and amounts over the bound", arguments: ["", "abc", "1.234", "1e5", "1000000.01", "12..0", "NaN"])
    func badMoney(text: String) {
        #expect(Cents(dollars: text) == nil)
    }

    @Test("Fee schedule: negative prices, unknown codes, reversed dates and diagnosis codes are refused; the latest price applies")
    func feeSchedule() throws {
        let codes = BillingCodeCatalog.defaults
        let base = FeeScheduleItem(service: "Esketamine up to 56 mg", system: .hcpcs, code: "G2082", price: Cents(90_651), selfPayPrice: Cents(75_000),
                                   validFrom: Self.day2025)
        #expect(try base.validated(codes: codes) == base)
        var negative = base
        negative.price = Cents(-1)
        #expect((try? negative.validated(codes: codes)) == nil)
        var unknown = base
        unknown.code = "G9999"
        let errors = try #require(throws: FieldErrors.self) { try unknown.validated(codes: codes) }
        #expect(errors["code"]?.contains("not in the clinic's code table") == true)
        var reversed = base
        reversed.validTo = CalendarDate(year: 2025, month: 1, day: 1)!
        #expect((try? reversed.validated(codes: codes)) == nil)
        var diagnosis = base
        diagnosis.system = .icd10cm
        diagnosis.code = "F33.2"
        #expect((try? diagnosis.validated(codes: codes)) == nil)
        var j0013Early = base
        j0013Early.code = "J0013"
        #expect((try? j0013Early.validated(codes: codes)) == nil, "J0013 is not valid in 2025 [B3]")
        var raised = base
        raised.id = UUID()
        raised.price = Cents(95_000)
        raised.validFrom = Self.day2026
        #expect(FeeScheduleItem.find("G2082", on: Self.day2025, in: [base, raised])?.price == Cents(90_651))
        #expect(FeeScheduleItem.find("G2082", on: Self.day2026, in: [base, raised])?.price == Cents(95_000))
    }

    static func entry(_ kind: LedgerEntryKind, _ cents: Int64) -> LedgerEntry {
        LedgerEntry(patientID: UUID(), kind: kind, amount: Cents(cents), postedOn: day2026, recordedAt: Date(timeIntervalSince1970: 0), recordedBy: "t")
    }

    @Test("Ledger arithmetic: charges less reversals, payments, refunds and write-offs give the balance")
    func ledgerArithmetic() {
        let summary = LedgerSummary([Self.entry(.charge, 45_000), Self.entry(.charge, 10_000), Self.entry(.chargeReversal, 10_000),
                                     Self.entry(.payment, 30_000), Self.entry(.refund, 5_000), Self.entry(.writeOff, 2_500)])
        #expect(summary.charges == Cents(45_000))
        #expect(summary.payments == Cents(30_000))
        #expect(summary.balance == Cents(45_000 - 30_000 + 5_000 - 2_500))
    }

    @Test("Postings: overpayment needs an explicit credit, refunds and write-offs need a reason and room, no card numbers")
    func postings() throws {
        let summary = LedgerSummary([Self.entry(.charge, 45_000), Self.entry(.payment, 10_000)])
        let today = Self.day2026
        let over = LedgerPosting(kind: .payment, amount: Cents(40_000), method: .cash, postedOn: today)
        let overErrors = try #require(throws: FieldErrors.self) { try over.validated(against: summary, today: today) }
        #expect(overErrors["amount"]?.contains("more than the balance") == true)
        var credit = over
        credit.allowCredit = true
        #expect((try? credit.validated(against: summary, today: today)) != nil)
        let card = LedgerPosting(kind: .payment, amount: Cents(100), method: .card, postedOn: today)
        #expect((try? card.validated(against: summary, today: today)) == nil, "a card payment needs its reference")
        let cardNumber = LedgerPosting(kind: .payment, amount: Cents(100), method: .card, reference: "4111 1111 1111 1111", postedOn: today)
        let cardErrors = try #require(throws: FieldErrors.self) { try cardNumber.validated(against: summary, today: today) }
        #expect(cardErrors["reference"]?.contains("card number") == true)
        let hsa = LedgerPosting(kind: .payment, amount: Cents(100), method: .hsa, reference: "TXN-88412", postedOn: today)
        #expect((try? hsa.validated(against: summary, today: today)) != nil)
        let refund = LedgerPosting(kind: .refund, amount: Cents(10_001), method: .cash, note: "overpaid", postedOn: today)
        #expect((try? refund.validated(against: summary, today: today)) == nil, "more than was paid")
        let noReason = LedgerPosting(kind: .writeOff, amount: Cents(100), postedOn: today)
        #expect((try? noReason.validated(against: summary, today: today)) == nil)
        let tooMuch = LedgerPosting(kind: .writeOff, amount: Cents(35_001), note: "hardship", postedOn: today)
        #expect((try? tooMuch.validated(against: summary, today: today)) == nil)
        let zero = LedgerPosting(kind: .payment, amount: Cents(0), method: .cash, postedOn: today)
        #expect((try? zero.validated(against: summary, today: today)) == nil)
        let future = LedgerPosting(kind: .payment, amount: Cents(100), method: .cash, postedOn: today.adding(days: 1))
        #expect((try? future.validated(against: summary, today: today)) == nil)
    }
}

@Suite("Prior authorisations: validation and status")
struct PriorAuthorizationRulesTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 22)!

    static func authorization(from: Int = -30, to: Int = 30, units: Int = 12, codes: [String] = ["G2082", "G2083", "J0013"]) -> PriorAuthorization {
        PriorAuthorization(patientID: UUID(), payer: "Cascade Health Plan", memberID: "M1", number: "PA-1", approvedUnits: units,
                           validFrom: today.adding(days: from), validTo: today.adding(days: to), codes: codes, drug: "Spravato")
    }

    @Test("An authorisation that ends before it starts, approves nothing or names an unknown code is refused")
    func refused() throws {
        let table = BillingCodeCatalog.defaults
        #expect((try? Self.authorization().validated(codes: table)) != nil)
        let reversed = try #require(throws: FieldErrors.self) { try Self.authorization(from: 5, to: 1).validated(codes: table) }
        #expect(reversed["validTo"]?.contains("ends before it starts") == true)
        #expect((try? Self.authorization(units: 0).validated(codes: table)) == nil)
        let unknown = try #require(throws: FieldErrors.self) { try Self.authorization(codes: ["G9999"]).validated(codes: table) }
        #expect(unknown["codes"]?.contains("G9999") == true)
    }

    @Test("Status by day and use: the front desk's 14-day window", arguments: [
        (-30, 30, 3, PriorAuthorization.Status.active), (-30, 14, 3, .expiringSoon), (-30, 15, 3, .active), (-30, 0, 3, .expiringSoon),
        (-30, -1, 3, .expired), (2, 30, 0, .notYetValid), (-30, 30, 12, .usedUp),
    ])
    func status(from: Int, to: Int, used: Int, expected: PriorAuthorization.Status) {
        #expect(Self.authorization(from: from, to: to).status(today: Self.today, used: used) == expected)
    }
}

@Suite("Good Faith Estimates: when due, what they list, the $400 dispute threshold [B9]")
struct GoodFaithEstimateRulesTests {
    /// 2026-11-16 is a Monday.
    static func day(_ offset: Int) -> CalendarDate { CalendarDate(year: 2026, month: 11, day: 16)!.adding(days: offset) }

    @Test("Due dates by how far ahead the service is booked [B9]", arguments: [
        (0, 14, 3), // booked Monday for two weeks later (10 business days): within 3 business days → Thursday
        (0, 7, 1), // a week ahead (5 business days): within 1 business day → Tuesday
        (4, 7, 1), // booked on a Friday for the next Friday: due the Monday after
    ])
    func due(scheduled: Int, service: Int, businessDaysLater: Int) throws {
        let due = try #require(GoodFaithEstimate.dueDate(scheduledOn: Self.day(scheduled), serviceOn: Self.day(scheduled + service)))
        #expect(GoodFaithEstimate.businessDays(from: Self.day(scheduled), to: due) == businessDaysLater)
    }

    @Test("Booked fewer than 3 business days ahead: no estimate is due before the service; on request, 3 business days [B9]")
    func shortNotice() {
        #expect(GoodFaithEstimate.dueDate(scheduledOn: Self.day(0), serviceOn: Self.day(2)) == nil)
        #expect(GoodFaithEstimate.dueDate(requestedOn: Self.day(3)) == Self.day(8), "Thursday + 3 business days = Tuesday")
    }

    @Test("A six-infusion course at self-pay prices; a bill $400 over may be disputed, $399.99 not [B9]")
    func estimateAndThreshold() throws {
        let start = Self.day(0)
        let fees = [FeeScheduleItem(service: "IV infusion, first hour", system: .cpt, code: "96365", price: Cents(45_000), selfPayPrice: Cents(40_000),
                                    validFrom: start.adding(days: -10)),
                    FeeScheduleItem(service: "Ketamine", system: .hcpcs, code: "J3490", price: Cents(5_000), selfPayPrice: Cents(5_000),
                                    validFrom: start.adding(days: -10))]
        let estimate = try #require(GoodFaithEstimate.estimate(sessions: 6, lines: [("96365", 1), ("J3490", 1)], fees: fees, start: start))
        #expect(estimate.total == Cents(6 * 45_000))
        #expect(estimate.finalBillDisputable(Cents(6 * 45_000 + 40_000)))
        #expect(!estimate.finalBillDisputable(Cents(6 * 45_000 + 39_999)))
        #expect(GoodFaithEstimate.estimate(sessions: 6, lines: [("G2082", 1)], fees: fees, start: start) == nil, "no price, no estimate")
    }
}

@Suite("837P claim file: envelope, counts and lines")
struct ProfessionalClaimFileTests {
    @Test("One esketamine claim: fixed-width ISA, SE counts its segments, CLM totals the lines, pointers and prior authorisation")
    func renders() throws {
        let provider = BillingProvider(practiceName: "Riverside Ketamine Clinic PLLC", billingNPI: "1234567893", taxID: "12-3456789",
                                       renderingName: "Dr Maya Ortiz, MD", renderingNPI: "1993999998", address: "200 Harbor Street*4",
                                       city: "Portland", state: "OR", postalCode: "97201", phone: "503-555-0142")
        let day = CalendarDate(year: 2026, month: 11, day: 20)!
        let claim = ProfessionalClaim(claimID: "KC123", payerName: "Cascade Health Plan", payerID: "CHP01", memberID: "CHP-448120-01",
                                      givenName: "Ethan", familyName: "Esketamine", dateOfBirth: CalendarDate(year: 1980, month: 3, day: 12)!,
                                      sex: "M", authorizationNumber: "PA-2026-118734", diagnoses: ["F33.2"],
                                      lines: [.init(code: "G2082", modifiers: [], charge: Cents(90_000), units: 1, pointers: [1], date: day),
                                              .init(code: "J0013", modifiers: ["JZ"], charge: Cents(112_000), units: 56, pointers: [1], date: day)])
        let file = X12ProfessionalClaimFile.render([claim], provider: provider,
                                                   parties: .init(senderID: "KETACLINIC", receiverID: "CLEARINGHOUSE", receiverName: "Cascade"),
                                                   control: 7, at: Date(timeIntervalSince1970: 1_795_359_600))
        let segments = file.split(separator: "\n").map(String.init)
        #expect(segments[0].count == 106, "ISA is fixed width")
        #expect(segments[0].hasSuffix("*000000007*0*T*:~"))
        let st = try #require(segments.firstIndex { $0.hasPrefix("ST*") })
        let se = try #require(segments.firstIndex { $0.hasPrefix("SE*") })
        #expect(segments[se] == "SE*\(se - st + 1)*0001~")
        #expect(segments.contains("CLM*KC123*2020.00***11:B:1*Y*A*Y*Y~"))
        #expect(segments.contains("REF*G1*PA-2026-118734~"))
        #expect(segments.contains("HI*ABK:F332~"))
        #expect(segments.contains("SV1*HC:J0013:JZ*1120.00*UN*56***1~"))
        #expect(segments.contains("N3*200 HARBOR STREET 4~"), "a separator in the data is replaced")
        #expect(segments.contains("REF*EI*123456789~"))
        #expect(segments.last == "IEA*1*000000007~")
    }
}
