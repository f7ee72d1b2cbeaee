import ClinicDomain
import Foundation

/// Why an 835 file was refused: in words for the person who chose the file, with the segment
/// where reading stopped. Nothing is posted from a refused file.
public struct X12RemittanceError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// The 1-based segment number where it was found, when there is one.
    public let segment: Int?

    /// An error at `segment`.
    public init(_ message: String, segment: Int? = nil) {
        self.message = message
        self.segment = segment
    }

    public var description: String { segment.map { "Segment \($0): \(message)" } ?? message }
}

/// Reads an ANSI X12 835 (005010X221A1) health care claim payment/advice file into
/// ``RemittanceAdvice`` values, one per transaction set (ST…SE): BPR (total and date), TRN (trace
/// number), N1*PR (payer), N1*PE (payee NPI), CLP (claim), CAS (adjustments, claim or line), NM1*QC
/// or NM1*IL (patient, member id), SVC (service line), DTM*472 (service date) and PLB
/// (provider-level adjustments) [B15]. The delimiters are read from the ISA segment, never assumed.
/// Anything malformed is refused with an ``X12RemittanceError``; nothing here can trap.
public enum X12Remittance835 {
    /// The largest file read (5 MB): far more than a clinic's monthly remittances.
    public static let maximumBytes = 5_000_000

