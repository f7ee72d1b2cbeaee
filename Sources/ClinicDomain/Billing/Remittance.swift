import Foundation

/// A payer's remittance advice (what an ANSI X12 835 file carries), read into plain values: the
/// payment's trace number and total, and per claim what was charged, paid, adjusted and why. The
/// import posts what is safe to post and keeps the rest for a person to review.
public struct RemittanceAdvice: Equatable, Sendable {
    /// One adjustment: who bears it (group), why (reason code), how much.
    public struct Adjustment: Equatable, Sendable, Codable {
        /// The claim adjustment group code: CO, PR, OA, PI or CR [B13].
        public var group: String
        /// The claim adjustment reason code, e.g. 45 (charge over the fee schedule), 1 (deductible) [B13].
        public var reason: String
        /// The amount; negative for a reversal of an earlier adjustment.
        public var amount: Cents

        /// Creates an adjustment.
        public init(group: String, reason: String, amount: Cents) {
            self.group = group
            self.reason = reason
            self.amount = amount
        }

        /// "CO-45 $200.00".
        public var label: String { "\(group)-\(reason) \(amount)" }
    }

    /// One service line of a claim (SVC).
    public struct ServiceLine: Equatable, Sendable, Codable {
        /// The procedure or drug code.
        public var code: String
        /// Its modifiers.
        public var modifiers: [String]
        /// What was charged.
        public var charge: Cents
        /// What the payer paid.
        public var paid: Cents
        /// Units paid (1 when not given).
        public var units: Int
        /// The day of service, when given.
        public var date: CalendarDate?
        /// The line's adjustments.
        public var adjustments: [Adjustment]

        /// Creates a line.
        public init(code: String, modifiers: [String] = [], charge: Cents, paid: Cents, units: Int = 1, date: CalendarDate? = nil,
                    adjustments: [Adjustment] = []) {
            self.code = code
            self.modifiers = modifiers
            self.charge = charge
            self.paid = paid
            self.units = units
            self.date = date
            self.adjustments = adjustments
        }
    }

    /// One claim's payment (CLP and what follows it).
    public struct ClaimPayment: Equatable, Sendable, Codable {
        /// The claim id the clinic sent (837P CLM01), which names the session.
        public var claimID: String
        /// The claim status code [B12].
        public var status: String
        /// Total charged.
        public var charge: Cents
        /// Total paid.
        public var paid: Cents
        /// The patient's responsibility the payer reports.
        public var patientResponsibility: Cents
        /// The payer's own claim number.
        public var payerClaimNumber: String
        /// The patient as the payer names them (family, given), when given.
        public var patientName: String?
        /// The member id, when given.
        public var memberID: String?
        /// Claim-level adjustments.
        public var adjustments: [Adjustment]
        /// Service lines.
        public var services: [ServiceLine]

        /// Creates a claim payment.
        public init(claimID: String, status: String, charge: Cents, paid: Cents, patientResponsibility: Cents = .zero, payerClaimNumber: String = "",
                    patientName: String? = nil, memberID: String? = nil, adjustments: [Adjustment] = [], services: [ServiceLine] = []) {
            self.claimID = claimID
            self.status = status
            self.charge = charge
            self.paid = paid
            self.patientResponsibility = patientResponsibility
            self.payerClaimNumber = payerClaimNumber
            self.patientName = patientName
            self.memberID = memberID
            self.adjustments = adjustments
            self.services = services
        }

        /// Every adjustment, claim-level and line-level.
        public var allAdjustments: [Adjustment] { adjustments + services.flatMap(\.adjustments) }
    }

    /// A provider-level adjustment (PLB): not tied to a claim, so always reviewed by a person.
    public struct ProviderAdjustment: Equatable, Sendable, Codable {
        /// The adjustment reason code, e.g. WO (overpayment recovery), L6 (interest).
        public var reason: String
        /// The reference the payer gives.
        public var reference: String
        /// The amount (positive reduces the payment).
        public var amount: Cents

        /// Creates one.
        public init(reason: String, reference: String, amount: Cents) {
            self.reason = reason
            self.reference = reference
            self.amount = amount
        }
    }

    /// The payer's name (N1*PR).
    public var payerName: String
    /// The check or EFT trace number (TRN02): one remittance is imported once.
    public var traceNumber: String
    /// The total actually paid (BPR02).
    public var totalPaid: Cents
    /// The payment's date (BPR16, or the production date).
    public var paidOn: CalendarDate
    /// The payee's NPI, when given.
    public var payeeNPI: String?
    /// The claims paid.
    public var claims: [ClaimPayment]
    /// Provider-level adjustments.
    public var providerAdjustments: [ProviderAdjustment]

    /// Creates an advice.
    public init(payerName: String, traceNumber: String, totalPaid: Cents, paidOn: CalendarDate, payeeNPI: String? = nil,
                claims: [ClaimPayment], providerAdjustments: [ProviderAdjustment] = []) {
        self.payerName = payerName
        self.traceNumber = traceNumber
        self.totalPaid = totalPaid
        self.paidOn = paidOn
        self.payeeNPI = payeeNPI
        self.claims = claims
        self.providerAdjustments = providerAdjustments
    }
}

/// What the import does with one claim payment, before it is matched to the ledger: post the
/// payment and the contractual write-off, leave the patient's share on their account, or keep it
/// for a person to review. Conservative by design: only what the payer and the clinic's contract
/// settle (CO) is written off automatically [B13].
public enum RemittancePosting: Equatable, Sendable {
    /// Post `payment` (may be zero) and `writeOff` (CO adjustments, may be zero); `patientShare`
    /// (PR adjustments) stays on the patient's balance.
    case post(payment: Cents, writeOff: Cents, writeOffReason: String, patientShare: Cents)
    /// Keep for review, with why.
    case review(String)

