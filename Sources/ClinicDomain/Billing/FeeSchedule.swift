import Foundation

/// One priced service in the clinic's fee schedule: what a code (or the clinic's own service
/// such as the missed-session fee) costs on the days it is in force, for insurers and for
/// self-pay patients. A price change is a new item from a later day; old items stay, so every
/// charge keeps the price it was made at.
public struct FeeScheduleItem: Equatable, Codable, Sendable, Identifiable {
    /// Identity.
    public var id: UUID
    /// The clinic's name for the service, e.g. "Esketamine session up to 56 mg".
    public var service: String
    /// The code's system; nil for a service without a code.
    public var system: CodeSystem?
    /// The code; nil for a service without a code (e.g. ``ChargeCapture/missedSessionService``).
    public var code: String?
    /// Modifiers the line carries.
    public var modifiers: [String]
    /// The charge per unit billed to an insurer.
    public var price: Cents
    /// The charge per unit for a self-pay patient.
    public var selfPayPrice: Cents
    /// First day of service the price applies.
    public var validFrom: CalendarDate
    /// Last day; nil while current.
    public var validTo: CalendarDate?

    /// Creates an item; call ``validated(codes:)`` on outside input.
    public init(id: UUID = UUID.random(), service: String, system: CodeSystem?, code: String?, modifiers: [String] = [], price: Cents,
                selfPayPrice: Cents, validFrom: CalendarDate, validTo: CalendarDate? = nil) {
        self.id = id
        self.service = service
        self.system = system
        self.code = code
        self.modifiers = modifiers
        self.price = price
        self.selfPayPrice = selfPayPrice
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// True when the price applies on `day`.
    public func applies(on day: CalendarDate) -> Bool {
        day >= validFrom && (validTo.map { day <= $0 } ?? true)
    }

    /// The key that matches a captured line to this item: the code, or the service name.
    public var key: String { code ?? service }

    /// The item cleaned, or field errors: a negative or implausible price, a code not in the
    /// clinic's table (or not valid when the price starts), a validity that ends before it starts.
    public func validated(codes: [BillingCode]) throws(FieldErrors) -> FeeScheduleItem {
        var errors = FieldErrors()
        var clean = self
        clean.service = service.trimmingCharacters(in: .whitespacesAndNewlines)
        clean.code = code?.trimmingCharacters(in: .whitespaces).uppercased()
        if clean.code?.isEmpty == true { clean.code = nil }
        if clean.service.isEmpty { errors.add("service", "Name the service.") }
        if clean.service.count > 120 { errors.add("service", "Keep the service name under 120 characters.") }
        if price.value < 0 { errors.add("price", "A price cannot be negative.") }
        if price > Cents.maximumEntry { errors.add("price", "Enter a price up to \(Cents.maximumEntry).") }
        if selfPayPrice.value < 0 { errors.add("selfPayPrice", "A price cannot be negative.") }
        if selfPayPrice > Cents.maximumEntry { errors.add("selfPayPrice", "Enter a price up to \(Cents.maximumEntry).") }
        if modifiers.count > 4 || BillingModifiers.parse(modifiers.joined(separator: ",")) == nil {
            errors.add("modifiers", "Modifiers are two letters or digits each, at most four.")
        }
        if let validTo, validTo < validFrom { errors.add("validTo", "The price ends before it starts.") }
        if let code = clean.code {
            let system = clean.system ?? .hcpcs
            clean.system = system
            if system == .icd10cm {
                errors.add("code", "A diagnosis code is not priced; choose a CPT or HCPCS code.")
            } else if !codes.contains(where: { $0.system == system && $0.code == code }) {
                errors.add("code", "\(code) is not in the clinic's code table; add it there first.")
            } else if BillingCodeCatalog.find(code, system: system, on: validFrom, in: codes) == nil {
                errors.add("code", "\(code) is not valid on \(validFrom.iso).")
            }
        } else {
            clean.system = nil
        }
        try errors.throwIfAny()
        return clean
    }

    /// The item in force on `day` for `key` (a code or a service name), the latest-starting one.
    public static func find(_ key: String, on day: CalendarDate, in items: [FeeScheduleItem]) -> FeeScheduleItem? {
        items.filter { $0.key == key && $0.applies(on: day) }.max { $0.validFrom < $1.validFrom }
    }
}
