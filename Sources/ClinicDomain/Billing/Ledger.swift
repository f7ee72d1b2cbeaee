import Foundation

/// How a patient paid. Card, HSA and FSA payments carry the terminal's or the card processor's
/// transaction reference; KetaClinic never stores card numbers.
public enum PaymentMethod: String, Codable, CaseIterable, Sendable {
    /// Cash.
    case cash
    /// Cheque.
    case check
    /// Credit or debit card, through the clinic's terminal.
    case card
    /// Health savings account card.
    case hsa
    /// Flexible spending account card.
    case fsa
    /// An insurer's remittance.
    case insurer

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .cash: "Cash"
        case .check: "Check"
        case .card: "Card"
        case .hsa: "HSA"
        case .fsa: "FSA"
        case .insurer: "Insurer"
        }
    }

    /// True when the payment needs an external reference.
    public var needsReference: Bool { self != .cash }
}

/// What a ledger line is.
public enum LedgerEntryKind: String, Codable, CaseIterable, Sendable {
    /// A charge from a session's captured line.
    case charge
    /// A charge taken back because the session was amended (the amended lines follow).
    case chargeReversal = "charge-reversal"
    /// Money received.
    case payment
    /// Money returned to the patient.
    case refund
    /// A balance the clinic will not collect, with a reason.
    case writeOff = "write-off"

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .charge: "Charge"
        case .chargeReversal: "Charge reversed"
        case .payment: "Payment"
        case .refund: "Refund"
        case .writeOff: "Write-off"
        }
    }

    /// +1 when the entry raises what the patient owes, −1 when it lowers it.
    public var sign: Int64 {
        switch self {
        case .charge, .refund: 1
        case .chargeReversal, .payment, .writeOff: -1
        }
    }
}

/// One line of a patient's account. Entries are appended, never changed: a mistake is put right
/// by a reversing entry.
public struct LedgerEntry: Equatable, Codable, Sendable, Identifiable {
    /// Identity.
    public var id: UUID
    /// The patient.
    public var patientID: UUID
    /// What it is.
    public var kind: LedgerEntryKind
    /// The amount, always positive; ``LedgerEntryKind/sign`` says which way it moves the balance.
    public var amount: Cents
    /// The day it counts for (day of service for charges, day received for payments).
    public var postedOn: CalendarDate
    /// The session a charge belongs to.
    public var sessionID: UUID?
    /// The code, units and modifiers of a charge.
    public var code: String?
    /// Units of a charge.
    public var units: Int?
    /// The ICD-10-CM codes a charge points to, in pointer order.
    public var diagnoses: [String]
    /// The payment method of a payment or refund.
    public var method: PaymentMethod?
    /// The external reference (terminal transaction, cheque number, remittance trace).
    public var reference: String?
    /// Why (write-offs, refunds, reversals), or the rule that made a charge.
    public var note: String
    /// For a charge: priced at the self-pay price (true) or billed to an insurer (false).
    public var selfPay: Bool
    /// For a reversal: the charge it takes back.
    public var reverses: UUID?
    /// For a charge drawn from a prepaid package: the patient's purchase it draws from.
    public var packageID: UUID?
    /// When it was entered.
    public var recordedAt: Date
    /// Who entered it.
    public var recordedBy: String

    /// Creates an entry.
    public init(id: UUID = UUID.random(), patientID: UUID, kind: LedgerEntryKind, amount: Cents, postedOn: CalendarDate, sessionID: UUID? = nil,
                code: String? = nil, units: Int? = nil, diagnoses: [String] = [], method: PaymentMethod? = nil, reference: String? = nil, note: String = "",
                selfPay: Bool = true, reverses: UUID? = nil, packageID: UUID? = nil, recordedAt: Date, recordedBy: String) {
        self.id = id
        self.patientID = patientID
        self.kind = kind
        self.amount = amount
        self.postedOn = postedOn
        self.sessionID = sessionID
        self.code = code
        self.units = units
        self.diagnoses = diagnoses
        self.method = method
        self.reference = reference
        self.note = note
        self.selfPay = selfPay
        self.reverses = reverses
        self.packageID = packageID
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }

    /// The signed effect on the balance.
    public var signedAmount: Cents { Cents(amount.value * kind.sign) }
}

/// A patient's account summed: what was charged, paid, refunded, written off, and the balance.
public struct LedgerSummary: Equatable, Codable, Sendable {
    /// Charges less reversals.
    public var charges: Cents
    /// Payments received.
    public var payments: Cents
    /// Refunds paid out.
    public var refunds: Cents
    /// Written off.
    public var writeOffs: Cents
    /// What the patient owes; negative is a credit.
    public var balance: Cents

