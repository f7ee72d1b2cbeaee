import Foundation

/// The vital signs KetaClinic reads from a monitor, each named by the IEEE 11073 nomenclature
/// (MDC) codes a PCD-01 message carries in OBX-3.
public enum MonitorVital: String, Codable, CaseIterable, Sendable {
    /// Non-invasive blood pressure, systolic.
    case systolic
    /// Non-invasive blood pressure, diastolic.
    case diastolic
    /// Non-invasive blood pressure, mean (kept and shown; the flowsheet has no column for it).
    case meanPressure = "mean-pressure"
    /// Heart rate from the ECG.
    case heartRate = "heart-rate"
    /// Pulse rate (pulse oximeter or NIBP cuff): the heart rate when no ECG rate is sent.
    case pulseRate = "pulse-rate"
    /// Oxygen saturation by pulse oximetry.
    case oxygenSaturation = "oxygen-saturation"
    /// Respiratory rate.
    case respiratoryRate = "respiratory-rate"
    /// Body temperature.
    case temperature

    /// The name staff read.
    public var displayName: String {
        switch self {
        case .systolic: "NIBP systolic"
        case .diastolic: "NIBP diastolic"
        case .meanPressure: "NIBP mean"
        case .heartRate: "Heart rate (ECG)"
        case .pulseRate: "Pulse rate"
        case .oxygenSaturation: "SpO2"
        case .respiratoryRate: "Respiratory rate"
        case .temperature: "Temperature"
        }
    }

    /// The unit the flowsheet keeps the value in, as UCUM writes it [M3].
    public var ucum: String {
        switch self {
        case .systolic, .diastolic, .meanPressure: "mm[Hg]"
        case .heartRate, .pulseRate, .respiratoryRate: "/min"
        case .oxygenSaturation: "%"
        case .temperature: "Cel"
        }
    }
}

/// One MDC observation code KetaClinic maps, with its reference id and its source.
public struct MDCCode: Equatable, Sendable {
    /// The context-free numeric code sent in OBX-3.1.
    public let code: Int
    /// The reference id sent in OBX-3.2, e.g. `MDC_PRESS_BLD_NONINV_SYS`.
    public let referenceID: String
    /// What it measures.
    public let vital: MonitorVital
    /// The source key in docs/monitors.md.
    public let source: String
}

/// A unit a monitor may send (OBX-6), with how it converts to the flowsheet's unit.
public struct MDCUnit: Equatable, Sendable {
    /// The MDC context-free code (partition 4, dimensions), when the unit has one KetaClinic knows.
    public let code: Int?
    /// The MDC reference id, e.g. `MDC_DIM_MMHG`.
    public let referenceID: String?
    /// The UCUM code [M3].
    public let ucum: String
    /// Which vitals may be sent in it.
    public let vitals: Set<MonitorVital>
    /// Converts a value in this unit to the vital's flowsheet unit.
    public let toFlowsheet: @Sendable (Double) -> Double
    /// The source key in docs/monitors.md.
    public let source: String

    public static func == (lhs: MDCUnit, rhs: MDCUnit) -> Bool { lhs.ucum == rhs.ucum && lhs.code == rhs.code }
}

