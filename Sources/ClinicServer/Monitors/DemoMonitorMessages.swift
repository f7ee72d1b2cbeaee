import ClinicDomain
import ClinicInterop
import ClinicStorage
import Foundation

/// The demo clinic's stand-in monitors on the MLLP path: one registered device per chair
/// (`DEMO-MONITOR-<chair>`), each reading written as the PCD-01 message a real gateway sends.
enum DemoMonitorMessages {
    /// The device id of the stand-in monitor at `chair`.
    static func deviceID(for chair: String) -> String {
        "DEMO-MONITOR-" + chair.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    /// The ORU^R01 for `values` from `chair`'s stand-in monitor, registering it to the chair first
    /// when it is not yet.
    static func message(for chair: String, values: VitalReading, services: ClinicServices) async throws -> String {
        let device = deviceID(for: chair)
        if try await !services.monitors.devices().contains(where: { $0.deviceID == device && $0.chair == chair && $0.active }) {
            try await services.monitors.register(deviceID: device, chair: chair, label: "Demo stand-in monitor",
                                                 stamp: .system(DemoMonitorService.actor, at: services.now()))
        }
        let now = services.now()
        return PCD01MessageBuilder.message(deviceID: device, controlID: UUID.random().uuidString, sendingApplication: "KETACLINIC-DEMO-MONITOR",
                                           bed: chair, observedAt: Date(millisecondsSince1970: now.millisecondsSince1970 / 1000 * 1000),
                                           values: values)
    }

    /// Where the stand-in monitors connect: the listener's own address (loopback when it binds all).
    static func host(_ settings: MonitorListenerSettings) -> String {
        ["0.0.0.0", "::", ""].contains(settings.host) ? "127.0.0.1" : settings.host
    }
}
