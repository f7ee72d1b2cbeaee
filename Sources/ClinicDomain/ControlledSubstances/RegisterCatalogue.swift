import Foundation

/// The controlled substances the register holds.
public enum ControlledSubstance: String, Codable, CaseIterable, Sendable {
    /// Racemic ketamine hydrochloride (vials).
    case ketamine
    /// Esketamine nasal spray (Spravato devices).
    case esketamine

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .ketamine: "Ketamine"
        case .esketamine: "Esketamine"
        }
    }
}

/// How a product is packed, which decides how it is drawn.
public enum ProductForm: String, Codable, CaseIterable, Sendable {
    /// A multi-dose vial: drawn by volume; once punctured it is its own stock line with a
    /// beyond-use date (ketamine 10 mL 50 mg/mL vials are multi-dose [R32]).
    case multiDoseVial = "multi-dose-vial"
    /// A single-use device drawn whole (a Spravato device delivers 28 mg [R14][R31]).
    case device

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .multiDoseVial: "Multi-dose vial"
        case .device: "Single-use device"
        }
    }

    /// The unit counted: "vial" or "device".
    public var unitName: String { self == .device ? "device" : "vial" }
}

/// A product the clinic stocks: what one unit holds and, for a vial, its concentration.
public struct RegisterProduct: Codable, Equatable, Sendable, Identifiable {
    /// Identifier.
    public let id: UUID
    /// "Ketamine hydrochloride 50 mg/mL, 10 mL vial".
    public var name: String
    /// The substance.
    public var substance: ControlledSubstance
    /// The packing.
    public var form: ProductForm
    /// What one unit holds (500 mg for a 10 mL 50 mg/mL vial, 28 mg for a device).
    public var perUnit: RegisterAmount
    /// Micrograms per mL, for a vial (50,000 for 50 mg/mL); nil for a device.
    public var concentrationMicrogramsPerMl: Int64?
    /// The National Drug Code or the country's product number, when known (DEA Form 106 asks for the NDC [X2]).
    public var productCode: String?

    /// Creates a product.
    public init(id: UUID = UUID.random(), name: String, substance: ControlledSubstance, form: ProductForm, perUnit: RegisterAmount,
                concentrationMicrogramsPerMl: Int64?, productCode: String? = nil) {
        self.id = id
        self.name = name
        self.substance = substance
        self.form = form
        self.perUnit = perUnit
        self.concentrationMicrogramsPerMl = concentrationMicrogramsPerMl
        self.productCode = productCode
    }

    /// The product or field errors. The strongest ketamine vial is 100 mg/mL [R32]; a unit holds
    /// at most 1 g here, far above any marketed pack, to catch typing slips.
    public func validated() throws(FieldErrors) -> RegisterProduct {
        var errors = FieldErrors()
        var clean = self
        clean.name = name.trimmed
        clean.productCode = productCode?.nilIfEmpty
        if clean.name.isEmpty || clean.name.count > 200 { errors.add("name", "Name the product (up to 200 characters).") }
        if !(perUnit.micrograms > 0 && perUnit.micrograms <= 1_000_000) { errors.add("perUnitMg", "Enter what one unit holds, in mg (up to 1000).") }
        switch form {
        case .multiDoseVial:
            if let concentration = concentrationMicrogramsPerMl {
                if !(concentration > 0 && concentration <= 100_000) {   // [R32]
                    errors.add("concentrationMgPerMl", "Enter the concentration in mg/mL (up to 100).")
                }
            } else {
                errors.add("concentrationMgPerMl", "A vial needs its concentration in mg/mL.")
            }
        case .device:
            clean.concentrationMicrogramsPerMl = nil
        }
        try errors.throwIfAny()
        return clean
    }

    /// The volume holding `amount`, in mL, for a vial.
    public func millilitres(for amount: RegisterAmount) -> Double? {
        guard let concentration = concentrationMicrogramsPerMl, concentration > 0 else { return nil }
        return Double(amount.micrograms) / Double(concentration)
    }

    /// "12 vials" / "1 device".
    public func unitsText(_ units: Int64) -> String { "\(units) \(form.unitName)\(units == 1 || units == -1 ? "" : "s")" }
}

