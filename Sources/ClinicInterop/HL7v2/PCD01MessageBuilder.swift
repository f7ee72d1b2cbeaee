import ClinicDomain
import Foundation

/// Writes an ORU^R01 as a PCD-01 device observation reporter sends it [M1][M2]: the stand-in
/// monitor of the demo clinic and the operators' test message use it, so both speak exactly
/// what a real gateway sends.
public enum PCD01MessageBuilder {
    /// One message: MSH, PID (empty: monitors rarely know the patient), PV1 with the bed, OBR,
    /// the MDS header OBX with the device's identifier in OBX-18, then one OBX per value, each
    /// timed in OBX-14.
    public static func message(deviceID: String, controlID: String, sendingApplication: String = "KETACLINIC-DEMO",
                               bed: String? = nil, observedAt: Date, values: VitalReading, meanPressure: Int? = nil) -> String {
        let time = HL7Time.format(observedAt)
        let device = HL7Escaping.escape(deviceID)
        var segments = [
            "MSH|^~\\&|\(HL7Escaping.escape(sendingApplication))||||\(time)||ORU^R01^ORU_R01|\(HL7Escaping.escape(controlID))|P|2.6|||NE|AL",
            "PID|||",
            "PV1||I|\(HL7Escaping.escape(bed ?? ""))",
            "OBR|1|||182777000^monitoring of patient^SCT|||\(time)",
            "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||\(device)^EUI-64",
        ]
        var set = 1
        func add(_ code: Int, _ name: String, _ value: String, _ unitCode: Int, _ unitName: String, _ hierarchy: String) {
            set += 1
            segments.append("OBX|\(set)|NM|\(code)^\(name)^MDC|\(hierarchy)|\(value)|\(unitCode)^\(unitName)^MDC|||||R|||\(time)")
        }
        if let systolic = values.systolic { add(150021, "MDC_PRESS_BLD_NONINV_SYS", "\(systolic)", 266016, "MDC_DIM_MMHG", "1.1.1.1") }
        if let diastolic = values.diastolic { add(150022, "MDC_PRESS_BLD_NONINV_DIA", "\(diastolic)", 266016, "MDC_DIM_MMHG", "1.1.1.2") }
        if let meanPressure { add(150023, "MDC_PRESS_BLD_NONINV_MEAN", "\(meanPressure)", 266016, "MDC_DIM_MMHG", "1.1.1.3") }
        if let heartRate = values.heartRate { add(147842, "MDC_ECG_HEART_RATE", "\(heartRate)", 264864, "MDC_DIM_BEAT_PER_MIN", "1.2.1.1") }
        if let saturation = values.oxygenSaturation {
            add(150456, "MDC_PULS_OXIM_SAT_O2", "\(saturation)", 262688, "MDC_DIM_PERCENT", "1.3.1.1")
        }
        if let rate = values.respiratoryRate { add(151562, "MDC_RESP_RATE", "\(rate)", 264928, "MDC_DIM_RESP_PER_MIN", "1.4.1.1") }
        if let temperature = values.temperatureCelsius {
            add(150364, "MDC_TEMP_BODY", String(format: "%.1f", temperature), 268192, "MDC_DIM_DEGC", "1.5.1.1")
        }
        return segments.joined(separator: "\r") + "\r"
    }
}