    /// Sums `entries` (amounts are bounded, so no realistic ledger overflows; an impossible one
    /// saturates at the bound instead of trapping).
    public init(_ entries: [LedgerEntry]) {
        func total(_ kinds: Set<LedgerEntryKind>) -> Int64 {
            entries.filter { kinds.contains($0.kind) }.reduce(Int64(0)) { sum, entry in
                let (next, overflow) = sum.addingReportingOverflow(entry.amount.value)
                return overflow ? Int64.max / 4 : next
            }
        }
        let charged = total([.charge]), reversed = total([.chargeReversal])
        let paid = total([.payment]), refunded = total([.refund]), written = total([.writeOff])
        charges = Cents(charged - reversed)
        payments = Cents(paid)
        refunds = Cents(refunded)
        writeOffs = Cents(written)
        balance = Cents(charged - reversed - paid + refunded - written)
    }
}

/// A payment, refund or write-off as staff enter it, checked against the account before it is
/// stored.
public struct LedgerPosting: Equatable, Sendable {
    /// Payment, refund or write-off.
    public var kind: LedgerEntryKind
    /// The amount (positive).
    public var amount: Cents
    /// The method (payments and refunds).
    public var method: PaymentMethod?
    /// The external reference.
    public var reference: String?
    /// Why (required for refunds and write-offs).
    public var note: String
    /// The day it counts for.
    public var postedOn: CalendarDate
    /// For a payment larger than the balance: the patient asked to keep the rest as a credit.
    public var allowCredit: Bool

    /// Creates a posting.
    public init(kind: LedgerEntryKind, amount: Cents, method: PaymentMethod? = nil, reference: String? = nil, note: String = "",
                postedOn: CalendarDate, allowCredit: Bool = false) {
        self.kind = kind
        self.amount = amount
        self.method = method
        self.reference = reference
        self.note = note
        self.postedOn = postedOn
        self.allowCredit = allowCredit
    }

    /// The posting cleaned against `summary`, or field errors: not a positive amount, a payment
    /// over the balance without an explicit credit, a refund over what was paid, a write-off over
    /// the balance or without a reason, a missing reference, or what looks like a card number.
    public func validated(against summary: LedgerSummary, today: CalendarDate) throws(FieldErrors) -> LedgerPosting {
        var errors = FieldErrors()
        var clean = self
        clean.reference = reference?.trimmingCharacters(in: .whitespaces)
        if clean.reference?.isEmpty == true { clean.reference = nil }
        clean.note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if ![.payment, .refund, .writeOff].contains(kind) { errors.add("kind", "Choose payment, refund or write-off.") }
        if amount.value <= 0 { errors.add("amount", "Enter an amount greater than zero.") }
        if amount > Cents.maximumEntry { errors.add("amount", "Enter an amount up to \(Cents.maximumEntry).") }
        if postedOn > today { errors.add("postedOn", "The date is in the future.") }
        if clean.note.count > 500 { errors.add("note", "Keep the note under 500 characters.") }
        if let reference = clean.reference {
            if reference.count > 80 { errors.add("reference", "Keep the reference under 80 characters.") }
            if Self.looksLikeCardNumber(reference) {
                errors.add("reference", "This looks like a card number. Enter the terminal's transaction reference; card numbers are never stored.")
            }
        }
        switch kind {
        case .payment, .refund:
            if let method {
                if method.needsReference, clean.reference == nil {
                    errors.add("reference", "Enter the \(method.displayName) transaction or cheque reference.")
                }
            } else {
                errors.add("method", "Choose how it was paid.")
            }
        default:
            break
        }
        if amount.value > 0 {
            switch kind {
            case .payment where amount > summary.balance && !allowCredit:
                errors.add("amount", "The payment (\(amount)) is more than the balance (\(summary.balance)). "
                           + "Tick “keep the rest as a credit” if the patient wants that.")
            case .refund:
                let refundable = summary.payments.value - summary.refunds.value
                if amount.value > refundable { errors.add("amount", "The refund is more than the payments not yet refunded (\(Cents(max(0, refundable))))." ) }
                if clean.note.isEmpty { errors.add("note", "Say why the money is returned.") }
            case .writeOff:
                if amount > summary.balance { errors.add("amount", "The write-off is more than the balance (\(summary.balance)).") }
                if clean.note.isEmpty { errors.add("note", "Give the reason for the write-off.") }
            default:
                break
            }
        }
        try errors.throwIfAny()
        return clean
    }

    /// 13 to 19 digits (spaces and dashes aside) that pass the Luhn check: a payment card number.
    public static func looksLikeCardNumber(_ text: String) -> Bool {
        let digits = text.filter { $0 != " " && $0 != "-" }
        guard (13...19).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            var value = Int(String(character))!
            if index % 2 == 1 { value *= 2; if value > 9 { value -= 9 } }
            sum += value
        }
        return sum % 10 == 0
    }
}
