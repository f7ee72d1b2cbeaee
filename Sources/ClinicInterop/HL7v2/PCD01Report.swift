import ClinicDomain
import Foundation

/// What KetaClinic reads from MSH: who sent the message, its control id (the key a resend
/// repeats), and the fields the ACK echoes.
public struct PCD01Header: Equatable, Sendable {
    /// MSH-10, unique per message from one sender; a resend repeats it.
    public let controlID: String
    /// MSH-3 (namespace id), the sending application.
    public let sendingApplication: String?
    /// MSH-4 (namespace id), the sending facility.
    public let sendingFacility: String?
    /// MSH-11, P(roduction), T(raining) or D(ebugging); P when absent.
    public let processingID: String
    /// MSH-12, e.g. `2.6`.
    public let version: String
    /// MSH-7, when the gateway built the message.
    public let messageTime: Date?

    /// Reads the header of `message`; throws what the ACK reports.
    public init(_ message: HL7Message, timeZone: TimeZone) throws(HL7ParseError) {
        let msh = message.header
        let type = message.value(msh, 9, component: 1), event = message.value(msh, 9, component: 2)
        guard type == "ORU", event == "R01" else {
            throw .unsupportedMessageType("KetaClinic accepts ORU^R01 (IHE PCD-01) only; MSH-9 is \(type ?? "empty")^\(event ?? "empty").")
        }
        guard let version = message.value(msh, 12), version.hasPrefix("2.") else {
            throw .unsupportedVersion("MSH-12 must name an HL7 version 2.x (PCD-01 uses 2.6).")
        }
        guard let control = message.value(msh, 10) else { throw .missingField("MSH-10 (message control id) is empty.") }
        guard control.count <= 199 else { throw .badValue("MSH-10 is longer than 199 characters.") }
        controlID = control
        sendingApplication = message.value(msh, 3)
        sendingFacility = message.value(msh, 4)
        processingID = message.value(msh, 11) ?? "P"
        self.version = version
        messageTime = try message.value(msh, 7).map { text throws(HL7ParseError) in
            guard let date = HL7Time.parse(text, timeZone: timeZone) else { throw .badValue("MSH-7 is not an HL7 time: \(text).") }
            return date
        }
    }
}

/// What became of one OBX.
public enum ObservationDisposition: String, Codable, Sendable {
    /// Mapped to the flowsheet.
    case charted
    /// Mapped but not charted (NIBP mean; a pulse rate beside an ECG heart rate): kept and shown.
    case kept
    /// A code KetaClinic does not map: kept and shown.
    case unknown
    /// A mapped code in a unit KetaClinic does not convert: kept and shown.
    case unitNotAccepted = "unit-not-accepted"
    /// A mapped code whose value is not a number or is outside what a monitor can show: kept and shown.
    case valueRefused = "value-refused"
    /// The monitor flagged the value as not obtained (OBX-11 `X`): kept and shown.
    case notObtained = "not-obtained"
}

/// One OBX with a value, as sent, with what KetaClinic made of it.
public struct PCD01Observation: Codable, Equatable, Sendable {
    /// OBX-3.1, the MDC code (or a vendor's code).
    public let code: String
    /// OBX-3.2, the reference id or text.
    public let name: String?
    /// OBX-3.3, the coding system (`MDC` for PCD-01).
    public let codingSystem: String?
    /// OBX-5 as sent.
    public let value: String
    /// OBX-6 as sent (first two components).
    public let unit: String?
    /// OBX-4, the position in the device's containment tree.
    public let hierarchy: String?
    /// When it was observed (OBX-14, else OBR-7, else MSH-7).
    public let observedAt: Date
    /// The vital it maps to, if any.
    public let vital: MonitorVital?
    /// What became of it.
    public var disposition: ObservationDisposition
    /// Why, when it was not charted.
    public var note: String?
}

