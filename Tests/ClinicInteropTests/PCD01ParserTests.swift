import ClinicDomain
import ClinicInterop
import Foundation
import Testing

/// Messages for the vectors. The OBX lines of `linkWatch` are the PCD-01 sample of [M2]; those of
/// `geB40` are the heart-rate and invasive-pressure OBXs of the GE B40 data guide [M1], framed by an
/// MSH/OBR as the guide describes; `mindrayStyle` adds SpO2, respiratory rate and temperature coded
/// as the DK Core value set lists them [M3].
enum PCD01Vectors {
    static let utc = TimeZone(identifier: "UTC")!

    static let linkWatch = [
        "MSH|^~\\&|LinkWatchAndroid||||20170503120000+0200||ORU^R01^ORU_R01|323031363131323330373031333638393930313030|P|2.6|||NE|AL|||||IHE PCD ORU-R012006^HL7^2.16.840.1.113883.9.n.m^HL7",
        "OBR|1|||182777000^monitoring of patient^SNOMED-CT|||20170503120000+0200",
        "OBX|1||528391^MDC_DEV_SPEC_PROFILE_BP^MDC|1|||||||X|||||||5C313EFFFE020E12^EUI64",
        "OBX|2|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.0.1.1|125|266016^MDC_DIM_MMHG^MDC|||||R|||20170503120000+0200",
        "OBX|3|NM|150022^MDC_PRESS_BLD_NONINV_DIA^MDC|1.0.1.2|80|266016^MDC_DIM_MMHG^MDC|||||R|||20170503120000+0200",
        "OBX|4|NM|149546^MDC_PULS_RATE_NON_INV^MDC|1.0.0.2|66|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||20170503120000+0200",
    ].joined(separator: "\r") + "\r"

    static let geB40 = [
        "MSH|^~\\&|B40_GE|ICU||| 20240102030405+0000||ORU^R01^ORU_R01|GE-1|P|2.6",
        "PID|||",
        "PV1||I|BED^^7",
        "OBR|1|||182777000^monitoring of patient^SNOMED-CT|||20240102030405+0000",
        "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X",
        "OBX|11|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||080019FFFE0B4020^B40_GE",
        "OBX|4|NM|150033^MDC_PRESS_BLD_ART_SYS^MDC|1.13.1.1|112|266016^MDC_DIM_MMHG^MDC|||||R|||||||080019FFFE0B4020^B40_GE",
        "OBX|7|NM|149522^MDC_BLD_PULS_RATE_INV^MDC|1.13.1.4|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||080019FFFE0B4020^B40_GE",
    ].joined(separator: "\r") + "\r"

    static func mindrayStyle(spo2: String = "97", temperature: String = "37.0", temperatureUnit: String = "268192^MDC_DIM_DEGC^MDC",
                             encoding: String = "^~\\&") -> String {
        [
            "MSH|\(encoding)|MONITOR|KC|||20250610015127+0800||ORU^R01^ORU_R01|202506100151270003|P|2.6",
            "PID|||10006",
            "OBR||||1^MON_PARAM^99COMEN|||20250610015127+0800",
            "OBX||NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.150456|\(spo2)|262688^MDC_DIM_PERCENT^MDC|||||F|||20250610015127+0800",
            "OBX||NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.3.1.149530|65|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||F|||20250610015127+0800",
            "OBX||NM|151562^MDC_RESP_RATE^MDC|1.14.1.151562|20|264928^MDC_DIM_RESP_PER_MIN^MDC|||||F|||20250610015127+0800",
            "OBX||NM|150364^MDC_TEMP_BODY^MDC|1.2.1.150364|\(temperature)|\(temperatureUnit)|||||F|||20250610015127+0800",
            "OBX||NM|150023^MDC_PRESS_BLD_NONINV_MEAN^MDC|1.1.9.150023|90|266016^MDC_DIM_MMHG^MDC|||||F|||20250610015127+0800",
            "OBX||NM|160324^MDC_SPO2_SIGNAL_QUALITY_INDEX^MDC|1.3.1.160324|3.56|262688^MDC_DIM_PERCENT^MDC|||||F|||20250610015127+0800",
        ].joined(separator: "\r") + "\r"
    }

    static func report(_ text: String) throws -> PCD01Report {
        try PCD01Report(try HL7Message(parsing: text), timeZone: utc)
    }

