import ClinicDomain
import Foundation
import Testing

@Suite("Controlled-substance register rules")
struct RegisterLedgerTests {
    static let now = Date(timeIntervalSince1970: 1_795_359_600)   // 2026-11-22
    static let today = CalendarDate(year: 2026, month: 11, day: 22)!
    static let vial = RegisterProduct(name: "Ketamine 50 mg/mL, 10 mL", substance: .ketamine, form: .multiDoseVial,
                                      perUnit: RegisterAmount(micrograms: 500_000), concentrationMicrogramsPerMl: 50_000)   // [R32]
    static let device = RegisterProduct(name: "Spravato 28 mg", substance: .esketamine, form: .device, perUnit: RegisterAmount(micrograms: 28_000),
                                        concentrationMicrogramsPerMl: nil)   // [R14]
    static let lot = RegisterLot(productID: vial.id, lotNumber: "K1", expiry: CalendarDate(year: 2027, month: 6, day: 30)!)
    static let expiredLot = RegisterLot(productID: vial.id, lotNumber: "K0", expiry: CalendarDate(year: 2026, month: 11, day: 21)!)
    static let deviceLot = RegisterLot(productID: device.id, lotNumber: "S1", expiry: CalendarDate(year: 2027, month: 6, day: 30)!)
    static let location = UUID()
    static let ivSession = DrawSessionFacts(state: .preTreatmentChecks, treatment: .ivKetamine, plannedDose: mg(35))
    static let sprayFacts = DrawSessionFacts(state: .dosing, treatment: .esketamine, plannedDose: mg(56))

    static func mg(_ value: Double) -> RegisterAmount { RegisterAmount(milligrams: value)! }
    static func sealed(_ product: RegisterProduct, _ lot: RegisterLot, units: Int64) -> StockLine {
        StockLine(productID: product.id, lotID: lot.id, locationID: location, kind: .sealed, units: units,
                  amount: RegisterAmount(micrograms: product.perUnit.micrograms * units))
    }
    static func opened(_ remaining: Double, beyondUse: Date = now.addingTimeInterval(86_400)) -> StockLine {
        StockLine(productID: vial.id, lotID: lot.id, locationID: location, kind: .opened, units: 1, amount: mg(remaining), openedAt: now, beyondUse: beyondUse)
    }

    @Test("Amounts are exact: typed milligrams parse to whole micrograms, and bad text, negatives and non-finite numbers are refused",
          arguments: [("35", Int64(35_000)), ("0.7", 700), ("12,5", 12_500), ("0.001", 1)] as [(String, Int64)])
    func parsing(text: String, micrograms: Int64) {
        #expect(RegisterAmount.parse(milligrams: text)?.micrograms == micrograms)
    }

    @Test("Bad amounts are refused, never trapped", arguments: ["", "-5", "abc", "1e400", "nan", "35 mg", "99999999999"])
    func badAmounts(text: String) {
        #expect(RegisterAmount.parse(milligrams: text) == nil)
        #expect(RegisterAmount(milligrams: .infinity) == nil && RegisterAmount(milligrams: .nan) == nil && RegisterAmount(milligrams: -1) == nil)
    }

    /// A draw from a sealed multi-dose vial opens it: the rest becomes its own line, usable for the
    /// USP <797> 28 days after the first puncture [X1], never past the lot's expiry.
    @Test("Drawing 35 mg from a sealed 500 mg vial opens it: 465 mg left on an opened line with a 28-day beyond-use date [X1][R32]")
    func drawOpensVial() throws {
        let line = Self.sealed(Self.vial, Self.lot, units: 4)
        let effect = try RegisterLedger.draw(Self.vial, lot: Self.lot, from: line, amount: Self.mg(35), session: Self.ivSession, now: Self.now,
                                             today: Self.today, timeZone: .gmt, policy: .defaults)
        #expect(effect.changes == [LineDelta(lineID: line.id, units: -1, amount: .zero - Self.mg(500))])
        #expect(effect.newLine?.kind == .opened && effect.newLine?.amount == Self.mg(465) && effect.newLine?.units == 1)
        #expect(effect.newLine?.beyondUse == Self.now.addingTimeInterval(28 * 86_400))
        #expect(effect.amountOut == Self.mg(35) && effect.unitsOut == 0)
        #expect(effect.detail.hasPrefix("0.7 mL (35 mg)"))
    }

