import Foundation

/// One insurer-billed session as a professional claim: who is insured with whom, the
/// authorisation, the diagnoses and the service lines. Built from the ledger's charges in force
/// (never typed) and rendered by ``X12ProfessionalClaimFile`` as an ANSI X12 837P 5010 file.
public struct ProfessionalClaim: Equatable, Sendable {
    /// One service line.
    public struct Line: Equatable, Sendable {
        /// The HCPCS/CPT code.
        public var code: String
        /// Modifiers, at most four.
        public var modifiers: [String]
        /// The line charge.
        public var charge: Cents
        /// Units.
        public var units: Int
        /// 1-based pointers into ``ProfessionalClaim/diagnoses``.
        public var pointers: [Int]
        /// Day of service.
        public var date: CalendarDate

        /// Creates a line.
        public init(code: String, modifiers: [String], charge: Cents, units: Int, pointers: [Int], date: CalendarDate) {
            self.code = code
            self.modifiers = modifiers
            self.charge = charge
            self.units = units
            self.pointers = pointers
            self.date = date
        }
    }

    /// The patient's account number on the claim (CLM01), unique per session.
    public var claimID: String
    /// Payer name.
    public var payerName: String
    /// Payer id (from the payer's or clearinghouse's list).
    public var payerID: String
    /// Claim filing indicator: "CI" commercial, "MB" Medicare Part B, "MC" Medicaid.
    public var filingIndicator: String
    /// The member id.
    public var memberID: String
    /// Subscriber (the patient) given name.
    public var givenName: String
    /// Family name.
    public var familyName: String
    /// Date of birth.
    public var dateOfBirth: CalendarDate
    /// "F", "M" or "U".
    public var sex: String
    /// The prior authorisation number, when there is one.
    public var authorizationNumber: String?
    /// ICD-10-CM codes (with or without the dot), principal first; at most 12.
    public var diagnoses: [String]
    /// The lines.
    public var lines: [Line]

    /// Creates a claim.
    public init(claimID: String, payerName: String, payerID: String, filingIndicator: String = "CI", memberID: String, givenName: String,
                familyName: String, dateOfBirth: CalendarDate, sex: String, authorizationNumber: String?, diagnoses: [String], lines: [Line]) {
        self.claimID = claimID
        self.payerName = payerName
        self.payerID = payerID
        self.filingIndicator = filingIndicator
        self.memberID = memberID
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.authorizationNumber = authorizationNumber
        self.diagnoses = diagnoses
        self.lines = lines
    }

    /// The claim's total charge.
    public var total: Cents { Cents.sum(lines.map(\.charge)) ?? .zero }
}

/// Writes professional claims as one ANSI X12 837P (005010X222A1) interchange: ISA/GS/ST,
/// submitter (1000A) and receiver (1000B), the billing provider (2000A/2010AA with NPI and EIN),
/// then per claim the subscriber (2000B/2010BA), payer (2010BB), claim (2300 with CLM, prior
/// authorisation REF*G1 and HI diagnoses), rendering provider (2310B) and service lines (2400:
/// LX, SV1, DTP*472). Validated in CI with the pyx12 package (docs/billing.md).
public enum X12ProfessionalClaimFile {
    /// Who sends and who receives the file.
    public struct Parties: Equatable, Sendable {
        /// Interchange sender id (ISA06, 1000A NM109), up to 15 characters.
        public var senderID: String
        /// Interchange receiver id (ISA08, 1000B NM109), up to 15 characters.
        public var receiverID: String
        /// The receiver's name (1000B).
        public var receiverName: String
        /// "P" production, "T" test.
        public var usage: String

        /// Creates parties.
        public init(senderID: String, receiverID: String, receiverName: String, usage: String = "T") {
            self.senderID = senderID
            self.receiverID = receiverID
            self.receiverName = receiverName
            self.usage = usage
        }
    }