    static func time(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
}

@Suite("HL7 v2 / PCD-01: parsing, MDC mapping and acknowledgements")
struct PCD01ParserTests {
    @Test("The PCD-01 sample of [M2]: NIBP 125/80 and the NIBP pulse rate charted; device from OBX-18; time with its offset")
    func linkWatchSample() throws {
        let report = try PCD01Vectors.report(PCD01Vectors.linkWatch)
        #expect(report.header.controlID == "323031363131323330373031333638393930313030")
        #expect(report.header.version == "2.6")
        #expect(report.deviceID == "5C313EFFFE020E12")
        #expect(report.readings.count == 1)
        let reading = try #require(report.readings.first)
        #expect(reading.observedAt == PCD01Vectors.time("2017-05-03T10:00:00Z"))
        #expect(reading.values == VitalReading(systolic: 125, diastolic: 80, heartRate: 66))
        #expect(reading.observations.allSatisfy { $0.disposition == .charted })
    }

    @Test("The GE B40 segments of [M1]: ECG heart rate 80 charted; invasive codes kept as unknown, not dropped; bed from PV1-3")
    func geSample() throws {
        let report = try PCD01Vectors.report(PCD01Vectors.geB40)
        #expect(report.deviceID == "080019FFFE0B4020")
        #expect(report.bed == "BED 7")
        let reading = try #require(report.readings.first)
        #expect(reading.values == VitalReading(heartRate: 80))
        #expect(reading.uncharted.map(\.code) == ["150033", "149522"])
        #expect(reading.uncharted.allSatisfy { $0.disposition == .unknown && $0.value != "" })
    }

    @Test("SpO2, pulse rate, respiratory rate and temperature as coded in [M3]; NIBP mean and unknown codes kept beside the reading")
    func vitalsAndKept() throws {
        let report = try PCD01Vectors.report(PCD01Vectors.mindrayStyle())
        #expect(report.deviceID == "MONITOR")   // no OBX-18: MSH-3 names the device
        let reading = try #require(report.readings.first)
        #expect(reading.observedAt == PCD01Vectors.time("2025-06-09T17:51:27Z"))
        #expect(reading.values == VitalReading(heartRate: 65, oxygenSaturation: 97, respiratoryRate: 20, temperatureCelsius: 37.0))
        #expect(reading.uncharted.map(\.disposition) == [.kept, .unknown])
    }

    @Test("Units: Fahrenheit converted [M3]; a unit not accepted for the code is kept with its reason", arguments: [
        ("98.6", "[degF]^[degF]^UCUM", 37.0 as Double?, ObservationDisposition.charted),
        ("37.2", "Cel^Cel^UCUM", 37.2, .charted),
        ("37.2", "", 37.2, .charted),                                    // absent unit: the flowsheet's own
        ("310.2", "K^kelvin^UCUM", nil, .unitNotAccepted),
        ("37.2", "266016^MDC_DIM_MMHG^MDC", nil, .unitNotAccepted),      // a pressure unit for a temperature
    ])
    func units(value: String, unit: String, charted: Double?, disposition: ObservationDisposition) throws {
        let reading = try #require(try PCD01Vectors.report(PCD01Vectors.mindrayStyle(temperature: value, temperatureUnit: unit)).readings.first)
        #expect(reading.values.temperatureCelsius == charted)
        #expect(reading.observations.first { $0.code == "150364" }?.disposition == disposition)
    }

    @Test("Values the flowsheet refuses are kept with its reason; the others are charted", arguments: [
        ("45", "Enter 50 to 100."), ("abc", "The value is not a number."), ("1e999", "The value is not a number."),
        ("NaN", "The value is not a number."), ("-99999999999999999999", "The value is not a number."),
    ])
    func refusedValues(value: String, note: String) throws {
        let reading = try #require(try PCD01Vectors.report(PCD01Vectors.mindrayStyle(spo2: value)).readings.first)
        #expect(reading.values.oxygenSaturation == nil)
        #expect(reading.values.heartRate == 65)
        let spo2 = try #require(reading.observations.first { $0.code == "150456" })
        #expect(spo2.disposition == .valueRefused)
        #expect(spo2.note == note)
    }