    @Test("The beyond-use date never passes the end of the lot's expiry day [X1]")
    func beyondUseCappedByExpiry() {
        let expiry = CalendarDate(year: 2026, month: 12, day: 1)!
        let date = RegisterPolicy.defaults.beyondUse(openedAt: Self.now, lotExpiry: expiry, timeZone: .gmt)
        #expect(date == expiry.adding(days: 1).startInstant(in: .gmt))
    }

    /// Each refusal with the rule it applies: never below zero, an open session with a planned
    /// dose, no expired lot, no opened vial past its beyond-use date [X1], whole devices [R14].
    static var refusals: [(name: String, draw: () throws -> LedgerEffect)] { [
        ("more than the opened vial holds (never below zero)", {
            try RegisterLedger.draw(vial, lot: lot, from: opened(20), amount: mg(35), session: ivSession, now: now, today: today, timeZone: .gmt, policy: .defaults)
        }),
        ("a closed session", {
            try RegisterLedger.draw(vial, lot: lot, from: sealed(vial, lot, units: 1), amount: mg(35),
                                    session: DrawSessionFacts(state: .discharged, treatment: .ivKetamine, plannedDose: mg(35)), now: now, today: today,
                                    timeZone: .gmt, policy: .defaults)
        }),
        ("a scheduled session not yet under way", {
            try RegisterLedger.draw(vial, lot: lot, from: sealed(vial, lot, units: 1), amount: mg(35),
                                    session: DrawSessionFacts(state: .scheduled, treatment: .ivKetamine, plannedDose: mg(35)), now: now, today: today,
                                    timeZone: .gmt, policy: .defaults)
        }),
        ("no planned dose", {
            try RegisterLedger.draw(vial, lot: lot, from: sealed(vial, lot, units: 1), amount: mg(35),
                                    session: DrawSessionFacts(state: .dosing, treatment: .ivKetamine, plannedDose: nil), now: now, today: today,
                                    timeZone: .gmt, policy: .defaults)
        }),
        ("an expired lot", {
            try RegisterLedger.draw(vial, lot: expiredLot, from: sealed(vial, expiredLot, units: 1), amount: mg(35), session: ivSession, now: now,
                                    today: today, timeZone: .gmt, policy: .defaults)
        }),
        ("an opened vial past its beyond-use date [X1]", {
            try RegisterLedger.draw(vial, lot: lot, from: opened(400, beyondUse: now), amount: mg(35), session: ivSession, now: now, today: today,
                                    timeZone: .gmt, policy: .defaults)
        }),
        ("part of a device [R14]", {
            try RegisterLedger.draw(device, lot: deviceLot, from: sealed(device, deviceLot, units: 3), amount: mg(40), session: sprayFacts, now: now,
                                    today: today, timeZone: .gmt, policy: .defaults)
        }),
        ("the last device drawn twice (never below zero)", {
            try RegisterLedger.draw(device, lot: deviceLot, from: sealed(device, deviceLot, units: 1), amount: mg(56), session: sprayFacts, now: now,
                                    today: today, timeZone: .gmt, policy: .defaults)
        }),
        ("the wrong substance for the session", {
            try RegisterLedger.draw(device, lot: deviceLot, from: sealed(device, deviceLot, units: 3), amount: mg(28), session: ivSession, now: now,
                                    today: today, timeZone: .gmt, policy: .defaults)
        }),
        ("a waste larger than what is unaccounted for", { try RegisterLedger.waste(mg(5), remainder: mg(2)) }),
        ("a receipt of an expired lot", {
            try RegisterLedger.receive(vial, lot: expiredLot, units: 1, locationID: location, existing: nil, today: today)
        }),
        ("a receipt of no units", { try RegisterLedger.receive(vial, lot: lot, units: 0, locationID: location, existing: nil, today: today) }),
        ("a transfer of more than the line holds", {
            try RegisterLedger.transfer(vial, from: sealed(vial, lot, units: 2), units: 3, toLocationID: UUID(), destination: nil)
        }),
        ("a correction below zero", { try RegisterLedger.correct(vial, line: sealed(vial, lot, units: 1), units: -2, amount: mg(0) - mg(1000)) }),
        ("a sealed correction in part units", { try RegisterLedger.correct(vial, line: sealed(vial, lot, units: 2), units: 0, amount: mg(0) - mg(35)) }),
        ("an opened vial's liquid returned", {
            try RegisterLedger.returnUnits(vial, to: sealed(vial, lot, units: 1), units: 1, drawnUnits: 1, returnedUnits: 0)
        }),
        ("more devices returned than drawn", {
            try RegisterLedger.returnUnits(device, to: sealed(device, deviceLot, units: 1), units: 2, drawnUnits: 2, returnedUnits: 1)
        }),
    ] }

