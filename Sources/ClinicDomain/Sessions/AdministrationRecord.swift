import Foundation

/// What was given and by whom, recorded when the dose is prepared. A correction is a new entry
/// that amends this one, with a reason.
public struct AdministrationDetails: Codable, Equatable, Sendable {
    /// The product, e.g. "Ketamine hydrochloride 50 mg/mL" or "Spravato 28 mg device".
    public var product: String
    /// Lot (batch) number.
    public var lotNumber: String
    /// Expiry date of the lot.
    public var expiry: CalendarDate
    /// Concentration drawn, mg/mL (nil for a device).
    public var concentrationMgPerMl: Double?
    /// The dose, mg.
    public var doseMg: Double
    /// Route: intravenous, intramuscular or intranasal.
    public var route: String
    /// Pump rate, mL/h (IV).
    public var pumpRateMlPerHour: Double?
    /// Who gave it.
    public var administeredBy: String
    /// Who checked it (a second person).
    public var checkedBy: String
    /// A free-text register reference, as records made before the register was linked hold it;
    /// kept readable, no longer entered.
    public var registerReference: String?
    /// The controlled-substance register's draw this dose came from.
    public var registerDrawID: UUID?

    /// Creates details.
    public init(product: String, lotNumber: String, expiry: CalendarDate, concentrationMgPerMl: Double?, doseMg: Double, route: String,
                pumpRateMlPerHour: Double?, administeredBy: String, checkedBy: String, registerReference: String? = nil,
                registerDrawID: UUID? = nil) {
        self.product = product
        self.lotNumber = lotNumber
        self.expiry = expiry
        self.concentrationMgPerMl = concentrationMgPerMl
        self.doseMg = doseMg
        self.route = route
        self.pumpRateMlPerHour = pumpRateMlPerHour
        self.administeredBy = administeredBy
        self.checkedBy = checkedBy
        self.registerReference = registerReference
        self.registerDrawID = registerDrawID
    }

    /// The routes a session records.
    public static let routes = ["intravenous", "intramuscular", "intranasal"]

    /// The details, or field errors: an expired lot, a missing second checker, an IV dose without
    /// its pump rate.
    public func validated(on day: CalendarDate) throws(FieldErrors) -> AdministrationDetails {
        var errors = FieldErrors()
        var clean = self
        clean.product = product.trimmed
        clean.lotNumber = lotNumber.trimmed
        clean.administeredBy = administeredBy.trimmed
        clean.checkedBy = checkedBy.trimmed
        clean.registerReference = registerReference?.nilIfEmpty
        if clean.product.isEmpty { errors.add("product", "Name the product.") }
        if clean.lotNumber.isEmpty { errors.add("lotNumber", "Enter the lot number.") }
        if expiry < day { errors.add("expiry", "This lot expired on \(expiry.iso); use another.") }
        if !(doseMg > 0 && doseMg <= 1000) { errors.add("doseMg", "Enter the dose in mg.") }
        // No vial is stronger than 100 mg/mL [R32]; a larger figure is a typing slip.
        if let concentration = concentrationMgPerMl, !(concentration > 0 && concentration <= 100) {
            errors.add("concentrationMgPerMl", "Enter the concentration in mg/mL (up to 100).")
        }
        if !Self.routes.contains(route) { errors.add("route", "Choose intravenous, intramuscular or intranasal.") }
        if route == "intravenous" {
            if concentrationMgPerMl == nil { errors.add("concentrationMgPerMl", "Enter the concentration drawn.") }
            if let rate = pumpRateMlPerHour {
                if !(rate > 0 && rate <= 2000) { errors.add("pumpRateMlPerHour", "Enter the pump rate in mL/h.") }
            } else {
                errors.add("pumpRateMlPerHour", "Enter the pump rate in mL/h.")
            }
        }
        if clean.administeredBy.isEmpty { errors.add("administeredBy", "Who gave the dose?") }
        if clean.checkedBy.isEmpty {
            errors.add("checkedBy", "A second person checks the dose.")
        } else if clean.checkedBy.lowercased() == clean.administeredBy.lowercased() {
            errors.add("checkedBy", "The checker must be someone other than the person giving the dose.")
        }
        try errors.throwIfAny()
        return clean
    }
}

