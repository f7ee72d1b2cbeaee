import ClinicDomain
import ClinicInterop
import ClinicStorage
import Foundation
import Hummingbird

/// Monitor integration as JSON: the registry (device → chair), the gateways' figures, and the
/// unmatched queue with assign and discard.
struct MonitorsAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var monitors: MonitorService { MonitorService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/monitors/devices", .permission(.monitorsManage), answer: .list(of: MonitorDevice.self), use: devices)
        routes.staff(.post, "/api/v1/monitors/devices", .permission(.monitorsManage), request: .flatForm(Self.deviceFields), answer: .encoding(MonitorDevice.self, status: 201), use: register)
        routes.staff(.post, "/api/v1/monitors/devices/:device/retire", .permission(.monitorsManage), request: .noBody, answer: .encoding(MonitorDevice.self), use: retire)
        routes.staff(.get, "/api/v1/monitors/gateways", .permission(.monitorsManage), answer: .list(of: GatewayResource.self), use: gateways)
        routes.staff(.get, "/api/v1/monitors/unmatched", .permission(.sessionsRun), answer: .list(of: UnmatchedResource.self), use: unmatched)
        routes.staff(.post, "/api/v1/monitors/unmatched/:reading/assign", .permission(.sessionsRun), request: .flatForm(Self.assignFields), answer: .encoding(ResolvedResource.self), use: assign)
        routes.staff(.post, "/api/v1/monitors/unmatched/:reading/discard", .permission(.sessionsRun), request: .flatForm(Self.discardFields), answer: .encoding(ResolvedResource.self), use: discard)
    }

    /// A monitor's registration: its id as it reports it, its chair and a label.
    static let deviceFields: Set<String> = ["deviceId", "chair", "label"]
    /// Giving an unmatched reading to a session, and why.
    static let assignFields: Set<String> = ["sessionId", "reason"]
    /// Why an unmatched reading is set aside.
    static let discardFields: Set<String> = ["reason"]

    struct GatewayResource: Codable {
        let gateway: String, sendingApplications: [String], lastMessageAt: Date, lastOutcome: String, messagesLastFiveMinutes: Int
        let errorsLastDay: Int, lastError: String?, lastErrorAt: Date?, unmatched: Int
    }

    /// An unmatched reading as the API shows it.
    struct UnmatchedResource: Codable {
        let id: UUID, deviceId: String, controlId: String, observedAt: Date, receivedAt: Date, gateway: String, chair: String?, bed: String?
        let values: VitalReading, reason: String?, uncharted: [PCD01Observation]

        init(_ record: MonitorReadingRecord) {
            id = record.id
            deviceId = record.deviceID
            controlId = record.controlID
            observedAt = record.observedAt
            receivedAt = record.receivedAt
            gateway = record.gateway
            chair = record.chair
            bed = record.bed
            values = record.values
            reason = record.statusReason
            uncharted = MonitorService.uncharted(record)
        }
    }

    @Sendable func devices(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(try await services.monitors.devices())
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let fields = try SessionForms.fields(fromJSON: try await StrictJSON.objectData(from: request), accepted: Self.deviceFields)
        let device = try await monitors.register(fields, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(device, status: .created)
    }

    @Sendable func retire(_ request: Request, context: Context) async throws -> Response {
        let device = try await monitors.retire(context)
        return try APIResponse.json(try await services.monitors.devices().first { $0.deviceID == device })
    }

    @Sendable func gateways(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(try await services.monitors.gateways(now: services.now()).map {
            GatewayResource(gateway: $0.gateway, sendingApplications: $0.sendingApplications, lastMessageAt: $0.lastMessageAt,
                            lastOutcome: $0.lastOutcome, messagesLastFiveMinutes: $0.messagesLastFiveMinutes, errorsLastDay: $0.errorsLastDay,
                            lastError: $0.lastError, lastErrorAt: $0.lastErrorAt, unmatched: $0.unmatched)
        })
    }

    @Sendable func unmatched(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(try await services.monitors.unmatched().map(UnmatchedResource.init))
    }

    @Sendable func assign(_ request: Request, context: Context) async throws -> Response {
        let id = try MonitorsController.readingID(context)
        let fields = try SessionForms.fields(fromJSON: try await StrictJSON.objectData(from: request), accepted: Self.assignFields)
        try await monitors.assign(id, sessionText: fields["sessionId"], note: fields["reason"], stamp: context.stamp(at: services.now()))
        return try await resource(id)
    }

    @Sendable func discard(_ request: Request, context: Context) async throws -> Response {
        let id = try MonitorsController.readingID(context)
        let fields = try SessionForms.fields(fromJSON: try await StrictJSON.objectData(from: request), accepted: Self.discardFields)
        try await monitors.discard(id, reason: fields["reason"], stamp: context.stamp(at: services.now()))
        return try await resource(id)
    }

    /// An unmatched reading after it was given to a session or set aside.
    struct ResolvedResource: Codable {
        let id: UUID, status: String, sessionId: UUID?, resolvedBy: String?, resolvedAt: Date?, reason: String?
    }

    /// The reading after its resolution.
    private func resource(_ id: UUID) async throws -> Response {
        guard let record = try await services.monitors.reading(id) else { throw Problem.notFound() }
        return try APIResponse.json(ResolvedResource(id: record.id, status: record.status, sessionId: record.sessionID, resolvedBy: record.resolvedByName,
                                             resolvedAt: record.resolvedAt, reason: record.resolutionReason))
    }
}