/// The observations of one instant, folded into a flowsheet reading.
public struct PCD01Reading: Equatable, Sendable {
    /// When they were observed.
    public let observedAt: Date
    /// The charted values (may be empty when nothing could be charted).
    public let values: VitalReading
    /// Every observation of this instant, charted or not.
    public let observations: [PCD01Observation]

    /// The observations that were not charted, shown beside the reading.
    public var uncharted: [PCD01Observation] { observations.filter { $0.disposition != .charted } }
}

/// An ORU^R01 from a PCD-01 device observation reporter, read into readings per instant.
public struct PCD01Report: Equatable, Sendable {
    /// The header.
    public let header: PCD01Header
    /// The device: OBX-18 (equipment instance identifier) of the first OBX that has one, else
    /// MSH-3 (a gateway that speaks for one monitor) [M1][M2].
    public let deviceID: String
    /// PV1-3 (the bed the gateway has the device in), shown to the nurse who assigns unmatched readings.
    public let bed: String?
    /// The readings, by instant.
    public let readings: [PCD01Reading]

    /// Every observation in the message.
    public var observationCount: Int { readings.reduce(0) { $0 + $1.observations.count } }

    /// Reads `message`; a time without an offset is read in `timeZone` (the clinic's).
    public init(_ message: HL7Message, timeZone: TimeZone) throws(HL7ParseError) {
        header = try PCD01Header(message, timeZone: timeZone)
        var device: String?
        var bed: String?
        var observations: [PCD01Observation] = []
        var requestTime: Date?
        var seenRequest = false
        var times: [String: Date] = [:]   // a monitor sends several observations per instant: each time is read once
        for (index, segment) in message.segments.enumerated().dropFirst() {
            switch segment.id {
            case "PID", "PD1", "NTE", "SFT", "NK1", "PV2", "TQ1", "SPM", "ORC": continue
            case "PV1": bed = message.value(segment, 3, component: 1).map { [$0, message.value(segment, 3, component: 3)].compactMap { $0 }.joined(separator: " ") }
            case "OBR":
                seenRequest = true
                requestTime = try message.value(segment, 7).map { text throws(HL7ParseError) in
                    guard let date = HL7Time.parse(text, timeZone: timeZone) else { throw .badValue("OBR-7 is not an HL7 time: \(text).") }
                    return date
                }
            case "OBX":
                guard seenRequest else { throw .badSegment("Segment \(index + 1) is an OBX before any OBR.") }
                if device == nil { device = message.value(segment, 18, component: 1) }
                guard let observation = try Self.observation(segment, in: message, fallbackTime: requestTime ?? header.messageTime,
                                                             timeZone: timeZone, times: &times) else { continue }
                observations.append(observation)
            default:
                if segment.id.hasPrefix("Z") { continue }   // site-defined segments are ignored
                throw .badSegment("Segment \(index + 1) (\(segment.id)) does not belong in an ORU^R01.")
            }
        }
        guard seenRequest else { throw .missingField("The message has no OBR segment.") }
        guard !observations.isEmpty else { throw .missingField("The message has no OBX with a value.") }
        guard let deviceID = device ?? header.sendingApplication else {
            throw .missingField("Neither OBX-18 (equipment instance identifier) nor MSH-3 names the device.")
        }
        guard deviceID.count <= 199 else { throw .badValue("The device identifier is longer than 199 characters.") }
        self.deviceID = deviceID
        self.bed = bed
        let byTime = Dictionary(grouping: observations, by: \.observedAt)
        readings = byTime.keys.sorted().map { Self.reading(at: $0, byTime[$0] ?? []) }
    }

