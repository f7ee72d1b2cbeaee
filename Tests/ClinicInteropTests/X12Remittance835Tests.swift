import ClinicDomain
import ClinicInterop
import Foundation
import Testing

@Suite("X12 835 remittance: read to the standard, bad files refused clearly")
struct X12Remittance835Tests {
    /// A remittance as Tests/Claims/make_835.py writes it (validated by pyx12 in CI): one
    /// esketamine claim, two lines, each 70 % paid, CO-45 and PR-2 adjustments; a PLB [B15].
    static let sample = """
        ISA*00*          *00*          *ZZ*CASCADEHP      *ZZ*KETACLINIC     *261206*0949*^*00501*008800123*0*T*:~
        GS*HP*CASCADEHP*KETACLINIC*20261206*0949*1*X*005010X221A1~
        ST*835*0001~
        BPR*I*1389*C*CHK************20261206~
        TRN*1*8800123*1999999999~
        DTM*405*20261205~
        N1*PR*CASCADE HEALTH PLAN~
        N3*PO BOX 1000~
        N4*PORTLAND*OR*97208~
        PER*BL*EDI SUPPORT*TE*5035550100~
        N1*PE*RIVERSIDE KETAMINE CLINIC PLLC*XX*1234567893~
        LX*1~
        CLP*KCCA37FDCB32C54E848E*1*2020*1414*202*12*PCN000001*11*1~
        NM1*QC*1*ESKETAMINE*ETHAN****MI*CHP-448120-01~
        SVC*HC:J0013*1120*784**56~
        DTM*472*20261108~
        CAS*CO*45*224~
        CAS*PR*2*112~
        SVC*HC:G2082:JZ*900*630**1~
        DTM*472*20261108~
        CAS*CO*45*150**253*30~
        CAS*PR*2*90~
        PLB*1234567893*20261231*WO:OVERPAY8800123*25~
        SE*22*0001~
        GE*1*1~
        IEA*1*008800123~

        """