/// One lot (batch) of a product, as delivered.
public struct RegisterLot: Codable, Equatable, Sendable, Identifiable {
    /// Identifier.
    public let id: UUID
    /// The product.
    public let productID: UUID
    /// The lot number printed on the pack.
    public let lotNumber: String
    /// The manufacturer's expiry date.
    public let expiry: CalendarDate

    /// Creates a lot.
    public init(id: UUID = UUID.random(), productID: UUID, lotNumber: String, expiry: CalendarDate) {
        self.id = id
        self.productID = productID
        self.lotNumber = lotNumber
        self.expiry = expiry
    }

    /// True when the lot may no longer be used on `today` (it is usable through its expiry date).
    public func isExpired(on today: CalendarDate) -> Bool { expiry < today }
}

/// Where stock is kept: a safe, a locked cabinet.
public struct RegisterLocation: Codable, Equatable, Sendable, Identifiable {
    /// What kind of store.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// A safe.
        case safe
        /// A locked cabinet.
        case cabinet
        /// A locked drawer or anything else.
        case other

        /// The name shown to users.
        public var displayName: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    /// Identifier.
    public let id: UUID
    /// "Main safe".
    public let name: String
    /// What kind.
    public let kind: Kind

    /// Creates a location.
    public init(id: UUID = UUID.random(), name: String, kind: Kind) {
        self.id = id
        self.name = name
        self.kind = kind
    }
}

/// One line of stock: a product's lot at a location, sealed units, or one opened vial with its
/// remainder and beyond-use date. Its balance is kept (updated with each movement), so reading
/// it costs the same however long the register is.
public struct StockLine: Codable, Equatable, Sendable, Identifiable {
    /// Sealed units, or one opened vial.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// Sealed, whole units.
        case sealed
        /// One punctured multi-dose vial.
        case opened
    }

    /// Identifier.
    public let id: UUID
    /// The product.
    public let productID: UUID
    /// The lot.
    public let lotID: UUID
    /// Where it is.
    public let locationID: UUID
    /// Sealed or opened.
    public let kind: Kind
    /// Units on hand (an opened vial counts 1 until it is empty).
    public var units: Int64
    /// Amount on hand.
    public var amount: RegisterAmount
    /// When the vial was first punctured (opened lines).
    public let openedAt: Date?
    /// The end of its beyond-use period (opened lines).
    public let beyondUse: Date?

    /// Creates a line.
    public init(id: UUID = UUID.random(), productID: UUID, lotID: UUID, locationID: UUID, kind: Kind, units: Int64, amount: RegisterAmount,
                openedAt: Date? = nil, beyondUse: Date? = nil) {
        self.id = id
        self.productID = productID
        self.lotID = lotID
        self.locationID = locationID
        self.kind = kind
        self.units = units
        self.amount = amount
        self.openedAt = openedAt
        self.beyondUse = beyondUse
    }

    /// True when an opened vial is past its beyond-use date at `now`.
    public func isBeyondUse(at now: Date) -> Bool { beyondUse.map { now >= $0 } ?? false }
}

/// The products, lots and locations of a clinic's register, read together for pages and rules.
public struct RegisterCatalogue: Sendable {
    /// Creates a catalogue.
    public init(products: [RegisterProduct], lots: [UUID: RegisterLot], locations: [RegisterLocation]) {
        self.products = products
        self.lots = lots
        self.locations = locations
    }

    /// Products by name.
    public let products: [RegisterProduct]
    /// Lots by id.
    public let lots: [UUID: RegisterLot]
    /// Locations by name.
    public let locations: [RegisterLocation]

    /// The product `id`.
    public func product(_ id: UUID) -> RegisterProduct? { products.first { $0.id == id } }
    /// The location `id`.
    public func location(_ id: UUID) -> RegisterLocation? { locations.first { $0.id == id } }
    /// "Main safe", or "?" for an unknown id.
    public func locationName(_ id: UUID?) -> String { id.flatMap(location)?.name ?? "—" }
    /// "K2301 (exp. 2027-05-31)".
    public func lotText(_ id: UUID?) -> String { id.flatMap { lots[$0] }.map { "\($0.lotNumber) (exp. \($0.expiry.iso))" } ?? "—" }
}