    @Test("Encoding characters come from MSH-2 [M6]: a message written with #$*! parses the same")
    func customEncoding() throws {
        let text = PCD01Vectors.linkWatch.replacingOccurrences(of: "^", with: "#").replacingOccurrences(of: "MSH|#~\\&", with: "MSH|#~\\&")
        let report = try PCD01Vectors.report(text)
        #expect(report.readings.first?.values == VitalReading(systolic: 125, diastolic: 80, heartRate: 66))
        let pipes = PCD01Vectors.linkWatch.replacingOccurrences(of: "|", with: "!")
        #expect(try PCD01Vectors.report(pipes).deviceID == "5C313EFFFE020E12")
    }

    @Test("Escape sequences [M6]", arguments: [
        ("a\\F\\b", "a|b"), ("a\\S\\b", "a^b"), ("a\\T\\b", "a&b"), ("a\\R\\b", "a~b"), ("a\\E\\b", "a\\b"),
        ("\\X41\\\\X42\\", "AB"), ("line\\.br\\end", "lineend"), ("plain", "plain"), ("unterminated\\F", "unterminated\\F"),
    ])
    func escapes(raw: String, text: String) {
        #expect(HL7Escaping.unescape(Substring(raw), encoding: .standard) == text)
    }

    @Test("Escaping what KetaClinic writes round-trips")
    func escapeRoundTrip() {
        let text = "a|b^c~d\\e&f"
        #expect(HL7Escaping.unescape(Substring(HL7Escaping.escape(text)), encoding: .standard) == text)
    }

