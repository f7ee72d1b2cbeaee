import Foundation

/// Who bills and who treats, as a superbill and a claim name them: the practice with its
/// billing NPI and tax id, the rendering clinician with theirs, and the place of service.
/// Set by an administrator; superbills refuse to print until it is complete.
public struct BillingProvider: Codable, Equatable, Sendable {
    /// The practice's legal name.
    public var practiceName: String
    /// The practice's (billing) NPI.
    public var billingNPI: String
    /// The practice's federal tax id (EIN), nine digits, shown as `12-3456789`.
    public var taxID: String
    /// The rendering clinician's name and credentials.
    public var renderingName: String
    /// The rendering clinician's NPI.
    public var renderingNPI: String
    /// The place-of-service code; "11" is Office [B10].
    public var placeOfService: String
    /// Street address.
    public var address: String
    /// City.
    public var city: String
    /// State, two letters.
    public var state: String
    /// ZIP code.
    public var postalCode: String
    /// Telephone.
    public var phone: String

    /// Creates details.
    public init(practiceName: String, billingNPI: String, taxID: String, renderingName: String, renderingNPI: String,
                placeOfService: String = "11", address: String, city: String, state: String, postalCode: String, phone: String) {
        self.practiceName = practiceName
        self.billingNPI = billingNPI
        self.taxID = taxID
        self.renderingName = renderingName
        self.renderingNPI = renderingNPI
        self.placeOfService = placeOfService
        self.address = address
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.phone = phone
    }

    /// Nothing set yet.
    public static let empty = BillingProvider(practiceName: "", billingNPI: "", taxID: "", renderingName: "", renderingNPI: "",
                                              address: "", city: "", state: "", postalCode: "", phone: "")

    /// True once every field a superbill needs is present.
    public var isComplete: Bool { (try? validated()) != nil }

    /// The details cleaned, or field errors: an NPI that fails its check digit [B11], a tax id
    /// that is not nine digits, a place of service that is not two digits.
    public func validated() throws(FieldErrors) -> BillingProvider {
        var errors = FieldErrors()
        func clean(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        var out = BillingProvider(practiceName: clean(practiceName), billingNPI: clean(billingNPI), taxID: clean(taxID),
                                  renderingName: clean(renderingName), renderingNPI: clean(renderingNPI), placeOfService: clean(placeOfService),
                                  address: clean(address), city: clean(city), state: clean(state).uppercased(), postalCode: clean(postalCode),
                                  phone: clean(phone))
        for (field, value, label) in [("practiceName", out.practiceName, "the practice's name"), ("renderingName", out.renderingName, "the rendering clinician"),
                                      ("address", out.address, "the street address"), ("city", out.city, "the city"), ("phone", out.phone, "the telephone")] {
            if value.isEmpty { errors.add(field, "Enter \(label).") } else if value.count > 120 { errors.add(field, "Keep it under 120 characters.") }
        }
        if !Self.isValidNPI(out.billingNPI) { errors.add("billingNPI", "Enter the practice's 10-digit NPI (its check digit does not match).") }
        if !Self.isValidNPI(out.renderingNPI) { errors.add("renderingNPI", "Enter the clinician's 10-digit NPI (its check digit does not match).") }
        let taxDigits = out.taxID.filter { $0 != "-" }
        if taxDigits.count == 9, taxDigits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            out.taxID = String(taxDigits.prefix(2)) + "-" + String(taxDigits.dropFirst(2))
        } else {
            errors.add("taxID", "Enter the nine-digit tax id, e.g. 12-3456789.")
        }
        if !(out.placeOfService.count == 2 && out.placeOfService.allSatisfy({ $0.isASCII && $0.isNumber })) {
            errors.add("placeOfService", "Enter the two-digit place-of-service code (11 for an office).")
        }
        if !(out.state.count == 2 && out.state.allSatisfy({ $0.isASCII && $0.isLetter })) { errors.add("state", "Enter the two-letter state.") }
        let zip = out.postalCode.filter { $0 != "-" }
        if !((zip.count == 5 || zip.count == 9) && zip.allSatisfy({ $0.isASCII && $0.isNumber })) { errors.add("postalCode", "Enter the ZIP code.") }
        try errors.throwIfAny()
        return out
    }

    /// An NPI is ten digits whose last is the Luhn check digit computed with the prefix 80840 [B11].
    public static func isValidNPI(_ text: String) -> Bool {
        guard text.count == 10, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let digits = ("80840" + text).compactMap { $0.wholeNumberValue }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            var value = digit
            if index % 2 == 1 { value *= 2; if value > 9 { value -= 9 } }
            sum += value
        }
        return sum % 10 == 0
    }
}