    /// One OBX with a value, or nil for the containment headers (MDS, VMD, channel) that carry none.
    static func observation(_ segment: HL7Segment, in message: HL7Message, fallbackTime: Date?, timeZone: TimeZone,
                            times: inout [String: Date]) throws(HL7ParseError) -> PCD01Observation? {
        guard let value = message.value(segment, 5) else { return nil }
        guard let code = message.value(segment, 3, component: 1) ?? message.value(segment, 3, component: 2) else {
            throw .missingField("An OBX with a value has no OBX-3 (observation identifier).")
        }
        let time: Date
        if let text = message.value(segment, 14) {
            if let known = times[text] {
                time = known
            } else {
                guard let parsed = HL7Time.parse(text, timeZone: timeZone) else { throw .badValue("OBX-14 is not an HL7 time: \(text).") }
                times[text] = parsed
                time = parsed
            }
        } else if let fallbackTime {
            time = fallbackTime
        } else {
            throw .missingField("An OBX has no time: none in OBX-14, OBR-7 or MSH-7.")
        }
        let name = message.value(segment, 3, component: 2)
        let unitID = message.value(segment, 6, component: 1), unitText = message.value(segment, 6, component: 2)
        let mapped = MDCCatalog.code(number: message.value(segment, 3, component: 1), referenceID: name)
        var observation = PCD01Observation(
            code: code, name: name, codingSystem: message.value(segment, 3, component: 3), value: value,
            unit: [unitID, unitText].compactMap { $0 }.joined(separator: "^").nilIfEmpty, hierarchy: message.value(segment, 4),
            observedAt: time, vital: mapped?.vital, disposition: .unknown, note: nil)
        guard let mapped else {
            observation.note = "KetaClinic does not map this code."
            return observation
        }
        if message.value(segment, 11) == "X" {
            observation.disposition = .notObtained
            observation.note = "The monitor marked the value as not obtained."
        } else if MDCCatalog.unit(identifier: unitID, text: unitText, for: mapped.vital) == nil {
            observation.disposition = .unitNotAccepted
            observation.note = "\(mapped.vital.displayName) is charted in \(mapped.vital.ucum); this unit is not converted."
        } else if let type = message.value(segment, 2), type != "NM" {
            observation.disposition = .valueRefused
            observation.note = "OBX-2 is \(type); a numeric (NM) value is expected."
        } else {
            observation.disposition = .charted
        }
        return observation
    }

    /// The reading of one instant: mapped values converted and bounded, the ECG heart rate
    /// preferred to a pulse rate, each value the flowsheet refuses kept with the reason.
    static func reading(at time: Date, _ observations: [PCD01Observation]) -> PCD01Reading {
        var observations = observations
        var values = VitalReading()
        var slots: [MonitorVital: Int] = [:]   // vital → index of the observation charted for it
        for index in observations.indices where observations[index].disposition == .charted {
            guard let vital = observations[index].vital else { continue }
            let unit = observations[index].unit?.split(separator: "^", omittingEmptySubsequences: false)
            guard let number = Double(observations[index].value), number.isFinite, abs(number) < 10_000,
                  let converted = MDCCatalog.unit(identifier: unit?.first.map(String.init)?.nilIfEmpty,
                                                  text: unit.flatMap { $0.count > 1 ? String($0[1]) : nil }, for: vital)?.toFlowsheet(number) else {
                observations[index].disposition = .valueRefused
                observations[index].note = "The value is not a number."
                continue
            }
            let flowsheetVital: MonitorVital = vital == .pulseRate ? .heartRate : vital
            if let previous = slots[flowsheetVital] {
                // One value per vital per instant: the ECG's heart rate over a pulse rate, else the first sent.
                if vital == .heartRate, observations[previous].vital == .pulseRate {
                    observations[previous].disposition = .kept
                    observations[previous].note = "The ECG heart rate of the same instant is charted."
                } else {
                    observations[index].disposition = .kept
                    observations[index].note = vital == .pulseRate && observations[previous].vital == .heartRate
                        ? "The ECG heart rate of the same instant is charted."
                        : "Another \(flowsheetVital.displayName) value of the same instant is charted."
                    continue
                }
            }
            if vital == .meanPressure {
                observations[index].disposition = .kept
                observations[index].note = "The flowsheet has no column for the mean pressure; it is kept beside the reading."
                continue
            }
            slots[flowsheetVital] = index
            chart(flowsheetVital, converted, in: &values)
        }
        // The flowsheet's own bounds decide what is charted; a value it refuses is kept with its reason.
        for _ in 0..<3 {
            guard !values.isEmpty else { break }
            do {
                values = try values.validated()
                break
            } catch let errors {
                for entry in errors.entries {
                    let vitals: [MonitorVital]
                    switch entry.field {
                    case "systolic", "diastolic": vitals = [.systolic, .diastolic]
                    case "heartRate": vitals = [.heartRate]
                    case "oxygenSaturation": vitals = [.oxygenSaturation]
                    case "respiratoryRate": vitals = [.respiratoryRate]
                    case "temperatureCelsius": vitals = [.temperature]
                    default: vitals = []
                    }
                    for vital in vitals {
                        guard let index = slots.removeValue(forKey: vital) else { continue }
                        observations[index].disposition = .valueRefused
                        observations[index].note = entry.message
                        chart(vital, nil, in: &values)
                    }
                }
            }
        }
        return PCD01Reading(observedAt: time, values: values, observations: observations)
    }

