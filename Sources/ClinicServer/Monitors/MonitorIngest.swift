import ClinicDomain
import ClinicInterop
import ClinicStorage
import Foundation
import Logging
import Metrics

extension ClinicServices {
    /// The monitor registry, monitor readings, the unmatched queue and the listener's log.
    var monitors: MonitorRepository { MonitorRepository(database: database) }
}

extension SessionWorkflow {
    /// Stores a monitor message's readings through the same code as every other reading (the
    /// flowsheet row, the alerts under the clinic's policy, the audit entry, in one transaction
    /// for the whole message), then tells the board, as ``recordReading(_:takenAt:source:sessionID:clinic:amends:reason:stamp:)`` does.
    func recordMonitorMessage(_ message: MonitorMessageInput, clinic: Clinic, stamp: AuditStamp) async throws -> [MonitorReadingOutcome] {
        let policy = try await services.sessionPolicies.policy(of: clinic.id)
        let outcomes = try await services.monitors.ingest(message, policy: policy.alerts, stamp: stamp)
        let storedAt = services.now()
        for case .stored(let sessionID, let result?) in outcomes {
            await announce(BoardEvent(kind: .reading, sessionID: sessionID, storedAt: storedAt,
                                      reading: .init(takenAt: result.reading.takenAt, values: result.reading.values)))
            for alert in result.alerts {
                await announce(BoardEvent(kind: .alertRaised, sessionID: sessionID, storedAt: storedAt,
                                          alert: .init(id: alert.id, code: alert.code, message: alert.message)))
            }
        }
        return outcomes
    }
}

/// Turns one MLLP frame into an ACK: decode, parse (HL7 v2, PCD-01), store through the session
/// workflow, and answer AA only after the commit; AE or AR, with the reason, for anything else.
/// It never throws: every failure becomes an acknowledgement and a line in the listener's log.
struct MonitorIngest: Sendable {
    let services: ClinicServices
    let logger: Logger

    /// What KetaClinic calls itself in MSH-3/MSH-4 of its ACKs.
    static let application = "KetaClinic"