/// The mapping tables: MDC observation codes and units → KetaClinic's vitals. Codes not listed
/// are not dropped: the report keeps them as unknown observations, shown to staff.
public enum MDCCatalog {
    /// Observation codes [M3] (the DK Core IEEE basic-observation value set lists each code with its
    /// reference id and meaning), with the PCD-01 samples that show them in OBX-3 [M1][M2].
    public static let codes: [MDCCode] = [
        MDCCode(code: 150021, referenceID: "MDC_PRESS_BLD_NONINV_SYS", vital: .systolic, source: "[M2][M3]"),
        MDCCode(code: 150022, referenceID: "MDC_PRESS_BLD_NONINV_DIA", vital: .diastolic, source: "[M2][M3]"),
        MDCCode(code: 150023, referenceID: "MDC_PRESS_BLD_NONINV_MEAN", vital: .meanPressure, source: "[M3]"),
        MDCCode(code: 147842, referenceID: "MDC_ECG_HEART_RATE", vital: .heartRate, source: "[M1][M3]"),
        MDCCode(code: 149530, referenceID: "MDC_PULS_OXIM_PULS_RATE", vital: .pulseRate, source: "[M3]"),
        MDCCode(code: 149546, referenceID: "MDC_PULS_RATE_NON_INV", vital: .pulseRate, source: "[M2][M3]"),
        MDCCode(code: 149514, referenceID: "MDC_PULS_RATE", vital: .pulseRate, source: "[M3]"),
        MDCCode(code: 150456, referenceID: "MDC_PULS_OXIM_SAT_O2", vital: .oxygenSaturation, source: "[M3][M4]"),
        MDCCode(code: 151562, referenceID: "MDC_RESP_RATE", vital: .respiratoryRate, source: "[M3]"),
        MDCCode(code: 151578, referenceID: "MDC_TTHOR_RESP_RATE", vital: .respiratoryRate, source: "[M3]"),
        MDCCode(code: 151594, referenceID: "MDC_CO2_RESP_RATE", vital: .respiratoryRate, source: "[M3]"),
        MDCCode(code: 150364, referenceID: "MDC_TEMP_BODY", vital: .temperature, source: "[M3]"),
    ]

    /// Units: UCUM codes [M3]; MDC unit codes are partition 4 (dimensions) of ISO/IEEE 11073-10101,
    /// context-free code = 4 × 65536 + the base code of its units table [M5] (mmHg 3872 → 266016,
    /// beats/min 2720 → 264864, as the PCD-01 samples send them [M1][M2]).
    public static let units: [MDCUnit] = [
        MDCUnit(code: 266016, referenceID: "MDC_DIM_MMHG", ucum: "mm[Hg]", vitals: [.systolic, .diastolic, .meanPressure],
                toFlowsheet: { $0 }, source: "[M1][M3][M5]"),
        MDCUnit(code: 264864, referenceID: "MDC_DIM_BEAT_PER_MIN", ucum: "/min", vitals: [.heartRate, .pulseRate],
                toFlowsheet: { $0 }, source: "[M1][M3][M5]"),
        MDCUnit(code: 264928, referenceID: "MDC_DIM_RESP_PER_MIN", ucum: "/min", vitals: [.respiratoryRate],
                toFlowsheet: { $0 }, source: "[M3][M5]"),
        MDCUnit(code: 262688, referenceID: "MDC_DIM_PERCENT", ucum: "%", vitals: [.oxygenSaturation],
                toFlowsheet: { $0 }, source: "[M3][M4][M5]"),
        MDCUnit(code: 268192, referenceID: "MDC_DIM_DEGC", ucum: "Cel", vitals: [.temperature],
                toFlowsheet: { $0 }, source: "[M3][M5]"),
        MDCUnit(code: nil, referenceID: nil, ucum: "[degF]", vitals: [.temperature],
                toFlowsheet: { ($0 - 32) * 5 / 9 }, source: "[M3]"),
    ]

    /// The mapped code for `code` (OBX-3.1), or for its reference id (OBX-3.2) when the number is absent.
    public static func code(number: String?, referenceID: String?) -> MDCCode? {
        if let number, let value = Int(number) { return codes.first { $0.code == value } }
        if let referenceID { return codes.first { $0.referenceID == referenceID } }
        return nil
    }

    /// The unit OBX-6 names for `vital`: its first component as an MDC number, an MDC reference
    /// id, or a UCUM code; nil when it is none of the units `vital` may be sent in. An absent unit
    /// is read as the flowsheet's own.
    public static func unit(identifier: String?, text: String?, for vital: MonitorVital) -> MDCUnit? {
        let candidates = units.filter { $0.vitals.contains(vital) }
        guard identifier != nil || text != nil else { return candidates.first { $0.ucum == vital.ucum } }
        for token in [identifier, text].compactMap({ $0 }) {
            if let number = Int(token), let unit = candidates.first(where: { $0.code == number }) { return unit }
            if let unit = candidates.first(where: { $0.referenceID == token || $0.ucum == token }) { return unit }
        }
        return nil
    }
}