    @Test("Every rule refuses with a reason", arguments: refusals.indices)
    func refused(index: Int) {
        let vector = Self.refusals[index]
        do {
            let effect = try vector.draw()
            Issue.record("\(vector.name) should be refused, got \(effect)")
        } catch let refusal as RegisterRefusal {
            #expect(!refusal.reason.isEmpty, "\(vector.name)")
        } catch {
            Issue.record("\(vector.name): \(error)")
        }
    }

    @Test("A 56 mg esketamine dose draws two devices, 84 mg three [R14]", arguments: [(56.0, Int64(2)), (84.0, 3), (28.0, 1)])
    func devices(dose: Double, devices: Int64) throws {
        let line = Self.sealed(Self.device, Self.deviceLot, units: 5)
        let effect = try RegisterLedger.draw(Self.device, lot: Self.deviceLot, from: line, amount: Self.mg(dose), session: Self.sprayFacts,
                                             now: Self.now, today: Self.today, timeZone: .gmt, policy: .defaults)
        #expect(effect.unitsOut == devices && effect.amountOut == Self.mg(dose))
        #expect(effect.changes == [LineDelta(lineID: line.id, units: -devices, amount: .zero - Self.mg(dose))])
    }

    @Test("Emptying an opened vial takes its unit out of stock")
    func emptyingVial() throws {
        let line = Self.opened(35)
        let effect = try RegisterLedger.draw(Self.vial, lot: Self.lot, from: line, amount: Self.mg(35), session: Self.ivSession, now: Self.now,
                                             today: Self.today, timeZone: .gmt, policy: .defaults)
        #expect(effect.unitsOut == 1 && effect.changes == [LineDelta(lineID: line.id, units: -1, amount: .zero - Self.mg(35))])
    }

    /// The draw form's proposal: 35 mg → 0.7 mL of an opened 50 mg/mL vial [R32]; a 37.3 mg dose
    /// rounds up to the 0.1 mL syringe step (clinic policy) and proposes the 2.7 mg to waste;
    /// 56 mg of esketamine is two devices [R14].
    @Test("The draw proposal prefers the opened vial, rounds to the syringe step and names the waste [R32][R14]")
    func proposal() {
        let opened = Self.opened(465)
        let sealed = Self.sealed(Self.vial, Self.lot, units: 3)
        let lots = [Self.lot.id: Self.lot]
        let plan = DrawProposal.plan(planned: Self.mg(35), product: Self.vial, lines: [sealed, opened], lots: lots, now: Self.now, today: Self.today,
                                     policy: .defaults)
        #expect(plan.parts.count == 1 && plan.parts[0].line.id == opened.id && plan.parts[0].amount == Self.mg(35))
        #expect(plan.parts[0].text.hasPrefix("0.7 mL (35 mg) from the opened vial"))
        #expect(plan.expectedWaste == .zero && plan.shortfall == nil)
        let odd = DrawProposal.plan(planned: Self.mg(37.3), product: Self.vial, lines: [opened], lots: lots, now: Self.now, today: Self.today,
                                    policy: .defaults)
        #expect(odd.parts.first?.amount == Self.mg(40) && odd.expectedWaste == Self.mg(2.7))
        let split = DrawProposal.plan(planned: Self.mg(35), product: Self.vial, lines: [Self.opened(20), sealed], lots: lots, now: Self.now,
                                      today: Self.today, policy: .defaults)
        #expect(split.parts.map(\.amount) == [Self.mg(20), Self.mg(15)])
        let short = DrawProposal.plan(planned: Self.mg(35), product: Self.vial, lines: [Self.opened(20)], lots: lots, now: Self.now, today: Self.today,
                                      policy: .defaults)
        #expect(short.shortfall != nil)
        let spray = DrawProposal.plan(planned: Self.mg(56), product: Self.device, lines: [Self.sealed(Self.device, Self.deviceLot, units: 4)],
                                      lots: [Self.deviceLot.id: Self.deviceLot], now: Self.now, today: Self.today, policy: .defaults)
        #expect(spray.parts.first?.text == "2 devices of lot S1" && spray.expectedWaste == .zero)
    }