    /// The remittances in `text`, or why the file cannot be read.
    public static func parse(_ text: String) throws(X12RemittanceError) -> [RemittanceAdvice] {
        guard text.utf8.count <= maximumBytes else { throw X12RemittanceError("The file is larger than 5 MB; split it by payment.") }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII }) else {
            throw X12RemittanceError("The file is not plain ASCII text, so it is not an X12 file.")
        }
        let scalars = Array(text.unicodeScalars.drop { $0 == "\u{FEFF}" || $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        guard scalars.count >= 106, String(String.UnicodeScalarView(scalars[0..<3])) == "ISA" else {
            throw X12RemittanceError("This is not an X12 file: it does not start with an ISA segment.")
        }
        let element = Character(scalars[3]), component = Character(scalars[104]), terminator = Character(scalars[105])
        guard element != component, element != terminator, component != terminator,
              ![element, component, terminator].contains(where: { $0.isLetter || $0.isNumber || $0 == " " }) else {
            throw X12RemittanceError("The ISA segment's delimiters are not usable (element, component and segment separators must differ).",
                                     segment: 1)
        }
        let segments = String(String.UnicodeScalarView(scalars)).split(separator: terminator, omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .map { $0.split(separator: element, omittingEmptySubsequences: false).map(String.init) }
        guard segments.first?.count == 17 else { throw X12RemittanceError("The ISA segment must have 16 elements.", segment: 1) }
        var reader = Reader(component: component)
        for (index, fields) in segments.enumerated() {
            try reader.read(fields, number: index + 1)
        }
        return try reader.finish(segmentCount: segments.count)
    }

    /// Walks the segments in order, building the current transaction.
    private struct Reader {
        let component: Character
        var advices: [RemittanceAdvice] = []
        var inTransaction = false
        var transactionStart = 0
        var sawIEA = false
        var payer: String?
        var trace: String?
        var total: Cents?
        var paidOn: CalendarDate?
        var produced: CalendarDate?
        var payeeNPI: String?
        var claims: [RemittanceAdvice.ClaimPayment] = []
        var plb: [RemittanceAdvice.ProviderAdjustment] = []

        mutating func read(_ fields: [String], number: Int) throws(X12RemittanceError) {
            let id = fields[0]
            func field(_ index: Int) -> String { index < fields.count ? fields[index].trimmingCharacters(in: .whitespaces) : "" }
            func amount(_ index: Int, _ name: String) throws(X12RemittanceError) -> Cents {
                guard let value = Self.cents(field(index)) else {
                    throw X12RemittanceError("\(id): the \(name) '\(field(index))' is not an amount.", segment: number)
                }
                return value
            }
            func inside() throws(X12RemittanceError) {
                guard inTransaction else { throw X12RemittanceError("\(id) appears outside a transaction (ST…SE).", segment: number) }
            }
            switch id {
            case "ISA", "GS", "GE":
                break
            case "IEA":
                sawIEA = true
            case "ST":
                guard !inTransaction else { throw X12RemittanceError("A new ST begins before the previous transaction's SE.", segment: number) }
                guard field(1) == "835" else {
                    throw X12RemittanceError("This is an X12 \(field(1).isEmpty ? "unknown" : field(1)) transaction, not an 835 remittance.", segment: number)
                }
                self = Reader(component: component, advices: advices, inTransaction: true, transactionStart: number)
            case "SE":
                try inside()
                guard let count = Int(field(1)), count == number - transactionStart + 1 else {
                    throw X12RemittanceError("SE counts \(field(1)) segments but the transaction has \(number - transactionStart + 1); the file is "
                                             + "incomplete or damaged.", segment: number)
                }
                guard let payer, !payer.isEmpty else { throw X12RemittanceError("The transaction names no payer (N1*PR).", segment: number) }
                guard let trace, !trace.isEmpty else { throw X12RemittanceError("The transaction has no trace number (TRN).", segment: number) }
                guard let total else { throw X12RemittanceError("The transaction has no payment amount (BPR).", segment: number) }
                guard let day = paidOn ?? produced else { throw X12RemittanceError("The transaction has no payment date (BPR16 or DTM*405).", segment: number) }
                advices.append(RemittanceAdvice(payerName: payer, traceNumber: trace, totalPaid: total, paidOn: day, payeeNPI: payeeNPI, claims: claims,
                                                providerAdjustments: plb))
                inTransaction = false
            case "BPR":
                try inside()
                total = try amount(2, "payment amount")
                if !field(16).isEmpty {
                    guard let day = Self.date(field(16)) else { throw X12RemittanceError("BPR16 '\(field(16))' is not a date (CCYYMMDD).", segment: number) }
                    paidOn = day
                }
            case "TRN":
                try inside()
                if trace == nil { trace = field(2) }
            case "DTM":
                try inside()
                guard let day = Self.date(field(2)) else { throw X12RemittanceError("DTM '\(field(2))' is not a date (CCYYMMDD).", segment: number) }
                if field(1) == "405" { produced = day }
                if field(1) == "472", !claims.isEmpty, !claims[claims.count - 1].services.isEmpty {
                    let last = claims.count - 1
                    claims[last].services[claims[last].services.count - 1].date = day
                }
            case "N1":
                try inside()
                if field(1) == "PR" { payer = field(2) }
                if field(1) == "PE", field(3) == "XX" { payeeNPI = field(4) }
            case "CLP":
                try inside()
                guard !field(1).isEmpty, !field(2).isEmpty else {
                    throw X12RemittanceError("CLP needs the claim id (CLP01) and status (CLP02).", segment: number)
                }
                guard claims.count < 20_000 else { throw X12RemittanceError("More than 20,000 claims in one payment.", segment: number) }
                claims.append(RemittanceAdvice.ClaimPayment(
                    claimID: field(1), status: field(2), charge: try amount(3, "claim charge"), paid: try amount(4, "claim payment"),
                    patientResponsibility: field(5).isEmpty ? .zero : try amount(5, "patient responsibility"), payerClaimNumber: field(7)))
            case "CAS":
                try inside()
                guard !claims.isEmpty else { throw X12RemittanceError("CAS comes before any CLP.", segment: number) }
                guard ["CO", "PR", "OA", "PI", "CR"].contains(field(1)) else {
                    throw X12RemittanceError("CAS group '\(field(1))' is not CO, PR, OA, PI or CR.", segment: number)
                }
                var found: [RemittanceAdvice.Adjustment] = []
                for triple in 0..<6 where !field(2 + triple * 3).isEmpty {
                    found.append(.init(group: field(1), reason: field(2 + triple * 3), amount: try amount(3 + triple * 3, "adjustment amount")))
                }
                guard !found.isEmpty else { throw X12RemittanceError("CAS has no reason code.", segment: number) }
                let last = claims.count - 1
                if claims[last].services.isEmpty {
                    claims[last].adjustments += found
                } else {
                    claims[last].services[claims[last].services.count - 1].adjustments += found
                }
            case "NM1":
                try inside()
                if ["QC", "IL"].contains(field(1)), !claims.isEmpty {
                    let last = claims.count - 1
                    if field(1) == "QC" || claims[last].patientName == nil {
                        claims[last].patientName = [field(3), field(4)].filter { !$0.isEmpty }.joined(separator: ", ")
                    }
                    if !field(9).isEmpty, field(1) == "QC" || claims[last].memberID == nil { claims[last].memberID = field(9) }
                }
            case "SVC":
                try inside()
                guard !claims.isEmpty else { throw X12RemittanceError("SVC comes before any CLP.", segment: number) }
                let procedure = field(1).split(separator: component, omittingEmptySubsequences: false).map(String.init)
                guard procedure.count >= 2, !procedure[1].isEmpty else {
                    throw X12RemittanceError("SVC01 '\(field(1))' does not name a procedure code (e.g. HC\(component)G2082).", segment: number)
                }
                var units = 1
                if !field(5).isEmpty {
                    let whole = field(5).split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
                    guard let parsed = Int(whole), (0...10_000).contains(parsed) else {
                        throw X12RemittanceError("SVC05 '\(field(5))' is not a number of units.", segment: number)
                    }
                    units = parsed
                }
                claims[claims.count - 1].services.append(.init(code: procedure[1], modifiers: Array(procedure.dropFirst(2)).filter { !$0.isEmpty },
                                                               charge: try amount(2, "line charge"), paid: try amount(3, "line payment"), units: units))
            case "PLB":
                try inside()
                var pair = 3
                while pair + 1 < fields.count, !field(pair).isEmpty {
                    let parts = field(pair).split(separator: component, maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    plb.append(.init(reason: parts[0], reference: parts.count > 1 ? parts[1] : "", amount: try amount(pair + 1, "provider adjustment")))
                    pair += 2
                }
            default:
                // Other segments (REF, PER, N3, N4, LX, TS3, AMT, QTY, MIA, MOA, RDM, …) carry nothing the ledger needs.
                break
            }
        }

        func finish(segmentCount: Int) throws(X12RemittanceError) -> [RemittanceAdvice] {
            guard !inTransaction else { throw X12RemittanceError("The file ends inside a transaction (no SE): it is incomplete.", segment: segmentCount) }
            guard sawIEA else { throw X12RemittanceError("The file has no IEA segment: it is incomplete.", segment: segmentCount) }
            guard !advices.isEmpty else { throw X12RemittanceError("The file holds no 835 transaction.") }
            return advices
        }

        /// "1500", "1500.5", "-50.00" as cents; nil for anything else or beyond $10,000,000,000.
        static func cents(_ text: String) -> Cents? {
            var body = Substring(text)
            let negative = body.hasPrefix("-")
            if negative { body = body.dropFirst() }
            let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let whole = parts.first, (1...12).contains(whole.count), whole.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let dollars = Int64(whole) else { return nil }
            var fraction: Int64 = 0
            if parts.count == 2 {
                let digits = parts[1]
                guard (1...2).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), let parsed = Int64(digits) else { return nil }
                fraction = digits.count == 1 ? parsed * 10 : parsed
            }
            guard dollars <= 10_000_000_000 else { return nil }
            let value = dollars * 100 + fraction
            return Cents(negative ? -value : value)
        }

        /// CCYYMMDD as a day; nil when not a real date.
        static func date(_ text: String) -> CalendarDate? {
            guard text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let year = Int(text.prefix(4)), let month = Int(text.dropFirst(4).prefix(2)), let day = Int(text.suffix(2)) else { return nil }
            return CalendarDate(year: year, month: month, day: day)
        }
    }
}
