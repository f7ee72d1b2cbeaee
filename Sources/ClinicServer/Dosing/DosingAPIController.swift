import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// The protocol library and the dose calculator as JSON: the same rules, messages and audit as
/// the pages. A dose past a hard limit is refused with `application/problem+json` (422).
struct DosingAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/protocols", .permission(.dosingUse), answer: .list(of: TreatmentProtocol.self), use: library)
        routes.staff(.get, "/api/v1/protocols/:protocol", .permission(.dosingUse), answer: .encoding(ProtocolResource.self), use: show)
        routes.staff(.post, "/api/v1/protocols", .permission(.clinicConfigure), request: .requestBody(CreateBody.self), answer: .encoding(TreatmentProtocol.self, status: 201), use: create)
        routes.staff(.put, "/api/v1/protocols/:protocol", .permission(.clinicConfigure), request: .requestBody(UpdateBody.self), answer: .encoding(TreatmentProtocol.self), use: update)
        routes.staff(.post, "/api/v1/dose", .permission(.dosingUse), request: .requestBody(DoseBody.self), answer: .encoding(DoseOrder.self), use: dose)
    }

    /// A protocol with its version history.
    struct ProtocolResource: Codable {
        struct Version: Codable { let version: Int, savedAt: Date?, savedBy: String, reason: String }
        let current: TreatmentProtocol
        let versions: [Version]
    }

    /// The body that creates a custom protocol.
    struct CreateBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["protocol", "reason"]
        let `protocol`: TreatmentProtocol
        let reason: String
    }

    /// The body that saves a protocol's next version.
    struct UpdateBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["protocol", "basedOnVersion", "reason"]
        let `protocol`: TreatmentProtocol
        let basedOnVersion: Int
        let reason: String
    }

    /// The dose calculator's body; anything left out takes the protocol's default.
    struct DoseBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["protocol", "weightKg", "mgPerKg", "minutes", "heightCm", "sex", "weightBasis",
                                                  "vialMgPerMl", "bagMl", "excludeDrugVolume"]
        let `protocol`: String?
        let weightKg: Double
        let mgPerKg: Double?
        let minutes: Double?
        let heightCm: Double?
        let sex: String?
        let weightBasis: String?
        let vialMgPerMl: Int?
        let bagMl: Double?
        let excludeDrugVolume: Bool?
    }

    @Sendable func library(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await services.protocols.library(clinicID: clinic.id))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let versions = try await services.protocols.versions(clinicID: clinic.id, id: context.parameters.get("protocol") ?? "")
        guard let current = versions.last else { throw Problem.notFound("There is no protocol with that identifier.") }
        return try APIResponse.json(ProtocolResource(
            current: current.treatmentProtocol,
            versions: versions.map { .init(version: $0.treatmentProtocol.version, savedAt: $0.savedAt, savedBy: $0.savedByName, reason: $0.reason) }))
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(CreateBody.self, from: request)
        var candidate = body.protocol
        candidate.isCustom = true
        candidate.version = 1
        let valid = try validated(candidate, reason: body.reason)
        if try await services.protocols.find(clinicID: clinic.id, id: valid.id) != nil {
            throw Problem.conflict("A protocol with the identifier \(valid.id) exists; save a new version of it with PUT instead.")
        }
        let saved = try await services.protocols.save(valid, basedOnVersion: nil, clinicID: clinic.id, reason: body.reason.trimmed,
                                                      stamp: context.stamp(at: services.now()))
        return try APIResponse.json(saved, status: .created, location: "/api/v1/protocols/\(saved.id)")
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let id = context.parameters.get("protocol") ?? ""
        guard let current = try await services.protocols.find(clinicID: clinic.id, id: id) else {
            throw Problem.notFound("There is no protocol with that identifier.")
        }
        let body = try await StrictJSON.decode(UpdateBody.self, from: request)
        var candidate = body.protocol
        var errors = FieldErrors()
        if candidate.id != id { errors.add("protocol.id", "The identifier is \(id); it cannot change.") }
        if candidate.treatment != current.treatment { errors.add("protocol.treatment", "The treatment cannot change; create a new protocol.") }
        try errors.throwIfAny()
        candidate.isCustom = current.isCustom
        let valid = try validated(candidate, reason: body.reason)
        do {
            let saved = try await services.protocols.save(valid, basedOnVersion: body.basedOnVersion, clinicID: clinic.id,
                                                          reason: body.reason.trimmed, stamp: context.stamp(at: services.now()))
            return try APIResponse.json(saved)
        } catch let conflict as ProtocolVersionConflict {
            throw Problem.conflict("Version \(conflict.found) was saved after version \(conflict.expected); read it and send basedOnVersion \(conflict.found).")
        }
    }

    @Sendable func dose(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(DoseBody.self, from: request)
        let id = body.protocol ?? ProtocolLibrary.ivStandard.id
        guard let chosen = try await services.protocols.find(clinicID: clinic.id, id: id), let limits = chosen.weightBased?.limits else {
            var errors = FieldErrors()
            errors.add("protocol", "Name a ketamine protocol from the library.")
            throw errors
        }
        func text(_ value: Double?) -> String? { value.map { String($0) } }
        var fields: [String: String] = ["weightKg": String(body.weightKg)]
        fields["mgPerKg"] = text(body.mgPerKg)
        fields["minutes"] = text(body.minutes)
        fields["heightCm"] = text(body.heightCm)
        fields["bagMl"] = text(body.bagMl)
        fields["sex"] = body.sex
        fields["weightBasis"] = body.weightBasis
        fields["vialMgPerMl"] = body.vialMgPerMl.map(String.init)
        fields["excludeDrugVolume"] = body.excludeDrugVolume == true ? "on" : nil
        let result = try WeightBasedDose(try DoseRequestFields.request(fields, protocol: chosen), limits: limits)
        let refusals = result.warnings.filter { $0.level == .hardLimit }
        if !refusals.isEmpty {
            var errors = FieldErrors()
            for warning in refusals {
                let field = warning.code == "hard-limit-duration" ? "minutes" : warning.code == "vial-must-be-diluted" ? "vialMgPerMl" : "mgPerKg"
                errors.add(field, "Refused, past a hard limit: \(warning.message)")
            }
            throw errors
        }
        return try APIResponse.json(result.order)
    }

    private func validated(_ candidate: TreatmentProtocol, reason: String) throws -> TreatmentProtocol {
        var errors = FieldErrors()
        var valid = candidate
        do { valid = try candidate.validated() } catch { errors = error.prefixed("protocol.") }
        if reason.trimmed.isEmpty { errors.add("reason", "Say why this version is saved.") }
        try errors.throwIfAny()
        return valid
    }
}
