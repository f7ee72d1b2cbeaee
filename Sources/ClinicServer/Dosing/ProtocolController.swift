import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// The protocol library pages: everyone with the dosing tools reads it; administrators edit a
/// protocol (saving its next version) and create custom protocols based on one.
struct ProtocolController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/dosing/protocols", .permission(.dosingUse), use: library)
        routes.staff(.get, "/dosing/protocols/:protocol", .permission(.dosingUse), use: show)
        routes.staff(.get, "/admin/protocols/new", .permission(.clinicConfigure), use: newForm)
        routes.staff(.post, "/admin/protocols", .permission(.clinicConfigure), use: create)
        routes.staff(.get, "/admin/protocols/:protocol/edit", .permission(.clinicConfigure), use: editForm)
        routes.staff(.post, "/admin/protocols/:protocol", .permission(.clinicConfigure), use: save)
    }

    @Sendable func library(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let html = ProtocolLibraryPage.render(try await services.protocols.library(clinicID: clinic.id),
                                              canEdit: context.identity.can(.clinicConfigure),
                                              context: WebResponses.pageContext(clinic, request, context, section: .dosing))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let versions = try await services.protocols.versions(clinicID: clinic.id, id: context.parameters.get("protocol") ?? "")
        guard !versions.isEmpty else { throw Problem.notFound("There is no protocol with that identifier.") }
        let html = ProtocolLibraryPage.render(versions: versions.map { ($0.treatmentProtocol, $0.savedAt, $0.savedByName, $0.reason) },
                                              canEdit: context.identity.can(.clinicConfigure), timeZone: clinic.settings.resolvedTimeZone,
                                              context: WebResponses.pageContext(clinic, request, context, section: .dosing))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let base = try await protocolNamed(WebResponses.queryFields(of: request)["from"] ?? "", clinic: clinic)
        var values = ProtocolForm.values(of: base)
        values["id"] = ""
        values["name"] = "\(base.name) (custom)"
        values["retired"] = ""
        return page(base: base, isNew: true, values: values, errors: FieldErrors(), clinic: clinic, request: request, context: context)
    }

    @Sendable func editForm(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let base = try await protocolNamed(context.parameters.get("protocol") ?? "", clinic: clinic)
        return page(base: base, isNew: false, values: ProtocolForm.values(of: base), errors: FieldErrors(), clinic: clinic,
                    request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let form = try await WebResponses.formFields(of: request)
        let base = try await protocolNamed(form["basedOn"] ?? "", clinic: clinic)
        return try await store(form, base: base, isNew: true, clinic: clinic, request: request, context: context)
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let form = try await WebResponses.formFields(of: request)
        var base = try await protocolNamed(context.parameters.get("protocol") ?? "", clinic: clinic)
        // Edit the version the administrator saw, so a version saved meanwhile is detected, not overwritten.
        if let seen = form["basedOnVersion"].flatMap(Int.init),
           let version = try await services.protocols.find(clinicID: clinic.id, id: base.id, version: seen) {
            base = version
        }
        return try await store(form, base: base, isNew: false, clinic: clinic, request: request, context: context)
    }

    private func store(_ form: [String: String], base: TreatmentProtocol, isNew: Bool, clinic: Clinic, request: Request,
                       context: Context) async throws -> Response {
        var errors = FieldErrors()
        let reason = form["reason"]?.trimmed ?? ""
        var candidate: TreatmentProtocol?
        do { candidate = try ProtocolForm.apply(form, to: base, isNew: isNew) } catch { errors = error }
        if reason.isEmpty { errors.add("reason", "Say why this version is saved.") }
        if isNew, let id = candidate?.id, try await services.protocols.find(clinicID: clinic.id, id: id) != nil {
            errors.add("id", "A protocol with this identifier exists; choose another.")
        }
        guard errors.isEmpty, let candidate else {
            return page(base: base, isNew: isNew, values: form, errors: errors, clinic: clinic, request: request, context: context,
                        status: .unprocessableContent)
        }
        do {
            let saved = try await services.protocols.save(candidate, basedOnVersion: isNew ? nil : base.version, clinicID: clinic.id,
                                                          reason: reason, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/dosing/protocols/\(saved.id)",
                                         flash: Flash(.success, "\(saved.name) version \(saved.version) saved."))
        } catch let conflict as ProtocolVersionConflict {
            errors.add("reason", "Someone saved version \(conflict.found) while you were editing; open the protocol again and redo your change.")
            return page(base: base, isNew: isNew, values: form, errors: errors, clinic: clinic, request: request, context: context,
                        status: .conflict)
        }
    }

    private func protocolNamed(_ id: String, clinic: Clinic) async throws -> TreatmentProtocol {
        guard let found = try await services.protocols.find(clinicID: clinic.id, id: id.trimmed) else {
            throw Problem.notFound("There is no protocol with that identifier.")
        }
        return found
    }

    private func page(base: TreatmentProtocol, isNew: Bool, values: [String: String], errors: FieldErrors, clinic: Clinic,
                      request: Request, context: Context, status: HTTPResponse.Status = .ok) -> Response {
        let html = ProtocolFormPage.render(base: base, isNew: isNew, values: values, errors: errors,
                                           context: WebResponses.pageContext(clinic, request, context, section: .dosing))
        return WebResponses.page(html, status: status)
    }
}
