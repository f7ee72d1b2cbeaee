import ClinicDomain
import Foundation
import Hummingbird
import Synchronization

/// What a route requires.
public enum Access: Sendable, Equatable {
    /// Anyone, signed in or not: sign-in, health, assets.
    case open
    /// Any signed-in user (their own account pages).
    case signedIn
    /// A signed-in user whose role (and token scope) holds the permission.
    case permission(Permission)
}

/// One registered route and what it requires: the catalog behind `docs/permissions.md` and
/// the route × role test.
public struct RouteEntry: Sendable, Equatable {
    /// GET, POST…
    public let method: HTTPRequest.Method
    /// The path pattern, e.g. `/patients/:id`.
    public let path: String
    /// What it requires.
    public let access: Access
    /// True when it stays reachable while the user must first change password or set up two-factor.
    public let allowedDuringSetup: Bool
    /// The JSON body it reads, derived from the type its handler decodes (nil: none, or not JSON).
    public var request: TypeShape? = nil
    /// Its success answer, derived from the type its handler encodes (nil: not described).
    public var answer: RouteAnswer? = nil
}

/// A route's success answer, for the API's description: the status and the shape of the type the
/// handler encodes.
public struct RouteAnswer: Sendable, Equatable {
    /// 200, 201…
    public let status: Int
    /// The body's shape.
    public let shape: TypeShape
    /// The name the description gives the shape (the Swift type's), so it is stated once and referred to.
    public let name: String

    /// The answer of a route that encodes `type` with status `status`; `named` names a type the
    /// program leaves unnamed (a `[String: Bool]`).
    public static func encoding<T: Decodable>(_ type: T.Type, status: Int = 200, named: String? = nil) -> RouteAnswer {
        RouteAnswer(status: status, shape: .of(T.self), name: named ?? TypeShape.name(of: T.self))
    }

    /// A route that answers 204 with no body.
    public static let noContent = RouteAnswer(status: 204, shape: .any, name: "")

    /// The answer of a route that encodes a list of `type`.
    public static func list<T: Decodable>(of type: T.Type, status: Int = 200) -> RouteAnswer {
        RouteAnswer(status: status, shape: .array(.of(T.self)), name: TypeShape.name(of: T.self) + "List")
    }
}

/// Every route the app has, filled as the routes are registered.
public final class RouteCatalog: Sendable {
    private let storage = Mutex<[RouteEntry]>([])

    /// An empty catalog.
    public init() {}

    /// The routes, in registration order.
    public var entries: [RouteEntry] { storage.withLock { $0 } }

    func add(_ entry: RouteEntry) { storage.withLock { $0.append(entry) } }
}

/// The only way controllers add routes: each route states its ``Access``, and the check runs
/// here, in one place, before the handler. Deny by default: a route that names a permission
/// runs only for identities holding it, and every non-open route needs a signed-in user.
public struct SecureRoutes {
    private let router: Router<AppRequestContext>
    private let staff: RouterGroup<StaffRequestContext>
    private let catalog: RouteCatalog
    /// Draws the 403 page of a signed-in user, with the navigation (``ForbiddenPage``); nil: the plain error page.
    private let forbiddenPage: ForbiddenPage?

    /// Routes registered on `router`, recorded in `catalog`.
    init(router: Router<AppRequestContext>, catalog: RouteCatalog, forbiddenPage: ForbiddenPage? = nil) {
        self.router = router
        self.staff = router.group(context: StaffRequestContext.self)
        self.catalog = catalog
        self.forbiddenPage = forbiddenPage
    }

    /// A route anyone may reach.
    func open(_ method: HTTPRequest.Method, _ path: String, request: TypeShape? = nil, answer: RouteAnswer? = nil,
              use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response) {
        catalog.add(RouteEntry(method: method, path: path, access: .open, allowedDuringSetup: true, request: request, answer: answer))
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// A route for signed-in users; `access` is `.signedIn` or a permission.
    func staff(_ method: HTTPRequest.Method, _ path: String, _ access: Access, allowedDuringSetup: Bool = false,
               request: TypeShape? = nil, answer: RouteAnswer? = nil,
               use handler: @escaping @Sendable (Request, StaffRequestContext) async throws -> Response) {
        precondition(access != .open, "open routes are registered with open(_:_:use:)")
        catalog.add(RouteEntry(method: method, path: path, access: access, allowedDuringSetup: allowedDuringSetup,
                               request: request, answer: answer))
        let isPatientPath = path.hasPrefix("/patients/:id") || path.hasPrefix("/api/v1/patients/:id")
        let forbiddenPage = self.forbiddenPage
        staff.on(RouterPath(path), method: method) { request, context in
            let patientID = isPatientPath ? context.parameters.get("id").flatMap(UUID.init(uuidString:)) : nil
            do {
                try Self.authorize(context.identity, access: access, allowedDuringSetup: allowedDuringSetup, patientID: patientID)
                return try await handler(request, context)
            } catch let denied as Problem where denied.missingPermission != nil {
                guard let forbiddenPage, !ErrorPresentationMiddleware<AppRequestContext>.isMachineFacing(request) else { throw denied }
                return try await forbiddenPage.response(denied, request: request, context: context)
            }
        }
    }

    /// Throws unless `identity` may use a route requiring `access`. A route of one patient's
    /// clinical record (`patientID` from its path) also opens for an emergency grant on that patient.
    static func authorize(_ identity: Identity, access: Access, allowedDuringSetup: Bool, patientID: UUID? = nil) throws {
        if let setup = identity.pendingSetup, !allowedDuringSetup { throw AccountSetupRequired(setup: setup) }
        guard case .permission(let permission) = access, !identity.can(permission) else { return }
        if permission == .patientsClinical, identity.canSeeClinicalRecord(of: patientID) { return }
        throw Problem.forbidden(permission)
    }
}
