import ClinicDomain
import ClinicStorage
import Foundation

/// One path for an 837P claim file, whether asked for on the claims page, through the API or on
/// the command line: the same fields checked the same way, the insurer-billed sessions of the
/// period built into claims, the file rendered, and each claim's export audited.
public enum ClaimExport {
    /// What the file is for: the period, the payer and the interchange's parties.
    public struct Order: Sendable, Equatable {
        public var from: CalendarDate, to: CalendarDate
        public var payerID: String, senderID: String, receiverID: String, receiverName: String
        public var filing: String, control: Int, production: Bool

        /// The fields every caller sends, by name: `from`, `to` (YYYY-MM-DD), `payerId`, `senderId`
        /// (default KETACLINIC), `receiverId`, `receiverName`, `filing` (default CI), `control`
        /// (default 1), `production` (default off: a test interchange).
        public static let fieldNames: Set<String> = ["from", "to", "payerId", "senderId", "receiverId", "receiverName", "filing", "control",
                                                      "production"]

        /// Claim filing indicators (2000B SBR09) KetaClinic writes: commercial, Medicare Part B,
        /// Medicaid, Blue Cross, HMO.
        public static let filingIndicators = ["CI", "MB", "MC", "BL", "HM"]

        /// Reads and checks `fields`; every problem is a field error.
        public static func read(_ fields: [String: String]) throws(FieldErrors) -> Order {
            var errors = FieldErrors()
            func text(_ name: String, default fallback: String = "") -> String { fields[name]?.trimmingCharacters(in: .whitespaces) ?? fallback }
            let from = CalendarDate(iso: text("from")), to = CalendarDate(iso: text("to"))
            if from == nil { errors.add("from", "Give the first day as YYYY-MM-DD.") }
            if to == nil { errors.add("to", "Give the last day as YYYY-MM-DD.") }
            if let from, let to, to < from { errors.add("to", "The last day is before the first.") }
            let senderText = text("senderId").isEmpty ? "KETACLINIC" : text("senderId")
            for (name, value) in [("payerId", text("payerId")), ("senderId", senderText), ("receiverId", text("receiverId"))] {
                if !(2...15).contains(value.count) || !value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                    errors.add(name, "Use 2 to 15 letters, digits or dashes.")
                }
            }
            let receiverName = text("receiverName")
            if receiverName.isEmpty || receiverName.count > 60 || !receiverName.allSatisfy({ $0.isASCII && !"~*:^".contains($0) }) {
                errors.add("receiverName", "Give the receiver's name: 1 to 60 plain characters, without ~ * : or ^.")
            }
            let filing = text("filing").isEmpty ? "CI" : text("filing").uppercased()
            if !filingIndicators.contains(filing) { errors.add("filing", "Use \(filingIndicators.joined(separator: ", ")).") }
            let controlText = text("control")
            let control = controlText.isEmpty ? 1 : Int(controlText) ?? 0
            if !(1...999_999_999).contains(control) { errors.add("control", "Give the interchange control number, 1 to 999999999.") }
            let productionText = text("production").lowercased()
            if !["", "on", "true", "false", "off"].contains(productionText) { errors.add("production", "Say true or false.") }
            try errors.throwIfAny()
            return Order(from: from!, to: to!, payerID: text("payerId"), senderID: senderText, receiverID: text("receiverId"),
                         receiverName: receiverName, filing: filing, control: control, production: productionText == "on" || productionText == "true")
        }
    }

    /// The file and what went into it.
    public struct Outcome: Sendable {
        /// The ANSI X12 837P (005010X222A1) interchange.
        public var file: String
        /// Claims in it.
        public var claims: Int
        /// Sessions of the period left out, with why (e.g. no authorisation number).
        public var skipped: [String]
        /// A name for the downloaded file.
        public var fileName: String
    }

    /// Why no file could be written: provider details incomplete, or nothing to claim.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Builds the claims of `order` for `clinic` and renders the file; each claim's export is
    /// audited with `stamp`.
    public static func export(_ order: Order, database: ClinicDatabase, clinic: Clinic, today: CalendarDate, now: Date,
                              stamp: AuditStamp) async throws -> Outcome {
        let provider = try await BillingRepository(database: database).provider(of: clinic.id)
        guard provider.isComplete else {
            throw Refusal(description: "The billing provider details (NPI, tax id) are not complete: fill them in under Billing → Provider details.")
        }
        let (claims, skipped) = try await ClaimBuilder(database: database).claims(
            clinicID: clinic.id, from: order.from, to: order.to, payerID: order.payerID, filingIndicator: order.filing, today: today)
        guard !claims.isEmpty else {
            throw Refusal(description: "No insurer-billed session from \(order.from.iso) to \(order.to.iso) has a claim to send"
                          + (skipped.isEmpty ? "." : ": " + skipped.map(\.reason).joined(separator: " ")))
        }
        let file = X12ProfessionalClaimFile.render(
            claims, provider: provider,
            parties: .init(senderID: order.senderID, receiverID: order.receiverID, receiverName: order.receiverName,
                           usage: order.production ? "P" : "T"),
            control: order.control, at: now)
        try await AuditTrail(database: database).record(claims.map { claim in
            AuditEvent(.export, entityType: "claim_837p", entityID: claim.claimID,
                       summary: "837P claim \(claim.claimID): \(claim.lines.count) line(s), \(claim.total), payer \(claim.payerName)")
        }, stamp: stamp)
        return Outcome(file: file, claims: claims.count, skipped: skipped.map(\.reason),
                       fileName: "claims-\(order.from.iso)-\(order.to.iso)-\(order.control).x12")
    }
}
