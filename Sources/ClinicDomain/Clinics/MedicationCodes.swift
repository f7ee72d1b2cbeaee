import Foundation

/// The RxNorm concept ids (RxCUIs) the clinic writes on the medications it exports (FHIR
/// MedicationRequest and MedicationAdministration).
///
/// Clinic policy, default none: the reference gives no RxCUI for the ketamine or esketamine
/// ingredient or for Spravato (NOT FOUND, clinical reference §8.3), and lists openFDA's RxCUIs
/// 238082, 238083 and 238084 for ketamine hydrochloride injection without telling which is which
/// [R32-openFDA]. So no code is made up: a clinic enters the RxCUI of each product it uses, as its
/// pharmacy or RxNav gives it, and from then on the export carries it.
public struct MedicationCodes: Codable, Equatable, Sendable {
    /// The RxCUI for the racemic ketamine the clinic infuses (e.g. its injection's clinical drug), or nil.
    public var ketamineRxCUI: String?
    /// The RxCUI for esketamine nasal spray (Spravato), or nil.
    public var esketamineRxCUI: String?

    /// Codes as given.
    public init(ketamineRxCUI: String? = nil, esketamineRxCUI: String? = nil) {
        self.ketamineRxCUI = ketamineRxCUI
        self.esketamineRxCUI = esketamineRxCUI
    }

    /// None entered (the reference has no verified code to default to).
    public static let defaults = MedicationCodes()

    /// The RxCUI for a treatment's drug, if the clinic entered one.
    public func rxCUI(esketamine: Bool) -> String? { esketamine ? esketamineRxCUI : ketamineRxCUI }

    /// The field names the page, the API and the command line use.
    public static let fieldNames: Set<String> = ["ketamineRxCUI", "esketamineRxCUI"]

    /// These codes with the named `fields` changed (a field left out keeps its code, an empty one
    /// clears it), validated.
    public func applying(_ fields: [String: String]) throws(FieldErrors) -> MedicationCodes {
        try MedicationCodes(ketamineRxCUI: fields["ketamineRxCUI"] ?? ketamineRxCUI,
                            esketamineRxCUI: fields["esketamineRxCUI"] ?? esketamineRxCUI).validated()
    }

    /// The codes or field errors: an RxCUI is a concept id of 1 to 8 digits (RxNorm's own form); an
    /// empty field clears the code.
    public func validated() throws(FieldErrors) -> MedicationCodes {
        var errors = FieldErrors()
        func clean(_ name: String, _ value: String?) -> String? {
            guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard text.count <= 8, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                errors.add(name, "Enter the RxCUI as its digits (e.g. as RxNav shows it), or leave it empty.")
                return value
            }
            return text
        }
        let result = MedicationCodes(ketamineRxCUI: clean("ketamineRxCUI", ketamineRxCUI),
                                     esketamineRxCUI: clean("esketamineRxCUI", esketamineRxCUI))
        try errors.throwIfAny()
        return result
    }
}