    /// Claim statuses that mean the payer processed the claim (as primary, secondary or tertiary,
    /// possibly forwarding it) [B12][B14].
    public static let processedStatuses: Set<String> = ["1", "2", "3", "19", "20", "21"]

    /// The decision for `claim`.
    public static func plan(_ claim: RemittanceAdvice.ClaimPayment) -> RemittancePosting {
        let adjustments = claim.allAdjustments
        if claim.status == "22" { return .review("The payer reverses an earlier payment (status 22): check it and post the correction by hand.") }
        if claim.status == "4" { return .review("Denied (status 4): the payer did not recognise the patient; check the member id and resubmit.") }
        guard processedStatuses.contains(claim.status) else {
            return .review("Claim status \(claim.status) is not a processed claim; nothing was posted.")
        }
        if claim.paid.value < 0 || claim.charge.value <= 0 || adjustments.contains(where: { $0.amount.value < 0 }) {
            return .review("Negative amounts (a correction): check them and post by hand.")
        }
        let other = adjustments.filter { !["CO", "PR"].contains($0.group) }
        if !other.isEmpty {
            return .review("Adjustments other than contractual (CO) or patient responsibility (PR): "
                           + other.map(\.label).joined(separator: ", ") + ". Decide who bears them.")
        }
        guard let adjusted = Cents.sum(adjustments.map(\.amount)), let settled = claim.paid.adding(adjusted), settled == claim.charge else {
            return .review("The claim does not balance: charged \(claim.charge), paid \(claim.paid), adjusted "
                           + "\(Cents.sum(adjustments.map(\.amount)) ?? .zero).")
        }
        let contractual = adjustments.filter { $0.group == "CO" }
        let writeOff = Cents.sum(contractual.map(\.amount)) ?? .zero
        let patientShare = Cents.sum(adjustments.filter { $0.group == "PR" }.map(\.amount)) ?? .zero
        let reasons = Dictionary(grouping: contractual, by: \.reason).keys.sorted().map { "CO-\($0)" }.joined(separator: ", ")
        return .post(payment: claim.paid, writeOff: writeOff, writeOffReason: reasons.isEmpty ? "" : "Contractual adjustment (\(reasons))",
                     patientShare: patientShare)
    }
}

/// One claim (or provider-level adjustment) of an imported remittance and what became of it.
public struct RemittanceItem: Sendable, Equatable, Codable {
    /// Posted to the ledger, or kept for a person to review.
    public enum Status: String, CaseIterable, Sendable, Codable {
        /// The payment and the contractual write-off are on the patient's account.
        case posted
        /// Nothing was posted; `reason` says why.
        case review
    }

    /// Identity.
    public var id: UUID
    /// The remittance it came in.
    public var remittanceID: UUID
    /// `claim` or `provider-adjustment`.
    public var kind: String
    /// The clinic's claim id (CLP01), or the PLB reason and reference.
    public var claimID: String
    /// The payer's claim number.
    public var payerClaimNumber: String
    /// Posted or for review.
    public var status: Status
    /// Why it is for review, or what was posted.
    public var reason: String
    /// The patient, when the claim was matched.
    public var patientID: UUID?
    /// The session, when matched.
    public var sessionID: UUID?
    /// Charged (CLP03).
    public var charge: Cents
    /// Paid (CLP04), or the PLB amount.
    public var paid: Cents
    /// Written off as contractual (CO).
    public var writeOff: Cents
    /// Left to the patient (PR).
    public var patientShare: Cents
    /// Every adjustment, e.g. "CO-45 $180.00; PR-2 $90.00".
    public var adjustments: String
    /// The ledger payment it posted.
    public var paymentEntryID: UUID? = nil
    /// The ledger write-off it posted.
    public var writeOffEntryID: UUID? = nil

    /// Creates an item.
    public init(id: UUID, remittanceID: UUID, kind: String, claimID: String, payerClaimNumber: String, status: Status, reason: String, patientID: UUID?,
                sessionID: UUID?, charge: Cents, paid: Cents, writeOff: Cents, patientShare: Cents, adjustments: String) {
        self.id = id
        self.remittanceID = remittanceID
        self.kind = kind
        self.claimID = claimID
        self.payerClaimNumber = payerClaimNumber
        self.status = status
        self.reason = reason
        self.patientID = patientID
        self.sessionID = sessionID
        self.charge = charge
        self.paid = paid
        self.writeOff = writeOff
        self.patientShare = patientShare
        self.adjustments = adjustments
    }
}

/// A remittance as imported, with its items.
public struct RemittanceImport: Sendable, Equatable, Codable {
    /// Identity.
    public var id: UUID
    /// The payer.
    public var payer: String
    /// The check or EFT trace number.
    public var traceNumber: String
    /// The total paid.
    public var totalPaid: Cents
    /// The payment's date.
    public var paidOn: CalendarDate
    /// When it was imported.
    public var importedAt: Date
    /// Who imported it.
    public var importedBy: String
    /// Its claims and provider-level adjustments, in file order.
    public var items: [RemittanceItem]

    /// Creates an import.
    public init(id: UUID, payer: String, traceNumber: String, totalPaid: Cents, paidOn: CalendarDate, importedAt: Date, importedBy: String,
                items: [RemittanceItem]) {
        self.id = id
        self.payer = payer
        self.traceNumber = traceNumber
        self.totalPaid = totalPaid
        self.paidOn = paidOn
        self.importedAt = importedAt
        self.importedBy = importedBy
        self.items = items
    }

    /// Items posted.
    public var posted: Int { items.filter { $0.status == .posted }.count }
    /// Items kept for review.
    public var forReview: Int { items.filter { $0.status == .review }.count }
}