    /// drawn − returned = administered + wasted, or the session cannot close.
    @Test("Reconciliation: only drawn = given + wasted + returned passes", arguments: [
        (40.0, 0.0, 35.0, 5.0, true), (40.0, 0.0, 35.0, 0.0, false), (35.0, 0.0, 40.0, 0.0, false), (84.0, 28.0, 56.0, 0.0, true),
    ])
    func reconciliation(drawn: Double, returned: Double, given: Double, wasted: Double, reconciled: Bool) {
        let value = SessionDrawReconciliation(drawn: Self.mg(drawn), returned: Self.mg(returned), administered: Self.mg(given), wasted: Self.mg(wasted))
        #expect(value.isReconciled == reconciled)
        #expect((value.problem == nil) == reconciled)
        #expect(SessionDrawReconciliation.dischargeProblem(value, dosed: true, registerInUse: true) == value.problem)
    }

    @Test("A dosed session with nothing drawn is stopped only where the register holds its substance")
    func nothingDrawn() {
        #expect(SessionDrawReconciliation.dischargeProblem(nil, dosed: true, registerInUse: true) != nil)
        #expect(SessionDrawReconciliation.dischargeProblem(nil, dosed: true, registerInUse: false) == nil)
        #expect(SessionDrawReconciliation.dischargeProblem(nil, dosed: false, registerInUse: true) == nil)
        #expect(SessionDrawReconciliation.administered(treatment: .esketamine, doseMg: 999, devicesUsed: 3) == Self.mg(84))   // [R14]
    }

    @Test("An unreconciled draw is a hard stop at discharge that no override passes")
    func dischargeStop() {
        var machine = SessionStateMachine(state: .readyForDischarge)
        let override = SessionOverride(byName: "Dr A", byPrescriber: true, reason: "patient must leave now, escort waiting")
        let action = machine.handle(.discharge(requiredPointsComplete: true, override: override, registerProblem: "5 mg unaccounted for"))
        #expect(action == .refuse(reason: "5 mg unaccounted for") && machine.state == .readyForDischarge)
        #expect(machine.handle(.discharge(requiredPointsComplete: true, override: nil, registerProblem: nil))
                == .transition(to: .discharged, audit: "discharged", override: nil))
    }

    @Test("A count differing from the register is a discrepancy; an opened vial is counted in mg")
    func counting() throws {
        let line = Self.opened(465)
        let same = try CountLine.parse(line: line, product: Self.vial, units: "1", amountMg: "465")
        #expect(!same.isDiscrepant)
        let less = try CountLine.parse(line: line, product: Self.vial, units: "1", amountMg: "460")
        #expect(less.isDiscrepant && less.difference.amount == .zero - Self.mg(5))
        let sealed = try CountLine.parse(line: Self.sealed(Self.vial, Self.lot, units: 3), product: Self.vial, units: "2", amountMg: nil)
        #expect(sealed.countedAmount == Self.mg(1000) && sealed.isDiscrepant)
        #expect(throws: RegisterRefusal.self) { try CountLine.parse(line: line, product: Self.vial, units: "-1", amountMg: "1") }
        #expect(throws: RegisterRefusal.self) { try CountLine.parse(line: line, product: Self.vial, units: "1", amountMg: "600") }
        #expect(throws: RegisterRefusal.self) { try RegisterDiscrepancy.validReason("short") }
    }

    @Test("Each jurisdiction profile names its retention and required fields with a source or NOT FOUND")
    func profiles() {
        for region in Jurisdiction.Region.allCases {
            let profile = RegisterJurisdictionProfile.of(region)
            #expect(!profile.retention.text.isEmpty && !profile.retention.source.isEmpty)
            #expect(!profile.requiredFields.isEmpty)
        }
        #expect(RegisterJurisdictionProfile.of(.unitedStates).retention.text.contains("2 years"))   // [R62-DC]
        #expect(RegisterJurisdictionProfile.of(.unitedStates).lossReport?.source == "[X2]")
    }
}
