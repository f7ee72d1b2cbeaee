import Foundation

/// A published mammillary compartment model for racemic ketamine in adults: a central (plasma)
/// compartment with up to two peripheral compartments, elimination from the central one.
///
/// Parameters are as coded in the open-source opentiva library [R56-opentiva]
/// (shared/reference/clinical.md §7.1). Volumes are per kilogram of body weight; rate constants
/// are in min⁻¹. Peripheral volumes follow from mass balance: V2 = V1·k12/k21, V3 = V1·k13/k31
/// [R56-fus]. These are population models: they predict a typical patient, not this patient.
public struct CompartmentModel: Equatable, Sendable {
    /// The models KetaClinic offers, by the name the CLI and the API use.
    public enum Identifier: String, CaseIterable, Codable, Sendable {
        /// Domino 3-compartment model (PMID 7198883).
        case domino
        /// Clements "250" 2-compartment model (Clements & Nimmo 1981, PMID 7459184).
        case clements
    }

    /// A transfer between the central compartment and one peripheral compartment.
    public struct Peripheral: Equatable, Sendable {
        /// Central → peripheral rate constant, min⁻¹ (k12 or k13).
        public let fromCentral: Double
        /// Peripheral → central rate constant, min⁻¹ (k21 or k31).
        public let toCentral: Double
    }

    /// Which model this is.
    public let id: Identifier
    /// The model's name for people.
    public let displayName: String
    /// Where the model comes from, in one line.
    public let citation: String
    /// Source keys into shared/reference/clinical.md.
    public let sources: [String]
    /// Central volume V1 in litres per kilogram of body weight.
    public let centralVolumeLitresPerKg: Double
    /// Elimination rate constant from the central compartment, min⁻¹.
    public let k10: Double
    /// The peripheral compartments, first k12/k21, then k13/k31.
    public let peripherals: [Peripheral]

    /// Domino 3-compartment model: V1 0.063 L/kg, k10 0.4381, k12 0.5921, k21 0.2470,
    /// k13 0.5900, k31 0.0146 min⁻¹ [R56-opentiva]; identical in a second TCI codebase [R56-fus].
    public static let domino = CompartmentModel(
        id: .domino,
        displayName: "Domino (3-compartment)",
        citation: "Domino et al., PMID 7198883; parameters as coded in opentiva",
        sources: ["R56-opentiva", "R56-fus"],
        centralVolumeLitresPerKg: 0.063,                          // [R56-opentiva]
        k10: 0.4381,                                              // [R56-opentiva]
        peripherals: [Peripheral(fromCentral: 0.5921, toCentral: 0.2470),   // k12, k21 [R56-opentiva]
                      Peripheral(fromCentral: 0.5900, toCentral: 0.0146)])  // k13, k31 [R56-opentiva]

    /// Clements "250" 2-compartment model (250 µg/kg bolus data): V1 1.7522 L/kg, k10 0.0109,
    /// k12 0.0186, k21 0.0137 min⁻¹ [R56-opentiva].
    public static let clements = CompartmentModel(
        id: .clements,
        displayName: "Clements \"250\" (2-compartment)",
        citation: "Clements & Nimmo 1981, BJA 53:27, PMID 7459184; parameters as coded in opentiva",
        sources: ["R56-opentiva"],
        centralVolumeLitresPerKg: 1.7522,                         // [R56-opentiva]
        k10: 0.0109,                                              // [R56-opentiva]
        peripherals: [Peripheral(fromCentral: 0.0186, toCentral: 0.0137)])  // k12, k21 [R56-opentiva]

    /// The model with this identifier.
    public static func named(_ id: Identifier) -> CompartmentModel {
        switch id {
        case .domino: .domino
        case .clements: .clements
        }
    }

    /// Number of compartments, central included.
    public var compartmentCount: Int { 1 + peripherals.count }

    /// V1 in litres for a body weight.
    public func centralVolumeLitres(weightKg: Double) -> Double {
        centralVolumeLitresPerKg * weightKg
    }

    /// V2 (and V3) in litres for a body weight: V1·k12/k21, V1·k13/k31 [R56-fus].
    public func peripheralVolumesLitres(weightKg: Double) -> [Double] {
        peripherals.map { centralVolumeLitres(weightKg: weightKg) * $0.fromCentral / $0.toCentral }
    }
}