    /// The file for `claims` from `provider`, stamped `at` (UTC) with control number `control`
    /// (1 to 999,999,999). Segments end with `~` and a newline for readability.
    public static func render(_ claims: [ProfessionalClaim], provider: BillingProvider, parties: Parties, control: Int, at instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let ymd = String(format: "%04d%02d%02d", parts.year ?? 2000, parts.month ?? 1, parts.day ?? 1)
        let hm = String(format: "%02d%02d", parts.hour ?? 0, parts.minute ?? 0)
        let controlNumber = String(format: "%09d", max(1, min(control, 999_999_999)))
        func pad(_ text: String, _ width: Int) -> String {
            let clean = String(Self.clean(text).prefix(width))
            return clean + String(repeating: " ", count: width - clean.count)
        }
        var body: [String] = []
        func add(_ elements: String...) { body.append(elements.map(Self.clean).joined(separator: "*")) }
        func addRaw(_ segment: String) { body.append(segment) }

        addRaw("ST*837*0001*005010X222A1")
        add("BHT", "0019", "00", "KC\(controlNumber)", ymd, hm, "CH")
        add("NM1", "41", "2", provider.practiceName, "", "", "", "", "46", parties.senderID)
        add("PER", "IC", "BILLING OFFICE", "TE", provider.phone.filter { $0.isASCII && $0.isNumber })
        add("NM1", "40", "2", parties.receiverName, "", "", "", "", "46", parties.receiverID)
        add("HL", "1", "", "20", "1")
        add("NM1", "85", "2", provider.practiceName, "", "", "", "", "XX", provider.billingNPI)
        add("N3", provider.address)
        add("N4", provider.city, provider.state, provider.postalCode.filter { $0.isASCII && $0.isNumber })
        add("REF", "EI", provider.taxID.filter { $0.isASCII && $0.isNumber })
        for (index, claim) in claims.enumerated() {
            add("HL", String(index + 2), "1", "22", "0")
            add("SBR", "P", "18", "", "", "", "", "", "", claim.filingIndicator)
            add("NM1", "IL", "1", claim.familyName, claim.givenName, "", "", "", "MI", claim.memberID)
            add("DMG", "D8", claim.dateOfBirth.iso.replacingOccurrences(of: "-", with: ""), claim.sex)
            add("NM1", "PR", "2", claim.payerName, "", "", "", "", "PI", claim.payerID)
            addRaw("CLM*\(clean(claim.claimID))*\(claim.total.decimal)***\(clean(provider.placeOfService)):B:1*Y*A*Y*Y")
            if let number = claim.authorizationNumber { add("REF", "G1", number) }
            let codes = claim.diagnoses.prefix(12).map { $0.replacingOccurrences(of: ".", with: "") }
            let hi = codes.enumerated().map { ($0.offset == 0 ? "ABK:" : "ABF:") + clean($0.element) }
            addRaw((["HI"] + hi).joined(separator: "*"))
            add("NM1", "82", "1", provider.renderingName, "", "", "", "", "XX", provider.renderingNPI)
            for (number, line) in claim.lines.enumerated() {
                add("LX", String(number + 1))
                let procedure = (["HC", line.code] + line.modifiers.prefix(4)).map(clean).joined(separator: ":")
                let pointers = line.pointers.prefix(4).map(String.init).joined(separator: ":")
                addRaw("SV1*\(procedure)*\(line.charge.decimal)*UN*\(line.units)***\(pointers)")
                add("DTP", "472", "D8", line.date.iso.replacingOccurrences(of: "-", with: ""))
            }
        }
        addRaw("SE*\(body.count + 1)*0001")
        let isa = "ISA*00*\(pad("", 10))*00*\(pad("", 10))*ZZ*\(pad(parties.senderID, 15))*ZZ*\(pad(parties.receiverID, 15))*"
            + "\(ymd.dropFirst(2))*\(hm)*^*00501*\(controlNumber)*0*\(parties.usage == "P" ? "P" : "T")*:"
        let segments = [isa, "GS*HC*\(clean(parties.senderID))*\(clean(parties.receiverID))*\(ymd)*\(hm)*\(max(1, min(control, 999_999_999)))*X*005010X222A1"]
            + body + ["GE*1*\(max(1, min(control, 999_999_999)))", "IEA*1*\(controlNumber)"]
        return segments.map { $0 + "~" }.joined(separator: "\n") + "\n"
    }

    /// `text` without the file's separators (`*`, `~`, `:`, `^`) and control characters, upper case
    /// as payers expect.
    static func clean(_ text: String) -> String {
        String(text.uppercased().map { "*~:^".contains($0) || $0.isNewline || !$0.isASCII ? " " : $0 })
            .trimmingCharacters(in: .whitespaces)
    }
}