    /// The ACK for `bytes` received from `gateway`.
    func acknowledge(_ bytes: [UInt8], gateway: String) async -> String {
        let started = ContinuousClock.now
        let now = services.now()
        let text = String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })   // else ISO-8859-1
        var message: HL7Message?
        var header: PCD01Header?
        do {
            guard let clinic = try await services.clinics.primaryClinic() else {
                return await refuse(.reject, "The server has no clinic yet.", condition: ("207", "Application internal error"), message: nil,
                                    header: nil, gateway: gateway, now: now)
            }
            let parsed = try HL7Message(parsing: text)
            message = parsed
            header = try PCD01Header(parsed, timeZone: clinic.settings.resolvedTimeZone)
            let report = try PCD01Report(parsed, timeZone: clinic.settings.resolvedTimeZone)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .millisecondsSince1970
            let input = MonitorMessageInput(
                gateway: gateway, sendingApplication: report.header.sendingApplication, deviceID: report.deviceID,
                controlID: report.header.controlID, bed: report.bed, observationCount: report.observationCount,
                readings: try report.readings.map {
                    MonitorReadingInput(observedAt: $0.observedAt, values: $0.values,
                                        observationsJSON: String(decoding: try encoder.encode($0.uncharted), as: UTF8.self))
                })
            let stamp = AuditStamp(at: now, userID: nil, actorName: "monitor \(report.deviceID) via \(gateway)", role: nil,
                                   requestID: "mllp:\(report.header.controlID)", ipAddress: gateway)
            let outcomes = try await SessionWorkflow(services: services).recordMonitorMessage(input, clinic: clinic, stamp: stamp)
            var stored = 0, unmatched = 0, repeated = 0
            for outcome in outcomes {
                switch outcome {
                case .stored: stored += 1
                case .unmatched: unmatched += 1
                case .repeated: repeated += 1
                }
            }
            MonitorMetrics.messages(.accept)
            MonitorMetrics.observations(report.observationCount)
            MonitorMetrics.readings(stored: stored, unmatched: unmatched, repeated: repeated)
            MonitorMetrics.duration(ContinuousClock.now - started)
            return ack(.accept, header: report.header, text: "\(stored) stored, \(unmatched) unmatched, \(repeated) already stored", now: now)
        } catch let error as HL7ParseError {
            return await refuse(error.acknowledgement, error.description, condition: error.conditionCode, message: message, header: header,
                                gateway: gateway, now: now)
        } catch {
            logger.error("monitor message not stored", metadata: ["gateway": "\(gateway)", "error": "\(error)"])
            // Transient (the database is busy or closing): the gateway resends what is not AA.
            return await refuse(.reject, "The message could not be stored now; send it again.", condition: ("207", "Application internal error"),
                                message: message, header: header, gateway: gateway, now: now)
        }
    }

    /// Logs a framing violation (the connection is then closed).
    func recordViolation(_ reason: String, gateway: String) async {
        MonitorMetrics.frameError(reason)
        logger.warning("MLLP connection closed", metadata: ["gateway": "\(gateway)", "reason": "\(reason)"])
        do {
            try await services.monitors.logRefusal(gateway: gateway, sendingApplication: nil, deviceID: nil, controlID: nil, outcome: "closed",
                                                   error: reason, at: services.now())
        } catch {
            logger.error("could not log an MLLP violation", metadata: ["error": "\(error)"])
        }
    }

    private func refuse(_ code: HL7AcknowledgementCode, _ reason: String, condition: (code: String, text: String), message: HL7Message?,
                        header: PCD01Header?, gateway: String, now: Date) async -> String {
        MonitorMetrics.messages(code)
        let msh = message?.header
        let controlID = header?.controlID ?? msh.flatMap { message?.value($0, 10) }
        do {
            try await services.monitors.logRefusal(gateway: gateway, sendingApplication: msh.flatMap { message?.value($0, 3) }, deviceID: nil,
                                                   controlID: controlID, outcome: code.rawValue, error: reason, at: now)
        } catch {
            logger.error("could not log a refused monitor message", metadata: ["error": "\(error)"])
        }
        logger.notice("monitor message refused", metadata: ["gateway": "\(gateway)", "ack": "\(code.rawValue)", "reason": "\(reason)"])
        return HL7Acknowledgement.build(
            code: code, acknowledging: controlID,
            receiver: (msh.flatMap { message?.value($0, 3) }, msh.flatMap { message?.value($0, 4) }),
            sender: (Self.application, ""), processingID: header?.processingID ?? "P", version: header?.version ?? "2.6",
            text: reason, condition: condition, controlID: UUID.random().uuidString, now: now)
    }

    private func ack(_ code: HL7AcknowledgementCode, header: PCD01Header, text: String, now: Date) -> String {
        HL7Acknowledgement.build(code: code, acknowledging: header.controlID, receiver: (header.sendingApplication, header.sendingFacility),
                                 sender: (Self.application, ""), processingID: header.processingID, version: header.version, text: text,
                                 controlID: UUID.random().uuidString, now: now)
    }
}

/// The listener's Prometheus metrics (through swift-metrics into the process registry).
enum MonitorMetrics {
    static func messages(_ code: HL7AcknowledgementCode) {
        Counter(label: "ketaclinic_mllp_messages_total", dimensions: [("ack", code.rawValue)]).increment()
    }

    static func observations(_ count: Int) {
        Counter(label: "ketaclinic_mllp_observations_total").increment(by: count)
    }

    static func readings(stored: Int, unmatched: Int, repeated: Int) {
        for (result, count) in [("stored", stored), ("unmatched", unmatched), ("repeated", repeated)] where count > 0 {
            Counter(label: "ketaclinic_mllp_readings_total", dimensions: [("result", result)]).increment(by: count)
        }
    }

    static func duration(_ duration: Duration) {
        Metrics.Timer(label: "ketaclinic_mllp_message_duration_seconds").recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    static func frameError(_ reason: String) {
        let kind = reason.contains("exceeded") ? "too-large" : reason.contains("slow") || reason.contains("silent") ? "slow-sender"
            : reason.contains("closed in the middle") ? "dropped-mid-frame" : reason.contains("truncated") ? "truncated" : "outside-frame"
        Counter(label: "ketaclinic_mllp_frame_errors_total", dimensions: [("kind", kind)]).increment()
    }

    static func connection(_ result: String) {
        Counter(label: "ketaclinic_mllp_connections_total", dimensions: [("result", result)]).increment()
    }

    static func openConnections(_ count: Int) {
        Gauge(label: "ketaclinic_mllp_connections_open").record(count)
    }
}
