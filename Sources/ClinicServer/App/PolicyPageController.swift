import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// One clinic policy that administrators edit on its own page: how it reads as form text, how
/// form text becomes the policy (field errors otherwise), where it is kept, and its page. Each
/// policy declares only these; ``PolicyPageController`` shows, checks and saves every one of them
/// the same way, and the repositories audit each change with the old and new values.
protocol ClinicPolicyForm: Sendable {
    /// The policy's value type; equal values mean nothing changed.
    associatedtype Policy: Equatable & Sendable

    /// The page's address, e.g. `/admin/clinic/sessions`.
    static var path: String { get }
    /// What the flash says after a save, e.g. "Session policy saved."
    static var savedMessage: String { get }
    /// The policy in force for `clinic` (its defaults until first saved).
    static func load(_ services: ClinicServices, clinic: Clinic) async throws -> Policy
    /// Keeps `policy` for `clinic`, audited with `stamp`. Throws ``FieldErrors`` for what only the
    /// database can judge (e.g. a recipient who is not staff).
    static func store(_ policy: Policy, _ services: ClinicServices, clinic: Clinic, stamp: AuditStamp) async throws
    /// The policy as the form's text.
    static func values(_ policy: Policy) -> [String: String]
    /// The policy the form describes, starting from `current` for fields the form leaves out.
    static func policy(from fields: [String: String], current: Policy) throws(FieldErrors) -> Policy
    /// The page, with `values` in its fields and `errors` beside them.
    static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String
    /// Who may see and change the policy: administrators (`clinic.configure`) unless a concept
    /// has its own managers, e.g. the register's `register.manage`.
    static var permission: Permission { get }
    /// The navigation section the page belongs to.
    static var section: NavigationSection { get }
}

extension ClinicPolicyForm {
    static var permission: Permission { .clinicConfigure }
    static var section: NavigationSection { .clinic }
}

/// Shows and saves a ``ClinicPolicyForm`` at its path for those with the form's permission:
/// a refused save re-renders the form with every field error (422) and stores nothing; an
/// unchanged form stores nothing and says so.
struct PolicyPageController<Form: ClinicPolicyForm>: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, Form.path, .permission(Form.permission), use: form)
        routes.staff(.post, Form.path, .permission(Form.permission), use: save)
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let html = Form.render(values: Form.values(try await Form.load(services, clinic: clinic)), errors: FieldErrors(),
                               context: WebResponses.pageContext(clinic, request, context, section: Form.section))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        do {
            let current = try await Form.load(services, clinic: clinic)
            let updated = try Form.policy(from: fields, current: current)
            guard updated != current else { return WebResponses.redirect(to: Form.path, flash: Flash(.success, "No changes to save.")) }
            try await Form.store(updated, services, clinic: clinic, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: Form.path, flash: Flash(.success, Form.savedMessage))
        } catch let invalid as FieldErrors {
            let html = Form.render(values: fields, errors: invalid, context: WebResponses.pageContext(clinic, request, context, section: Form.section))
            return WebResponses.page(html, status: .unprocessableContent)
        }
    }
}
