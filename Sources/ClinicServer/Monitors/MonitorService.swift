import ClinicDomain
import ClinicInterop
import ClinicStorage
import Foundation
import Hummingbird

/// What the monitor pages, the API and the CLI share: checking a device registration, assigning
/// or discarding an unmatched reading (through the session workflow, then the board), and the
/// gateway figures.
struct MonitorService: Sendable {
    let services: ClinicServices

    /// Reads and checks a registration: a device id as monitors send it, one of the clinic's chairs, a short label.
    static func registration(_ fields: [String: String], chairs: [String]) throws -> (deviceID: String, chair: String, label: String?) {
        var errors = FieldErrors()
        let deviceID = fields["deviceId"]?.trimmed ?? ""
        if deviceID.isEmpty {
            errors.add("deviceId", "Enter the device id the monitor sends (OBX-18 or MSH-3).")
        } else if deviceID.count > 199 || deviceID.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) {
            errors.add("deviceId", "Use at most 199 printable characters.")
        }
        let chair = fields["chair"]?.trimmed ?? ""
        if !chairs.contains(chair) { errors.add("chair", "Choose one of the clinic's chairs: \(chairs.joined(separator: ", ")).") }
        let label = fields["label"]?.nilIfEmpty
        if let label, label.count > 80 { errors.add("label", "Keep the label to 80 characters.") }
        try errors.throwIfAny()
        return (deviceID, chair, label)
    }

    /// Registers (or moves) a device.
    func register(_ fields: [String: String], stamp: AuditStamp) async throws -> MonitorDevice {
        let clinic = try await services.currentClinic()
        let chairs = try await services.sessionPolicies.policy(of: clinic.id).chairs
        let (deviceID, chair, label) = try Self.registration(fields, chairs: chairs)
        return try await services.monitors.register(deviceID: deviceID, chair: chair, label: label, stamp: stamp)
    }

    /// Retires the monitor the path names and returns its device id; a device that is not an
    /// active monitor is a 404. The page and the API retire alike.
    func retire(_ context: StaffRequestContext) async throws -> String {
        guard let device = context.parameters.get("device")?.removingPercentEncoding?.nilIfEmpty else { throw Problem.notFound() }
        do {
            try await services.monitors.retire(deviceID: device, stamp: context.stamp(at: services.now()))
        } catch is UnknownSessionItem {
            throw Problem.notFound("There is no active monitor \(device).")
        }
        return device
    }

    /// Assigns the unmatched reading `id` to the session named in `fields["sessionId"]`, storing it
    /// on the flowsheet and telling the board.
    func assign(_ id: UUID, sessionText: String?, note: String?, stamp: AuditStamp) async throws {
        guard let sessionID = sessionText.flatMap({ UUID(uuidString: $0.trimmed) }) else {
            var errors = FieldErrors()
            errors.add("sessionId", "Choose the session the reading belongs to.")
            throw errors
        }
        let clinic = try await services.currentClinic()
        let policy = try await services.sessionPolicies.policy(of: clinic.id)
        guard try await services.sessionRecords.record(of: sessionID) != nil else {
            var errors = FieldErrors()
            errors.add("sessionId", "There is no such session.")
            throw errors
        }
        let result = try await services.monitors.assign(id, to: sessionID, policy: policy.alerts, reason: note, stamp: stamp)
        let workflow = SessionWorkflow(services: services)
        let storedAt = services.now()
        if let result {
            await workflow.announce(BoardEvent(kind: .reading, sessionID: sessionID, storedAt: storedAt,
                                               reading: .init(takenAt: result.reading.takenAt, values: result.reading.values)))
            for alert in result.alerts {
                await workflow.announce(BoardEvent(kind: .alertRaised, sessionID: sessionID, storedAt: storedAt,
                                                   alert: .init(id: alert.id, code: alert.code, message: alert.message)))
            }
        }
    }

    /// Discards the unmatched reading `id`; a reason is required.
    func discard(_ id: UUID, reason: String?, stamp: AuditStamp) async throws {
        guard let reason = reason?.nilIfEmpty else {
            var errors = FieldErrors()
            errors.add("reason", "Say why the reading is discarded.")
            throw errors
        }
        guard reason.count <= 500 else {
            var errors = FieldErrors()
            errors.add("reason", "Keep the reason to 500 characters.")
            throw errors
        }
        try await services.monitors.discard(id, reason: reason, stamp: stamp)
    }

    /// The sessions under care a reading may be assigned to, by chair, with their patients.
    func assignableSessions(clinic: Clinic) async throws -> [(id: UUID, label: String)] {
        var choices: [(id: UUID, label: String, sort: String)] = []
        for record in try await services.sessionRecords.activeRecords() {
            guard let patient = try await services.patients.find(record.session.patientID, in: clinic.id) else { continue }
            choices.append((record.session.id, "\(record.chair ?? "No chair") — \(patient.listName), session \(record.session.number) "
                            + "(\(record.session.state.displayName.lowercased()))", record.chair ?? "~"))
        }
        return choices.sorted { ($0.sort, $0.label) < ($1.sort, $1.label) }.map { ($0.id, $0.label) }
    }

    /// The observations of `record` that were not charted, as stored by the listener.
    static func uncharted(_ record: MonitorReadingRecord) -> [PCD01Observation] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return (try? decoder.decode([PCD01Observation].self, from: Data(record.observationsJSON.utf8))) ?? []
    }

    /// One line for an uncharted observation.
    static func describe(_ observation: PCD01Observation) -> String {
        "\(observation.name ?? observation.code) \(observation.value)" + (observation.unit.map { " \($0)" } ?? "")
            + (observation.note.map { " (\($0))" } ?? "")
    }
}

/// The registry's input check, for the command line (the pages and the API use the same).
public enum MonitorRegistrationCheck {
    /// The device id, chair and label in `fields` (`deviceId`, `chair`, `label`), or field errors.
    public static func check(_ fields: [String: String], chairs: [String]) throws -> (deviceID: String, chair: String, label: String?) {
        try MonitorService.registration(fields, chairs: chairs)
    }
}
