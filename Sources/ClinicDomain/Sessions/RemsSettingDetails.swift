import Foundation

/// The clinic's details the Spravato REMS Patient Monitoring Form asks for: the healthcare setting
/// (name, address, telephone) and the healthcare provider who monitors patients when the session's
/// record does not name a staff member with an account [R19].
public struct RemsSettingDetails: Codable, Equatable, Sendable {
    /// How the setting is certified. Inpatient settings neither enrol patients nor submit
    /// monitoring forms [R21].
    public enum SettingKind: String, Codable, CaseIterable, Sendable {
        /// An outpatient healthcare setting: a form after every session [R19][R21].
        case outpatient
        /// An inpatient setting: exempt from monitoring forms [R21].
        case inpatient

        /// The name shown to users.
        public var displayName: String { self == .outpatient ? "Outpatient" : "Inpatient" }
    }

    /// Outpatient or inpatient.
    public var kind: SettingKind
    /// The healthcare setting's name as certified (empty: the clinic's name).
    public var settingName: String
    /// Address line 1.
    public var address1: String
    /// Address line 2 (optional on the form).
    public var address2: String
    /// City.
    public var city: String
    /// State (two letters).
    public var state: String
    /// ZIP code.
    public var zip: String
    /// The telephone number the form gives for the monitoring healthcare provider.
    public var telephone: String
    /// The monitoring provider's first name when the record names no staff member with an account.
    public var monitoringFirstName: String
    /// Their last name.
    public var monitoringLastName: String
    /// Their email.
    public var monitoringEmail: String

    /// Creates details.
    public init(kind: SettingKind = .outpatient, settingName: String = "", address1: String = "", address2: String = "",
                city: String = "", state: String = "", zip: String = "", telephone: String = "", monitoringFirstName: String = "",
                monitoringLastName: String = "", monitoringEmail: String = "") {
        self.kind = kind
        self.settingName = settingName
        self.address1 = address1
        self.address2 = address2
        self.city = city
        self.state = state
        self.zip = zip
        self.telephone = telephone
        self.monitoringFirstName = monitoringFirstName
        self.monitoringLastName = monitoringLastName
        self.monitoringEmail = monitoringEmail
    }

    /// Nothing entered yet: an outpatient setting whose form fields staff must complete.
    public static let empty = RemsSettingDetails()

    /// The details trimmed, or a field error for each value that cannot be right (a state that is
    /// not two letters, a ZIP that is not 5 or 9 digits, an email without `@`). Empty values are
    /// allowed: the form lists them as missing.
    public func validated() throws(FieldErrors) -> RemsSettingDetails {
        var errors = FieldErrors()
        let clean = RemsSettingDetails(
            kind: kind, settingName: settingName.trimmed, address1: address1.trimmed, address2: address2.trimmed, city: city.trimmed,
            state: state.trimmed.uppercased(), zip: zip.trimmed, telephone: telephone.trimmed,
            monitoringFirstName: monitoringFirstName.trimmed, monitoringLastName: monitoringLastName.trimmed,
            monitoringEmail: monitoringEmail.trimmed)
        if !clean.state.isEmpty, !(clean.state.count == 2 && clean.state.allSatisfy { $0.isASCII && $0.isLetter }) {
            errors.add("state", "Use the two-letter state code, e.g. NY.")
        }
        let digits = clean.zip.filter(\.isNumber)
        if !clean.zip.isEmpty, !(digits.count == 5 || digits.count == 9) || clean.zip.contains(where: { !$0.isNumber && $0 != "-" }) {
            errors.add("zip", "Enter a 5-digit ZIP code or ZIP+4.")
        }
        if !clean.monitoringEmail.isEmpty, EmailAddress(clean.monitoringEmail) == nil {
            errors.add("monitoringEmail", "Enter an email address such as name@example.org.")
        }
        if !clean.telephone.isEmpty, clean.telephone.filter(\.isNumber).count < 10 {
            errors.add("telephone", "Enter the telephone number with its area code.")
        }
        let all = [clean.settingName, clean.address1, clean.address2, clean.city, clean.monitoringFirstName, clean.monitoringLastName]
        if all.contains(where: { $0.count > 120 }) { errors.add("address1", "Keep each value to 120 characters.") }
        try errors.throwIfAny()
        return clean
    }
}
