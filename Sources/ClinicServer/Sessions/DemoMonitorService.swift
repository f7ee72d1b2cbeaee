import ClinicDomain
import ClinicStorage
import Foundation
import Logging
import ServiceLifecycle

/// In the demo clinic, stands in for the bedside monitors: every few seconds it posts a reading,
/// as a gateway would, for each demo session being dosed or observed, so a newcomer sees the
/// chair board move. Only sessions the demo loader started are fed; sessions staff run by hand
/// get only their own readings. Runs only with `serve --demo`.
struct DemoMonitorService: Service {
    let services: ClinicServices
    let logger: Logger
    /// Seconds between rounds of readings.
    static let interval: Duration = .seconds(10)
    /// The actor name readings carry.
    static let actor = "demo monitor"

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var round = 0
            while !Task.isCancelled {
                do { try await feed(round: round) } catch {
                    logger.warning("demo monitor round failed", metadata: ["error": "\(error)"])
                }
                round += 1
                try? await Task.sleep(for: Self.interval)
            }
        }
    }

    /// Posts one reading to each demo session under monitoring. With the MLLP listener enabled,
    /// each chair's stand-in monitor sends it as a real PCD-01 message over MLLP instead.
    func feed(round: Int) async throws {
        guard let clinic = try await services.clinics.primaryClinic() else { return }
        let workflow = SessionWorkflow(services: services)
        var messages: [String] = []
        for record in try await services.sessionRecords.activeRecords()
        where [.dosing, .observation, .readyForDischarge].contains(record.session.state) && Self.isDemo(record) {
            guard let base = record.baseline?.values ?? record.latestReading?.values else { continue }
            let values = Self.reading(around: base, round: round, seed: record.session.number)
            if services.settings.monitors.port != nil, let chair = record.chair {
                messages.append(try await DemoMonitorMessages.message(for: chair, values: values, services: services))
                continue
            }
            try await workflow.recordReading(values, takenAt: nil, source: .gateway, sessionID: record.session.id, clinic: clinic,
                                             stamp: .system(Self.actor, at: services.now()))
        }
        if !messages.isEmpty, let port = services.settings.monitors.port {
            for answer in try await MLLPClient.send(messages, host: DemoMonitorMessages.host(services.settings.monitors), port: port)
            where answer.code != "AA" {
                logger.warning("demo monitor message not accepted", metadata: ["ack": "\(answer.code)", "text": "\(answer.text ?? "")"])
            }
        }
    }

    /// True for sessions the demo loader set up.
    static func isDemo(_ record: TreatmentSessionRecord) -> Bool {
        record.transitions.first?.actorName.contains("demo") == true
    }

    /// A plausible reading near `base`: a slow swing of a few mmHg and beats, never an alert by itself.
    static func reading(around base: VitalReading, round: Int, seed: Int) -> VitalReading {
        let phase = Double(round + abs(seed % 17)) / 3
        func swing(_ value: Int?, _ amplitude: Double) -> Int? { value.map { $0 + Int(rounding: sin(phase) * amplitude) } }
        return VitalReading(systolic: swing(base.systolic ?? 124, 6), diastolic: swing(base.diastolic ?? 78, 3),
                            heartRate: swing(base.heartRate ?? 72, 4), oxygenSaturation: min(100, (base.oxygenSaturation ?? 97) + (round % 2)),
                            respiratoryRate: base.respiratoryRate ?? 14)
    }
}
