import Foundation

/// What scheduling shows when a course is booked: an esketamine course billed to an insurer needs
/// a prior authorisation covering each session's day with sessions to spare. Warnings, not
/// refusals: the front desk books and chases the payer (the 14-day window is the figure,
/// clinic policy).
public enum AuthorizationBookingCheck {
    /// How the patient is billed, as far as the ledger tells.
    public enum Payer: Sendable, Equatable {
        /// Charges so far were billed to an insurer.
        case insurer
        /// Charges so far were self-pay.
        case selfPay
        /// Nothing billed yet.
        case unknown
    }

    /// The session codes an authorisation must cover for an esketamine session [B1][B2].
    public static let esketamineSessionCodes: Set<String> = ["G2082", "G2083"]

    /// Warnings for booking `sessionDays` of a `treatment` course, given the patient's
    /// authorisations (not superseded) with the sessions already used under each, on `today`.
    /// Only esketamine courses are checked, and not for a patient billed self-pay with no
    /// authorisation on file.
    public static func warnings(treatment: Treatment, sessionDays: [CalendarDate], authorizations: [(authorization: PriorAuthorization, used: Int)],
                                payer: Payer, today: CalendarDate) -> [BookingWarning] {
        guard treatment == .esketamine, !sessionDays.isEmpty else { return [] }
        let relevant = authorizations.filter { !Set($0.authorization.codes).isDisjoint(with: esketamineSessionCodes) }
        if relevant.isEmpty {
            if payer == .selfPay { return [] }
            return [BookingWarning(code: "authorization-missing",
                                   message: "No prior authorisation for esketamine (G2082/G2083) is on file: record the payer's authorisation before "
                                       + "the sessions are given" + (payer == .unknown ? ", unless the patient pays themselves." : "."))]
        }
        var warnings: [BookingWarning] = []
        var planned: [UUID: Int] = [:]
        var uncovered: [CalendarDate] = []
        for day in sessionDays.sorted() {
            // Each session draws on the covering authorisation that ends first and still has room.
            let covering = relevant.filter { $0.authorization.validFrom <= day && day <= $0.authorization.validTo }
                .sorted { $0.authorization.validTo < $1.authorization.validTo }
            if let room = covering.first(where: { $0.used + planned[$0.authorization.id, default: 0] < $0.authorization.approvedUnits }) {
                planned[room.authorization.id, default: 0] += 1
            } else if let full = covering.first {
                planned[full.authorization.id, default: 0] += 1
            } else {
                uncovered.append(day)
            }
        }
        if !uncovered.isEmpty {
            warnings.append(BookingWarning(code: "authorization-missing",
                                           message: "No prior authorisation covers the esketamine session(s) on "
                                               + uncovered.map(\.iso).joined(separator: ", ") + ": ask the payer for a new or extended one."))
        }
        for entry in relevant.sorted(by: { $0.authorization.validTo < $1.authorization.validTo }) {
            let authorization = entry.authorization
            let more = planned[authorization.id, default: 0]
            if entry.used + more > authorization.approvedUnits || (more > 0 && entry.used >= authorization.approvedUnits) {
                warnings.append(BookingWarning(code: "authorization-used-up",
                                               message: "\(authorization.payer) authorisation \(authorization.number) approves \(authorization.approvedUnits) "
                                                   + "session(s): \(entry.used) used and \(more) more booked in its days."))
            }
            if today <= authorization.validTo, CalendarDate.daysBetween(today, authorization.validTo) <= PriorAuthorization.expiryWarningDays, more > 0 {
                warnings.append(BookingWarning(code: "authorization-expiring",
                                               message: "\(authorization.payer) authorisation \(authorization.number) ends on \(authorization.validTo.iso), "
                                                   + "within \(PriorAuthorization.expiryWarningDays) days: request the renewal now."))
            }
        }
        return warnings
    }
}