    @Test("Malformed messages: AR for what KetaClinic does not accept, AE for content errors [M6]", arguments: [
        ("not a message", HL7AcknowledgementCode.reject, "100"),
        ("MSH|^^~\\&|X||||20240101000000||ORU^R01|1|P|2.6\rOBR|1\rOBX|1|NM|150456^X^MDC||97", .reject, "100"),   // repeated encoding character
        ("MSH|^~\\&|X||||20240101000000||ADT^A01|1|P|2.6\rEVN|A01", .reject, "200"),
        ("MSH|^~\\&|X||||20240101000000||ORU^R01|1|P|3.0\rOBR|1\rOBX|1|NM|150456^X^MDC||97", .reject, "203"),
        ("MSH|^~\\&|X||||20240101000000||ORU^R01||P|2.6\rOBR|1\rOBX|1|NM|150456^X^MDC||97", .error, "101"),       // no control id
        ("MSH|^~\\&|X||||20240101000000||ORU^R01|1|P|2.6\rOBX|1|NM|150456^X^MDC||97", .error, "100"),             // OBX before OBR
        ("MSH|^~\\&|X||||20240101000000||ORU^R01|1|P|2.6\rOBR|1\rOBX|1||69965^MDS^MDC|1.0.0.0", .error, "101"),    // no value at all
        ("MSH|^~\\&|X||||20240101000000||ORU^R01|1|P|2.6\rOBR|1\rob x|1", .error, "100"),                         // bad segment id
        ("MSH|^~\\&|X||||20240101000000||ORU^R01|1|P|2.6\rOBR|1\rOBX|1|NM|150456^X^MDC||97|%|||||R|||2024-01-01", .error, "102"),
        ("MSH|^~\\&|X||||20240101000000||ORU^R01|1|P|2.6\rOBR|1\rQRD|1", .error, "100"),                          // foreign segment
        ("MSH|^~\\&|X||||20240101000000||ORU^R01|1|P|2.6\rOBR|1\rOBX|1|NM|150456^X^MDC||97\rMSH|^~\\&|Y", .error, "100"),
    ])
    func malformed(text: String, code: HL7AcknowledgementCode, condition: String) {
        do {
            _ = try PCD01Vectors.report(text)
            Issue.record("parsed: \(text)")
        } catch let error as HL7ParseError {
            #expect(error.acknowledgement == code, "\(error)")
            #expect(error.conditionCode.code == condition, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("A field longer than the limit is refused, not kept in memory as a reading")
    func hugeField() {
        let huge = String(repeating: "9", count: HL7Message.maximumFieldLength + 1)
        #expect(throws: HL7ParseError.self) {
            _ = try PCD01Vectors.report("MSH|^~\\&|X||||20240101000000||ORU^R01|1|P|2.6\rOBR|1\rOBX|1|NM|150456^X^MDC||\(huge)")
        }
    }

    @Test("HL7 times (DTM) [M6]", arguments: [
        ("20240102030405+0000", "2024-01-02T03:04:05Z"), ("20240102030405-0500", "2024-01-02T08:04:05Z"),
        ("202401020304", "2024-01-02T03:04:00Z"), ("20240102030405.5+0100", "2024-01-02T02:04:05Z"),
    ])
    func times(text: String, iso: String) throws {
        let parsed = try #require(HL7Time.parse(text, timeZone: PCD01Vectors.utc))
        #expect(abs(parsed.timeIntervalSince(PCD01Vectors.time(iso))) < 1)
    }

    @Test("Not times: too coarse for a reading, impossible dates, bad offsets", arguments: [
        "2024", "20240102", "20240230120000", "20241301120000", "20240102250000", "20240102030405+99", "2024-01-02T03:04", "",
    ])
    func notTimes(text: String) {
        #expect(HL7Time.parse(text, timeZone: PCD01Vectors.utc) == nil)
    }

    @Test("Time without an offset is read in the clinic's time zone")
    func localTime() throws {
        let zone = TimeZone(identifier: "America/New_York")!
        #expect(HL7Time.parse("20240102030405", timeZone: zone) == PCD01Vectors.time("2024-01-02T08:04:05Z"))
    }

    @Test("ACK: MSH, MSA with the original control id; ERR with the table 0357 condition for AE/AR [M2][M6]")
    func acknowledgement() throws {
        let now = PCD01Vectors.time("2024-01-02T03:04:05Z")
        let accept = HL7Acknowledgement.build(code: .accept, acknowledging: "CTRL-1", receiver: ("GW", "ICU"), sender: ("KetaClinic", "Clinic"),
                                              text: nil, controlID: "ACK-1", now: now)
        #expect(accept == "MSH|^~\\&|KetaClinic|Clinic|GW|ICU|20240102030405+0000||ACK^R01^ACK|ACK-1|P|2.6\rMSA|AA|CTRL-1|\r")
        let error = HL7Acknowledgement.build(code: .error, acknowledging: "C|2", receiver: (nil, nil), sender: ("KetaClinic", ""),
                                             text: "OBX-14 is not an HL7 time: x^y.", condition: ("102", "Data type error"), controlID: "ACK-2", now: now)
        let parsed = try HL7Message(parsing: error)
        #expect(parsed.value(try #require(parsed.first("MSA")), 1) == "AE")
        #expect(parsed.value(try #require(parsed.first("MSA")), 2) == "C|2")
        #expect(parsed.value(try #require(parsed.first("ERR")), 3) == "102")
        #expect(parsed.value(try #require(parsed.first("ERR")), 8) == "OBX-14 is not an HL7 time: x^y.")
    }

    @Test("The builder's message (the demo monitor's) reads back to the same reading")
    func builderRoundTrip() throws {
        let values = VitalReading(systolic: 131, diastolic: 82, heartRate: 71, oxygenSaturation: 98, respiratoryRate: 14, temperatureCelsius: 36.8)
        let at = PCD01Vectors.time("2026-12-06T07:00:00Z")
        let text = PCD01MessageBuilder.message(deviceID: "DEMO-MON-1", controlID: "c1", bed: "Chair 1", observedAt: at, values: values, meanPressure: 98)
        let report = try PCD01Vectors.report(text)
        #expect(report.deviceID == "DEMO-MON-1")
        #expect(report.readings.map(\.values) == [values])
        #expect(report.readings.first?.observedAt == at)
        #expect(report.readings.first?.uncharted.map(\.vital) == [.meanPressure])
    }

    @Test("Several instants in one message give one reading each, in time order")
    func instants() throws {
        let text = [
            "MSH|^~\\&|GW||||20240102030405+0000||ORU^R01|9|P|2.6", "OBR|1|||x|||20240102030400+0000",
            "OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC||70|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||20240102030402+0000",
            "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC||72|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||20240102030401+0000",
            "OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||96|262688^MDC_DIM_PERCENT^MDC|||||R",
        ].joined(separator: "\r")
        let readings = try PCD01Vectors.report(text).readings
        #expect(readings.map(\.values) == [VitalReading(oxygenSaturation: 96), VitalReading(heartRate: 72), VitalReading(heartRate: 70)])
    }
}