    /// Puts a converted value in the flowsheet column its vital fills (whole numbers, temperature
    /// to 0.1), or empties that column for nil: the one place vitals meet columns.
    private static func chart(_ vital: MonitorVital, _ converted: Double?, in values: inout VitalReading) {
        // |converted| < 10,000 (checked by the caller): cannot trap.
        let whole = converted.map { Int(rounding: $0) }
        switch vital {
        case .systolic: values.systolic = whole
        case .diastolic: values.diastolic = whole
        case .heartRate: values.heartRate = whole
        case .oxygenSaturation: values.oxygenSaturation = whole
        case .respiratoryRate: values.respiratoryRate = whole
        case .temperature: values.temperatureCelsius = converted.map { ($0 * 10).rounded() / 10 }
        case .meanPressure, .pulseRate: break
        }
    }
}

/// HL7 v2 time stamps (DTM): `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]` [M6].
public enum HL7Time {
    /// The instant `text` names, read in `timeZone` when it carries no offset; nil when it is not
    /// a DTM or is less precise than the minute (a reading needs its minute).
    public static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        var body = Substring(text)
        var offsetSeconds: Int?
        if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = body[body.index(after: sign)...]
            guard zone.count == 4, zone.allSatisfy(\.isASCII), let hours = Int(zone.prefix(2)), let minutes = Int(zone.suffix(2)),
                  hours <= 14, minutes < 60 else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (body[sign] == "-" ? -1 : 1)
            body = body[..<sign]
        }
        var fraction = 0.0
        if let dot = body.firstIndex(of: ".") {
            let digits = body[body.index(after: dot)...]
            guard (1...4).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Double("0." + digits) else { return nil }
            fraction = value
            body = body[..<dot]
        }
        guard [12, 14].contains(body.count), body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = Array(body)
        func number(_ from: Int, _ length: Int) -> Int? { Int(String(digits[from..<from + length])) }
        var components = DateComponents()
        components.year = number(0, 4)
        components.month = number(4, 2)
        components.day = number(6, 2)
        components.hour = number(8, 2)
        components.minute = number(10, 2)
        components.second = digits.count == 14 ? number(12, 2) : 0
        guard let month = components.month, (1...12).contains(month), let day = components.day, (1...31).contains(day),
              let hour = components.hour, hour < 24, let minute = components.minute, minute < 60,
              let second = components.second, second < 60, let year = components.year, (1900...2200).contains(year) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offsetSeconds.flatMap { TimeZone(secondsFromGMT: $0) } ?? timeZone
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date.addingTimeInterval(fraction)
    }

    /// `date` as an HL7 DTM in UTC, to the second, with its `+0000` offset.
    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d%02d%02d%02d+0000", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }
}
