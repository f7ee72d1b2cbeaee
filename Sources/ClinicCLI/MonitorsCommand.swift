import ArgumentParser
import ClinicDomain
import ClinicInterop
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic monitors devices|register|retire|unmatched|send`: the monitor registry (which
/// monitor stands at which chair), the queue of unmatched readings, and a test sender that speaks
/// MLLP to a listener as a gateway does.
struct MonitorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitors", abstract: "Bedside monitors over HL7 v2 (IHE PCD-01) and MLLP: registry, unmatched readings, test sender.",
        subcommands: [Devices.self, Register.self, Retire.self, Unmatched.self, Send.self])

    struct Devices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered monitors by chair.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let devices = try await MonitorRepository(database: database).devices()
                if json { return print(try CommandSupport.jsonText(devices)) }
                if devices.isEmpty { return print("No monitor is registered.") }
                for device in devices {
                    print("\(device.chair)  \(device.deviceID)  \(device.active ? "active" : "retired")" + (device.label.map { "  \($0)" } ?? ""))
                }
            }
        }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a monitor (its device id) to a chair, or move it.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The device id the monitor sends (OBX-18, or MSH-3).") var device: String
        @Option(help: "The chair, as the session policy names it.") var chair: String
        @Option(help: "A label staff recognise.") var label: String?

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                let chairs = try await SessionPolicyRepository(database: database).policy(of: clinic.id).chairs
                let checked: (deviceID: String, chair: String, label: String?)
                do {
                    checked = try MonitorRegistrationCheck.check(["deviceId": device, "chair": chair, "label": label ?? ""], chairs: chairs)
                } catch let errors as FieldErrors {
                    throw CommandSupport.fail(errors.entries.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
                }
                let stored = try await MonitorRepository(database: database).register(
                    deviceID: checked.deviceID, chair: checked.chair, label: checked.label, stamp: CommandSupport.operatorStamp("monitors register"))
                print("Monitor \(stored.deviceID) registered at \(stored.chair).")
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retire a monitor: its readings then wait as unmatched.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The device id.") var device: String

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                do {
                    try await MonitorRepository(database: database).retire(deviceID: device, stamp: CommandSupport.operatorStamp("monitors retire"))
                } catch is UnknownSessionItem {
                    throw CommandSupport.fail("There is no active monitor \(device).")
                }
                print("Monitor \(device) retired.")
            }
        }
    }

    struct Unmatched: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the readings waiting for a nurse to assign or discard.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let items = try await MonitorRepository(database: database).unmatched()
                if items.isEmpty { return print("No unmatched readings.") }
                let formatter = ISO8601DateFormatter()
                for item in items {
                    print("\(formatter.string(from: item.observedAt))  \(item.deviceID)  \(item.chair ?? "-")  "
                          + "\(item.values.shortText ?? "no charted values")  \(item.statusReason ?? "")  id \(item.id.uuidString.lowercased())")
                }
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send HL7 v2 messages over MLLP, as a gateway does, and print each ACK (to test a listener).")
        @Option(help: "Listener address.") var host = "127.0.0.1"
        @Option(help: "Listener port.") var port: Int
        @Option(help: "Send a sample PCD-01 message from this device id instead of files.") var sampleDevice: String?
        @Argument(help: "Files, one HL7 message each (segments on separate lines).") var files: [String] = []

        func validate() throws {
            guard (1...65_535).contains(port) else { throw ValidationError("port must be 1 to 65535.") }
            guard sampleDevice != nil || !files.isEmpty else { throw ValidationError("Give message files or --sample-device.") }
        }

        func run() async throws {
            var messages: [String] = []
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { throw CommandSupport.fail("Cannot read \(file).") }
                let text = String(decoding: data, as: UTF8.self)
                messages.append(text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).joined(separator: "\r") + "\r")
            }
            if let sampleDevice {
                messages.append(PCD01MessageBuilder.message(
                    deviceID: sampleDevice, controlID: UUID.random().uuidString, sendingApplication: "KETACLINIC-CLI",
                    observedAt: Date(), values: VitalReading(systolic: 124, diastolic: 78, heartRate: 72, oxygenSaturation: 98, respiratoryRate: 14)))
            }
            let answers: [MLLPClient.Answer]
            do {
                answers = try await MLLPClient.send(messages, host: host, port: port)
            } catch {
                throw CommandSupport.fail("Could not send to \(host):\(port): \(error)")
            }
            for answer in answers { print("\(answer.code)  \(answer.text ?? "")") }
            if answers.contains(where: { $0.code != "AA" }) { throw ExitCode(2) }
        }
    }
}