/// A change to a running infusion: each is timestamped and carries a reason.
public struct InfusionChange: Codable, Equatable, Sendable {
    /// What changed.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// The pump rate changed.
        case rateChanged = "rate-changed"
        /// The infusion was paused.
        case paused
        /// The infusion resumed.
        case resumed

        /// The name shown to users.
        public var displayName: String {
            switch self {
            case .rateChanged: "Rate changed"
            case .paused: "Paused"
            case .resumed: "Resumed"
            }
        }
    }

    /// What changed.
    public var kind: Kind
    /// When.
    public var at: Date
    /// The new rate, mL/h, for a rate change.
    public var newRateMlPerHour: Double?
    /// Why.
    public var reason: String

    /// Creates a change.
    public init(kind: Kind, at: Date, newRateMlPerHour: Double? = nil, reason: String) {
        self.kind = kind
        self.at = at
        self.newRateMlPerHour = newRateMlPerHour
        self.reason = reason
    }

    /// The change, or field errors; `paused` says whether the infusion is paused now.
    public func validated(paused: Bool) throws(FieldErrors) -> InfusionChange {
        var errors = FieldErrors()
        var clean = self
        clean.reason = reason.trimmed
        if clean.reason.isEmpty { errors.add("reason", "Say why.") }
        switch kind {
        case .rateChanged:
            if let rate = newRateMlPerHour {
                if !(rate > 0 && rate <= 2000) { errors.add("newRateMlPerHour", "Enter the new rate in mL/h.") }
            } else {
                errors.add("newRateMlPerHour", "Enter the new rate in mL/h.")
            }
            if paused { errors.add("kind", "The infusion is paused; resume it first.") }
        case .paused:
            if paused { errors.add("kind", "The infusion is already paused.") }
        case .resumed:
            if !paused { errors.add("kind", "The infusion is not paused.") }
        }
        try errors.throwIfAny()
        return clean
    }

    /// Minutes the infusion was paused between `start` and `now`, given its changes in order.
    public static func pausedSeconds(_ changes: [InfusionChange], until now: Date) -> TimeInterval {
        var total: TimeInterval = 0
        var pausedAt: Date?
        for change in changes.sorted(by: { $0.at < $1.at }) {
            switch change.kind {
            case .paused: pausedAt = pausedAt ?? change.at
            case .resumed:
                if let since = pausedAt { total += change.at.timeIntervalSince(since) }
                pausedAt = nil
            case .rateChanged: break
            }
        }
        if let since = pausedAt { total += max(0, now.timeIntervalSince(since)) }
        return total
    }

    /// True when the last pause has not been followed by a resume.
    public static func isPaused(_ changes: [InfusionChange]) -> Bool {
        changes.sorted(by: { $0.at < $1.at }).last(where: { $0.kind != .rateChanged })?.kind == .paused
    }
}

/// One esketamine device used: each delivers 28 mg, and devices are at least 5 minutes apart [R14].
public struct DeviceUse: Codable, Equatable, Sendable {
    /// 1 for the first device of the session.
    public var number: Int
    /// When the patient used it.
    public var at: Date

    /// Creates a device use.
    public init(number: Int, at: Date) {
        self.number = number
        self.at = at
    }

    /// Minimum minutes between devices [R14][R66].
    public static let minimumMinutesApart = 5   // [R14][R66]
    /// Milligrams per device [R14].
    public static let milligramsPerDevice = 28  // [R14]

    /// Why a device at `at` cannot be recorded after `earlier`, or nil when it can.
    public static func refusal(at: Date, after earlier: [DeviceUse], planned: Int?) -> String? {
        if let planned, earlier.count >= planned {
            return "All \(planned) planned devices are recorded."
        }
        guard let last = earlier.max(by: { $0.at < $1.at }) else { return nil }
        let minutes = at.timeIntervalSince(last.at) / 60
        if minutes < Double(minimumMinutesApart) {
            return "Wait at least \(minimumMinutesApart) minutes between devices [R14]: device \(last.number) was used "
                + "\(max(0, Int(rounding: minutes, .down))) min ago."
        }
        return nil
    }
}
