import Foundation

/// What a register entry records.
public enum MovementKind: String, Codable, CaseIterable, Sendable {
    /// Stock received from a supplier (order form / invoice number).
    case receipt
    /// Sealed units moved between storage locations.
    case transfer
    /// Drawn for a treatment session.
    case draw
    /// An unused, unopened unit drawn for a session, put back.
    case `return`
    /// What was drawn and not given, wasted before a witness.
    case waste
    /// Expired or spoiled stock (or an opened vial past its beyond-use date) destroyed before a witness.
    case destruction
    /// A correction of an earlier entry, with the reason.
    case correction
    /// The register brought to a count when an administrator closes a discrepancy as a loss or a
    /// recording error.
    case countAdjustment = "count-adjustment"

    /// The name shown in the register.
    public var displayName: String {
        switch self {
        case .receipt: "Receipt"
        case .transfer: "Transfer"
        case .draw: "Draw"
        case .return: "Return"
        case .waste: "Witnessed waste"
        case .destruction: "Destruction"
        case .correction: "Correction"
        case .countAdjustment: "Count adjustment"
        }
    }

    /// True when a second person must confirm the entry with their own credentials.
    public var needsWitness: Bool { self == .waste || self == .destruction || self == .correction }
}

/// One entry of the register, as stored: never changed; a mistake is corrected by a later entry
/// that names it.
public struct RegisterMovement: Codable, Equatable, Sendable, Identifiable {
    /// Identifier.
    public let id: UUID
    /// The product whose register it is in.
    public let productID: UUID
    /// Its number in the product's register, 1, 2, 3… without gaps.
    public let sequence: Int64
    /// What it records.
    public let kind: MovementKind
    /// When.
    public let occurredAt: Date
    /// Who made it (signed in).
    public let recordedByName: String
    /// Their account.
    public let recordedBy: UUID?
    /// The witness who confirmed it with their own credentials, when one was needed.
    public let witnessName: String?
    /// The lot.
    public let lotID: UUID?
    /// The location (the source of a transfer).
    public let locationID: UUID?
    /// A transfer's destination.
    public let toLocationID: UUID?
    /// The treatment session (draws, returns, wastes).
    public let sessionID: UUID?
    /// The draw a return or a waste belongs to.
    public let drawID: UUID?
    /// The entry a correction corrects.
    public let correctsID: UUID?
    /// Units in and out of stock.
    public let unitsIn: Int64, unitsOut: Int64
    /// Amounts in and out of stock.
    public let amountIn: RegisterAmount, amountOut: RegisterAmount
    /// For a waste: the amount wasted (already out of stock since the draw).
    public let wasted: RegisterAmount
    /// The product's balance after this entry.
    public let balanceUnits: Int64, balanceAmount: RegisterAmount
    /// Supplier, order form and invoice of a receipt.
    public let supplier: String?, orderReference: String?
    /// Why (corrections, destructions, wastes, adjustments).
    public let reason: String?
    /// Plain-language detail ("0.7 mL from the opened vial").
    public let detail: String

    /// Creates an entry (storage rebuilds them).
    public init(id: UUID, productID: UUID, sequence: Int64, kind: MovementKind, occurredAt: Date, recordedByName: String, recordedBy: UUID?,
                witnessName: String?, lotID: UUID?, locationID: UUID?, toLocationID: UUID?, sessionID: UUID?, drawID: UUID?, correctsID: UUID?,
                unitsIn: Int64, unitsOut: Int64, amountIn: RegisterAmount, amountOut: RegisterAmount, wasted: RegisterAmount,
                balanceUnits: Int64, balanceAmount: RegisterAmount, supplier: String?, orderReference: String?, reason: String?, detail: String) {
        self.id = id
        self.productID = productID
        self.sequence = sequence
        self.kind = kind
        self.occurredAt = occurredAt
        self.recordedByName = recordedByName
        self.recordedBy = recordedBy
        self.witnessName = witnessName
        self.lotID = lotID
        self.locationID = locationID
        self.toLocationID = toLocationID
        self.sessionID = sessionID
        self.drawID = drawID
        self.correctsID = correctsID
        self.unitsIn = unitsIn
        self.unitsOut = unitsOut
        self.amountIn = amountIn
        self.amountOut = amountOut
        self.wasted = wasted
        self.balanceUnits = balanceUnits
        self.balanceAmount = balanceAmount
        self.supplier = supplier
        self.orderReference = orderReference
        self.reason = reason
        self.detail = detail
    }
}