    @Test("Reads BPR, TRN, N1, CLP, NM1, SVC, DTM*472, CAS (claim and line, several per segment) and PLB [B15]")
    func reads() throws {
        let advices = try X12Remittance835.parse(Self.sample)
        let advice = try #require(advices.first)
        #expect(advices.count == 1)
        #expect(advice.payerName == "CASCADE HEALTH PLAN" && advice.traceNumber == "8800123" && advice.totalPaid == Cents(138_900))
        #expect(advice.paidOn == CalendarDate(year: 2026, month: 12, day: 6), "BPR16 wins over DTM*405")
        #expect(advice.payeeNPI == "1234567893")
        let claim = try #require(advice.claims.first)
        #expect(claim.claimID == "KCCA37FDCB32C54E848E" && claim.status == "1" && claim.charge == Cents(202_000) && claim.paid == Cents(141_400))
        #expect(claim.patientResponsibility == Cents(20_200) && claim.payerClaimNumber == "PCN000001")
        #expect(claim.patientName == "ESKETAMINE, ETHAN" && claim.memberID == "CHP-448120-01")
        #expect(claim.services.map(\.code) == ["J0013", "G2082"] && claim.services[1].modifiers == ["JZ"] && claim.services[0].units == 56)
        #expect(claim.services[0].date == CalendarDate(year: 2026, month: 11, day: 8))
        #expect(claim.services[1].adjustments.map(\.label) == ["CO-45 $150.00", "CO-253 $30.00", "PR-2 $90.00"])
        #expect(advice.providerAdjustments == [.init(reason: "WO", reference: "OVERPAY8800123", amount: Cents(2_500))])
        #expect(RemittancePosting.plan(claim) == .post(payment: Cents(141_400), writeOff: Cents(40_400), writeOffReason: "Contractual adjustment (CO-253, CO-45)",
                                                      patientShare: Cents(20_200)))
    }

    @Test("Other delimiters are read from the ISA segment")
    func delimiters() throws {
        let text = Self.sample.replacingOccurrences(of: "*", with: "|").replacingOccurrences(of: "~", with: "\n").replacingOccurrences(of: "HC:", with: "HC>").replacingOccurrences(of: "G2082:JZ", with: "G2082>JZ")
            .replacingOccurrences(of: "|^|00501|008800123|0|T|:", with: "|^|00501|008800123|0|T|>")
        let advice = try X12Remittance835.parse(text).first
        #expect(advice?.claims.first?.services.last?.code == "G2082", "\(String(describing: advice))")
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let says: String
        var testDescription: String { name }
    }

    static func replacing(_ old: String, _ new: String) -> String { sample.replacingOccurrences(of: old, with: new) }

    static let badFiles: [BadFile] = [
        BadFile(name: "empty", text: "", says: "does not start with an ISA"),
        BadFile(name: "a CSV file", text: "date,code,amount\n2026-11-08,G2082,900.00\n" + String(repeating: " ", count: 120), says: "not an X12 file"),
        BadFile(name: "an 837 instead of an 835", text: replacing("ST*835*0001", "ST*837*0001"), says: "837 transaction, not an 835"),
        BadFile(name: "cut off before SE", text: String(sample.prefix(sample.count - 60)), says: "incomplete"),
        BadFile(name: "segment count wrong", text: replacing("SE*22*0001", "SE*20*0001"), says: "SE counts 20"),
        BadFile(name: "amount with letters", text: replacing("CAS*CO*45*224", "CAS*CO*45*22X"), says: "'22X' is not an amount"),
        BadFile(name: "three decimals", text: replacing("CAS*CO*45*224", "CAS*CO*45*224.001"), says: "is not an amount"),
        BadFile(name: "impossible date", text: replacing("20261206~\nTRN", "20261306~\nTRN"), says: "is not a date"),
        BadFile(name: "no payer", text: replacing("N1*PR*CASCADE HEALTH PLAN", "N1*XX*CASCADE"), says: "no payer"),
        BadFile(name: "no trace number", text: replacing("TRN*1*8800123*1999999999", "REF*EV*1"), says: "no trace number"),
        BadFile(name: "unknown adjustment group", text: replacing("CAS*CO*45*224", "CAS*ZZ*45*224"), says: "not CO, PR, OA, PI or CR"),
        BadFile(name: "service without a code", text: replacing("SVC*HC:J0013", "SVC*J0013"), says: "does not name a procedure code"),
        BadFile(name: "huge amount", text: replacing("BPR*I*1389", "BPR*I*99999999999999"), says: "is not an amount"),
        BadFile(name: "not ASCII", text: replacing("ESKETAMINE", "ESKÉTAMINE"), says: "not plain ASCII"),
        BadFile(name: "no IEA", text: replacing("IEA*1*008800123~", ""), says: "no IEA"),
    ]

    @Test("Bad files are refused with a clear message, never a crash", arguments: badFiles)
    func refuses(_ bad: BadFile) {
        do {
            _ = try X12Remittance835.parse(bad.text)
            Issue.record("\(bad.name) was accepted")
        } catch {
            #expect(error.description.contains(bad.says), "\(error.description)")
        }
    }

    struct PlanVector: Sendable, CustomTestStringConvertible {
        let name: String
        let claim: RemittanceAdvice.ClaimPayment
        let posts: Bool
        let source: String
        var testDescription: String { "\(name) \(source)" }
    }

    static func claim(status: String = "1", charge: Int64 = 90_000, paid: Int64 = 63_000,
                      adjustments: [(String, String, Int64)] = [("CO", "45", 18_000), ("PR", "2", 9_000)]) -> RemittanceAdvice.ClaimPayment {
        .init(claimID: "KC1", status: status, charge: Cents(charge), paid: Cents(paid),
              adjustments: adjustments.map { .init(group: $0.0, reason: $0.1, amount: Cents($0.2)) })
    }

    static let plans: [PlanVector] = [
        PlanVector(name: "processed as primary, balanced: post", claim: claim(), posts: true, source: "[B12][B13]"),
        PlanVector(name: "processed as secondary: post", claim: claim(status: "2"), posts: true, source: "[B12]"),
        PlanVector(name: "processed, forwarded to another payer: post", claim: claim(status: "19"), posts: true, source: "[B12]"),
        PlanVector(name: "processed with no payment (all CO): post the write-off", claim: claim(paid: 0, adjustments: [("CO", "50", 90_000)]),
                   posts: true, source: "[B14]"),
        PlanVector(name: "denied, patient not recognised: review", claim: claim(status: "4", paid: 0, adjustments: []), posts: false, source: "[B14]"),
        PlanVector(name: "reversal of an earlier payment: review", claim: claim(status: "22", charge: -90_000, paid: -63_000), posts: false,
                   source: "[B12]"),
        PlanVector(name: "pended: not a processed claim", claim: claim(status: "5"), posts: false, source: "[B12]"),
        PlanVector(name: "OA adjustment: who bears it is for a person", claim: claim(adjustments: [("OA", "23", 18_000), ("PR", "2", 9_000)]),
                   posts: false, source: "[B13]"),
        PlanVector(name: "PI adjustment: review", claim: claim(adjustments: [("PI", "45", 18_000), ("PR", "2", 9_000)]), posts: false, source: "[B13]"),
        PlanVector(name: "does not balance", claim: claim(adjustments: [("CO", "45", 10_000)]), posts: false, source: "arithmetic"),
    ]

    @Test("What the import does with each claim payment", arguments: plans)
    func plan(_ vector: PlanVector) {
        let decision = RemittancePosting.plan(vector.claim)
        if case .post = decision { #expect(vector.posts) } else { #expect(!vector.posts) }
    }
}
