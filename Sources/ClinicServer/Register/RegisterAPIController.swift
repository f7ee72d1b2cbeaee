import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// The register as JSON under `/api/v1/register`: stock and balances, running registers, every
/// kind of entry, counts, discrepancies, a session's draws, and the verification of the kept
/// balances. Bodies carry the same fields as the pages' forms (amounts in mg, units whole);
/// a witness confirms in the same body with `witnessEmail`, `witnessPassword` and, with
/// two-factor, `witnessCode`.
struct RegisterAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var register: RegisterService { RegisterService(services: services) }
    var repository: RegisterRepository { register.repository }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/register/stock", .permission(.registerView), answer: .encoding(StockResource.self), use: stock)
        routes.staff(.get, "/api/v1/register/products/:product/entries", .permission(.registerView), answer: .encoding(EntriesPage.self),
                     use: entries)
        routes.staff(.post, "/api/v1/register/products", .permission(.registerManage), request: .flatForm(Fields.product),
                     answer: .encoding(RegisterProduct.self, status: 201)) { request, context in
            let clinic = try await services.currentClinic()
            let fields = try await RegisterJSON.fields(from: request, accepted: Fields.product)
            return try APIResponse.json(try await register.addProduct(fields, clinic: clinic, context: context), status: .created)
        }
        routes.staff(.post, "/api/v1/register/locations", .permission(.registerManage), request: .flatForm(Fields.location),
                     answer: .encoding(RegisterLocation.self, status: 201)) { request, context in
            let clinic = try await services.currentClinic()
            let fields = try await RegisterJSON.fields(from: request, accepted: Fields.location)
            return try APIResponse.json(try await register.addLocation(fields, clinic: clinic, context: context), status: .created)
        }
        routes.staff(.post, "/api/v1/register/receipts", .permission(.registerRecord), request: .flatForm(Fields.receipt),
                     answer: Fields.movement) { request, context in
            try await entry(request, context, accepted: Fields.receipt) {
                try await register.receive($0, clinic: $1, context: context)
            }
        }
        routes.staff(.post, "/api/v1/register/transfers", .permission(.registerRecord), request: .flatForm(Fields.transfer),
                     answer: Fields.movement) { request, context in
            try await entry(request, context, accepted: Fields.transfer) { try await register.transfer($0, clinic: $1, context: context) }
        }
        routes.staff(.post, "/api/v1/register/destructions", .permission(.registerRecord), request: .flatForm(Fields.destruction),
                     answer: Fields.movement) { request, context in
            try await entry(request, context, accepted: Fields.destruction) {
                try await register.destroy($0, clinic: $1, context: context)
            }
        }
        routes.staff(.post, "/api/v1/register/corrections", .permission(.registerRecord), request: .flatForm(Fields.correction),
                     answer: Fields.movement) { request, context in
            try await entry(request, context, accepted: Fields.correction) {
                try await register.correct($0, clinic: $1, context: context)
            }
        }
        routes.staff(.post, "/api/v1/register/counts", .permission(.registerRecord), request: Fields.countBody,
                     answer: .encoding(CountResource.self, status: 201), use: count)
        routes.staff(.get, "/api/v1/register/discrepancies", .permission(.registerView),
                     answer: .encoding(APIResources.Items<RegisterDiscrepancy>.self, named: "RegisterDiscrepancies"), use: discrepancies)
        routes.staff(.post, "/api/v1/register/discrepancies/:discrepancy/close", .permission(.registerManage),
                     request: .flatForm(Fields.closing), answer: .encoding(RegisterDiscrepancy.self), use: close)
        routes.staff(.get, "/api/v1/register/sessions/:session", .permission(.registerView), answer: .encoding(SessionRegisterResource.self),
                     use: session)
        routes.staff(.post, "/api/v1/register/sessions/:session/draws", .permission(.registerRecord), request: .flatForm(Fields.draw),
                     answer: Fields.movement) { request, context in
            try await sessionEntry(request, context, accepted: Fields.draw) { try await register.draw($0, session: $1, clinic: $2, context: context) }
        }
        routes.staff(.post, "/api/v1/register/sessions/:session/wastes", .permission(.registerRecord), request: .flatForm(Fields.waste),
                     answer: Fields.movement) { request, context in
            try await sessionEntry(request, context, accepted: Fields.waste) {
                try await register.waste($0, session: $1, clinic: $2, context: context)
            }
        }
        routes.staff(.post, "/api/v1/register/sessions/:session/returns", .permission(.registerRecord), request: .flatForm(Fields.return),
                     answer: Fields.movement) { request, context in
            try await sessionEntry(request, context, accepted: Fields.return) { try await register.returnUnits($0, session: $1, clinic: $2, context: context) }
        }
        routes.staff(.get, "/api/v1/register/verify", .permission(.registerManage), answer: .encoding(VerifyResource.self)) { _, _ in
            let result = try await repository.verify()
            return try APIResponse.json(VerifyResource(intact: result.isIntact, linesChecked: result.linesChecked, productsChecked: result.productsChecked,
                                                      entriesChecked: result.entriesChecked, problems: result.problems))
        }
    }

    /// The fields each register route accepts, named once for the handler and the API's description.
    enum Fields {
        static let product: Set<String> = ["name", "substance", "form", "perUnitMg", "concentrationMgPerMl", "productCode"]
        static let location: Set<String> = ["name", "kind"]
        static let receipt: Set<String> = ["product", "lotNumber", "expiry", "units", "location", "supplier", "orderReference"]
        static let transfer: Set<String> = ["line", "toLocation", "units"]
        static let destruction = Set(["line", "units", "reason"]).union(RegisterService.witnessFields)
        static let correction = Set(["entry", "line", "units", "amountMg", "reason"]).union(RegisterService.witnessFields)
        static let closing: Set<String> = ["resolution", "reason"]
        static let draw: Set<String> = ["line", "amountMg"]
        static let waste = Set(["draw", "amountMg", "reason"]).union(RegisterService.witnessFields)
        static let `return`: Set<String> = ["draw", "units"]
        /// A count: its kind, note and witness, and `count-<line id>` (units) or `count-<line id>-mg` per stock line.
        static var countBody: TypeShape {
            .object(Set(["kind", "note"]).union(RegisterService.witnessFields).sorted().map { .init(name: $0, shape: .scalar, required: false) },
                    closed: false)
        }
        /// Every entry route answers the entry it made.
        static let movement = RouteAnswer.encoding(RegisterMovement.self, status: 201)
    }

    /// The stock at a glance: each product's balance, each line with its lot and place, the places.
    struct StockResource: Codable { let products: [BalanceResource]; let lines: [LineResource]; let locations: [RegisterLocation] }
    /// One page of a product's register entries, newest first; `next` is the `before` of the following page.
    struct EntriesPage: Codable { let items: [RegisterMovement]; let next: Int64? }
    /// A stock count just recorded, with its witness and the lines that did not match.
    struct CountResource: Codable {
        let id: UUID; let kind: CountKind; let countedAt: Date; let countedBy: String; let witness: String; let lines: [CountLine]
        let discrepantLines: Int
    }
    /// One session's controlled-substance entries, their reconciliation, and the draws proposed for its planned dose.
    struct SessionRegisterResource: Codable {
        /// Part of a proposed draw: from which line, how much.
        struct Part: Codable { let line: UUID; let amountMg: RegisterAmount; let text: String }
        /// A draw proposed from one product.
        struct Proposal: Codable { let product: RegisterProduct; let parts: [Part]; let expectedWasteMg: RegisterAmount; let shortfall: String? }
        let sessionID: UUID; let state: TreatmentSessionState; let plannedMg: RegisterAmount?; let entries: [RegisterMovement]
        let reconciliation: SessionDrawReconciliation?; let reconciled: Bool; let proposals: [Proposal]
    }

    struct VerifyResource: Codable {
        let intact: Bool
        let linesChecked: Int, productsChecked: Int
        let entriesChecked: Int64
        let problems: [String]
    }

    struct BalanceResource: Codable {
        let product: RegisterProduct
        let units: Int64
        let amountMg: RegisterAmount
        let entries: Int64
    }

    struct LineResource: Codable {
        let line: StockLine
        let lotNumber: String?
        let expiry: CalendarDate?
        let location: String
    }

    @Sendable func stock(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let catalogue = try await repository.catalogue(clinicID: clinic.id)
        let balances = try await repository.balances(clinicID: clinic.id)
            .map { BalanceResource(product: $0.product, units: $0.units, amountMg: $0.amount, entries: $0.entries) }
        let lines = try await repository.stock(clinicID: clinic.id).map {
            LineResource(line: $0, lotNumber: catalogue.lots[$0.lotID]?.lotNumber, expiry: catalogue.lots[$0.lotID]?.expiry,
                         location: catalogue.locationName($0.locationID))
        }
        return try APIResponse.json(StockResource(products: balances, lines: lines, locations: catalogue.locations))
    }

    @Sendable func entries(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let id = context.parameters.get("product").flatMap(UUID.init(uuidString:)),
              try await repository.balances(clinicID: clinic.id).contains(where: { $0.product.id == id }) else {
            throw Problem.notFound("There is no such product in the register.")
        }
        let query = WebResponses.queryFields(of: request)
        var errors = FieldErrors()
        let before = query["before"].map { Int64($0) }
        if let before, before == nil { errors.add("before", "Give an entry number.") }
        let limit = query["limit"].map { Int($0) }
        if let limit, !(1...1000).contains(limit ?? 0) { errors.add("limit", "Give a limit from 1 to 1000.") }
        try errors.throwIfAny()
        let items = try await repository.entries(productID: id, before: before ?? nil, limit: (limit ?? nil) ?? 100)
        return try APIResponse.json(EntriesPage(items: items, next: items.count == ((limit ?? nil) ?? 100) ? items.last?.sequence : nil))
    }

    func entry(_ request: Request, _ context: Context, accepted: Set<String>,
               _ body: @Sendable ([String: String], Clinic) async throws -> RegisterMovement) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await RegisterJSON.fields(from: request, accepted: accepted)
        return try APIResponse.json(try await body(fields, clinic), status: .created)
    }

    func sessionEntry(_ request: Request, _ context: Context, accepted: Set<String>,
                      _ body: @Sendable ([String: String], RegisterService.SessionRegister, Clinic) async throws -> RegisterMovement) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await RegisterJSON.fields(from: request, accepted: accepted)
        let session = try await register.sessionRegister(context, clinic: clinic)
        let entry = try await body(fields, session, clinic)
        await SessionWorkflow(services: services).announce(BoardEvent(kind: .recordChanged, sessionID: session.loaded.record.session.id,
                                                                      storedAt: services.now()))
        return try APIResponse.json(entry, status: .created)
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let lines = try await repository.stock(clinicID: clinic.id)
        var accepted: Set<String> = Set(["kind", "note"]).union(RegisterService.witnessFields)
        for line in lines {
            let key = "count-\(line.id.uuidString.lowercased())"
            accepted.formUnion([key, key + "-mg"])
        }
        let fields = try await RegisterJSON.fields(from: request, accepted: accepted)
        let count = try await register.count(fields, clinic: clinic, context: context)
        return try APIResponse.json(CountResource(id: count.id, kind: count.kind, countedAt: count.countedAt, countedBy: count.countedByName, witness: count.witnessName,
                                         lines: count.lines, discrepantLines: count.discrepantLines), status: .created)
    }

    @Sendable func discrepancies(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let openOnly = WebResponses.queryFields(of: request)["open"] != "false"
        return try APIResponse.json(APIResources.Items(try await repository.discrepancies(clinicID: clinic.id, openOnly: openOnly)))
    }

    @Sendable func close(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let id = context.parameters.get("discrepancy").flatMap(UUID.init(uuidString:)), try await repository.discrepancy(id) != nil else {
            throw Problem.notFound("There is no such discrepancy.")
        }
        let fields = try await RegisterJSON.fields(from: request, accepted: Fields.closing)
        return try APIResponse.json(try await register.close(discrepancy: id, fields, clinic: clinic, context: context))
    }

    @Sendable func session(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let session = try await register.sessionRegister(context, clinic: clinic)
        typealias Proposal = SessionRegisterResource.Proposal
        typealias Part = SessionRegisterResource.Part
        return try APIResponse.json(SessionRegisterResource(
            sessionID: session.loaded.record.session.id, state: session.loaded.record.session.state, plannedMg: session.planned, entries: session.entries,
            reconciliation: session.reconciliation, reconciled: session.reconciliation?.isReconciled ?? false,
            proposals: session.proposals.map { item in
                Proposal(product: item.product, parts: item.proposal.parts.map { Part(line: $0.line.id, amountMg: $0.amount, text: $0.text) },
                         expectedWasteMg: item.proposal.expectedWaste, shortfall: item.proposal.shortfall)
            }))
    }
}
