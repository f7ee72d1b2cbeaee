import Foundation

/// An insurer's prior authorisation for a course (esketamine is commonly authorised per G-code
/// [B1]): who pays, the member, the authorisation number, how many sessions are approved, the
/// days it covers and the codes it covers. The front desk watches those about to end or be used up.
public struct PriorAuthorization: Equatable, Codable, Sendable, Identifiable {
    /// Identity.
    public var id: UUID
    /// The patient.
    public var patientID: UUID
    /// The payer's name.
    public var payer: String
    /// The patient's member id with the payer.
    public var memberID: String
    /// The authorisation number.
    public var number: String
    /// Sessions approved.
    public var approvedUnits: Int
    /// First day covered.
    public var validFrom: CalendarDate
    /// Last day covered.
    public var validTo: CalendarDate
    /// The codes it covers, e.g. G2082, G2083, J0013.
    public var codes: [String]
    /// The drug, e.g. "Spravato (esketamine) nasal spray".
    public var drug: String

    /// Creates an authorisation; call ``validated(codes:)`` on outside input.
    public init(id: UUID = UUID.random(), patientID: UUID, payer: String, memberID: String, number: String, approvedUnits: Int,
                validFrom: CalendarDate, validTo: CalendarDate, codes: [String], drug: String) {
        self.id = id
        self.patientID = patientID
        self.payer = payer
        self.memberID = memberID
        self.number = number
        self.approvedUnits = approvedUnits
        self.validFrom = validFrom
        self.validTo = validTo
        self.codes = codes
        self.drug = drug
    }

    /// The front desk's warning window: authorisations ending within this many days are listed
    /// (the figure; clinic policy, not a payer rule).
    public static let expiryWarningDays = 14

    /// The authorisation cleaned, or field errors: it ends before it starts, approves no sessions
    /// (or an implausible number), names a code not in the clinic's table, or lacks the payer,
    /// member id or number.
    public func validated(codes table: [BillingCode]) throws(FieldErrors) -> PriorAuthorization {
        var errors = FieldErrors()
        var clean = self
        func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        clean.payer = trim(payer)
        clean.memberID = trim(memberID)
        clean.number = trim(number)
        clean.drug = trim(drug)
        clean.codes = codes.map { trim($0).uppercased() }.filter { !$0.isEmpty }
        if clean.payer.isEmpty { errors.add("payer", "Enter the payer.") }
        if clean.memberID.isEmpty { errors.add("memberID", "Enter the member id.") }
        if clean.number.isEmpty { errors.add("number", "Enter the authorisation number.") }
        for (field, value) in [("payer", clean.payer), ("memberID", clean.memberID), ("number", clean.number), ("drug", clean.drug)]
        where value.count > 120 {
            errors.add(field, "Keep it under 120 characters.")
        }
        if !(1...500).contains(approvedUnits) { errors.add("approvedUnits", "Enter the sessions approved (1 to 500).") }
        if validTo < validFrom { errors.add("validTo", "The authorisation ends before it starts.") }
        if clean.codes.isEmpty { errors.add("codes", "Name the codes it covers, e.g. G2082, G2083.") }
        for code in clean.codes where !table.contains(where: { $0.code == code && $0.system != .icd10cm }) {
            errors.add("codes", "\(code) is not in the clinic's code table.")
        }
        try errors.throwIfAny()
        return clean
    }

    /// Where an authorisation stands on a day, given the sessions already billed under it.
    public enum Status: String, CaseIterable, Codable, Sendable {
        /// Not started yet.
        case notYetValid = "not-yet-valid"
        /// In force with sessions left and more than the warning window to run.
        case active
        /// In force, ending within ``PriorAuthorization/expiryWarningDays``.
        case expiringSoon = "expiring-soon"
        /// Every approved session is used.
        case usedUp = "used-up"
        /// Past its last day.
        case expired

        /// The words staff see.
        public var displayName: String {
            switch self {
            case .notYetValid: "Not yet valid"
            case .active: "Active"
            case .expiringSoon: "Expiring soon"
            case .usedUp: "Used up"
            case .expired: "Expired"
            }
        }
    }

    /// The status on `today` with `used` sessions billed under it.
    public func status(today: CalendarDate, used: Int) -> Status {
        if today > validTo { return .expired }
        if today < validFrom { return .notYetValid }
        if used >= approvedUnits { return .usedUp }
        if CalendarDate.daysBetween(today, validTo) <= Self.expiryWarningDays { return .expiringSoon }
        return .active
    }

    /// True when the authorisation covers a session billed `code` on `day`.
    public func covers(_ code: String, on day: CalendarDate) -> Bool {
        day >= validFrom && day <= validTo && codes.contains(code)
    }
}
