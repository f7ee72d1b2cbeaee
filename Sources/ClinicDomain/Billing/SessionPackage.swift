import Foundation

/// A prepaid series the clinic sells at a package price, e.g. a six-infusion induction series:
/// which codes a session must carry to draw from it, how many sessions, the price, and the days
/// it is on sale. A patient's purchase (``PackagePurchase``) is then drawn down session by session.
public struct SessionPackage: Equatable, Codable, Sendable, Identifiable {
    /// Identity.
    public var id: UUID
    /// The clinic's name, e.g. "Induction series, 6 infusions".
    public var name: String
    /// Sessions included (2 to 100).
    public var sessions: Int
    /// The package price for all its sessions.
    public var price: Cents
    /// The codes a session's lines must carry to draw from the package, e.g. 96365 96366 J3490.
    public var codes: [String]
    /// First day it may be sold.
    public var validFrom: CalendarDate
    /// Last day it may be sold; nil while on sale.
    public var validTo: CalendarDate?

    /// Creates a package; call ``validated(codes:)`` on outside input.
    public init(id: UUID = UUID.random(), name: String, sessions: Int, price: Cents, codes: [String], validFrom: CalendarDate, validTo: CalendarDate? = nil) {
        self.id = id
        self.name = name
        self.sessions = sessions
        self.price = price
        self.codes = codes
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// The smallest share of the price one session may carry ($1.00), so that every line a
    /// session draws is a positive amount.
    public static let minimumPerSession = Cents(100)

    /// True when it may be sold on `day`.
    public func onSale(_ day: CalendarDate) -> Bool { day >= validFrom && (validTo.map { day <= $0 } ?? true) }

    /// The package cleaned, or field errors: no name, sessions outside 2–100, a price that is not
    /// positive, beyond the largest entry or under $1.00 a session, no codes or a code not in the
    /// clinic's table, a sale period that ends before it starts.
    public func validated(codes table: [BillingCode]) throws(FieldErrors) -> SessionPackage {
        var errors = FieldErrors()
        var clean = self
        clean.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        clean.codes = []
        for code in codes.map({ $0.trimmingCharacters(in: .whitespaces).uppercased() }) where !code.isEmpty && !clean.codes.contains(code) {
            clean.codes.append(code)
        }
        if clean.name.isEmpty { errors.add("name", "Name the package.") }
        if clean.name.count > 120 { errors.add("name", "Keep the name under 120 characters.") }
        if !(2...100).contains(sessions) { errors.add("sessions", "A package holds 2 to 100 sessions.") }
        if price.value <= 0 { errors.add("price", "Enter a price greater than zero.") }
        if price > Cents.maximumEntry { errors.add("price", "Enter a price up to \(Cents.maximumEntry).") }
        if (2...100).contains(sessions), price.value > 0, price.value / Int64(sessions) < Self.minimumPerSession.value {
            errors.add("price", "The price must be at least \(Self.minimumPerSession) a session.")
        }
        if clean.codes.isEmpty { errors.add("codes", "Name the codes a session draws from the package with, e.g. 96365 J3490.") }
        if clean.codes.count > 12 { errors.add("codes", "At most 12 codes.") }
        for code in clean.codes where !table.contains(where: { $0.code == code && $0.system != .icd10cm }) {
            errors.add("codes", "\(code) is not a procedure or drug code in the clinic's code table.")
        }
        if let validTo, validTo < validFrom { errors.add("validTo", "The sale period ends before it starts.") }
        try errors.throwIfAny()
        return clean
    }
}

/// A patient's purchase of a ``SessionPackage``: a copy of its terms on the day it was sold, so
/// a later change to the package does not change what the patient bought.
public struct PackagePurchase: Equatable, Codable, Sendable, Identifiable {
    /// Identity.
    public var id: UUID
    /// The patient.
    public var patientID: UUID
    /// The package sold.
    public var packageID: UUID
    /// Its name then.
    public var name: String
    /// Sessions bought.
    public var sessions: Int
    /// The price paid for them.
    public var price: Cents
    /// Codes that draw from it.
    public var codes: [String]
    /// The day it was sold; sessions from this day on draw from it.
    public var purchasedOn: CalendarDate

    /// Creates a purchase.
    public init(id: UUID = UUID.random(), patientID: UUID, packageID: UUID, name: String, sessions: Int, price: Cents, codes: [String],
                purchasedOn: CalendarDate) {
        self.id = id
        self.patientID = patientID
        self.packageID = packageID
        self.name = name
        self.sessions = sessions
        self.price = price
        self.codes = codes
        self.purchasedOn = purchasedOn
    }

    /// The purchase of `package` by `patientID` on `day`.
    public init(of package: SessionPackage, patientID: UUID, on day: CalendarDate) {
        self.init(patientID: patientID, packageID: package.id, name: package.name, sessions: package.sessions, price: package.price,
                  codes: package.codes, purchasedOn: day)
    }

    /// What a new session draws from the purchase, given what the sessions already drawn carry:
    /// the price divided by the sessions, rounded down, and for the session taking the last place
    /// whatever is left, so the sessions together carry exactly the price. Nil when every
    /// session is used (or the figures are impossible).
    public func nextSessionAmount(drawn: [Cents]) -> Cents? {
        guard sessions > 0, drawn.count < sessions, let sum = Cents.sum(drawn) else { return nil }
        let amount = drawn.count + 1 == sessions ? price.value - sum.value : price.value / Int64(sessions)
        return amount > 0 ? Cents(amount) : nil
    }

    /// Splits a session's share of the package over its covered lines in proportion to their
    /// list amounts (units × self-pay price), each line at least one cent, the rounding left on
    /// the first line, so the parts add up exactly to `amount`. Empty when there are no lines or
    /// fewer cents than lines.
    public static func split(_ amount: Cents, over list: [Cents]) -> [Cents] {
        guard !list.isEmpty, amount.value >= Int64(list.count) else { return [] }
        let total = Cents.sum(list) ?? .zero
        var shares: [Int64]
        if total.value > 0, list.allSatisfy({ $0.value >= 0 }) {
            shares = list.map { part in
                let (product, overflow) = amount.value.multipliedReportingOverflow(by: part.value)
                return overflow ? amount.value / Int64(list.count) : product / total.value
            }
        } else {
            shares = list.map { _ in amount.value / Int64(list.count) }
        }
        shares = shares.map { max(1, $0) }
        var rest = amount.value - shares.reduce(0, +)
        // Rounding goes to the first line; a shortfall (from the one-cent floor) comes off the largest lines.
        if rest >= 0 {
            shares[0] += rest
        } else {
            while rest < 0, let index = shares.indices.max(by: { shares[$0] < shares[$1] }), shares[index] > 1 {
                let take = min(-rest, shares[index] - 1)
                shares[index] -= take
                rest += take
            }
        }
        return shares.map(Cents.init)
    }
}

/// A purchase with what has been drawn from it.
public struct PackageStanding: Equatable, Codable, Sendable {
    /// The purchase.
    public var purchase: PackagePurchase
    /// Sessions that drew from it (charges in force).
    public var used: Int
    /// What those sessions carry.
    public var drawn: Cents

    /// Creates a standing.
    public init(purchase: PackagePurchase, used: Int, drawn: Cents) {
        self.purchase = purchase
        self.used = used
        self.drawn = drawn
    }

    /// Sessions left.
    public var remaining: Int { max(0, purchase.sessions - used) }
    /// The prepaid value not yet drawn.
    public var undrawn: Cents { Cents(max(0, purchase.price.value - drawn.value)) }
}
